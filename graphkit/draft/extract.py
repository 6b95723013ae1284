"""What a page says, found by the language's patterns: organisation names with their roles, funds
of the registry, dates, budgets (:func:`read_text`). Everything keeps the sentence it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from graphkit.draft.read import Segment, patterns, segments

CAP = r"(?:[^\W\d_a-zß-ÿ])"                 # an upper-case letter
CAP_TOKEN = rf"{CAP}[\w’'.&-]*"             # ``Celano``, ``Gran``, ``Sasso-Velino``, ``ANCI``
ELIDED = rf"[a-zà-ÿ]{{1,4}}[’']{CAP}[\w.-]*"   # ``dell’Aquila``, ``d’Encadrement``
ACR_PAREN = r"\(\s*[A-Z][A-Za-z.&-]{1,14}\s*\)"
UNIT_TAIL = re.compile(r"\s*[–-]\s*(?:Direzione|Dipartimento|Ufficio|Settore|Servizio|Area|Direction|Département|Service|"
                       r"Dirección|Departamento|Servicio|Department|Office|Unit|Directorate)(?:\s+[\w’'&]+){1,5}")
ACR_DASH_TAIL = re.compile(r"\s+[-–]\s+[^\W\d_a-zß-ÿ][\w’'.]*(?:\s+(?:[a-zà-ÿ]{1,4}|[^\W\d_a-zß-ÿ][\w’'.]*)(?!\w)){0,10}")
# Connectors of names written in another language than the page's (``Commission for Filipino ...``,
# ``Centre de Capacitación del ...``); "and" words are left out, they join list items.
FOREIGN_CONNECTORS = {"of", "for", "the", "de", "du", "des", "la", "le", "les", "d’", "d'", "pour", "del", "para", "por",
                      "di", "della", "per", "&"}
NAME_COUNTRY = re.compile(r"^(?P<name>[^\W\d_a-zß-ÿ][^,\n]{2,90}),\s*(?P<country>[^\W\d_a-zß-ÿ][\w’' -]{2,40}?)\s*$")


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Country names in Italian, French, Spanish and English (CLDR, through Babel)."""
    from babel import Locale

    return frozenset(n for lang in ("it", "fr", "es", "en") for k, n in Locale(lang).territories.items()
                     if len(k) == 2 and k.isalpha())


BARE_ACRONYM = re.compile(r"(?<![\w’'/(.-])[A-Z][A-Z0-9]{2,7}(?:/[A-Z]{2,7})?(?![\w’'/.-]|\s*\))")
BULLET = re.compile(r"^\s*[•·*\-–▪◦]\s")


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@dataclass
class Mention:
    """A name found in the page: where, as written, how, and the role the page gives it."""

    start: int
    end: int
    as_written: str
    how: str                         # gazetteer | org-word | list | heading | acronym
    segment: Segment
    role: str | None = None
    role_how: str | None = None      # heading | after | cue
    role_words: str | None = None
    proposed_name: str | None = None  # ``Comune di Celano`` for ``Celano`` after ``i Comuni di``
    heading: str | None = None        # the heading of the list the name is an item of, on its own line
    part_of: "Mention | None" = None  # the body this one is a unit of (``X au sein de Y``)
    nested_words: str | None = None   # the words that say so


@dataclass
class Reading:
    """Everything read from a page (kept for callers that want it in one value)."""

    mentions: list[Mention] = field(default_factory=list)
    funds: list[dict[str, Any]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    budgets: list[dict[str, Any]] = field(default_factory=list)
    title: dict[str, str] | None = None
    cues_unused: list[dict[str, str]] = field(default_factory=list)


@lru_cache(maxsize=None)
def _compiled(language: str) -> dict[str, Any]:
    p = patterns(language)
    flags = re.IGNORECASE
    conn = _alt(sorted(set(p["connectors"]) | FOREIGN_CONNECTORS))
    org = _alt(p["org_words"])
    token = rf"(?:{CAP_TOKEN}|{ELIDED}|\d+)"
    # a name: capitalised tokens with connectors between them, optionally an acronym in parentheses
    low = rf"[a-zà-ÿ]{{4,}}(?=\s+(?:{conn})\s+{CAP})"      # ``Amministrazione provinciale di Cagliari``
    name_tail = rf"(?:\s+(?:(?:{conn})\s+)*(?:{token}|{low}))*(?:\s*{ACR_PAREN})?"
    return {
        "org": re.compile(rf"(?<!\w)(?:{org})(?![\w]){name_tail}"),
        "name": re.compile(rf"{token}{name_tail}"),
        "cues": [(re.compile(rf"(?<!\w)(?:{c['pattern']})(?:(?<=[’'])|(?!\w))", flags), c["role"]) for c in p["cues"]],
        "cues_after": [(re.compile(rf"(?<!\w)(?:{c['pattern']})(?!\w)", flags), c["role"])
                       for c in p.get("cues_after") or []],
        "parent_after": re.compile(rf"^[\s,]*(?:{p['parent_after']})\s*", flags) if p.get("parent_after") else None,
        "unit_after": re.compile(rf"^[\s,]*(?:{p['unit_after']})\s*", flags) if p.get("unit_after") else None,
        "and_article": re.compile(rf"\s+(?:{_alt(p['and_words'])})\s+(?:(?:{_alt(p['articles'])})(?:\s+|(?<=[’']))(?=[^\W\d_a-zß-ÿ])"
                                  rf"|(?=[A-Z]{{3,}}(?:\s|$|[,.;)]))|(?=(?:{org})\s)|(?=[A-Z][a-z]+[A-Z]\w*(?:\s|$|[,.;)])))"),
        "not_acronyms": set(p.get("not_acronyms") or []),
        "plurals_paren": dict(p.get("plurals_paren") or {}),
        "plural_paren": re.compile(rf"(?<!\w)(?P<head>{_alt(list(p.get('plurals_paren') or {}))})(?:\s+[a-zà-ÿ]+)?\s*"
                                   rf"\((?P<list>[^()]{{3,400}})\)") if p.get("plurals_paren") else None,
        "source_cue": re.compile(rf"(?:{p['source_cues']})\s*$", flags) if p.get("source_cues") else None,
        "org_lower": re.compile(rf"(?:{_alt([w.lower() for w in p['org_words']])})\s+(?=[^\W\d_a-zß-ÿ])"),
        "lead_article": re.compile(rf"(?:{_alt([a.capitalize() for a in p['articles'] if len(a) > 1])})(?:\s+|(?<=[’']))"
                                   rf"(?=[^\W\d_a-zß-ÿ])"),
        "after": [(re.compile(rf"[ \t]*\(?[ \t]*(?:{a['pattern']})(?!\w)[ \t]*\)?", flags), a["role"]) for a in p["after"]],
        "headings": [(re.compile(rf"^[\s•·*\-–]*(?:{h['pattern']})\s*:\s*", flags), h["role"]) for h in p["headings"]],
        "headings_bare": [(re.compile(rf"^[\s•·*\-–]*(?:{h['pattern']})(?:\s+[\w’']+){{0,2}}\s*$", flags), h["role"])
                          for h in p["headings"]],
        "group_heading": re.compile(rf"^[\s•·*\-–]*(?:{p.get('group_headings') or 'in'})(?!\w)", flags),
        "any_heading": re.compile(r"^[\s•·*\-–]*[^\W\d_][\w\s’'/()-]{0,40}:\s*"),
        "articles": re.compile(rf"^(?:(?:{_alt(p['articles'])})(?:\s+|(?<=[’'])))", flags),
        "plurals": {k: v for k, v in (p.get("plurals") or {}).items()},
        "and": re.compile(rf"\s*,\s*|\s+(?:{_alt(p['and_words'])})\s+"),
        "org_start": re.compile(rf"^(?:{org})(?!\w)"),
        "not_org_start": re.compile(rf"^(?:{_alt(p.get('non_org_words') or ['(?!)'])})(?!\w)", re.IGNORECASE),
        "title_heading": re.compile(rf"^[\s•·*\-–]*(?:{p['title_headings']})\s*:\s*(.+)$", flags),
        "title_prose": re.compile(rf"(?<!\w)(?:{p['project_words']})\s+[«“\"]\s*([^»”\"]{{3,120}}?)\s*[»”\"]", flags),
        "months": {k.casefold(): v for k, v in p["months"].items()},
        "conn": {c.casefold() for c in set(p["connectors"]) | FOREIGN_CONNECTORS},
    }


def _slug_words(text: str) -> str:
    """A slug of some words (``Bando ET 2017`` -> ``bando-et-2017``)."""
    from graphkit.resolve.names import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60].strip("-")


def _trim(text: str, conn: set[str]) -> str:
    """A name without the connectors, dashes and dots it may end with (``Comuni di Celano e`` ...)."""
    words = text.split()
    while words and (words[-1].casefold() in conn or words[-1] in {"-", "–"}):
        words.pop()
    out = " ".join(words) if words else ""
    return out.rstrip(".,;:-– ") if not re.search(r"\.\w\.$", out) else out


# ------------------------------------------------------------------ organisation names

def find_names(text: str, language: str, gazetteer: list[tuple[str, Any]], fund_spans: list[tuple[int, int]]) -> list[Mention]:
    """The organisation names of the page: registry names, names starting with an organisation word,
    names listed after a heading or a role cue, acronyms in parentheses."""
    c = _compiled(language)
    segs = segments(text)
    lines = text.split("\n")
    found: list[Mention] = []

    def add(start: int, as_written: str, how: str, seg: Segment, **kw: Any) -> None:
        joined = c["and_article"].search(as_written) if how in ("org-word", "list", "heading") else None
        if joined:
            # ``Associazione Prometeo e la USL 1``: two names joined by "and" and an article
            add(start, as_written[:joined.start()], how, seg, **kw)
            add(start + joined.end(), as_written[joined.end():], "org-word" if how == "org-word" else how, seg,
                **{k: v for k, v in kw.items() if k != "proposed_name"})
            return
        as_written = _trim(as_written, c["conn"])
        if not as_written or len(as_written) < 2:
            return
        local = start - seg.start
        if seg.text[local:local + len(as_written)] == as_written:
            unit = UNIT_TAIL.match(seg.text, local + len(as_written))
            if unit:                    # ``Regione Lazio – Direzione Lavoro``: the body's unit
                as_written = as_written + _trim(unit.group(0), c["conn"])
            elif re.fullmatch(r"[A-Z][A-Z0-9.&]{2,9}", as_written.split()[-1]):
                dash = ACR_DASH_TAIL.match(seg.text, local + len(as_written))
                if dash:                # ``CECCA - Centro de Capacitaciòn Campesina del Azuay``
                    as_written = _trim(seg.text[local:dash.end()], c["conn"])
        lead = c["lead_article"].match(as_written)
        if lead and how in ("org-word", "gazetteer") and len(as_written) > lead.end():
            start, as_written = start + lead.end(), as_written[lead.end():]     # ``El Taller de ...``
        found.append(Mention(start, start + len(as_written), as_written, how, seg, **kw))

    # the role of a heading line (``Partner: ...``), with the lines of its list that follow
    heading_role: dict[int, tuple[str, str, str, int]] = {}
    current: tuple[str, str, str, int] | None = None
    bulleted = False

    def next_line(i: int) -> str:
        return next((x for x in lines[i + 1:] if x.strip()), "")

    suspended: tuple[str, str, str, int] | None = None
    for i, line in enumerate(lines):
        m = next(((h, role) for h, role in c["headings"] if h.match(line)), None)
        if m is None and BULLET.match(next_line(i)):
            # a heading without its colon on a line of its own, before a list (``Enti aderenti formalmente``)
            m = next(((h, role) for h, role in c["headings_bare"] if h.match(line)), None)
        if m is None and line.rstrip().endswith(":") and BULLET.match(next_line(i)):
            # a sentence ending with a colon before a list, with a role cue (``les associations retenues
            # sont les suivantes :``): the cue's role for the items
            cues = _cues(line, c)
            if cues:
                cm, role = cues[-1]
                current = (role, cm.group(0).strip(" :"), line.strip(), i)
                heading_role[i] = current
                bulleted, suspended = True, None
                continue
        if m:
            suspended = None
            hm = m[0].match(line)
            current = (m[1], hm.group(0).strip().strip(" •·*-–:").strip(), hm.group(0).strip().strip(" •·*-–"), i)
            heading_role[i] = current
            bulleted = BULLET.match(next_line(i)) is not None
            if line[hm.end():].strip() and not BULLET.match(next_line(i)):
                current = None          # names on the same line: the list ends with the line
        elif not line.strip():
            continue                    # blank lines inside a list
        elif current is None and suspended and BULLET.match(line):
            current = suspended         # the next item of a list interrupted by a description
            heading_role[i] = current
        elif current and c["any_heading"].match(line):
            # a sub-heading of the list (``Enti Locali: ...``, ``In Francia :`` before bullets) keeps
            # its role; a heading with neither items nor bullets after it (``Obiettivi:``) ends it
            sub = c["any_heading"].match(line)
            if c["group_heading"].match(line) and (line[sub.end():].strip() or BULLET.match(next_line(i))):
                heading_role[i] = current
            else:
                current = None
        elif current and (BULLET.match(line) or (not bulleted and len(line.strip()) <= 120
                                                  and not re.search(r"[.!?]\s+[A-Z]", line))):
            heading_role[i] = current
        elif current and bulleted and line[:1].isspace():
            continue                    # an indented line under an item (its project, its place)
        else:
            if current and bulleted:
                suspended = current
            if c["any_heading"].match(line):
                suspended = None
            current = None

    for seg in segs:
        s = seg.text
        base = seg.start
        # names after a heading: the items of the list
        bare = seg.line in heading_role and heading_role[seg.line][3] == seg.line and not any(
            h.match(s) for h, _ in c["headings"])           # a heading without a colon: nothing listed on its line
        if seg.line in heading_role and not bare:
            role, words, heading, heading_line = heading_role[seg.line]
            body_start = 0
            for h, _ in c["headings"]:
                hm = h.match(s)
                if hm:
                    body_start = hm.end()
                    break
            else:
                sub = c["any_heading"].match(s)
                lead = sub or re.match(r"^[\s•·*\-–]*", s)
                body_start = lead.end() if lead else 0
            for item in _items(s, body_start, c):
                add(base + item[0], item[1], "heading", seg, role=role, role_how="heading", role_words=words,
                    heading=heading if heading_line != seg.line else None)
        # names listed after a role cue: ``in partenariato con A, B e C``
        for cm, role in _cues(s, c):
            for item in _items(s, cm.end(), c, stop_at_lower=True):
                add(base + item[0], item[1], "list", seg, proposed_name=item[2])
        for m in c["org"].finditer(s):
            add(base + m.start(), m.group(0), "org-word", seg)
        for start, long_name in _long_forms(s, c["not_org_start"]):
            add(base + start, long_name, "org-word", seg)
        nc = NAME_COUNTRY.match(s)
        if nc and nc.group("country") in country_names():
            # ``Touiza Solidarité, France``: a line naming an organisation and its country (a table's cell)
            role = next(((r, words, heading) for j in range(seg.line - 1, max(-1, seg.line - 25), -1)
                         for h, r in c["headings_bare"] if (hm := h.match(lines[j]))
                         for words, heading in [(lines[j].strip(), lines[j].strip())]), None)
            if role:
                add(base + nc.start("name"), nc.group("name"), "heading", seg, role=role[0], role_how="heading",
                    role_words=role[1], heading=role[2])
            else:
                add(base + nc.start("name"), nc.group("name"), "list", seg)
        for m in BARE_ACRONYM.finditer(s):
            if m.group(0) not in c["not_acronyms"]:
                add(base + m.start(), m.group(0), "bare-acronym", seg)
        for m in c["plural_paren"].finditer(s) if c["plural_paren"] else ():
            prefix = c["plurals_paren"][m.group("head")]
            inner_start = m.start("list")
            for off, item, _ in _items(s, inner_start, c):
                if off < m.end("list"):
                    add(base + off, item, "list", seg, proposed_name=f"{prefix} {item}")
        for m in re.finditer(ACR_PAREN, s):
            inner = m.group(0).strip("() ")
            if re.fullmatch(r"[A-Z][A-Z0-9.&-]{1,14}", inner) and sum(ch.isupper() for ch in inner) >= 2:
                add(base + m.start() + m.group(0).index(inner), inner, "acronym", seg)
        for name, _ in gazetteer:
            for m in re.finditer(rf"(?<![\w’']){re.escape(name)}(?![\w])", s):
                add(base + m.start(), name, "gazetteer", seg)

    # keep the longest of overlapping names; a name inside a fund's name is the fund's
    found = [f for f in found if not any(a <= f.start < b for a, b in fund_spans)]
    rank = {"heading": 0, "list": 1, "org-word": 2, "gazetteer": 3, "acronym": 4, "bare-acronym": 5}
    found.sort(key=lambda f: (f.start, -(f.end - f.start), rank[f.how]))
    kept: list[Mention] = []
    for f in found:
        over = [k for k in kept if f.start < k.end and k.start < f.end]
        if not over:
            kept.append(f)
            continue
        k = over[0]
        if f.end - f.start > k.end - k.start and f.start >= k.start:
            # a longer name that starts inside: keep the longer, with the list's role and name
            f.role, f.role_how, f.role_words, f.heading = k.role, k.role_how, k.role_words, k.heading
            f.proposed_name = f.proposed_name or k.proposed_name
            kept[kept.index(k)] = f
        elif k.role is None and f.role is not None:
            k.role, k.role_how, k.role_words, k.heading = f.role, f.role_how, f.role_words, f.heading
    kept = _drop_lone_org_words(kept, c)
    for k in kept:
        _give_role(k, text, c)
    # a word in capitals standing alone is a name only when the page gives it a role; an acronym in
    # parentheses after a long name that is no organisation's (``Strategia nazionale ... (SNIA)``) is none
    kept = [k for k in kept if k.how != "bare-acronym" or k.role is not None]
    kept = [k for k in kept if k.how != "acronym" or k.role is not None or not _not_an_organisation(k, c)]
    _nest(kept, text, c)
    return kept


def _long_forms(s: str, not_org: re.Pattern[str]) -> list[tuple[int, str]]:
    """Names written in full before their acronym in parentheses, lower-case words included, when the
    acronym can be read off their words (``Programme d'appui aux initiatives de solidarité pour le
    développement (PAISD)``): (offset, name with its acronym)."""
    from graphkit.resolve.names import abbreviates, raw_tokens

    out = []
    for m in re.finditer(ACR_PAREN, s):
        acr = m.group(0).strip("() ")
        if not re.fullmatch(r"[A-Z][A-Z0-9]{2,9}", acr):
            continue
        before = s[:m.start()].rstrip()
        words = list(re.finditer(r"[^\s()]+", before))[-14:]
        best = None
        for i, w in enumerate(words):
            elided = re.match(r"[a-zà-ÿ]{1,4}[’']", w.group(0))      # ``l’Agence``: the name after the article
            start = w.start() + (elided.end() if elided else 0)
            if not before[start:start + 1].isupper():
                continue
            cand = before[start:]
            if abbreviates(acr.lower(), raw_tokens(cand)):
                best = (start, cand + " " + m.group(0).strip())
                break
        if best and len(best[1].split()) >= 3 and not not_org.match(best[1]):
            out.append(best)
    return out


def _not_an_organisation(k: Mention, c: dict[str, Any]) -> bool:
    """Whether an acronym in parentheses abbreviates the words before it, and those start with a
    word that names no organisation (``non_org_words``: a strategy, a plan, a law, a fund)."""
    from graphkit.resolve.names import abbreviates, raw_tokens

    s = k.segment.text
    here = k.start - k.segment.start
    before = s[:max(0, here - 1)].rstrip(" (")
    words = list(re.finditer(r"[^\s()]+", before))[-14:]
    for w in words:
        if w.group(0)[:1].isupper() and abbreviates(k.as_written.lower(), raw_tokens(before[w.start():])):
            return bool(c["not_org_start"].match(before[w.start():]))
    return False


def _nest(kept: list[Mention], text: str, c: dict[str, Any]) -> None:
    """Nested bodies: ``X au sein de Y``, ``X (Y)`` (Y is the body X is part of, its role ``other``
    unless the page gives one), ``Y, a través del X`` (X is a unit of Y, its role ``other`` unless
    the page gives one)."""
    ordered = sorted(kept, key=lambda k: k.start)
    for a, b in zip(ordered, ordered[1:]):
        gap = text[a.end:b.start]
        if "\n" in gap:
            continue
        pm = c["parent_after"].match(gap) if c["parent_after"] else None
        um = c["unit_after"].match(gap) if c["unit_after"] else None
        if pm and pm.end() == len(gap):
            a.part_of, a.nested_words = b, pm.group(0).strip(" ,")
            if b.role is None or b.role_how in ("cue", "cue after"):
                b.role, b.role_how, b.role_words = "other", "nested", pm.group(0).strip(" ,")
        elif um and um.end() == len(gap):
            b.part_of, b.nested_words = a, um.group(0).strip(" ,")
            if b.role is None:
                b.role, b.role_how, b.role_words = "other", "nested", um.group(0).strip(" ,")
        elif re.fullmatch(r"(?:\s+[a-zà-ÿ]+){0,2}\s*\(", gap) and b.how != "acronym" and text[b.end:b.end + 1] == ")":
            a.part_of, a.nested_words = b, "(" + b.as_written + ")"
            if b.role is None or b.role_how in ("cue", "cue after"):
                b.role, b.role_how, b.role_words = "other", "nested", a.as_written + " (" + b.as_written + ")"


def _drop_lone_org_words(kept: list[Mention], c: dict[str, Any]) -> list[Mention]:
    """An organisation word alone (``Provincia``, ``Associazione``) names nothing."""
    out = []
    for k in kept:
        m = c["org_start"].match(k.as_written)
        if m and m.end() == len(k.as_written) and len(k.as_written.split()) == 1 and k.how != "gazetteer":
            continue
        if k.as_written in c["plurals_paren"] or k.as_written.rstrip("s") in {w.rstrip("s") for w in c["plurals_paren"]}:
            continue
        out.append(k)
    return out


def _cues(s: str, c: dict[str, Any]) -> list[tuple[re.Match, str]]:
    """The role cues of a sentence, the longest where two start or overlap at the same place."""
    hits = [(m, role) for rx, role in c["cues"] for m in rx.finditer(s)]
    hits.sort(key=lambda h: (h[0].start(), -(h[0].end() - h[0].start())))
    out: list[tuple[re.Match, str]] = []
    for m, role in hits:
        if out and m.start() < out[-1][0].end():
            continue
        out.append((m, role))
    return out


def _items(s: str, start: int, c: dict[str, Any], stop_at_lower: bool = False) -> list[tuple[int, str, str | None]]:
    """The names listed from ``start``: (offset, as written, proposed full name) for each item
    separated by commas and ``and``; a list after a cue ends at the first item that is no name."""
    out: list[tuple[int, str, str | None]] = []
    pos = start
    prefix: str | None = None
    rest = s[start:]
    parts = []
    last = 0
    for m in c["and"].finditer(rest):
        parts.append((last, rest[last:m.start()]))
        last = m.end()
    parts.append((last, rest[last:]))
    for off, part in parts:
        lead = len(part) - len(part.lstrip())
        item = part.strip()
        off += lead
        am = c["articles"].match(item)
        had_article = bool(am)
        if am:
            item, off = item[am.end():], off + am.end()
        plural = next((p for p in sorted(c["plurals"], key=len, reverse=True) if item.startswith(p + " ")), None)
        if plural:
            prefix = c["plurals"][plural]
            item, off = item[len(plural) + 1:], off + len(plural) + 1
        elif had_article or c["org_start"].match(item):
            prefix = None
        low = c["org_lower"].match(item)
        if low and c["name"].match(item, low.end()):
            item, off = item[low.end():], off + low.end()      # ``dall’associazione ACRA``
        m = c["name"].match(item)
        if not m and stop_at_lower and not out:
            # ``capofila del progetto la Filef ...``: up to three lower-case words before the first name
            filler = re.match(r"(?:[a-zà-ÿ’']+\s+){1,3}", item)
            if filler:
                rest = item[filler.end():]
                am2 = c["articles"].match(rest)
                skip = filler.end() + (am2.end() if am2 else 0)
                if c["name"].match(item, skip):
                    item, off = item[skip:], off + skip
                    m = c["name"].match(item)
        if not m:
            if stop_at_lower:
                break
            continue
        dash = ACR_DASH_TAIL.match(item, m.end()) if re.fullmatch(r"[A-Z][A-Z0-9.&]{1,9}", m.group(0).split()[-1]) else None
        if dash:
            m = re.match(re.escape(item[:dash.end()]), item)   # ``CECCA - Centro de Capacitación ...``
        name = _trim(m.group(0), c["conn"])
        if not name:
            break
        out.append((pos + off, name, f"{prefix} {name}" if prefix else None))
        if stop_at_lower and m.end() < len(item.rstrip(" .;:")):
            tail = item[m.end():].strip()
            if tail and not any(rx.match(item[m.end():]) for rx, _ in c["after"]) and not tail.startswith("("):
                break                   # ``il Gobierno de Canarias con 350.500 euros``: the list ends
    return out


def _give_role(k: Mention, text: str, c: dict[str, Any]) -> None:
    """The role of a name: a role word right after it, else its heading, else the nearest cue
    before it in its sentence."""
    after = text[k.end:k.end + 40]
    for rx, role in c["after"]:
        m = rx.match(after)
        if m and m.group(0).strip():
            k.role, k.role_how, k.role_words = role, "after", m.group(0).strip(" ()")
            return
    if k.role_how == "heading":
        return
    s = k.segment.text
    here = k.start - k.segment.start
    before = [(m, role) for m, role in _cues(s, c) if m.end() <= here]
    if before:
        m, role = before[-1]
        k.role, k.role_how, k.role_words = role, "cue", m.group(0)
        return
    if c["source_cue"] and c["source_cue"].search(s[max(0, here - 60):here]):
        k.role_how = "source"           # ``si legge sul sito del Ministero``: whose words these are
        return
    # a cue after the name (``X, Y et Z ont ... de cofinancer``), with no other cue between
    end = k.end - k.segment.start
    between = [m for m, _ in _cues(s, c) if m.start() >= end]
    hits = sorted(((m.start(), m.group(0), role) for rx, role in c["cues_after"] for m in [rx.search(s, end)] if m))
    if hits and not any(b.start() < hits[0][0] for b in between):
        k.role, k.role_how, k.role_words = hits[0][2], "cue after", hits[0][1]


# ------------------------------------------------------------------ funds

def find_funds(text: str, funds: list[dict[str, Any]], language: str | None = None
               ) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """The funds a page names, one entry per fund in page order: by a name, alias or acronym of the
    registry as written (``FEI``), or by a description of the language's ``funds`` patterns
    (``fondi comunitari per l’Integrazione dei Cittadini di Paesi terzi`` -> FEI, marked inferred);
    a fund's part written next to it (``Azione 7``, ``OS2``, ``ON3``) is taken down to the registry
    entry of that code under the fund, or kept as written when the registry lacks it. Returns the
    funding entries (``scheme``, ``quote``, ``match``, ``found_by``, ``confidence``) and the places
    of every fund name in the text."""
    by_id = {f["id"]: f for f in funds}
    names: list[tuple[str, str]] = []
    for f in funds:
        for n in [f.get("name"), f.get("acronym"), *(f.get("aliases") or [])]:
            if n and len(n) >= 3:
                names.append((n, f["id"]))
    names.sort(key=lambda x: (-len(x[0]), x[0], x[1]))
    spans: list[tuple[int, int, str, str, str]] = []
    for n, fid in names:
        flags = re.IGNORECASE if re.fullmatch(r"[A-Z]{4,}", n) else 0      # ``programma Fami``
        for m in re.finditer(rf"(?<![\w’']){re.escape(n)}(?!\w)", text, flags):
            if not any(a < m.end() and m.start() < b for a, b, *_ in spans):
                spans.append((m.start(), m.end(), m.group(0), fid, "name"))
    p = patterns(language) if language else {}
    for d in p.get("funds") or []:
        for m in re.finditer(rf"(?<!\w)(?:{d['pattern']})(?!\w)", text, re.IGNORECASE):
            if not any(a < m.end() and m.start() < b for a, b, *_ in spans):
                spans.append((m.start(), m.end(), m.group(0), d["fund"], "inferred" if d.get("inferred") else "described"))
    for m in re.finditer(rf"(?<!\w)(?:{p['fund_calls']})", text) if p.get("fund_calls") else ():
        if not any(a < m.end() and m.start() < b for a, b, *_ in spans):
            spans.append((m.start(), m.end(), m.group(0).strip(), _slug_words(m.group(0)), "call"))
    spans.sort()
    code_rx = re.compile(rf"(?<!\w)(?:{p['fund_codes']})(?!\w)", re.IGNORECASE) if p.get("fund_codes") else None
    segs = segments(text)
    out: dict[str, dict[str, Any]] = {}
    for a, b, n, fid, how in spans:
        seg = next(s for s in segs if s.start <= a < s.end + 1)
        known = fid in by_id
        entry_id = fid if known else f"new:{fid}"
        if entry_id in out:
            continue
        match: dict[str, Any] = {"as_written": n}
        if known:
            match["name"] = by_id[fid]["name"]
        found_by = {"name": "fund name of the registry", "inferred": "fund description (inferred: the page does not name it)",
                    "described": "fund description", "call": "a call for proposals named by the page"}[how]
        if not known:
            found_by += "; not in the funds registry"
        out[entry_id] = {"scheme": entry_id, "quote": seg.text, "match": match, "found_by": found_by,
                         "confidence": 0.9 if how == "name" else 0.7 if how in ("described", "call") else 0.5}
    # the parts of a fund: a code in the text, under the first fund found
    if code_rx and out:
        top = next(iter(out.values()))
        fid = top["scheme"]
        for seg in segs:
            for m in code_rx.finditer(seg.text):
                code = " ".join(m.group(0).split())
                kid = next((f["id"] for f in funds if f.get("parent") == fid and
                            re.sub(r"\s", "", str(f.get("code") or "")).casefold() == re.sub(r"\s", "", code).casefold()), None)
                if kid:
                    if kid not in out:
                        out[kid] = {"scheme": kid, "quote": seg.text, "match": {"as_written": m.group(0), "name": by_id[kid]["name"]},
                                    "found_by": f"code of a part of {fid}", "confidence": 0.7}
                        fid = kid
                elif "part" not in top["match"]:
                    top["match"]["part"] = m.group(0)
                    top["match"]["part_quote"] = seg.text
                    top["found_by"] += f"; its part '{m.group(0)}' is not in the funds registry"
    return list(out.values()), [(a, b) for a, b, *_ in spans]


# ------------------------------------------------------------------ budgets

_CURRENCY = [
    (r"€|EUR|euros?|Euros?", "EUR"), (r"US\$|USD|\$|dollars?|d[oó]lares|dollari", "USD"),
    (r"F\s?CFA|FCFA|Fcfa|XOF", "XOF"), (r"CHF", "CHF"), (r"MAD|dirhams?", "MAD"),
]
_MULT = [(r"mila|mille", 3), (r"milion[ei]|millions?|millones?|mill[oó]n|mln|Mio|M(?=\s?€)", 6),
         (r"miliardi|miliardo|milliards?|Mds|billions?|mil millones", 9)]
_NUM = r"\d{1,3}(?:(?:[.,]|\s(?=\d{3}\b))\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"


def find_budgets(text: str, language: str) -> list[dict[str, Any]]:
    """Amounts of money: a number, a multiplier (``mila``, ``M``, ``milliards``) and a currency,
    either way round (``350.500 euros``, ``€ 180,000``, ``14 M€``); the amount an exact decimal
    string, never a float."""
    cur = "|".join(f"(?:{p})" for p, _ in _CURRENCY)
    mult = "|".join(f"(?:{p})" for p, _ in _MULT)
    after = re.compile(rf"(?<![\w.,])(?P<num>{_NUM})\s?(?P<mult>{mult})?\s?(?:de\s+|d[’']\s?|di\s+)?(?P<cur>{cur})(?!\w)")
    before = re.compile(rf"(?<!\w)(?P<cur>€|EUR|USD|US\$|\$|CHF)\s?(?P<num>{_NUM})(?:\s?(?P<mult>{mult}))?(?!\w)")
    out: list[dict[str, Any]] = []
    for seg in segments(text):
        taken: list[tuple[int, int]] = []
        hits = []
        for rx in (after, before):
            for m in rx.finditer(seg.text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                hits.append(m)
        for m in sorted(hits, key=lambda m: m.start()):
            amount = _amount(m.group("num"), m.group("mult"), language)
            if amount is None:
                continue
            code = next(code for p, code in _CURRENCY if re.fullmatch(p, m.group("cur")))
            out.append({"amount": amount, "currency": code, "as_written": m.group(0).strip(), "quote": seg.text,
                        "start": seg.start + m.start(), "end": seg.start + m.end()})
    return out


def _amount(num: str, mult: str | None, language: str) -> str | None:
    s = re.sub(r"\s", "", num)
    if "." in s and "," in s:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        s = s.replace("," if dec == "." else ".", "").replace(dec, ".")
    else:
        sep = "." if "." in s else "," if "," in s else None
        if sep:
            groups = s.split(sep)
            if len(groups) > 2 or len(groups[-1]) == 3:
                s = s.replace(sep, "")
            else:
                s = s.replace(sep, ".")
    try:
        value = Decimal(s)
    except ArithmeticError:
        return None
    if mult:
        power = next(pw for p, pw in _MULT if re.fullmatch(re.sub(r"\(\?=[^)]*\)", "", p), mult))
        value = value.scaleb(power)
    text = format(value.normalize(), "f")
    return text


# ------------------------------------------------------------------ title

def find_title(text: str, language: str) -> dict[str, str] | None:
    """The project's title: a ``Titolo progetto:`` field, else a quoted name after ``progetto``."""
    c = _compiled(language)
    for line in text.split("\n"):
        m = c["title_heading"].match(line)
        if m:
            return {"title": m.group(1).strip(), "title_quote": line.strip()}
    m = c["title_prose"].search(text)
    if m:
        return {"title": m.group(1).strip(), "title_quote": m.group(0)}
    return None


def find_project_titles(text: str, language: str) -> list[dict[str, Any]]:
    """Projects named in prose, each by a project word and a quoted title after it in the same
    sentence (``il progetto presentato da X, denominato “Parlo dunque sono”``): the title, the
    offsets of the project word and of the title's end, and the sentence."""
    p = patterns(language)
    named = p.get("named_words") or "called"
    rx = re.compile(rf"(?<!\w)(?:{p['project_words']})(?!\w)(?:(?![«“\"]).){{0,160}}?(?:(?:{named})\s*)?[«“\"]\s*"
                    rf"([^»”\"]{{3,200}}?)\s*(?:[»”\"]|$)", re.IGNORECASE)
    out = []
    for seg in segments(text):
        for m in rx.finditer(seg.text):
            out.append({"title": m.group(1).strip(), "start": seg.start + m.start(), "end": seg.start + m.end(),
                        "segment": seg, "quote": seg.text})
    return out


def unused_cues(text: str, language: str, mentions: list[Mention]) -> list[dict[str, str]]:
    """Role cues that no name took: what the page says about roles the drafter could not place."""
    c = _compiled(language)
    out = []
    for seg in segments(text):
        for m, role in _cues(seg.text, c):
            at = seg.start + m.end()
            if not any(k.segment == seg and k.role_words == m.group(0) and k.start >= at for k in mentions):
                out.append({"what": f"role cue without a name: {m.group(0)}", "role": role, "quote": seg.text})
    return out
