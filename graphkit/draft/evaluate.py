"""Drafts scored against hand-made expected records (``data/pages-dev/expected/``): organisations
found (precision, recall), roles right among them, and the recall of funds, dates and budgets
(:func:`evaluate_pages`). Places are not extracted yet: their column says ``n/a``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from graphkit.draft.read import DraftError

# The expected records' role words -> the roles of the vocabulary the drafter writes.
ROLE_EQUIVALENT = {
    "lead": {"lead", "promoter"}, "partner": {"partner", "local-counterpart", "collaborator"},
    "funder": {"funder", "co-funder"}, "implementer": {"implementer"}, "manager": {"implementer"},
    "managing_authority": {"managing-authority"}, "other": set(),
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
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


def _names(o: dict[str, Any]) -> list[str]:
    return [n for n in [o.get("name"), o.get("normalised"), *(o.get("aliases_in_text") or [])] if n]


def score_page(draft: dict[str, Any], expected: dict[str, Any]) -> PageScore:
    """How a draft compares with the expected record of the same page."""
    s = PageScore(expected["source"])
    exp_orgs: dict[str, dict[str, Any]] = {}
    for p in expected.get("projects") or []:
        for o in p.get("organisations") or []:
            e = exp_orgs.setdefault(o["name"], {"names": _names(o), "roles": set()})
            e["roles"] |= {r["role"] for r in o.get("roles") or []}
    found: dict[str, dict[str, Any]] = {}
    for p in draft["projects"]:
        for x in p["participants"]:
            f = found.setdefault(x["org"], {"names": set(), "roles": set()})
            f["names"].add(x["as_written"])
            f["names"].add((x.get("new_organisation") or x.get("match") or {}).get("name", x["as_written"]))
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
        allowed = set().union(*(ROLE_EQUIVALENT.get(r, set()) for r in exp_orgs[en]["roles"]))
        if roles & allowed:
            s.roles_right += 1
    s.missed = sorted(en for en in exp_orgs if en not in matched_expected)
    # funds: a fund found when a drafted fund's words are in the expected name or identification
    exp_funds = [f for p in expected.get("projects") or [] for f in p.get("funds") or []]
    drafted = [(f["as_written"], f["fund"]) for p in draft["projects"] for f in p["funding"]]
    s.funds = (sum(1 for f in exp_funds if any(same_name(a, f["name"]) or same_name(a, f.get("identified_as") or "")
                                               or fid == norm(f["name"]) for a, fid in drafted)), len(exp_funds))
    # dates: an expected period or date whose values a drafted one has (durations are not drafted)
    values = set()
    for p in draft["projects"]:
        for d in p["dates"]:
            values.add((d.get("start"), d.get("end")) if d["kind"] == "period" else (d.get("value"), None))
    exp_dates = [d for p in expected.get("projects") or [] for d in p.get("dates") or []]
    hit = 0
    for d in exp_dates:
        if "start" in d or "end" in d:
            key = (_iso(d.get("start")), _iso(d.get("end")))
        else:
            key = (_iso(d.get("value")), None)
        hit += key in values and key != (None, None)
    s.dates = (hit, len(exp_dates))
    money = {(Decimal(b["amount"]), b["currency"]) for p in draft["projects"] for b in p["budgets"]}
    exp_budgets = [b for p in expected.get("projects") or [] for b in p.get("budgets") or []]
    s.budgets = (sum(1 for b in exp_budgets if (Decimal(str(b["amount"])), b["currency"]) in money), len(exp_budgets))
    exp_places = [x for p in expected.get("projects") or [] for x in p.get("places") or []]
    s.places = (0, len(exp_places))
    return s


def _iso(v: Any) -> str | None:
    return None if v is None else str(v)


def _ratio(a: int, b: int) -> str:
    return "-" if b == 0 else f"{a / b:.2f}"


def _frac(t: tuple[int, int]) -> str:
    return "-" if t[1] == 0 else f"{t[0]}/{t[1]}"


def table(scores: list[PageScore]) -> list[str]:
    """The table of scores: one row per page and the overall row (sums over the pages)."""
    head = ["page", "orgs found", "expected", "precision", "recall", "roles right", "funds", "dates", "places",
            "budgets"]
    rows = []
    total = PageScore("overall")
    for s in scores + [total]:
        if s is total:
            for x in scores:
                for a in ("found", "expected", "found_right", "expected_found", "roles_right"):
                    setattr(total, a, getattr(total, a) + getattr(x, a))
                for a in ("funds", "dates", "budgets", "places"):
                    setattr(total, a, tuple(map(sum, zip(getattr(total, a), getattr(x, a)))))
        rows.append([s.page, str(s.found), str(s.expected), _ratio(s.found_right, s.found),
                     _ratio(s.expected_found, s.expected), f"{s.roles_right}/{s.expected_found}",
                     _frac(s.funds), _frac(s.dates), "n/a", _frac(s.budgets)])
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    lines = [fmt(head), fmt(["-" * w for w in widths])]
    lines += [fmt(r) for r in rows[:-1]] + [fmt(["-" * w for w in widths]), fmt(rows[-1])]
    lines.append("precision, recall: organisations by folded names; roles right: among the expected ones found; "
                 "funds, dates, budgets: found/expected; places: n/a, not extracted yet; -: none expected")
    return lines


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
