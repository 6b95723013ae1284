"""Curated records: the declared schema, reading the YAML files and validating them.

Every problem is collected and reported at once, each naming the file, the record and the field
(:class:`Problem`); :func:`load_records` raises :class:`RecordsInvalid` with the full list.
The format is documented for people in ``docs/records.md``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from graphkit import paths
from graphkit.reference import ReferenceTables, load_reference
from graphkit.vocab import load_vocabularies

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PLACE_RE = re.compile(r"^(nuts|country|comune|place):(\S+)$")

Slug = Annotated[str, Field(pattern=SLUG)]
Text = Annotated[str, Field(min_length=1)]


def check_date(value: str) -> str:
    """Validate a date written as YYYY, YYYY-MM or YYYY-MM-DD; return it unchanged."""
    m = DATE_RE.match(value)
    if not m:
        raise ValueError(f"{value!r} is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r} has no month {month}")
    if day is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= last:
            raise ValueError(f"{value!r} has no day {day} (the month has {last} days)")
    return value


def _coerce_date(value: Any) -> Any:
    # YAML reads an unquoted 2013 as an int and 2013-09-30 as a date; accept both as written.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    return value


def _date_field(v: Any) -> str:
    v = _coerce_date(v)
    if not isinstance(v, str):
        raise ValueError(f"{v!r} is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)")
    return check_date(v)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Quoted(Model):
    """A fact with its evidence: a verbatim quote and, when not the record's own, its source."""

    quote: Text
    source: Slug | None = None


class OptionallyQuoted(Model):
    quote: Text | None = None
    source: Slug | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _quote_or_note(self):
        if self.quote is None and self.note is None:
            raise ValueError("give a quote from a source, or a note saying where the fact comes from")
        return self


# ---------------------------------------------------------------- source register


class SourceDoc(Model):
    id: Slug
    file: Text
    title: Text
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")] = "it"
    publisher: Slug | None = None
    url: Text | None = None
    retrieved: str | None = None
    note: Text | None = None

    _d = field_validator("retrieved", mode="before")(lambda v: None if v is None else _date_field(v))


# ---------------------------------------------------------------- organisations


class Membership(Quoted):
    of: Slug
    role: Slug = "member"


class MemberCount(Quoted):
    count: Annotated[int, Field(ge=0)]
    unit: Text | None = None


class Collaboration(Quoted):
    org: Slug


class Succession(OptionallyQuoted):
    org: Slug
    date: str | None = None

    _d = field_validator("date", mode="before")(lambda v: None if v is None else _date_field(v))


class Organisation(Model):
    id: Slug
    name: Text
    acronym: Text | None = None
    aliases: list[Text] = []
    type: Slug
    country: Text
    based_in: Text | None = None
    homepage: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    parent: Slug | None = None
    successor: Succession | None = None
    memberships: list[Membership] = []
    member_counts: list[MemberCount] = []
    collaborates_with: list[Collaboration] = []
    note: Text | None = None


# ---------------------------------------------------------------- funds and places


class Period(Model):
    start: str | None = None
    end: str | None = None

    _d = field_validator("start", "end", mode="before")(lambda v: None if v is None else _date_field(v))


class Fund(Model):
    id: Slug
    kind: Literal["fund", "specific-objective", "national-objective", "action", "call"]
    name: Text
    acronym: Text | None = None
    code: Text | None = None
    aliases: list[Text] = []
    period: Period | None = None
    parent: Slug | None = None
    quote: Text | None = None
    source: Slug | None = None
    note: Text | None = None


class LocalPlace(Model):
    id: Slug
    name: Text
    kind: Literal["city", "nuts-2013-region", "region", "district", "country-part"]
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    long: Annotated[float, Field(ge=-180, le=180)] | None = None
    within: Text | None = None
    nuts_code: Annotated[str, Field(pattern=r"^[A-Z]{2}[0-9A-Z]{0,3}$")] | None = None
    replaced_by: Text | None = None
    aliases: list[Text] = []
    note: Text | None = None


# ---------------------------------------------------------------- projects


class Identifier(Quoted):
    scheme: Literal["cup", "project-number"]
    value: Text


class FundingRef(Quoted):
    scheme: Slug


class DatedFact(Quoted):
    value: str

    _d = field_validator("value", mode="before")(_date_field)


class PeriodFact(Quoted):
    """A period of execution given in years ("2013-2014"); days or months go in started/ended."""

    start: str
    end: str

    @field_validator("start", "end", mode="before")
    @classmethod
    def _year(cls, v: Any) -> str:
        v = _date_field(v)
        if len(v) != 4:
            raise ValueError(f"{v!r}: a period is given in years; write a day or month as started/ended")
        return v


class DurationFact(Quoted):
    months: Annotated[int, Field(gt=0, le=600)]
    planned: bool = False


class Dates(Model):
    submitted: DatedFact | None = None
    approved: DatedFact | None = None
    started: DatedFact | None = None
    ended: DatedFact | None = None
    period: PeriodFact | None = None
    duration: DurationFact | None = None
    about: DatedFact | None = None


class PlaceRef(Quoted):
    place: Text


class Participant(Quoted):
    org: Slug
    role: Slug
    as_written: Text
    group: Text | None = None
    via: Slug | None = None
    note: Text | None = None


class CountryRef(Quoted):
    country: Text


class Count(Model):
    exact: Annotated[int, Field(ge=0)] | None = None
    approx: Annotated[int, Field(ge=0)] | None = None
    min: Annotated[int, Field(ge=0)] | None = None
    max: Annotated[int, Field(ge=0)] | None = None
    share: Annotated[float, Field(gt=0, le=1)] | None = None
    of: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _one_form(self):
        forms = [
            self.exact is not None,
            self.approx is not None,
            self.min is not None or self.max is not None,
            self.share is not None or self.of is not None,
        ]
        if sum(forms) != 1:
            raise ValueError("write the count as one of: exact: N | approx: N | min: N, max: N | share: F, of: N")
        if (self.min is None) != (self.max is None):
            raise ValueError("a range needs both min and max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        if (self.share is None) != (self.of is None):
            raise ValueError("a share needs both share and of")
        return self


class TargetGroup(Quoted):
    label: Text
    count: Count | None = None
    unit: Slug | None = None
    place: Text | None = None
    origin: list[Text] = []
    note: Text | None = None


class Objective(Quoted):
    level: Literal["general", "specific"]
    code: Text | None = None
    text: Text


class Activity(Quoted):
    code: Text
    title: Text
    parent: Text | None = None
    responsible: list[Slug] = []
    note: Text | None = None

    _c = field_validator("code", "parent", mode="before")(lambda v: None if v is None else str(v))


class Result(Quoted):
    kind: Literal["expected-result", "output"]
    code: Text | None = None
    text: Text
    count: Annotated[int, Field(ge=0)] | None = None
    unit: Text | None = None
    activities: list[str] = []

    _c = field_validator("activities", mode="before")(lambda v: [str(x) for x in v] if isinstance(v, list) else v)


class Event(Quoted):
    title: Text
    kind: Text
    date: str | None = None
    place: Text | None = None
    organisers: list[Slug] = []
    note: Text | None = None

    _d = field_validator("date", mode="before")(lambda v: None if v is None else _date_field(v))


class Publication(Quoted):
    title: Text
    kind: Literal["publication", "study", "video", "website", "archive", "article"]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None


class Contact(Quoted):
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")]


class Project(Model):
    id: Slug
    source: Slug
    acronym: Text | None = None
    title: Text
    title_quote: Text | None = None
    part_of: Slug | None = None
    identifiers: list[Identifier] = []
    funding: list[FundingRef] = []
    dates: Dates = Dates()
    places: list[PlaceRef] = []
    participants: list[Participant] = Field(min_length=1)
    target_countries: list[CountryRef] = []
    target_groups: list[TargetGroup] = []
    objectives: list[Objective] = []
    themes: list[Slug] = []
    activities: list[Activity] = []
    results: list[Result] = []
    events: list[Event] = []
    publications: list[Publication] = []
    contacts: list[Contact] = []
    note: Text | None = None


# ---------------------------------------------------------------- problems and loading


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the records: where it is and what is wrong."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.record}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


class RecordsInvalid(Exception):
    """The records have problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s) in the records:\n" + "\n".join(map(str, self.problems)))


@dataclass
class Located:
    """A validated record and the file it came from."""

    file: str
    record: Any


@dataclass
class Records:
    """All validated records of a data folder, ready to be turned into RDF."""

    data_dir: Path
    sources: dict[str, Located] = field(default_factory=dict)
    organisations: dict[str, Located] = field(default_factory=dict)
    funds: dict[str, Located] = field(default_factory=dict)
    places: dict[str, Located] = field(default_factory=dict)
    projects: dict[str, Located] = field(default_factory=dict)
    source_texts: dict[str, str] = field(default_factory=dict)
    reference: ReferenceTables | None = None
    vocab: dict[str, set[str]] = field(default_factory=dict)
    # Project files whose form is wrong: their references are still checked, from the raw data.
    invalid_projects: list[tuple[str, str, dict]] = field(default_factory=list)


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


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _describe(error: dict) -> str:
    msg = error["msg"]
    if error["type"] == "extra_forbidden":
        return "unknown field (check its spelling against docs/records.md)"
    if error["type"] == "missing":
        return "required field is missing"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg


def _read_yaml(path: Path, rel: str, problems: list[Problem]) -> Any:
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


def _record_name(kind: str, raw: Any, index: int | None) -> str:
    rid = raw.get("id") if isinstance(raw, dict) else None
    if rid:
        return f"{kind} {rid}"
    return f"{kind} #{index + 1}" if index is not None else kind


def _validate(model: type[Model], raw: Any, rel: str, record: str, problems: list[Problem]):
    if not isinstance(raw, dict):
        problems.append(Problem(rel, record, "", f"expected a mapping of fields, found {type(raw).__name__}"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(rel, record, _loc(err["loc"]), _describe(err)))
        return None


def _read_list(data_dir: Path, name: str, model: type[Model], kind: str, out: dict, problems: list[Problem]) -> None:
    path = data_dir / name
    if not path.exists():
        problems.append(Problem(name, "(file)", "", "file is missing"))
        return
    raw = _read_yaml(path, name, problems)
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.append(Problem(name, "(file)", "", "expected a list of records"))
        return
    for i, item in enumerate(raw):
        record = _record_name(kind, item, i)
        obj = _validate(model, item, name, record, problems)
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


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def load_records(data_dir: Path | str, *, ontology_dir: Path | None = None) -> Records:
    """Read and validate every record under ``data_dir``.

    Raises:
        RecordsInvalid: with every problem found, each naming file, record and field.
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    recs = Records(data_dir=data_dir)
    _read_list(data_dir, "sources.yaml", SourceDoc, "source", recs.sources, problems)
    _read_list(data_dir, "organisations.yaml", Organisation, "organisation", recs.organisations, problems)
    _read_list(data_dir, "funds.yaml", Fund, "fund", recs.funds, problems)
    _read_list(data_dir, "places.yaml", LocalPlace, "place", recs.places, problems)

    project_dir = data_dir / "projects"
    files = sorted(project_dir.glob("*.yaml")) if project_dir.is_dir() else []
    if not files:
        problems.append(Problem("projects/", "(folder)", "", "no project files (*.yaml) found"))
    for path in files:
        rel = str(path.relative_to(data_dir))
        raw = _read_yaml(path, rel, problems)
        if raw is None:
            continue
        record = _record_name("project", raw, None)
        obj = _validate(Project, raw, rel, record, problems)
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
    from graphkit.checks import cross_check  # a sibling module: the reference checks

    problems.extend(cross_check(recs))
    if problems:
        raise RecordsInvalid(problems)
    return recs
