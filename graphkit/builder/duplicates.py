"""Duplicates caught at the door: organisations of the registry whose names look alike
(decision 0017).

:func:`possible_duplicates` compares the names, acronyms and aliases of the registry's organisations
with the resolver's analyser and scores (:mod:`graphkit.resolve`), pair by pair, but only the pairs
that share a blocking key (a name key, an acronym, the initials of a long name, a word that is not
common, a generic head with the first word after it; a key shared by more than :data:`MAX_BLOCK`
organisations, but a name key, is too common to block on). A pair at or above
:data:`~graphkit.resolve.REVIEW` is a :class:`Candidate`, unless the records already relate the two
(a unit and its parent, a successor, a membership) or state them apart (``different_from``) or the
same (``same_as``). The build and ``graphkit validate`` print the candidates as warnings.

This module sits in the build layer: it is the one place that needs both the records and the
resolver, which are independent siblings below it (decision 0016).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Callable, Iterable

from graphkit.errors import Nonconforming
from graphkit.paths import DUPLICATES_REPORT
from graphkit.records.checks import up_of
from graphkit.resolve import REVIEW, Analyser, Name, Score, compare
from graphkit.resolve.places import registry_analyser

if TYPE_CHECKING:
    from graphkit.records.schema import Records

# A block (but an exact name key) shared by more organisations than this is too common to compare
# them all: ``Comune di ...`` families, synthetic registries.
MAX_BLOCK = 50


@dataclass(frozen=True, order=True)
class Candidate:
    """Two organisations of the registry whose names look alike: the later record (``org``, in
    ``file``) and the earlier one it may duplicate (``other``), the two names that matched, and the
    score (confidence and method, as :func:`graphkit.resolve.compare` gives them)."""

    file: str
    org: str
    name: str
    other: str
    other_name: str
    confidence: float
    method: str

    def __str__(self) -> str:
        return (f"{self.file}: organisation {self.org}: \"{self.name}\" ~ {self.other} "
                f"\"{self.other_name}\" ({self.confidence:.2f} {self.method})")


def analyser_for(recs: Records) -> Analyser:
    """The resolver's analyser for the registry of ``recs``: its names as the vocabulary, the place
    words of the records' reference tables and the adjectives of Italian places."""
    from graphkit import paths

    countries: tuple[str, ...] = ()
    if recs.reference is not None:
        countries = tuple(sorted(n for c in recs.reference.countries.values() for n in c.names.values()))
    return registry_analyser([n for _, names in _names(recs) for n in names], paths.reference_dir_of(recs.data_dir),
                             countries)


def _names(recs: Records) -> list[tuple[str, list[str]]]:
    out = []
    for oid, loc in recs.organisations.items():
        o = loc.record
        out.append((oid, [o.name, *o.aliases, *([o.acronym] if o.acronym else [])]))
    return out


def related_pairs(recs: Records) -> set[frozenset[str]]:
    """The pairs of organisations the records already relate or state apart: a unit and each of its
    parents up the chain (``unit_of`` or ``parent``), a successor, a membership (either way), ``different_from``; each id taken
    as the organisation it stands for (``same_as``)."""
    orgs = recs.organisations
    pairs: set[frozenset[str]] = set()
    for oid, loc in orgs.items():
        o = loc.record
        seen, cur = {oid}, up_of(o)
        while cur is not None and cur not in seen:
            pairs.add(frozenset((oid, cur)))
            seen.add(cur)
            cur = up_of(orgs[cur].record) if cur in orgs else None
        if o.successor:
            pairs.add(frozenset((oid, o.successor.org)))
        for m in o.memberships:
            pairs.add(frozenset((oid, m.of)))
        for other in getattr(o, "different_from", None) or []:
            pairs.add(frozenset((oid, other.org)))
    # A duplicate stated with same_as is one organisation with the one it duplicates: its pairs are
    # that organisation's pairs, and the two make no pair.
    return {frozenset(recs.canonical(x) for x in pair) for pair in pairs}


def _block_keys(n: Name) -> set[str]:
    keys = {f"k:{n.key}"}
    for a in n.acronyms | ({n.key} if len(n.tokens) == 1 else set()) | ({n.initials} - {""}):
        if len(a) >= 2:
            keys.add(f"a:{a}")
    if n.head and n.remainder:
        keys.add(f"h:{n.head}:{n.remainder.split()[0]}")
    elif not n.head:
        keys.update(f"w:{t}" for t in n.tokens if len(t) >= 3)
    return keys


def _numbers(n: Name) -> frozenset[str]:
    return frozenset(t for t in n.tokens if any(ch.isdigit() for ch in t))


def pair_score(a: list[Name], b: list[Name], *, italian: bool, common: frozenset[str]) -> tuple[Score, Name, Name]:
    """The best score between two organisations' names (first of each list: the preferred name), each
    pair of names scored the lower of the two ways round, each way with the other organisation's
    preferred name as the owner of the name it compares against; two names with different numbers
    in them (``Circolo 28``, ``Circolo 238``) are never alike."""
    best: tuple[Score, Name, Name] = (Score(0.0, "no-candidate"), a[0], b[0])
    for x in a:
        for y in b:
            if _numbers(x) != _numbers(y) and _numbers(x) and _numbers(y):
                continue        # ``Circolo Sentiero 28`` and ``... 238``, ``ASL TO1`` and ``ASL TO2``
            s1 = compare(x, y, italian_context=italian, owner=b[0], common=common)
            if s1.confidence <= best[0].confidence:
                continue
            s2 = compare(y, x, italian_context=italian, owner=a[0], common=common)
            s = s1 if s1.confidence <= s2.confidence else s2
            if s.confidence > best[0].confidence:
                best = (s, x, y)
    return best


def possible_duplicates(recs: Records, *, threshold: float = REVIEW,
                        analyser: Analyser | None = None) -> list[Candidate]:
    """The pairs of registry organisations whose names look alike (confidence >= ``threshold``),
    leaving out the pairs the records relate, state apart or state the same (:func:`related_pairs`);
    sorted by file, organisation and candidate."""
    analyser = analyser or analyser_for(recs)
    entries = _names(recs)
    order = {oid: i for i, (oid, _) in enumerate(entries)}
    names = {oid: [analyser.analyse(t) for t in texts] for oid, texts in entries}
    blocks: dict[str, set[str]] = defaultdict(set)
    for oid, ns in names.items():
        for n in ns:
            for k in _block_keys(n):
                blocks[k].add(oid)
    df: dict[str, int] = defaultdict(int)
    for oid, ns in names.items():
        for t in {t for n in ns for t in n.tokens}:
            df[t] += 1
    common = frozenset(t for t, c in df.items() if c >= 5)
    related = related_pairs(recs)
    pairs: set[tuple[str, str]] = set()
    for key, members in blocks.items():
        if len(members) < 2 or (not key.startswith("k:") and len(members) > MAX_BLOCK) \
                or (key.startswith("w:") and key[2:] in common):
            continue
        for x, y in combinations(sorted(members, key=order.__getitem__), 2):
            cx, cy = recs.canonical(x), recs.canonical(y)
            if cx != cy and frozenset((cx, cy)) not in related:
                pairs.add((x, y))
    out: list[Candidate] = []
    for x, y in pairs:      # x comes first in the registry; y is the later record
        ox, oy = recs.organisations[x], recs.organisations[y]
        italian = ox.record.country == oy.record.country == "country:ITA"
        score, ny, nx = pair_score(names[y], names[x], italian=italian, common=common)
        if score.confidence >= threshold:
            out.append(Candidate(oy.file, y, ny.text, x, nx.text, round(score.confidence, 2), score.method))
    return sorted(out, key=lambda c: (c.file, order[c.org], order[c.other]))


def format_candidates(candidates: Iterable[Candidate]) -> list[str]:
    """One line per candidate, as ``graphkit validate`` prints them
    (``duplicate  organisations.yaml: organisation cop-2: "..." ~ cop "..." (0.93 fuzzy)``)."""
    return [f"duplicate  {c}" for c in candidates]


def report_text(candidates: Iterable[Candidate]) -> str:
    """The text of the build's ``duplicates.txt``: what the file is, how to answer a flag, one
    line per candidate (or ``none``)."""
    lines = [str(c) for c in candidates]
    head = ["Possible duplicate organisations of the registry: pairs whose names, acronyms or aliases look",
            f"alike (confidence >= {REVIEW:.2f}, the resolver's review threshold). Each is a warning: merge the two",
            "entries, or state `same_as: ID` (a duplicate) or `different_from: [ID]` (kept apart on purpose)",
            "in organisations.yaml (docs/records.md). `graphkit build --strict-duplicates` fails on any.", ""]
    return "\n".join(head + (lines or ["none"])) + "\n"


class DuplicatesFound(Nonconforming):
    """The registry has possible duplicate organisations and the build or validation was asked to fail
    on them (``--strict-duplicates``); nothing was written (exit code 1)."""

    def __init__(self, candidates: list[Candidate]):
        self.candidates = candidates
        super().__init__(f"{len(candidates)} possible duplicate organisation(s) (--strict-duplicates); nothing "
                         "was written. State same_as or different_from in organisations.yaml (docs/records.md).\n"
                         + "\n".join(f"  {c}" for c in candidates))


def check_duplicates(recs: Records, progress: Callable[[str], None], strict: bool = False) -> list[Candidate]:
    """The possible duplicates of ``recs``'s registry, each told to ``progress`` as a warning.

    Raises:
        DuplicatesFound: when ``strict`` and there is any.
    """
    progress("looking for duplicate organisations in the registry")
    found = possible_duplicates(recs)
    if found:
        progress(f"possible duplicate organisations: {len(found)} (warnings; see {DUPLICATES_REPORT})")
        for c in found:
            progress(f"  duplicate  {c}")
    if strict and found:
        raise DuplicatesFound(found)
    return found
