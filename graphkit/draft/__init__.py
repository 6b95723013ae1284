"""The page drafter (issue 16): a web page about a migration-cooperation project -> a YAML draft in
the records format, for a person to review (docs/drafting.md).

- :func:`draft_page`: the draft of one page, as a dict; :func:`render` its YAML text;
  :func:`write_draft` writes it (to a temporary file, then renamed: nothing half-written).
- :mod:`graphkit.draft.read`: the page's text (plain or HTML) and language.
- :mod:`graphkit.draft.extract`: names and roles, funds, dates, budgets, by the patterns of
  ``graphkit/resources/draft/patterns-{it,fr,es,en}.yaml``.
- :mod:`graphkit.draft.evaluate`: drafts scored against hand-made expected records.

Example::

    from graphkit.draft import draft_page, render
    print(render(draft_page("tests/data/pages-dev/it-passerelles.txt")))
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from graphkit import paths as where
from graphkit.draft.counts import find_target_groups
from graphkit.draft.dates import dates_block, find_durations, read_dates
from graphkit.draft.extract import (
    Mention, country_names, find_budgets, find_funds, find_names, find_project_titles, find_title, unused_cues,
)
from graphkit.draft.places import SCHEMA_KIND, origin_countries, read_places
from graphkit.draft.programmes import find_programme
from graphkit.draft.read import DraftError, detect_language, language_problem, patterns, read_page, segments
from graphkit.records.reference import load_reference
from graphkit.resolve import Resolver
from graphkit.resolve.places import registry_analyser
from graphkit.resolve.placenames import find_place
from graphkit.resolve.registry import RegistryError, registry_entries
from graphkit.resolve.names import ACCEPT, REVIEW

__all__ = ["DraftError", "Registry", "draft_page", "render", "write_draft", "registry"]

LIST_MARK = re.compile(r"^\s*(?:[•·*▪◦]|\d{1,2}\s*[-–.)])\s")
ROLE_CONFIDENCE = {"after": 0.9, "heading": 0.9, "cue": 0.7, "cue after": 0.6, "nested": 0.6}
# Public bodies whose registry entry is one place's (based in a municipality, or a unit of a body
# named after a place) while their name says no place: a name without its place never matches them.
LOCAL_BODY_TYPES = {"government-department", "prefecture", "health-authority", "municipality", "province",
                    "region", "metropolitan-city", "social-district", "chamber-of-commerce"}
# The type of a new organisation from the first word of its name (folded).
TYPE_WORDS = {
    "association": ("associazione", "associazioni", "association", "asociacion", "asociaciones"),
    "municipality": ("comune", "citta", "commune", "ville", "mairie", "ayuntamiento", "municipality", "city"),
    "province": ("provincia", "province", "diputacion"),
    "region": ("regione", "region", "gobierno", "generalitat", "junta", "cabildo"),
    "ministry": ("ministero", "ministere", "ministerio", "ministry"),
    "government-department": ("direzione", "direction", "dipartimento", "departement", "department", "direccion",
                              "secretariat", "segretariato", "secretaria", "comisionado", "ufficio", "office",
                              "consiglio", "conseil"),
    "public-agency": ("agenzia", "agence", "agencia", "agency"),
    "university": ("universita", "universite", "universidad", "university"),
    "cooperative": ("cooperativa", "cooperative"),
    "health-authority": ("asl", "usl", "ulss", "azienda"),
    "ngo": ("ong", "ngo", "onlus"),
    "eu-institution": ("unione europea", "union europeenne", "union europea", "european union",
                       "commissione europea", "commission europeenne", "comision europea", "european commission"),
}


class Registry:
    """The organisations, funds and places of the records folder, and the resolver over the organisations."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.organisations = registry_entries(self.data_dir, "organisations")
        self.funds = registry_entries(self.data_dir, "funds")
        self.places = registry_entries(self.data_dir, "places")
        self.reference_dir = where.reference_dir_of(self.data_dir)
        self.by_id = {o["id"]: o for o in self.organisations}
        tables = load_reference(self.reference_dir)
        countries = [n for c in tables.countries.values() for n in c.names.values()]
        names = [n for o in self.organisations for n in [o["name"], *(o.get("aliases") or [])]]
        self.resolver = Resolver(self.organisations, registry_analyser(names, self.reference_dir, countries))
        self.local_only = {o["id"] for o in self.organisations if self._local_only(o)}
        gaz: set[tuple[str, str]] = set()
        for o in self.organisations:
            for n in [o["name"], o.get("acronym"), *(o.get("aliases") or [])]:
                if n and len(n) >= 3 and n[0].isupper() and not (o["id"] in self.local_only and n == o["name"]):
                    gaz.add((n, o["id"]))
        self.gazetteer = sorted(gaz, key=lambda x: (-len(x[0]), x))

    def _local_only(self, o: dict[str, Any]) -> bool:
        """A public body of one place whose name says no place (``Consiglio Territoriale per
        l’Immigrazione`` of Fermo): its name alone is generic."""
        if o.get("type") not in LOCAL_BODY_TYPES:
            return False
        analyse = self.resolver.analyser.analyse
        if analyse(o["name"]).regions:
            return False
        parent = self.by_id.get(o.get("parent") or "")
        return str(o.get("based_in") or "").startswith(("comune:", "place:")) or bool(
            parent and analyse(parent["name"]).regions)

    def match(self, name: str, italian: bool) -> tuple[str | None, float, str]:
        """The best registry organisation for a name: (id or None, score rounded to 0.01, method).
        A name without a place never matches a local body of one place (:meth:`_local_only`): it is
        at most a candidate (score capped at 0.75, method ``...+place-unsaid``)."""
        analysed = self.resolver.analyser.analyse(name)
        sid, score = self.resolver.best_seed(analysed, italian)
        conf, method = round(score.confidence, 2), score.method
        if sid in self.local_only and not analysed.regions and conf > 0.75:
            conf, method = 0.75, method + "+place-unsaid"
        return sid, conf, method


@lru_cache(maxsize=4)
def registry(data_dir: Path | str | None = None) -> Registry:
    """The registry of a records folder (default ``data/`` of the working folder), read once."""
    try:
        return Registry(where.data_dir(Path(data_dir) if data_dir is not None else None))
    except RegistryError as exc:
        raise DraftError(str(exc)) from None


def _slug(text: str) -> str:
    from graphkit.resolve.names import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text).casefold()).strip("-")[:60].strip("-") or "page"


def _acronym(as_written: str) -> str | None:
    m = re.search(r"\(\s*([A-Z][A-Za-z.&-]{1,14})\s*\)", as_written)
    if m:
        return m.group(1)
    return as_written if re.fullmatch(r"[A-Z][A-Z0-9.&-]{1,14}", as_written) else None


def _type_of(name: str) -> str | None:
    from graphkit.resolve.names import fold

    folded = " ".join(re.findall(r"[a-z0-9]+", fold(name)))
    for t, words in TYPE_WORDS.items():
        if any(folded == w or folded.startswith(w + " ") for w in words):
            return t
    return None


def _organisation(m: Mention, reg: Registry, language: str) -> dict[str, Any]:
    """The registry match of a name (score >= ACCEPT) as ``{org, match}``, else a new-organisation
    proposal as ``{org: new:..., new: {...}}``, with the candidate scoring REVIEW or more."""
    name = m.proposed_name or m.as_written
    sid, score, method = reg.match(name, language == "it")
    if sid and score >= ACCEPT:
        return {"org": sid, "match": {"id": sid, "name": reg.by_id[sid]["name"], "score": score, "method": method}}
    clean = re.sub(r"\s*\(\s*[A-Z][A-Za-z.&-]{1,14}\s*\)\s*", " ", name).strip() or name
    proposal: dict[str, Any] = {"id": f"new:{_slug(clean)}", "name": clean}
    acr = _acronym(m.as_written)
    if acr and acr != clean:
        proposal["acronym"] = acr
    proposal["type"] = _type_of(clean)
    proposal["country"] = _country_of(clean, reg)
    if sid and score >= REVIEW:
        proposal["candidates"] = [{"id": sid, "name": reg.by_id[sid]["name"], "score": score, "method": method}]
    return {"org": proposal["id"], "new": proposal}


def _country_of(name: str, reg: Registry) -> str | None:
    """The country a new organisation's name says (a place word of it: ``Comune di Celano`` ->
    country:ITA), or None for the reviewer to fill."""
    for word in sorted(reg.resolver.analyser.analyse(name).places):
        cands = find_place(word, reference_dir=reg.reference_dir,
                           kinds=["country", "region", "province", "municipality"])
        if cands:
            return f"country:{cands[0].country3}"
    return None


def _quote(m: Mention) -> str | list[str]:
    """The evidence of a participant: the heading and the item for a list under a heading on its
    own line, else the sentence holding the name and the words that give its role."""
    if m.role_how == "heading" and m.heading:
        return [m.heading, m.segment.text.lstrip("•·*-–▪◦ ")]
    return m.segment.text


def _plural_group(m: Mention, language: str) -> bool:
    """A name starting with a plural organisation word (``Associazioni MdM``): a group of bodies."""
    words = m.as_written.split()
    return bool(words) and words[0] in (patterns(language).get("plural_org_words") or [])


def _in_place_line(m: Mention) -> bool:
    """A name in a line listing the places of a country (``Italia : Regione Piemonte, Provincia di
    Torino``): a place written as its authority, not a participant."""
    head = re.match(r"^[\s•·*▪◦–-]*([^\W\d_][\w ’'-]{1,40}?)\s*:", m.segment.text)
    return bool(head) and head.group(1) in country_names()


def _project_of(pos: int, clauses: list[tuple[int, int, int]]) -> int | None:
    for a, b, i in clauses:
        if a <= pos < b:
            return i
    return None


def draft_page(page: Path | str, *, language: str | None = None, url: str | None = None,
               data_dir: Path | str | None = None) -> dict[str, Any]:
    """The draft of one page, as a dict in the records format (see :func:`render` and docs/drafting.md):
    ``source``, ``projects``, ``new_organisations``, ``new_places``, ``unplaced``.

    Raises:
        DraftError: the page is empty, binary, of no known language, or names no organisation.
    """
    page = Path(page)
    text = read_page(page)
    detected = language is None
    if language is None:
        language = detect_language(text)
        if language is None:
            raise DraftError(f"{page}: {language_problem(text)}")
    reg = registry(data_dir)
    funds, fund_spans = find_funds(text, reg.funds, language)
    mentions = find_names(text, language, reg.gazetteer, fund_spans)
    programme = find_programme(text, language, fund_spans)
    if programme is not None and programme.name_span is not None:
        # the programme's name (``Programme d'Appui aux Projets ...``) is no organisation
        a, b = programme.name_span
        mentions = [m for m in mentions if not (m.start < b and a < m.end)]
    # a listed name that is a country or a region is a place, not an organisation (``Germania``)
    mentions = [m for m in mentions if m.proposed_name or m.how not in ("list", "heading", "bare-acronym")
                or not find_place(m.as_written, reference_dir=reg.reference_dir, kinds=["country", "region"])]
    if not mentions:
        raise DraftError(f"{page}: no organisation found in the page; nothing drafted")
    slug = _slug(page.stem)
    unplaced: list[dict[str, Any]] = []

    # -- projects: the page's, one per project named with a quoted title when it names two or more,
    #    and one for the other projects a sentence speaks of (``les précédents projets``)
    titles = find_project_titles(text, language)
    if programme is not None:
        titles = [t for t in titles if not programme.names(t["start"], t["end"])]     # the programme's own
    distinct = list(dict.fromkeys(t["title"] for t in titles))
    projects: list[dict[str, Any]] = []
    clauses: list[tuple[int, int, int]] = []
    if len(distinct) >= 2:
        lines = text.split("\n")
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line) + 1)
        starts: list[int] = []
        listed: list[bool] = []
        for t in titles:
            seg = t["segment"]
            line = lines[seg.line]
            prev = next((lines[j] for j in range(seg.line - 1, -1, -1) if lines[j].strip()), "")
            # a project in a list (``1 - ...``, or a bullet item with its project line under it):
            # it runs from its item to the next project; in prose, from its project word
            if LIST_MARK.match(line):
                starts.append(offsets[seg.line]), listed.append(True)
            elif LIST_MARK.match(prev) and seg.start == offsets[seg.line] + len(line) - len(line.lstrip()):
                j = max(j for j in range(seg.line) if lines[j].strip() == prev.strip())
                starts.append(offsets[j]), listed.append(True)
            else:
                starts.append(t["start"]), listed.append(False)
        for i, t in enumerate(titles):
            if t["title"] in [p["title"] for p in projects]:
                continue
            seg = t["segment"]
            end = starts[i + 1] if i + 1 < len(titles) and (listed[i] or titles[i + 1]["segment"] is seg) else \
                (len(text) if listed[i] else seg.end)
            projects.append({"id": f"{slug}-{len(projects) + 1}", "source": slug, "title": t["title"],
                             "title_quote": t["quote"]})
            clauses.append((starts[i], end, len(projects) - 1))
    else:
        title = find_title(text, language)
        if title and programme is not None and title["title"] == programme.title:
            title = None
        project: dict[str, Any] = {"id": slug, "source": slug, "title": title["title"] if title else None}
        if title:
            project["title_quote"] = title["title_quote"]
        projects.append(project)
    prog_index: int | None = None
    if programme is not None and programme.needs_role and not any(
            m.role is not None and programme.holds(m.start, m.segment.text) for m in mentions):
        programme = None                # a sentence about "the programme" giving it no role: no programme
    other_rx = patterns(language).get("other_projects")
    other_quotes = {seg.text for seg in segments(text)
                    if other_rx and re.search(rf"(?<!\w)(?:{other_rx})", seg.text, re.IGNORECASE)}
    shared = list(range(len(projects)))
    other_index: int | None = None
    if other_quotes:
        first = next(q for q in (seg.text for seg in segments(text)) if q in other_quotes)
        projects.append({"id": f"{slug}-other", "source": slug, "title": None, "title_quote": first,
                         "found_by": "a sentence about other projects of the page (previous or sub-projects)"})
        other_index = len(projects) - 1
    if programme is not None:
        # the page's projects are the programme's: each ``part_of`` it, with the words that say so
        prog_id = f"{slug}-programme"
        for p in projects:
            p["part_of"] = {"project": prog_id, "quote": programme.title_quote}
        projects.append({"id": prog_id, "source": slug, "kind": "programme", "title": programme.title,
                         "title_quote": programme.title_quote, "found_by": programme.found_by})
        prog_index = len(projects) - 1
    for p in projects:
        p.update({"funding": [], "dates": {}, "places": [], "budgets": [], "participants": [],
                  "target_countries": [], "target_groups": []})

    def targets(pos: int | None, quote: str) -> list[int]:
        if other_index is not None and quote in other_quotes:
            return [other_index]
        if pos is not None:
            i = _project_of(pos, clauses)
            at = programme.start_of(pos) if prog_index is not None else None
            # the nearer of the two opened before it: a project's clause, or the programme's words
            if at is not None and (i is None or at > next(a for a, b, j in clauses if j == i and a <= pos < b)):
                return [prog_index]
            if i is not None:
                return [i]
            return shared
        if prog_index is not None and programme.holds(None, quote):
            return [prog_index]
        return shared

    # -- participants
    new_orgs: dict[str, dict[str, Any]] = {}
    resolved = [(m, _organisation(m, reg, language)) for m in mentions]
    org_of = {id(m): org["org"] for m, org in resolved}
    with_role = {org["org"] for m, org in resolved if m.role}
    seen: set[tuple[int, str, str | None]] = set()
    for m, org in resolved:
        if "new" in org:
            prop = new_orgs.setdefault(org["org"], org["new"])
            if m.part_of is not None and "parent" not in prop:
                prop["parent"] = org_of[id(m.part_of)]
                prop["found_by"] = f"part of {m.part_of.as_written} ({m.nested_words}): {m.segment.text}"
        if m.role is None and (m.role_how == "source" or _plural_group(m, language) or _in_place_line(m)):
            why = ("named as the source of the text" if m.role_how == "source" else
                   "a group of bodies, not one" if _plural_group(m, language) else
                   "in a line of places of a country (``Spagna: Regione Catalogna``)")
            unplaced.append({"what": f"not a participant: {why}", "as_written": m.as_written, "quote": m.segment.text})
            continue
        if m.role is None:
            if org["org"] in with_role or any(k[1] == org["org"] for k in seen):
                continue
            seen.add((-1, org["org"], None))
            entry = {"what": "organisation named, role not found", "org": org["org"], "as_written": m.as_written,
                     "quote": m.segment.text}
            if "match" in org:
                entry["match"] = org["match"]
            unplaced.append(entry)
            continue
        for i in targets(m.start, m.segment.text):
            key = (i, org["org"], m.role)
            if key in seen:
                continue
            seen.add(key)
            name_conf = org["match"]["score"] if "match" in org else (0.5 if m.how == "acronym" else 0.6)
            entry = {"org": org["org"], "role": m.role, "as_written": m.as_written, "quote": _quote(m),
                     "role_words": m.role_words,
                     "confidence": round(ROLE_CONFIDENCE[m.role_how] * name_conf, 2),
                     "found_by": f"{m.how}, role by {m.role_how}"}
            if m.part_of is not None:
                entry["found_by"] += f"; part of {m.part_of.as_written} ({m.nested_words})"
            if "match" in org:
                entry["match"] = org["match"]
            elif org["new"].get("candidates"):
                entry["candidates"] = org["new"]["candidates"]
            projects[i]["participants"].append(entry)
    unplaced.extend(unused_cues(text, language, mentions))
    for p in projects:
        _promoter_leads(p)

    # -- funds, budgets and shares
    for f in funds:
        for i in targets(None, f["quote"]):
            projects[i]["funding"].append(f)
    _money(text, language, mentions, org_of, projects, targets)

    # -- dates
    dates = read_dates(text, language)
    durations = find_durations(text, language)
    for i in range(len(projects)):
        mine = [d for d in dates if i in targets(d.get("offset"), d["quote"])]
        block, rest = dates_block(mine, [d for d in durations if i in targets(d.get("offset"), d["quote"])])
        projects[i]["dates"] = block
        if i in (0, other_index, prog_index):
            for d in rest:
                unplaced.append({"what": f"{'duration' if 'months' in d else 'date'} not placed in the dates block",
                                 "as_written": d["as_written"], "quote": d["quote"]})

    # -- places, countries of origin
    places, lost = read_places(text, language, reg.reference_dir, reg.places,
                               [(m.start, m.end) for m in mentions if m.how not in ("list", "heading")])
    new_places: dict[str, dict[str, Any]] = {}
    for pm in places:
        cand = pm.candidate
        if cand is not None and cand.ref:
            ref = cand.ref
            match = {"name": cand.name, "as_written": pm.as_written, "kind": cand.kind, "country": cand.country3}
        else:
            name = cand.name if cand else pm.as_written
            pid = _slug(f"{name}")
            ref = f"place:{pid}"
            if pid not in new_places:
                entry_np: dict[str, Any] = {"id": pid, "name": name,
                                            "kind": SCHEMA_KIND.get(cand.kind if cand else (pm.kind or "region"), "region"),
                                            "country": f"country:{cand.country3 if cand else pm.country3}",
                                            "within": f"country:{cand.country3 if cand else pm.country3}"}
                if cand:
                    entry_np.update(geonames=cand.geonames, lat=cand.lat, long=cand.long)
                entry_np["found_by"] = pm.found_by + ("; GeoNames (CC BY 4.0)" if cand else "")
                new_places[pid] = entry_np
            match = {"name": name, "as_written": pm.as_written, "kind": pm.kind or (cand.kind if cand else None),
                     "country": cand.country3 if cand else pm.country3}
        for i in targets(pm.start, pm.quote):
            projects[i]["places"].append({"place": ref, "quote": pm.quote, "match": match,
                                          "found_by": pm.found_by, "confidence": 0.8 if cand else 0.5})
    for pm in lost:
        unplaced.append({"what": "place name not in the tables", "as_written": pm.as_written, "quote": pm.quote})
    for code, written, quote in origin_countries(text, language):
        for i in targets(None, quote):
            projects[i]["target_countries"].append({"country": f"country:{code}", "quote": quote,
                                                    "found_by": f"adjective of origin '{written}'"})
    for i, p in enumerate(projects):
        p["target_groups"] = [g for g in find_target_groups(text, language) if i in targets(None, g["quote"])]

    source: dict[str, Any] = {"id": slug, "file": page.name,
                              "title": next(line.strip() for line in text.split("\n") if line.strip()),
                              "language": language}
    if url:
        source["url"] = url
    source["found_by"] = "language detected from the page's words" if detected else "language given"
    return {"source": source, "projects": projects,
            "new_organisations": [new_orgs[k] for k in new_orgs],
            "new_places": list(new_places.values()), "unplaced": unplaced}


def _money(text: str, language: str, mentions: list[Mention], org_of: dict[int, str],
           projects: list[dict[str, Any]], targets: Any) -> None:
    """Budgets: a funder's amount (the nearest funder named before it in its sentence, or the
    subject of ``aporta``/``contribution``) as its contribution, an amount after a total word as
    the total; percentages after a funder as its share."""
    total_rx = re.compile(rf"(?<!\w)(?:{patterns(language).get('total_words') or 'total'})", re.IGNORECASE)
    for b in find_budgets(text, language):
        entry: dict[str, Any] = {"amount": b["amount"], "currency": b["currency"]}
        funders = [m for m in mentions if m.role in ("funder", "co-funder") and m.segment.text == b["quote"]
                   and m.end <= b["start"]]
        joint = len({m.role_words for m in funders}) < len(funders)      # several funders by one cue
        before = text[max(0, b["start"] - 60):b["start"]]
        if total_rx.search(text[max(0, b["start"] - 30):b["start"]]) or (funders and joint):
            entry["what"] = "total"
            how = (f"amount '{b['as_written']}' after a total word" if not (funders and joint) else
                   f"amount '{b['as_written']}' after several funders named together: their total")
        elif funders:
            f = funders[-1]
            entry["what"] = "contribution"
            entry["from"] = org_of[id(f)]
            how = f"amount '{b['as_written']}' after the funder {f.as_written}"
        elif total_rx.search(before):
            entry["what"] = "total"
            how = f"amount '{b['as_written']}' after a total word"
        else:
            how = f"amount '{b['as_written']}', whose it is not said"
        entry.update({"quote": b["quote"], "found_by": how, "confidence": 0.7 if "what" in entry else 0.4})
        for i in targets(b["start"], b["quote"]):
            projects[i]["budgets"].append(entry)
            if entry.get("what") == "contribution":
                for p in projects[i]["participants"]:
                    if p["org"] == entry["from"] and p["role"] in ("funder", "co-funder") and "contribution" not in p:
                        p["contribution"] = {"amount": b["amount"], "currency": b["currency"], "quote": b["quote"]}
    pct = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d+)?)\s?%")
    for m in mentions:
        if m.role not in ("funder", "co-funder"):
            continue
        here = m.end - m.segment.start
        pm = pct.search(m.segment.text, here, here + 80)
        if pm:
            for p in (p for pr in projects for p in pr["participants"]):
                if p["org"] == org_of[id(m)] and "contribution" not in p:
                    p["contribution"] = {"percent": pm.group(1).replace(",", "."), "quote": m.segment.text}


HEADER = ("# Draft written by `graphkit draft` from {file}: a proposal to review, not a record.\n"
          "# Every quote is verbatim from the page; confidence = how sure the role (0.9 heading or a role word\n"
          "# after the name, 0.7 a cue before it) times the name's match (registry score, 0.6 a new name).\n")


def _promoter_leads(project: dict[str, Any]) -> None:
    """A project (not a programme) that names no lead and one promoter ("promosso da", "promoted
    by") is led by it: the records want exactly one lead, and a page that names no capofila
    means the promoter. A programme, or several promoters, keep their role (docs/records.md)."""
    if project.get("kind") == "programme":
        return
    parts = project["participants"]
    promoters = [p for p in parts if p["role"] == "promoter"]
    if len(promoters) == 1 and not any(p["role"] == "lead" for p in parts):
        promoters[0]["role"] = "lead"
        promoters[0]["found_by"] += "; the one promoter of a project that names no lead"


def render(draft: dict[str, Any]) -> str:
    """The YAML text of a draft: the same draft gives the same bytes."""
    body = yaml.safe_dump(draft, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False)
    return HEADER.format(file=draft["source"]["file"]) + body


def write_draft(draft: dict[str, Any], out: Path | str) -> Path:
    """Write a draft to ``out`` through a temporary file in the same folder, renamed at the end."""
    out = Path(out)
    text = render(draft)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
