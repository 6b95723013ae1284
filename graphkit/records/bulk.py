"""The bulk record format: the same records as the YAML files, one JSON object per line.

A bulk folder holds ``projects.jsonl`` and, as needed, ``organisations.jsonl``, ``funds.jsonl``,
``places.jsonl`` and ``sources.jsonl`` (each optionally gzipped: ``projects.jsonl.gz``). Each line
is one record with exactly the fields of its YAML form (``docs/records.md``); a source may carry
its document's text inline (``"text": "..."``) instead of a file under ``sources/``. Why JSON
Lines rather than tables: ``docs/decisions/0012-bulk-records-are-json-lines-built-by-streaming.md``.

Records are validated by the same pydantic models and cross-record checks as the YAML files
(:mod:`graphkit.records.schema`, :mod:`graphkit.records.checks`), one line at a time, and every problem is
reported with its file, record (with the line number) and field. Projects are streamed:
:func:`iter_projects` never holds more than one line in memory, so the build of a million
projects keeps only the registries (organisations, funds, places, source texts) in memory.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path
from typing import IO, Callable, Iterator

from pydantic import ValidationError

from graphkit.records.load import describe_error, location, read_list, read_yaml, record_name, validate_record
from graphkit.records.schema import (
    Fund, LocalPlace, Located, Model, Organisation, Problem, Project, Records, SourceDoc, normalise_space,
)

BULK_KINDS = ("sources", "organisations", "funds", "places", "projects")
_ID_RE = re.compile(r'"id"\s*:\s*"([^"\\]{1,200})"')


class BulkSourceDoc(SourceDoc):
    """A source-register entry of a bulk folder: the YAML fields, plus the text inline if wished."""

    text: str | None = None


def bulk_file(folder: Path, kind: str) -> Path | None:
    """``folder/kind.jsonl`` or ``folder/kind.jsonl.gz``, whichever exists."""
    for name in (f"{kind}.jsonl", f"{kind}.jsonl.gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def is_bulk_folder(folder: Path | str) -> bool:
    """A folder of JSON Lines records (it has ``projects.jsonl`` or ``projects.jsonl.gz``)."""
    return bulk_file(Path(folder), "projects") is not None


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8")


def _lines(path: Path, label: str, problems: list[Problem]) -> Iterator[tuple[int, str]]:
    """(line number, text) of every non-blank line; an unreadable file is one problem."""
    try:
        with _open(path) as fh:
            for n, line in enumerate(fh, start=1):
                if line.strip():
                    yield n, line
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, "(file)", "", f"not UTF-8 text: {exc.reason}"))
    except (OSError, EOFError) as exc:
        problems.append(Problem(label, "(file)", "", f"cannot be read: {exc}"))


def _record_of(kind: str, line: str, n: int) -> str:
    m = _ID_RE.search(line)
    return f"{kind} {m.group(1)} (line {n})" if m else f"{kind} (line {n})"


def validate_line(model: type[Model], kind: str, line: str, n: int, label: str, problems: list[Problem]):
    """One JSON line validated against ``model``; None (and problems) when it is not valid."""
    try:
        return model.model_validate_json(line)
    except ValidationError as exc:
        record = _record_of(kind, line, n)
        for err in exc.errors():
            if err["type"] == "json_invalid":
                problems.append(Problem(label, record, "", f"not valid JSON: {err['ctx'].get('error', err['msg'])}"
                                        if err.get("ctx") else f"not valid JSON: {err['msg']}"))
            elif err["type"] == "model_type":
                problems.append(Problem(label, record, "", "expected a JSON object of fields"))
            else:
                problems.append(Problem(label, record, location(err["loc"]), describe_error(err)))
        return None


def _label(folder: Path, path: Path, primary: bool) -> str:
    return path.name if primary else str(folder / path.name)


def read_registry(folder: Path, recs: Records, problems: list[Problem], *, primary: bool = True) -> None:
    """Add the sources, organisations, funds and places of ``folder`` (bulk or YAML) to ``recs``.

    Source texts are stored white-space normalised (as the quote check compares them).
    """
    folder = Path(folder)
    if not is_bulk_folder(folder):
        _read_yaml_registry(folder, recs, problems, primary)
        return
    models = {"sources": BulkSourceDoc, "organisations": Organisation, "funds": Fund, "places": LocalPlace}
    targets = {"sources": recs.sources, "organisations": recs.organisations, "funds": recs.funds,
               "places": recs.places}
    singular = {"sources": "source", "organisations": "organisation", "funds": "fund", "places": "place"}
    for kind, model in models.items():
        path = bulk_file(folder, kind)
        if path is None:
            continue
        label = _label(folder, path, primary)
        out = targets[kind]
        for n, line in _lines(path, label, problems):
            obj = validate_line(model, singular[kind], line, n, label, problems)
            if obj is None:
                continue
            if obj.id in out:
                problems.append(Problem(label, f"{singular[kind]} {obj.id} (line {n})", "id",
                                        f"duplicate id {obj.id!r} (first defined in {out[obj.id].file})"))
                continue
            if kind == "sources":
                text = obj.text
                obj.text = None
                if text is None:
                    text = _read_source_file(folder, obj, label, n, problems)
                if text is not None:
                    recs.source_texts[obj.id] = normalise_space(text)
            out[obj.id] = Located(label, obj)


def _read_source_file(folder: Path, src: SourceDoc, label: str, n: int, problems: list[Problem]) -> str | None:
    try:
        return (folder / src.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(label, f"source {src.id} (line {n})", "file", f"cannot read {src.file}: {exc}"))
        return None


def _read_yaml_registry(folder: Path, recs: Records, problems: list[Problem], primary: bool) -> None:
    """The registry files of a YAML data folder (``sources.yaml`` is required, the rest optional)."""
    for name, model, kind, out in (("sources.yaml", SourceDoc, "source", recs.sources),
                                   ("organisations.yaml", Organisation, "organisation", recs.organisations),
                                   ("funds.yaml", Fund, "fund", recs.funds),
                                   ("places.yaml", LocalPlace, "place", recs.places)):
        if not (folder / name).exists() and name != "sources.yaml":
            continue
        before = set(out)
        sub: list[Problem] = []
        read_list(folder, name, model, kind, out, sub)
        label = name if primary else str(folder / name)
        problems.extend(Problem(label if p.file == name else p.file, p.record, p.field, p.message) for p in sub)
        for key in set(out) - before:
            out[key] = Located(label, out[key].record)
            if kind == "source":
                src = out[key].record
                try:
                    recs.source_texts[key] = normalise_space((folder / src.file).read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError) as exc:
                    problems.append(Problem(label, f"source {key}", "file", f"cannot read {src.file}: {exc}"))


def read_yaml_projects(folder: Path, problems: list[Problem], *,
                       primary: bool = True) -> tuple[list[Located], list[tuple[str, str, dict]]]:
    """The validated project files of a YAML data folder, and the (file, record, raw data) of
    those whose form is wrong (their references are still checked)."""
    out, invalid = [], []
    project_dir = folder / "projects"
    files = sorted(project_dir.glob("*.yaml")) if project_dir.is_dir() else []
    if not files:
        label = "projects/" if primary else f"{folder}/projects/"
        problems.append(Problem(label, "(folder)", "", "no project files (*.yaml) found"))
    for path in files:
        rel = str(path.relative_to(folder)) if primary else str(path)
        raw = read_yaml(path, rel, problems)
        if raw is None:
            continue
        record = record_name("project", raw, None)
        obj = validate_record(Project, raw, rel, record, problems)
        if obj is not None:
            out.append(Located(rel, obj))
        elif isinstance(raw, dict):
            invalid.append((rel, record, raw))
    return out, invalid


def iter_projects(folder: Path, problems: list[Problem], *, primary: bool = True,
                  invalid: Callable[[str, str, dict], None] | None = None) -> Iterator[tuple[str, int, Project]]:
    """(file label, line number, project) for every valid line of a bulk folder's projects file.

    ``invalid(file, record, raw)`` is called with the data of a line whose form is wrong (when it
    is a JSON object), so that its references can still be checked.
    """
    path = bulk_file(folder, "projects")
    if path is None:
        return
    label = _label(folder, path, primary)
    for n, line in _lines(path, label, problems):
        obj = validate_line(Project, "project", line, n, label, problems)
        if obj is not None:
            yield label, n, obj
        elif invalid is not None:
            try:
                raw = json.loads(line)
            except ValueError:
                continue
            if isinstance(raw, dict):
                invalid(label, _record_of("project", line, n), raw)


def count_lines(folder: Path) -> int:
    """How many projects a bulk folder holds (non-blank lines of its projects file), for progress."""
    path = bulk_file(folder, "projects")
    if path is None:
        return 0
    with (gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")) as fh:
        return sum(1 for line in fh if line.strip())


__all__ = ["BULK_KINDS", "BulkSourceDoc", "bulk_file", "is_bulk_folder", "read_registry", "read_yaml_projects",
           "iter_projects", "count_lines", "validate_line"]
