"""What every dataset importer shares: reading CSV rows safely, counting what happens to each row,
parsing values, writing N-Quads, and the dataset's provenance.

Bad input never goes unnoticed: a file that cannot be read as the dataset (missing columns, no
header, an unreadable file) raises :class:`DatasetError` with a message naming the file and the
problem; a row that cannot be imported (no identifier, a malformed date or amount, bytes that are
not text in the file's encoding, a wrong number of fields) is skipped and counted under its
reason in the :class:`ImportReport`, with its line number.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from graphkit.errors import EXIT_NONCONFORMING, GraphkitError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

DELIMITERS = (",", ";", "\t", "|")
_SURROGATE = re.compile(r"[\udc80-\udcff]")


class DatasetError(GraphkitError):
    """The file cannot be imported as the dataset; the message says which file and why (exit code 1)."""

    exit_code = EXIT_NONCONFORMING


class RowError(GraphkitError, ValueError):
    """A value of a row cannot be used; the row is skipped and the reason counted."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass
class Row:
    """One CSV record: its number (1 = first after the header), the line it ends on, its values."""

    number: int
    line: int
    values: dict[str, str]
    problem: RowError | None = None


@dataclass
class ImportReport:
    """What an import did: rows read, imported, skipped (with reasons), and what it produced."""

    dataset: str
    path: str = ""
    encoding: str = "utf-8"
    delimiter: str = ","
    rows_read: int = 0
    rows_imported: int = 0
    rows_merged: int = 0
    rows_skipped: int = 0
    skip_reasons: Counter = field(default_factory=Counter)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    note_examples: dict[str, list[str]] = field(default_factory=dict)
    projects: int = 0
    participations: int = 0
    organisations: int = 0
    organisations_seed: int = 0
    organisations_new: int = 0
    names: int = 0
    names_resolved_to_seeds: int = 0
    review_candidates: int = 0
    triples: int = 0
    seconds: float = 0.0
    files: list[dict[str, Any]] = field(default_factory=list)
    output: str = ""

    def skip(self, row: Row, reason: str, detail: str = "") -> None:
        """Count ``row`` as skipped for ``reason`` and keep its record and line number with ``detail``."""
        self.rows_skipped += 1
        self.skip_reasons[reason] += 1
        self.skipped.append({"record": row.number, "line": row.line, "reason": reason, "detail": detail})

    def note(self, what: str, example: str = "") -> None:
        """Count something worth reporting that does not skip the row (an unmapped code, a merge)."""
        self.notes[what] += 1
        if example:
            ex = self.note_examples.setdefault(what, [])
            if len(ex) < 5 and example not in ex:
                ex.append(example)

    @property
    def reconciled(self) -> bool:
        """Whether every row read was either imported or skipped."""
        return self.rows_read == self.rows_imported + self.rows_skipped

    def totals_line(self) -> str:
        """One line with the rows read, imported (and merged) and skipped, the skip reasons most
        frequent first."""
        reasons = "; ".join(f"{n} {r}" for r, n in sorted(self.skip_reasons.items(), key=lambda x: (-x[1], x[0])))
        merged = f" (of which {self.rows_merged} merged into an earlier record with the same identifier)" \
            if self.rows_merged else ""
        return (f"{self.dataset}: rows read {self.rows_read}, imported {self.rows_imported}{merged}, "
                f"skipped {self.rows_skipped}" + (f" ({reasons})" if reasons else ""))

    def lines(self) -> list[str]:
        """The report as printed lines: the file, what was produced, the notes with examples, the first
        20 skipped rows, the output folder and the totals line."""
        out = [
            f"dataset         {self.dataset}",
            f"file            {self.path} ({self.encoding}, delimiter {self.delimiter!r})",
            f"projects        {self.projects}",
            f"participations  {self.participations}",
            f"organisations   {self.organisations} ({self.organisations_seed} of the seed registry, "
            f"{self.organisations_new} others)",
            f"names           {self.names} distinct organisation names, {self.names_resolved_to_seeds} "
            "resolved to seed organisations",
            f"review          {self.review_candidates} candidate matches below the threshold in the review file",
            f"triples         {self.triples}",
            f"seconds         {self.seconds:.1f}",
        ]
        for what, n in sorted(self.notes.items()):
            ex = self.note_examples.get(what)
            out.append(f"note            {n} {what}" + (f" (e.g. {', '.join(ex[:3])})" if ex else ""))
        for s in self.skipped[:20]:
            out.append(f"skipped         record {s['record']} (line {s['line']}): {s['reason']}"
                       + (f": {s['detail']}" if s["detail"] else ""))
        if len(self.skipped) > 20:
            out.append(f"skipped         ... {len(self.skipped) - 20} more in report.json")
        out.append(f"written to      {self.output}")
        out.append(self.totals_line())
        return out

    def to_json(self) -> str:
        """The report as indented JSON (``report.json``), with the counters as objects and ``reconciled``."""
        d = asdict(self)
        d["skip_reasons"] = dict(self.skip_reasons)
        d["notes"] = dict(self.notes)
        d["reconciled"] = self.reconciled
        return json.dumps(d, indent=2, ensure_ascii=False) + "\n"


def sha256(path: Path) -> str:
    """The SHA-256 hex digest of the file at ``path``, read in blocks of 1 MiB."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------- reading


def _header(path: Path, encoding: str) -> tuple[str, list[str]]:
    try:
        with path.open(encoding=encoding, errors="surrogateescape", newline="") as fh:
            first = fh.readline()
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DatasetError(f"{path}: is a folder, not a CSV file") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if not first.strip():
        raise DatasetError(f"{path}: the file is empty (no header line)")
    if _SURROGATE.search(first):
        raise DatasetError(f"{path}: the header is not {encoding} text; pass the file's encoding "
                           "(e.g. --encoding latin-1)")
    return first.lstrip("\ufeff"), []


def detect_delimiter(path: Path, required: Sequence[str], encoding: str, delimiter: str | None) -> str:
    """The delimiter under which the header holds every required column.

    Raises:
        DatasetError: naming the missing columns, and the delimiter that would work when the
            file uses another one than the one asked for.
    """
    first, _ = _header(path, encoding)

    def columns(d: str) -> list[str]:
        return [c.strip() for c in next(csv.reader([first], delimiter=d))]

    candidates = [delimiter] if delimiter else list(DELIMITERS)
    for d in candidates:
        if all(c in columns(d) for c in required):
            return d
    asked = delimiter or ","
    found = columns(asked)
    missing = [c for c in required if c not in found]
    hint = ""
    for d in DELIMITERS:
        if d != asked and all(c in columns(d) for c in required):
            hint = f"; the file uses {d!r} as delimiter: pass --delimiter {d!r}" if delimiter else ""
            break
    if not hint and len(found) == 1:
        others = {d: len(columns(d)) for d in DELIMITERS if d != asked}
        d, n = max(others.items(), key=lambda kv: kv[1])
        if n > 1:
            hint = f"; the header splits into 1 column with {asked!r} but {n} with {d!r}: is this the right file?"
    shown = ", ".join(found[:12]) + (" ..." if len(found) > 12 else "")
    if len(shown) > 160:
        shown = shown[:157] + "..."
    raise DatasetError(f"{path}: missing column(s) {', '.join(missing)} (the header has: {shown}){hint}")


def read_rows(path: Path, required: Sequence[str], *, encoding: str = "utf-8",
              delimiter: str | None = None) -> tuple[str, Iterator[Row]]:
    """Stream the rows of a CSV file as :class:`Row` values; rows that cannot be read carry a problem.

    Returns the delimiter used and the row iterator. Undecodable bytes, a wrong number of fields
    and NUL bytes make a row's ``problem``; the caller skips and counts it.
    """
    path = Path(path)
    delim = detect_delimiter(path, required, encoding, delimiter)

    def rows() -> Iterator[Row]:
        with path.open(encoding=encoding, errors="surrogateescape", newline="") as fh:
            reader = csv.reader(fh, delimiter=delim)
            try:
                header = [c.strip().lstrip("\ufeff") for c in next(reader)]
            except StopIteration:
                return
            number = 0
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    number += 1
                    yield Row(number, reader.line_num, {}, RowError("unreadable CSV record", str(exc)))
                    continue
                number += 1
                if not values or (len(values) == 1 and not values[0].strip()):
                    number -= 1
                    continue          # a blank line is not a record
                problem = None
                if len(values) != len(header):
                    problem = RowError("wrong number of fields",
                                       f"{len(values)} fields, the header has {len(header)}")
                else:
                    bad = [h for h, v in zip(header, values) if _SURROGATE.search(v)]
                    if bad:
                        problem = RowError(f"not {encoding} text",
                                           f"undecodable bytes in column {bad[0]}")
                    elif any("\x00" in v for v in values):
                        problem = RowError("NUL byte in a value")
                yield Row(number, reader.line_num, dict(zip(header, values)) if problem is None else {}, problem)

    return delim, rows()


# ---------------------------------------------------------------------------------------- values


def parse_date(value: str, formats: Sequence[str], column: str) -> date | None:
    """A date in one of ``formats``; empty is None; anything else raises :class:`RowError`."""
    v = (value or "").strip()
    if not v:
        return None
    for fmt in formats:
        try:
            return datetime.strptime(v, fmt).date()
        except ValueError:
            continue
    raise RowError(f"bad date in {column}", repr(v))


def parse_amount(value: str, column: str, *, scale: int = 1) -> Decimal | None:
    """A non-negative decimal amount (``1e+07``, ``0.0530715``) times ``scale``; empty is None."""
    v = (value or "").strip()
    if not v:
        return None
    try:
        d = Decimal(v)
    except InvalidOperation:
        raise RowError(f"bad amount in {column}", repr(v)) from None
    if not d.is_finite() or d < 0:
        raise RowError(f"bad amount in {column}", repr(v))
    return d * scale


Progress = Callable[[str], None]


class Ticker:
    """Progress every ``every`` rows and at the end (to stderr through the CLI)."""

    def __init__(self, progress: Progress | None, what: str, every: int = 500):
        self.progress = progress or (lambda _m: None)
        self.what = what
        self.every = every
        self.start = time.perf_counter()

    def tick(self, n: int) -> None:
        """Report progress when ``n``, the number of rows so far, is a multiple of ``every``."""
        if n % self.every == 0:
            self.progress(f"{self.what}: {n} rows ({time.perf_counter() - self.start:.1f} s)")


def import_rows(rows: Iterable[Row], report: "ImportReport", progress, name: str,
                handle: Callable[[Row], None]) -> None:
    """Give every row to ``handle``, counting it as read; a row that could not be read, or that
    ``handle`` refuses with a :class:`RowError`, is counted as skipped with its reason."""
    ticker = Ticker(progress, name)
    for row in rows:
        report.rows_read += 1
        ticker.tick(report.rows_read)
        if row.problem:
            report.skip(row, row.problem.reason, row.problem.detail)
            continue
        try:
            handle(row)
        except RowError as exc:
            report.skip(row, exc.reason, exc.detail)


def chunks(items: Iterable[str]) -> list[str]:
    """The non-empty items of ``items``, stripped of surrounding white space, in order."""
    return [x.strip() for x in items if x and x.strip()]
