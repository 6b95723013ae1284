"""Target groups a page names (:func:`find_target_groups`): people counted (``circa 100 persone``,
``6.000 habitantes``, ``Diaspora marocchina (Francia, Italia) → 1.450.000``) and people a project
is said to be for (``rivolti agli immigrati``), by the language's ``target_words``,
``target_cues`` and ``approx_words``; each in the records' target-group form (``label``, ``count``
with ``exact`` or ``approx`` or ``min``, ``quote``)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from graphkit.draft.read import patterns, segments

__all__ = ["find_target_groups"]

NUMBER = r"\d{1,3}(?:[.,\s]\d{3})+|\d+"


@lru_cache(maxsize=None)
def _compiled(language: str) -> dict[str, Any]:
    p = patterns(language)
    words = p.get("target_words") or "people"
    approx = p.get("approx_words") or "about"
    return {
        # ``circa 100 persone di ...``, ``los cerca de 6.000 habitantes``
        "before": re.compile(rf"(?<![\w.,])(?P<approx>(?:{approx})\s+)?(?P<n>{NUMBER})\s+(?P<label>(?:[\w’'-]+\s+){{0,3}}?"
                             rf"(?:{words})(?:\s+[\w’'-]+){{0,3}})", re.IGNORECASE),
        # ``Beneficiari finali (indiretti) → ca. 25.000``: a label, an arrow or a colon, a number
        "after": re.compile(rf"^(?P<label>[^→:]*?(?:{words})[^→:]*?)\s*(?:→|:)\s*(?P<approx>(?:{approx})\s*)?(?P<n>{NUMBER})\b",
                            re.IGNORECASE),
        "cue": re.compile(rf"(?<!\w)(?:{p.get('target_cues') or 'for'})\s+(?P<label>(?:[\w’'-]+\s+){{0,2}}?(?:{words}))(?!\w)",
                          re.IGNORECASE),
        "approx_min": re.compile(r"oltre|più di|almeno|plus de|au moins|más de|al menos|over|more than|at least",
                                 re.IGNORECASE),
    }


def _count(n: str, approx: str | None, c: dict[str, Any]) -> dict[str, int] | None:
    digits = re.sub(r"[.,\s]", "", n)
    if not digits.isdigit():
        return None
    value = int(digits)
    if 1900 <= value <= 2100 and len(n) == 4:
        return None                         # a year, not a count
    if approx:
        return {"min": value} if c["approx_min"].search(approx) else {"approx": value}
    return {"exact": value}


def find_target_groups(text: str, language: str) -> list[dict[str, Any]]:
    """The target groups of the page in page order (see the module's text), each once per label."""
    c = _compiled(language)
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for seg in segments(text):
        s = seg.text
        found = []
        m = c["after"].match(s)
        if m:
            found.append((m.group("label").strip(" •·*-–"), _count(m.group("n"), m.group("approx"), c)))
        for m in c["before"].finditer(s):
            found.append((m.group("label").strip(), _count(m.group("n"), m.group("approx"), c)))
        for m in c["cue"].finditer(s):
            found.append((m.group("label").strip(), None))
        for label, count in found:
            if not label or label.casefold() in seen:
                continue
            seen.add(label.casefold())
            group: dict[str, Any] = {"label": label}
            if count:
                group["count"] = count
            group["quote"] = s
            group["found_by"] = "people counted" if count else "people the project is for"
            out.append(group)
    return out
