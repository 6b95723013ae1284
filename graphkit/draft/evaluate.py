"""Drafts scored against hand-made expected records (``data/pages-dev/expected/``): organisations
found (precision, recall), roles right among them, the recall of funds, dates, budgets and
places, and programmes with the sub-projects drafted as ``part_of`` them (:func:`evaluate_pages`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from graphkit.draft.read import DraftError

# The expected records' role words -> the roles of the vocabulary the drafter writes.
ROLE_EQUIVALENT = {
    "lead": {"lead", "promoter"}, "promoter": {"lead", "promoter"},
    "partner": {"partner", "local-counterpart", "collaborator"}, "collaborator": {"collaborator", "partner"},
    "local-counterpart": {"local-counterpart", "partner"},
    "funder": {"funder", "co-funder"}, "co-funder": {"funder", "co-funder"}, "implementer": {"implementer"},
    "manager": {"implementer"}, "managing-authority": {"managing-authority"}, "other": {"other"},
}


def norm(text: str) -> str:
    """A name folded for comparison: no accents, case, punctuation or apostrophe variants."""
    from graphkit.resolve.names import fold

    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text).casefold()).split())


def same_name(a: str, b: str) -> bool:
    """Two names name the same organisation: equal once folded, or one holds the other as whole
    words when the shorter has two words or more or is an acronym of three letters or more."""
    x, y = norm(a), norm(b)
    if not x or not y:
        return False
    if x == y:
        return True
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short.split()) >= 2 or (len(short) >= 3 and short.upper() in a.upper() + b.upper()
                                   and re.fullmatch(r"[A-Z][A-Z0-9]{2,}", short.upper()) and
                                   (short.upper() in a or short.upper() in b)):
        return f" {short} " in f" {long_} "
    return False


@dataclass
class PageScore:
    """The scores of one page's draft against its expected record (counts found/expected)."""

    page: str
    found: int = 0
    expected: int = 0
    found_right: int = 0         # found names that are expected organisations
    expected_found: int = 0      # expected organisations found
    roles_right: int = 0
    funds: tuple[int, int] = (0, 0)
    dates: tuple[int, int] = (0, 0)
    budgets: tuple[int, int] = (0, 0)
    places: tuple[int, int] = (0, 0)
    places_found: int = 0
    places_right: int = 0
    missed: list[str] = field(default_factory=list)
    wrong_roles: list[str] = field(default_factory=list)
    registry_right: int = 0
    registry_wrong: int = 0
    wrong_matches: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    programmes: tuple[int, int] = (0, 0)     # expected programmes found by a drafted one
    part_of: tuple[int, int] = (0, 0)        # expected sub-projects linked to a found programme
    programmes_extra: int = 0                # drafted programmes that are no expected one


def _names(o: dict[str, Any]) -> list[str]:
    return [n for n in [o.get("name"), o.get("normalised"), *(o.get("aliases_in_text") or [])] if n]


def score_page(draft: dict[str, Any], expected: dict[str, Any]) -> PageScore:
    """How a draft compares with the expected record of the same page."""
    s = PageScore(expected["source"])
    exp_orgs: dict[str, dict[str, Any]] = {}
    for p in expected.get("projects") or []:
        for o in p.get("organisations") or []:
            e = exp_orgs.setdefault(o["name"], {"names": _names(o), "roles": set(), "id": o.get("id")})
            e["roles"] |= {r["role"] for r in o.get("roles") or []}
    found: dict[str, dict[str, Any]] = {}
    new_names = {o["id"]: o["name"] for o in draft.get("new_organisations") or []}
    for p in draft["projects"]:
        for x in p["participants"]:
            f = found.setdefault(x["org"], {"names": set(), "roles": set()})
            f["names"].add(x["as_written"])
            f["names"].add((x.get("match") or {}).get("name") or new_names.get(x["org"]) or x["as_written"])
            f["roles"].add(x["role"])
    for x in draft.get("unplaced") or []:
        if x.get("org"):
            f = found.setdefault(x["org"], {"names": set(), "roles": set()})
            f["names"].add(x["as_written"])
    s.found, s.expected = len(found), len(exp_orgs)
    matched_expected: dict[str, set[str]] = {}
    for fid, f in sorted(found.items()):
        hits = [en for en, e in exp_orgs.items() if any(same_name(a, b) for a in f["names"] for b in e["names"])]
        if hits:
            s.found_right += 1
            for h in hits:
                matched_expected.setdefault(h, set()).update(f["roles"])
        else:
            s.extra.append(sorted(f["names"])[0])
    s.expected_found = len(matched_expected)
    for en, roles in matched_expected.items():
        allowed = set().union(*(ROLE_EQUIVALENT.get(r.replace("_", "-"), {r.replace("_", "-")})
                                 for r in exp_orgs[en]["roles"]))
        if roles & allowed:
            s.roles_right += 1
        else:
            s.wrong_roles.append(f"{en}: {sorted(roles)} for {sorted(exp_orgs[en]['roles'])}")
    s.missed = sorted(en for en in exp_orgs if en not in matched_expected)
    # registry matches: right when the matched entry is the expected organisation (its id when the
    # expected record has one, else one of its names), wrong otherwise
    matches = {x["org"]: x["match"] for p in draft["projects"] for x in p["participants"] if x.get("match")}
    matches.update({x["org"]: x["match"] for x in draft.get("unplaced") or [] if x.get("org") and x.get("match")})
    for fid, m in sorted(matches.items()):
        # judged against the expected organisations the drafted name is (folded equality); a name
        # that only holds or is held by an expected one (``Regione Lazio`` for its Direzione) is not judged
        hits = [en for en, e in exp_orgs.items()
                if any(norm(a) == norm(b) for a in found[fid]["names"] for b in e["names"])]
        ok = False
        for h in hits:
            e = exp_orgs[h]
            if e.get("id"):
                ok = ok or e["id"] == m["id"]
            else:
                ok = ok or any(same_name(m["name"], b) or same_name(m["id"], b) for b in e["names"])
        if ok:
            s.registry_right += 1
        elif hits:
            s.registry_wrong += 1
            s.wrong_matches.append(f"{sorted(found[fid]['names'])[0]} -> {m['id']}")
    s.funds = _score_funds(draft, expected)
    s.dates = _score_dates(draft, expected)
    money = {(Decimal(b["amount"]), b["currency"]) for p in draft["projects"] for b in p["budgets"]}
    exp_budgets = [b for p in expected.get("projects") or [] for b in p.get("budgets") or []]
    s.budgets = (sum(1 for b in exp_budgets if (Decimal(str(b["amount"])), b["currency"]) in money), len(exp_budgets))
    s.places, s.places_found, s.places_right = _score_places(draft, expected)
    s.programmes, s.part_of, s.programmes_extra = _score_programmes(draft, expected)
    return s


def _score_programmes(draft: dict[str, Any], expected: dict[str, Any]) -> tuple[tuple[int, int], tuple[int, int], int]:
    """Programmes and their sub-projects: (expected programmes found, expected), (sub-projects
    linked right, expected sub-projects), drafted programmes that are none of the expected.

    An expected programme is a project of ``kind: programme`` or one another names as its
    ``in_programme``; its sub-projects are those with ``part_of_project`` or ``in_programme``. A
    drafted project of kind programme is one of them when its title is the expected one's (title,
    aliases or identification, names folded as for organisations) or when one of its participants
    is one of the expected programme's organisations. The sub-projects linked right to a found
    programme are the drafted projects ``part_of`` it, at most as many as it has expected."""
    exp = expected.get("projects") or []
    refs = {p.get("in_programme") for p in exp} - {None}
    programmes = [p for p in exp if p.get("kind") == "programme" or p.get("ref") in refs]
    links: dict[str, int] = {}
    for p in exp:
        up = p.get("part_of_project") or p.get("in_programme")
        if up:
            links[up] = links.get(up, 0) + 1
    drafted = [p for p in draft["projects"] if p.get("kind") == "programme"]
    new_names = {o["id"]: o["name"] for o in draft.get("new_organisations") or []}

    def same(d: dict[str, Any], e: dict[str, Any]) -> bool:
        titles = [t for t in [e.get("title"), *(e.get("aliases_in_text") or []),
                              (e.get("identified_as") or "").split(" (")[0]] if t]
        if d.get("title") and any(same_name(d["title"], t) for t in titles):
            return True
        names = {n for x in d["participants"] for n in (x["as_written"], (x.get("match") or {}).get("name"),
                                                        new_names.get(x["org"])) if n}
        return any(same_name(a, b) for o in e.get("organisations") or [] for b in _names(o) for a in names)

    found = right = 0
    matched: set[int] = set()
    for e in programmes:
        hit = next((i for i, d in enumerate(drafted) if i not in matched and same(d, e)), None)
        if hit is None:
            continue
        matched.add(hit)
        found += 1
        pid = drafted[hit]["id"]
        subs = sum(1 for p in draft["projects"] if (p.get("part_of") or {}).get("project") == pid)
        right += min(subs, links.get(e.get("ref"), 0))
    return (found, len(programmes)), (right, sum(links.values())), len(drafted) - len(matched)


def _score_funds(draft: dict[str, Any], expected: dict[str, Any]) -> tuple[int, int]:
    """An expected fund is found when a drafted funding entry was read from the same words (its
    name, or its part such as ``Azione 7``), or names the fund the expected one is identified as
    (the drafted scheme's registry name or acronym in ``identified_as``)."""
    exp_funds = [f for p in expected.get("projects") or [] for f in p.get("funds") or []]
    drafted = []
    for p in draft["projects"]:
        for f in p["funding"]:
            m = f.get("match") or {}
            drafted.append([x for x in (m.get("as_written"), m.get("part"), m.get("name"),
                                        f["scheme"].removeprefix("new:")) if x])
    hit = 0
    schemes = {f["scheme"] for p in draft["projects"] for f in p["funding"]}
    for f in exp_funds:
        if f.get("ids"):
            hit += bool(schemes & set(f["ids"]))
            continue
        ident = f.get("identified_as") or ""
        if any(same_name(w, f["name"]) or (ident and (same_name(w, ident.split(" (")[0])
                                                      or norm(w) and f" {norm(w)} " in f" {norm(ident)} "))
               for words in drafted for w in words):
            hit += 1
    return hit, len(exp_funds)


def _score_dates(draft: dict[str, Any], expected: dict[str, Any]) -> tuple[int, int]:
    """Expected dates found: a period by its two ends (the drafted period, or started and ended),
    a start, end or other dated fact by its value, a duration by its months; an expected date
    without a value (the page names the event, not its date) is not counted."""
    values: set[tuple[str | None, str | None]] = set()
    months: set[int] = set()
    for p in draft["projects"]:
        d = p["dates"]
        if "period" in d:
            values.add((d["period"]["start"], d["period"]["end"]))
        if "started" in d or "ended" in d:
            values.add(((d.get("started") or {}).get("value"), (d.get("ended") or {}).get("value")))
        for k in ("submitted", "approved", "started", "ended", "about"):
            if k in d:
                values.add((d[k]["value"], None))
        if "duration" in d:
            months.add(d["duration"]["months"])
    hit = total = 0
    for d in (d for p in expected.get("projects") or [] for d in p.get("dates") or []):
        if d["kind"] == "duration":
            total += 1
            hit += (int(d.get("years") or 0) * 12 + int(d.get("months") or 0)) in months
        elif "start" in d or "end" in d:
            total += 1
            hit += (_iso(d.get("start")), _iso(d.get("end"))) in values
        elif d.get("value") is not None:
            total += 1
            hit += (_iso(d.get("value")), None) in values
    return hit, total


def _place_names(x: dict[str, Any]) -> set[str]:
    from graphkit.resolve.placenames import place_key

    keys = {place_key(n) for n in (x.get("name"), x.get("as_written")) if n}
    return keys | {k[2:] for k in keys if k.startswith("l ")}


def _score_places(draft: dict[str, Any], expected: dict[str, Any]) -> tuple[tuple[int, int], int, int]:
    """Places by name and country: (expected found, expected), drafted places, drafted places
    that are expected. A drafted place is its registry or table name (or its name as written for a
    new place) and its country (alpha-3, compared with the expected alpha-2)."""
    exp = [x for p in expected.get("projects") or [] for x in p.get("places") or []]
    if exp and all(x.get("ref") for x in exp):
        refs = {x["place"] for p in draft["projects"] for x in p["places"]}
        want = {x["ref"] for x in exp}
        return (len(want & refs), len(want)), len(refs), len(refs & want)
    exp_keys = {(k, (x.get("country") or "").upper()) for x in exp for k in _place_names(x)}
    drafted: dict[str, tuple[set[str], str]] = {}
    for p in draft["projects"]:
        for x in p["places"]:
            m = x.get("match") or {}
            drafted[x["place"]] = (_place_names(m), _iso2(m.get("country")))
    right = sum(1 for names, c in drafted.values() if any((n, c) in exp_keys for n in names))
    found_keys = {(n, c) for names, c in drafted.values() for n in names}
    hit = sum(1 for x in exp if any((k, (x.get("country") or "").upper()) in found_keys for k in _place_names(x)))
    return (hit, len(exp)), len(drafted), right


@lru_cache(maxsize=1)
def _iso3_to_iso2() -> dict[str, str]:
    import csv

    from graphkit.paths import REFERENCE_DIR

    with (REFERENCE_DIR / "country-codes" / "country-codes.csv").open(encoding="utf-8") as fh:
        return {r["ISO3166-1-Alpha-3"]: r["ISO3166-1-Alpha-2"] for r in csv.DictReader(fh)}


def _iso2(code: str | None) -> str:
    return _iso3_to_iso2().get(code or "", code or "")


def _iso(v: Any) -> str | None:
    return None if v is None else str(v)


def _ratio(a: int, b: int) -> str:
    return "-" if b == 0 else f"{a / b:.2f}"


def _frac(t: tuple[int, int]) -> str:
    return "-" if t[1] == 0 else f"{t[0]}/{t[1]}"


def table(scores: list[PageScore], title: str | None = None) -> list[str]:
    """The table of scores: one row per page and the overall row (sums over the pages)."""
    head = ["page", "orgs found", "expected", "precision", "recall", "roles right", "registry ok/wrong", "funds",
            "dates", "places", "places prec", "budgets", "programmes", "part of", "progs extra"]
    rows = []
    total = PageScore("overall")
    for x in scores:
        for a in ("found", "expected", "found_right", "expected_found", "roles_right", "registry_right",
                  "registry_wrong", "places_found", "places_right", "programmes_extra"):
            setattr(total, a, getattr(total, a) + getattr(x, a))
        for a in ("funds", "dates", "budgets", "places", "programmes", "part_of"):
            setattr(total, a, tuple(map(sum, zip(getattr(total, a), getattr(x, a)))))
    for s in scores + [total]:
        rows.append([s.page, str(s.found), str(s.expected), _ratio(s.found_right, s.found),
                     _ratio(s.expected_found, s.expected), f"{s.roles_right}/{s.expected_found}",
                     f"{s.registry_right}/{s.registry_wrong}", _frac(s.funds), _frac(s.dates), _frac(s.places),
                     _ratio(s.places_right, s.places_found), _frac(s.budgets), _frac(s.programmes),
                     _frac(s.part_of), str(s.programmes_extra)])
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    lines = [title] if title else []
    lines += [fmt(head), fmt(["-" * w for w in widths])]
    lines += [fmt(r) for r in rows[:-1]] + [fmt(["-" * w for w in widths]), fmt(rows[-1])]
    return lines


LEGEND = ("precision, recall: organisations by folded names; roles right: among the expected ones found; "
          "registry ok/wrong: registry matches of expected organisations; funds, dates, places, budgets: "
          "found/expected; places prec: drafted places that are expected; programmes: expected programmes found "
          "(a drafted programme by title or participants); part of: sub-projects linked to a found programme; "
          "progs extra: drafted programmes that are none expected; -: none")


def evaluate_pages(pages: Path, expected: Path, data_dir: Path | str | None = None) -> list[PageScore]:
    """Draft every page that has an expected record and score it."""
    from graphkit.draft import draft_page

    files = sorted(Path(expected).glob("*.yaml"))
    if not files:
        raise DraftError(f"{expected}: no expected records (*.yaml)")
    out = []
    for f in files:
        exp = yaml.safe_load(f.read_text(encoding="utf-8"))
        page = Path(pages) / f"{exp['source']}.txt"
        out.append(score_page(draft_page(page, data_dir=data_dir), exp))
    return out


def seed_expected(data_dir: Path | str) -> list[tuple[Path, dict[str, Any]]]:
    """The five seed pages (``data/sources/``) with their curated records (``data/projects/``)
    in the expected form: organisations by registry id (names: as written, registry name, acronym,
    aliases) with their roles, funds by scheme id (the drafted scheme may be the curated one or one
    of its parents), dates, places by reference."""
    from graphkit.resolve.registry import registry_entries

    data_dir = Path(data_dir)
    orgs = {o["id"]: o for o in registry_entries(data_dir, "organisations")}
    funds = {f["id"]: f for f in registry_entries(data_dir, "funds")}
    sources = {x["id"]: x for x in yaml.safe_load((data_dir / "sources.yaml").read_text(encoding="utf-8")) or []}
    out = []
    for f in sorted((data_dir / "projects").glob("*.yaml")):
        rec = yaml.safe_load(f.read_text(encoding="utf-8"))
        src = sources.get(rec.get("source"))
        if not src:
            raise DraftError(f"{f}: source {rec.get('source')!r} is not in {data_dir / 'sources.yaml'}")
        by_org: dict[str, dict[str, Any]] = {}
        for x in rec.get("participants") or []:
            o = orgs.get(x["org"], {})
            e = by_org.setdefault(x["org"], {"name": x["as_written"], "id": x["org"], "roles": [],
                                             "aliases_in_text": [n for n in [o.get("name"), o.get("acronym"),
                                                                             *(o.get("aliases") or [])] if n]})
            e["roles"].append({"role": x["role"]})
        fund_list = []
        for x in rec.get("funding") or []:
            ids, fid = [], x["scheme"]
            while fid:
                ids.append(fid)
                fid = (funds.get(fid) or {}).get("parent")
            fund_list.append({"name": (funds.get(x["scheme"]) or {}).get("name", x["scheme"]), "ids": ids})
        dates = []
        for k, v in (rec.get("dates") or {}).items():
            if k == "period":
                dates.append({"kind": "period", "start": str(v["start"]), "end": str(v["end"])})
            elif k == "duration":
                dates.append({"kind": "duration", "months": v["months"]})
            else:
                dates.append({"kind": k, "value": str(v["value"])})
        places = [{"ref": x["place"]} for x in rec.get("places") or []]
        expected = {"source": src["file"].split("/")[-1].removesuffix(".txt"), "seed": rec["id"],
                    "projects": [{"kind": rec.get("kind") or "project",
                                  "organisations": list(by_org.values()), "funds": fund_list, "dates": dates,
                                  "places": places, "budgets": []}]}
        out.append((data_dir / src["file"], expected))
    return out


def evaluate_seeds(data_dir: Path | str) -> list[PageScore]:
    """Draft the five seed pages and score them against their curated records (:func:`seed_expected`)."""
    from graphkit.draft import draft_page

    out = []
    for page, exp in seed_expected(data_dir):
        score = score_page(draft_page(page, data_dir=data_dir), exp)
        score.page = exp["seed"]
        out.append(score)
    return out
