"""What resolution works on and keeps: entities, mentions, matches, and the review file where a
person accepts, rejects or marks as a unit a candidate match (:func:`read_review`,
:func:`write_review`)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from graphkit.errors import EXIT_NONCONFORMING, GraphkitError
from graphkit.resolve.names import DECISIONS, Name, REVIEW_COLUMNS


@dataclass
class Entity:
    """An organisation names can resolve to: a seed organisation or an external cluster."""

    id: str                          # the organisation slug (``cop``, ``eutf-cesvi``)
    label: str
    names: list[Name]
    seed: bool
    country: str | None = None       # ISO3 when known


@dataclass(frozen=True)
class Mention:
    """An organisation name in a dataset: the dataset, the name, the context it appears in."""

    dataset: str
    name: str
    role: str = ""
    italian: bool = False            # the dataset says it is an Italian body (CRS donor-country channel)
    weight: int = 1


@dataclass(frozen=True)
class Match:
    """What a name resolved to: the organisation slug (None for a cell that names no organisation), the
    confidence and the method, and the organisation it is an office of when a reviewer said so."""

    org: str | None                  # organisation slug, None for a cell that names no organisation
    confidence: float
    method: str
    unit_of: str | None = None       # set when a reviewer decided the name is an office of ``unit_of``


@dataclass
class ReviewRow:
    """A candidate match below the threshold, or a decision about one.

    ``key`` is the normalised name under review; the candidate is a seed organisation
    (``candidate_key`` empty) or another dataset name (``candidate_key`` its normalised key,
    ``candidate`` the slug of the organisation it belongs to now).
    """

    dataset: str
    name: str
    key: str
    candidate: str
    candidate_name: str
    confidence: float
    method: str
    candidate_key: str = ""
    decision: str = ""
    note: str = ""

    @property
    def ident(self) -> tuple[str, str]:
        """What identifies the row in the review file: the name's key and the candidate's key (or slug)."""
        return (self.key, self.candidate_key or self.candidate)

    def as_dict(self) -> dict[str, str]:
        """The row as the review file's columns (the candidate as a CURIE, the confidence with two decimals)."""
        return {"dataset": self.dataset, "name": self.name, "key": self.key,
                "candidate": f"organisation:{self.candidate}", "candidate_name": self.candidate_name,
                "candidate_key": self.candidate_key, "confidence": f"{self.confidence:.2f}",
                "method": self.method, "decision": self.decision, "note": self.note}


class ReviewError(GraphkitError, ValueError):
    """The review file cannot be read: the message names the line and the problem (exit code 1)."""

    exit_code = EXIT_NONCONFORMING


def read_review(path: Path) -> dict[tuple[str, str], ReviewRow]:
    """The rows of a review file by (name key, candidate key or seed slug). Missing file: none."""
    path = Path(path)
    if not path.exists():
        return {}
    out: dict[tuple[str, str], ReviewRow] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("name", "key", "candidate", "decision") if c not in (reader.fieldnames or [])]
        if missing:
            raise ReviewError(f"{path}: missing column(s) {', '.join(missing)} "
                              f"(expected {', '.join(REVIEW_COLUMNS)})")
        for row in reader:
            decision = (row.get("decision") or "").strip().lower()
            if decision and decision not in DECISIONS:
                raise ReviewError(f"{path}: line {reader.line_num}: decision {decision!r} is not one of "
                                  f"{', '.join(DECISIONS)} (or empty: not decided yet)")
            try:
                conf = float(row.get("confidence") or 0)
            except ValueError:
                raise ReviewError(f"{path}: line {reader.line_num}: confidence {row.get('confidence')!r} "
                                  "is not a number") from None
            r = ReviewRow(dataset=(row.get("dataset") or "").strip(), name=row.get("name") or "",
                          key=(row.get("key") or "").strip(),
                          candidate=(row.get("candidate") or "").strip().removeprefix("organisation:"),
                          candidate_name=row.get("candidate_name") or "", confidence=conf,
                          method=row.get("method") or "", candidate_key=(row.get("candidate_key") or "").strip(),
                          decision=decision, note=row.get("note") or "")
            if not r.key or not r.candidate:
                raise ReviewError(f"{path}: line {reader.line_num}: a row needs a key and a candidate")
            out[r.ident] = r
    return out


def write_review(path: Path, rows: Iterable[ReviewRow]) -> None:
    """Write the review file sorted by candidate and name (decided rows are kept as they are)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(rows, key=lambda r: (r.candidate, r.key, r.candidate_key, r.dataset))
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in ordered:
            w.writerow(r.as_dict())
    tmp.replace(path)


