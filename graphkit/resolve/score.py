"""Scoring two names: named comparison levels (exact, acronym, fuzzy) that add up to a confidence a
person can read (:func:`compare`, :class:`Score`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from graphkit.resolve.names import abbreviates, ITALIAN_WORDS, Name, REVIEW


@dataclass(frozen=True)
class Score:
    """How alike two names are: a confidence from 0 to 1 and the comparison level that gave it (``exact`` ...)."""

    confidence: float
    method: str


def _ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) / 100.0


def _unmatched(words: Sequence[str], others: Sequence[str]) -> list[str]:
    """The words with no counterpart (similarity >= 0.8, so typos still count as the same word)."""
    from rapidfuzz import fuzz

    return [w for w in words if not any(w == o or fuzz.ratio(w, o) >= 80 for o in others)]


def compare(a: Name, b: Name, *, italian_context: bool = False, owner: Name | None = None,
            common: frozenset[str] = frozenset()) -> Score:
    """How likely two analysed names name the same organisation (0..1), and why.

    ``owner`` is the preferred name of the organisation ``b`` belongs to, when ``b`` is one of its
    other names: its places count for ``b`` (``Iscos`` is an alias of ISCOS Piemonte);
    ``common`` are words too frequent to identify an organisation on their own.
    """
    if not a.key or not b.key:
        return Score(0.0, "empty")
    pb = b.places | (owner.places if owner else frozenset())
    rb_ = b.regions | (owner.regions if owner else frozenset())
    # Generic heads: the distinguishing part must agree.
    if a.head or b.head:
        if a.head != b.head:
            return Score(0.0, "generic-head-differs")
        if not a.remainder or not b.remainder:
            return Score(1.0, "exact") if a.key == b.key else Score(0.0, "generic-head-only")
        if a.regions and rb_ and not (a.regions & rb_):
            return Score(0.0, "different-places")
        if a.remainder == b.remainder:
            if a.key == b.key:
                return Score(1.0, "exact")
            if a.italian != b.italian:      # ``Ministry of Interior`` and ``Italian Ministry of Interior``
                return Score(0.9, "generic-head+same-rest-in-italian-context") if italian_context else \
                    Score(0.75, "generic-head+same-rest-country-unsaid")
            return Score(0.97, "generic-head+same-rest")
        ra, rb = a.remainder.split(), b.remainder.split()
        ua, ub = _unmatched(ra, rb), _unmatched(rb, ra)
        if not ua and not ub and _ratio(a.remainder, b.remainder) >= 0.9:
            return Score(0.95, "generic-head+fuzzy-rest")
        if (not ua or not ub) and set(ra) & set(rb):
            return Score(0.8, "generic-head+unit")      # an office of the other, or the other of it
        return Score(0.0, "generic-head-rest-differs")
    if a.regions and rb_ and not (a.regions & rb_):
        return Score(0.0, "different-places")
    score = _score_names(a, b, italian_context, common)
    if a.places != pb and score.confidence > 0.75:
        # one names a place the other lacks: a regional branch, or the national body
        return Score(0.75, score.method + "+place-missing")
    return score


def _score_names(a: Name, b: Name, italian_context: bool, common: frozenset[str] = frozenset()) -> Score:
    from rapidfuzz import fuzz

    if a.key == b.key:
        return Score(1.0, "exact")
    ka = " ".join(t for t in a.tokens if t not in ITALIAN_WORDS)
    kb = " ".join(t for t in b.tokens if t not in ITALIAN_WORDS)
    if ka and ka == kb and (a.italian or b.italian) and italian_context:
        return Score(0.9, "exact-in-italian-context")
    acr_a = a.acronyms | ({a.key} if len(a.tokens) == 1 else set())
    acr_b = b.acronyms | ({b.key} if len(b.tokens) == 1 else set())
    shared = acr_a & acr_b
    if shared:
        if (a.acronyms - shared) and (b.acronyms - shared):
            return Score(0.0, "acronym-units-differ")      # ``MAECI - DGUE`` and ``MAECI - DGMO``
        if a.long_key and b.long_key and a.long_key != a.key and b.long_key != b.key:
            r = _ratio(a.long_key, b.long_key)
            if r >= 0.85:
                return Score(1.0, "acronym+name")
            if r < 0.6 and _unmatched(a.long_key.split(), b.long_key.split()) and \
                    _unmatched(b.long_key.split(), a.long_key.split()):
                return Score(0.75, "acronym-names-differ")
        return Score(0.95, "acronym")
    # a bare acronym against a long name it abbreviates (``FAO``, ``Food and Agriculture Organization``)
    for x, y in ((a, b), (b, a)):
        if len(x.tokens) == 1 and len(y.tokens) >= 2 and not y.acronyms and abbreviates(x.key, y.tokens):
            return Score(0.85, "abbreviation")              # a candidate, never taken without review
    core_a = a.long_key if a.acronyms and a.long_key else a.key
    core_b = b.long_key if b.acronyms and b.long_key else b.key
    if len(core_a) < 8 or len(core_b) < 8:
        return Score(0.0, "too-short-for-fuzzy")
    ta, tb = core_a.split(), core_b.split()
    ua, ub = _unmatched(ta, tb), _unmatched(tb, ta)
    method = "fuzzy" if (core_a, core_b) == (a.key, b.key) else "fuzzy-long-name"
    if not ua and not ub:
        ordered = _ratio(core_a, core_b)
        any_order = fuzz.token_sort_ratio(core_a, core_b) / 100.0
        conf = ordered if ordered >= any_order - 0.02 else min(any_order, 0.89)   # reordered words: review
        if a.acronyms and b.acronyms and not (a.acronyms & b.acronyms):
            conf = min(conf, 0.75)                           # same words, different acronyms
        return Score(round(conf, 3), method if conf >= REVIEW else method + "-low")
    if not ua or not ub:
        small = ta if not ua else tb
        distinctive = [t for t in small if t not in common]
        if len(small) >= 3:
            return Score(0.86, "subset")
        if len(small) == 2 and distinctive:
            return Score(0.72, "subset")
        return Score(0.5, "subset-of-common-words")
    return Score(round(min(_ratio(core_a, core_b), 0.69), 3), "different-words")


