"""Splitting a dataset cell into the organisation names it lists (:func:`split_cell`)."""

from __future__ import annotations

import re
from typing import Iterable

from graphkit.resolve.names import fold, generic_head, is_acronym_like, LEGAL_FORMS, raw_tokens, UNIT_WORDS


def split_cell(cell: str, *, lexicon: Iterable[str] = (), mode: str = "list") -> list[str]:
    """The organisation names a dataset cell lists, in order.

    ``mode="list"`` (EUTF: the compilers joined several organisations with ``", "``): split on
    commas, then join neighbouring pieces back when together they are a name of ``lexicon``
    (``"DAI Global, LLC (DAI)"``, ``"International Migration Institute, University of Oxford"``).

    ``mode="single"`` (CRS channel names: usually one organisation, whose name may contain
    commas): split on commas only when every piece after the first is an acronym
    (``"ONG CISV, LVIA, COP"`` -> ``ONG CISV``, ``LVIA``, ``COP``); a list after a generic head
    keeps the head (``"Comune di Asti, Bra"`` -> ``Comune di Asti``, ``Comune di Bra``); split on
    ``/`` between two organisations unless the second is a department of the first.
    """
    cell = (cell or "").replace("\r", " ").replace("\n", " ")
    cell = " ".join(cell.split())
    if not cell:
        return []
    if mode == "list":
        known = {" ".join(n.split()).casefold() for n in lexicon}
        pieces = [p.strip() for p in cell.split(", ")]
        out: list[str] = []
        i = 0
        while i < len(pieces):
            best = 1
            for j in range(len(pieces), i + 1, -1):
                if ", ".join(pieces[i:j]).casefold() in known:
                    best = j - i
                    break
            name = ", ".join(pieces[i:i + best]).strip(" ,")
            if name:
                out.append(name)
            i += best
        return out
    parts: list[str] = []
    for chunk in _split_slash(cell):
        parts.extend(_split_commas(chunk))
    return [p for p in (x.strip(" ,;") for x in parts) if p]


def _split_slash(cell: str) -> list[str]:
    pieces = [p.strip() for p in re.split(r"\s*/\s*", cell)]
    if len(pieces) < 2 or any(len(p) < 3 for p in pieces):
        return [cell]
    out = [pieces[0]]
    for p in pieces[1:]:
        first = raw_tokens(p)[:1]
        if first and first[0] in UNIT_WORDS:
            out[-1] = out[-1] + " / " + p
        else:
            out.append(p)
    return out


def _split_commas(cell: str) -> list[str]:
    if "," not in cell:
        return [cell]
    pieces = [p.strip() for p in cell.split(",")]
    rest = [p for p in pieces[1:] if p]
    if not rest:
        return [cell]
    head_tokens = raw_tokens(pieces[0])
    head, _ = generic_head(head_tokens)
    if all(is_acronym_like(p) and fold(p) not in LEGAL_FORMS for p in rest):
        return [pieces[0], *rest]
    if head in ("municipality", "province", "region") and all(
            len(raw_tokens(p)) <= 3 and p[:1].isupper() and generic_head(raw_tokens(p))[0] is None for p in rest):
        prefix = pieces[0][: len(pieces[0]) - len(pieces[0].split()[-1])].strip()
        return [pieces[0], *(f"{prefix} {p}" for p in rest)]
    return [cell]


