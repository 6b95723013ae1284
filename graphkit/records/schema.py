"""The declared schema of the curated records (pydantic models), the problems a check finds and
the validated records of a data folder (:class:`Records`).

The format is documented for people in ``docs/records.md``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from graphkit.errors import EXIT_NONCONFORMING, GraphkitError
from graphkit.records.reference import ReferenceTables

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


class RecordsInvalid(GraphkitError):
    """The records have problems; ``problems`` lists every one of them (exit code 1).

    The message counts them, says that nothing was written and lists them, one indented line each.
    """

    exit_code = EXIT_NONCONFORMING

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s) in the records; nothing was written.\n"
                         + "\n".join(f"  {p}" for p in self.problems))


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


def normalise_space(text: str) -> str:
    """The text with every run of white space made one space, and no space at either end."""
    return " ".join(text.split())
