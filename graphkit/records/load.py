"""Reading the curated records: the YAML files of a data folder, validated against the schema
(:mod:`graphkit.records.schema`) and checked across records (:mod:`graphkit.records.checks`).

Every problem is collected and reported at once, each naming the file, the record and the field
(:class:`~graphkit.records.schema.Problem`); :func:`load_records` raises
:class:`~graphkit.records.schema.RecordsInvalid` with the full list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from graphkit import paths
from graphkit.records.checks import cross_check
from graphkit.records.reference import load_reference
from graphkit.records.schema import (
    Fund, LocalPlace, Located, Model, Organisation, Problem, Project, Records, RecordsInvalid, SourceDoc,
)
from graphkit.records.vocab import load_vocabularies


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping with the same key twice (PyYAML keeps the last)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def location(loc: tuple) -> str:
    """A pydantic error location as a field path: ``('participants', 0, 'org')`` -> ``participants[0].org``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def describe_error(error: dict) -> str:
    """The message of a pydantic error as a curator reads it: an unknown or missing field said plainly,
    a validator's message without its ``Value error,`` prefix."""
    msg = error["msg"]
    if error["type"] == "extra_forbidden":
        return "unknown field (check its spelling against docs/records.md)"
    if error["type"] == "missing":
        return "required field is missing"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg


def read_yaml(path: Path, rel: str, problems: list[Problem]) -> Any:
    """The parsed YAML of ``path`` (a duplicate key is an error), or None after adding to
    ``problems`` why the file cannot be read as UTF-8 YAML (``rel`` names the file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, "(file)", "", f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
        return None
    except OSError as exc:
        problems.append(Problem(rel, "(file)", "", f"cannot be read: {exc.strerror}"))
        return None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(rel, where, "", f"not valid YAML: {reason}"))
        return None


def record_name(kind: str, raw: Any, index: int | None) -> str:
    """How a problem names a record: ``KIND ID``, else ``KIND #N`` by position (1-based), else ``KIND``."""
    rid = raw.get("id") if isinstance(raw, dict) else None
    if rid:
        return f"{kind} {rid}"
    return f"{kind} #{index + 1}" if index is not None else kind


def validate_record(model: type[Model], raw: Any, rel: str, record: str, problems: list[Problem]):
    """``raw`` validated as ``model``, or None after adding a problem for each error (a value that is
    no mapping, a field that fails) to ``problems``."""
    if not isinstance(raw, dict):
        problems.append(Problem(rel, record, "", f"expected a mapping of fields, found {type(raw).__name__}"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(rel, record, location(err["loc"]), describe_error(err)))
        return None


def read_list(data_dir: Path, name: str, model: type[Model], kind: str, out: dict, problems: list[Problem]) -> None:
    """Validate the list of records in ``data_dir / name`` as ``model`` into ``out`` (id -> located
    record); a missing or unreadable file, a value that is no list, an invalid record or a duplicate
    id adds to ``problems`` instead."""
    path = data_dir / name
    if not path.exists():
        problems.append(Problem(name, "(file)", "", "file is missing"))
        return
    raw = read_yaml(path, name, problems)
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.append(Problem(name, "(file)", "", "expected a list of records"))
        return
    for i, item in enumerate(raw):
        record = record_name(kind, item, i)
        obj = validate_record(model, item, name, record, problems)
        if obj is None:
            continue
        if obj.id in out:
            problems.append(Problem(name, record, "id", f"duplicate id {obj.id!r} (first defined in {out[obj.id].file})"))
            continue
        out[obj.id] = Located(name, obj)


def default_reference_dir() -> Path:
    """The reference tables shipped with graphkit (``graphkit/resources/reference``)."""
    return paths.reference_dir()


def reference_dir_of(data_dir: Path) -> Path:
    """``data_dir/reference`` when the folder has its own tables, else the shipped ones."""
    return paths.reference_dir_of(data_dir)


def load_records(data_dir: Path | str, *, ontology_dir: Path | None = None) -> Records:
    """Read and validate every record under ``data_dir``.

    Raises:
        RecordsInvalid: with every problem found, each naming file, record and field.
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    recs = Records(data_dir=data_dir)
    read_list(data_dir, "sources.yaml", SourceDoc, "source", recs.sources, problems)
    read_list(data_dir, "organisations.yaml", Organisation, "organisation", recs.organisations, problems)
    read_list(data_dir, "funds.yaml", Fund, "fund", recs.funds, problems)
    read_list(data_dir, "places.yaml", LocalPlace, "place", recs.places, problems)

    project_dir = data_dir / "projects"
    files = sorted(project_dir.glob("*.yaml")) if project_dir.is_dir() else []
    if not files:
        problems.append(Problem("projects/", "(folder)", "", "no project files (*.yaml) found"))
    for path in files:
        rel = str(path.relative_to(data_dir))
        raw = read_yaml(path, rel, problems)
        if raw is None:
            continue
        record = record_name("project", raw, None)
        obj = validate_record(Project, raw, rel, record, problems)
        if obj is None:
            if isinstance(raw, dict):
                recs.invalid_projects.append((rel, record, raw))
            continue
        if obj.id in recs.projects:
            problems.append(Problem(rel, record, "id", f"duplicate id {obj.id!r} (first defined in {recs.projects[obj.id].file})"))
            continue
        recs.projects[obj.id] = Located(rel, obj)

    for sid, loc in recs.sources.items():
        path = data_dir / loc.record.file
        try:
            recs.source_texts[sid] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(loc.file, f"source {sid}", "file", f"cannot read {loc.record.file}: {exc}"))

    recs.reference = load_reference(reference_dir_of(data_dir))
    recs.vocab = load_vocabularies(ontology_dir)
    problems.extend(cross_check(recs))
    if problems:
        raise RecordsInvalid(problems)
    return recs
