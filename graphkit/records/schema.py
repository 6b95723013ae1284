"""The declared schema of the curated records (pydantic models), the problems a check finds and
the validated records of a data folder (:class:`Records`).

The format is documented for people in ``docs/records.md``.
"""

from __future__ import annotations

import calendar
import re
from decimal import Decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from graphkit.errors import EXIT_NONCONFORMING, GraphkitError
from graphkit.records.reference import ReferenceTables

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PLACE_RE = re.compile(r"^(nuts|country|comune|place):(\S+)$")
AMOUNT_RE = re.compile(r"^(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?$")

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


def check_amount(value: Any, what: str = "amount") -> str:
    """Validate an exact decimal written as a string (``"152000"``, ``"350500.00"``); return it unchanged.

    A float is refused: YAML reads an unquoted ``350500.10`` as a binary float, which does not hold
    every decimal exactly, and money must stay exact (the RDF literal is an ``xsd:decimal``).
    """
    if isinstance(value, float):
        raise ValueError(f"{value!r} is a number with a decimal point read as a float: write the {what} "
                         f"as a quoted string ('152000' or '350500.00'), so that it stays exact")
    if not isinstance(value, str) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not an {what}: write it as a quoted string of digits "
                         f"('152000' or '350500.00')")
    if not AMOUNT_RE.match(value):
        raise ValueError(f"{value!r} is not an {what} (digits with an optional decimal point, as "
                         f"'152000' or '350500.00': no thousands separators, no currency sign, no spaces)")
    return value


def _percent_field(value: Any) -> str:
    value = check_amount(value, "percentage")
    if Decimal(value) > 100:
        raise ValueError(f"{value!r} is not a percentage between 0 and 100")
    return value


Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class Model(BaseModel):
    """The base of every record model: an unknown field is an error, and text is stripped of surrounding space."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Quoted(Model):
    """A fact with its evidence: a verbatim quote and, when not the record's own, its source."""

    quote: Text
    source: Slug | None = None


class OptionallyQuoted(Model):
    """A fact with its evidence or, where no source states it, a note saying where it comes from
    (one of quote and note is required)."""

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
    """An entry of the source register (``sources.yaml``): id, file of the text, title, language,
    publisher, page URL, date retrieved and note."""

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
    """A membership of an organisation: the network it belongs to and its role (member or associate),
    with its quote."""

    of: Slug
    role: Slug = "member"


class MemberCount(Quoted):
    """How many members a network has according to a source: the count and its unit, with its quote."""

    count: Annotated[int, Field(ge=0)]
    unit: Text | None = None


class Collaboration(Quoted):
    """A stated stable collaboration of an organisation with another one, with its quote."""

    org: Slug


class Succession(OptionallyQuoted):
    """The successor of an organisation (renamed or merged into it) and the date, with its quote or a note."""

    org: Slug
    date: str | None = None

    _d = field_validator("date", mode="before")(lambda v: None if v is None else _date_field(v))


class DifferentFrom(Model):
    """Another organisation of the registry this one is kept apart from on purpose (its names look
    alike), with an optional note saying why; written as the other's id, or as ``{org, note}``."""

    org: Slug
    note: Text | None = None


def _different_from(value: Any) -> Any:
    if isinstance(value, list):
        return [{"org": v} if isinstance(v, str) else v for v in value]
    return value


class Organisation(Model):
    """An organisation of the registry (``organisations.yaml``): names and aliases, type, country and
    base, homepage, parent, the organisation it is a unit of and acts for (``unit_of``: a department
    of a regional government, an office, a branch), successor, memberships, member counts, collaborations and note; the
    organisations it is kept apart from on purpose (``different_from``), or the one it duplicates
    (``same_as``: its names and every reference to it go to that organisation)."""

    id: Slug
    name: Text
    acronym: Text | None = None
    aliases: list[Text] = []
    type: Slug
    country: Text
    based_in: Text | None = None
    homepage: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    parent: Slug | None = None
    unit_of: Slug | None = None
    successor: Succession | None = None
    memberships: list[Membership] = []
    member_counts: list[MemberCount] = []
    collaborates_with: list[Collaboration] = []
    different_from: list[DifferentFrom] = []
    same_as: Slug | None = None
    note: Text | None = None

    _df = field_validator("different_from", mode="before")(_different_from)


# ---------------------------------------------------------------- funds and places


class Period(Model):
    """The period of a funding scheme: start and end dates, each optional."""

    start: str | None = None
    end: str | None = None

    _d = field_validator("start", "end", mode="before")(lambda v: None if v is None else _date_field(v))


class Fund(Model):
    """A funding scheme (``funds.yaml``): a fund, objective, action or call with its names, code,
    period and parent scheme, and optionally a quote."""

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
    """A place with no current NUTS code (``places.yaml``: a town abroad, a NUTS 2013 region ...): name
    and kind, its GeoNames id (coordinates and country then come from the offline gazetteer,
    :mod:`graphkit.gazetteer`), coordinates, the place it lies within, its older NUTS code and the place that replaced
    it, aliases and note."""

    id: Slug
    name: Text
    kind: Literal["city", "village", "department", "nuts-2013-region", "region", "district", "country-part"]
    geonames: Annotated[str, Field(pattern=r"^[1-9][0-9]{0,9}$")] | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    long: Annotated[float, Field(ge=-180, le=180)] | None = None
    within: Text | None = None
    nuts_code: Annotated[str, Field(pattern=r"^[A-Z]{2}[0-9A-Z]{0,3}$")] | None = None
    replaced_by: Text | None = None
    aliases: list[Text] = []
    note: Text | None = None

    _g = field_validator("geonames", mode="before")(
        lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v)


# ---------------------------------------------------------------- projects


class Identifier(Quoted):
    """An identifier of a project: its scheme (CUP or project number) and value, with its quote."""

    scheme: Literal["cup", "project-number"]
    value: Text


class FundingRef(Quoted):
    """A funding scheme a project is funded under, with its quote."""

    scheme: Slug


class DatedFact(Quoted):
    """A date a project states (submitted, approved, started ...), YYYY, YYYY-MM or YYYY-MM-DD, with its quote."""

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
    """The duration of a project in months, and whether it is the planned one, with its quote."""

    months: Annotated[int, Field(gt=0, le=600)]
    planned: bool = False


class Dates(Model):
    """The dates of a project: submitted, approved, started, ended, the period of execution, the
    duration and an approximate date, each optional."""

    submitted: DatedFact | None = None
    approved: DatedFact | None = None
    started: DatedFact | None = None
    ended: DatedFact | None = None
    period: PeriodFact | None = None
    duration: DurationFact | None = None
    about: DatedFact | None = None


class PlaceRef(Quoted):
    """A place where a project takes place (a place reference), with its quote."""

    place: Text


QUOTE_JOINER = " … "
"""What joins the spans of a quote into the one text an evidence node holds (decision 0019)."""

MAX_QUOTE_SPANS = 3
"""At most three spans: a role heading, a sub-heading (a country, a kind of body) and the item."""


def _quote_spans(value: Any) -> Any:
    # A quote is one verbatim text, or a list of verbatim spans (a heading, then the item), in the
    # order of the text; a list of one is that text.
    if not isinstance(value, list):
        return value
    if not 1 <= len(value) <= MAX_QUOTE_SPANS or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"a quote is one verbatim text, or a list of 2 to {MAX_QUOTE_SPANS} verbatim spans "
                         f"(non-empty texts, in the order of the source: the heading, then the item)")
    spans = [v.strip() for v in value]
    return spans[0] if len(spans) == 1 else spans


def quote_spans(quote: str | list[str]) -> list[str]:
    """The spans of a quote: its one text, or the texts of a quote written as a list."""
    return list(quote) if isinstance(quote, list) else [quote]


def quote_text(quote: str | list[str]) -> str:
    """A quote as one text: its spans, white space collapsed, joined by :data:`QUOTE_JOINER`."""
    return QUOTE_JOINER.join(normalise_space(q) for q in quote_spans(quote))


class Contribution(Quoted):
    """What one funder gives a project, as the source states it: an ``amount`` in a ``currency``, or a
    ``percent`` of the project's cost (0 to 100), exact decimals written as strings, with its quote."""

    amount: str | None = None
    currency: Currency | None = None
    percent: str | None = None
    note: Text | None = None

    _a = field_validator("amount", mode="before")(lambda v: None if v is None else check_amount(v))
    _p = field_validator("percent", mode="before")(lambda v: None if v is None else _percent_field(v))

    @model_validator(mode="after")
    def _amount_or_percent(self):
        if (self.amount is None) == (self.percent is None):
            raise ValueError("write the contribution as one of: amount (with currency) | percent")
        if self.amount is not None and self.currency is None:
            raise ValueError("an amount needs its currency (an ISO 4217 code such as EUR)")
        if self.percent is not None and self.currency is not None:
            raise ValueError("a percent has no currency")
        return self


class Budget(Quoted):
    """An amount of money a source states for a project: ``amount`` (an exact decimal written as a
    string) in ``currency`` (ISO 4217), what it is (``what``: ``total``, ``contribution`` or another
    kind in a word or two), the organisation it comes from (``from``), with its quote."""

    model_config = ConfigDict(populate_by_name=True)

    amount: str
    currency: Currency
    what: Annotated[str, Field(pattern=r"^[a-z0-9]+([ -][a-z0-9]+)*$")] = "total"
    from_: Slug | None = Field(default=None, alias="from")
    note: Text | None = None

    _a = field_validator("amount", mode="before")(check_amount)


class Participant(Quoted):
    """An organisation taking part in a project: its id, role and name as the source writes it, the
    source's heading for its sub-list, the organisation it takes part through, what it gives the
    project (``contribution``) and a note, with its quote; ``source`` when another document than the
    project's states it. The quote is one verbatim text, or a list of spans that together state
    the role: ``["Partner:", "CISV"]``."""

    quote: Text | list[Text]
    org: Slug
    role: Slug
    as_written: Text
    group: Text | None = None
    via: Slug | None = None
    contribution: Contribution | None = None
    note: Text | None = None

    _q = field_validator("quote", mode="before")(_quote_spans)


class PartOf(Model):
    """The larger project (a programme) a project is part of, optionally with the quote that says so;
    written as the larger project's id, or as ``{project, quote}``."""

    project: Slug
    quote: Text | None = None
    source: Slug | None = None
    note: Text | None = None


def _part_of(value: Any) -> Any:
    return {"project": value} if isinstance(value, str) else value


class CountryRef(Quoted):
    """A country of origin a project targets (a place reference), with its quote."""

    country: Text


class Count(Model):
    """How many a target group counts, in exactly one form: ``exact``, ``approx``, a range ``min`` to
    ``max``, or a ``share`` of ``of``."""

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
    """A target group of a project: label, count, unit, place and countries of origin, with its quote."""

    label: Text
    count: Count | None = None
    unit: Slug | None = None
    place: Text | None = None
    origin: list[Text] = []
    note: Text | None = None


class Objective(Quoted):
    """An objective of a project: its level (general or specific), code and text, with its quote."""

    level: Literal["general", "specific"]
    code: Text | None = None
    text: Text


class Activity(Quoted):
    """An activity, work package or task of a project: its code, title, parent activity and the
    organisations responsible, with its quote."""

    code: Text
    title: Text
    parent: Text | None = None
    responsible: list[Slug] = []
    note: Text | None = None

    _c = field_validator("code", "parent", mode="before")(lambda v: None if v is None else str(v))


class Result(Quoted):
    """A result of a project, expected or achieved (an output): code, text, count and unit, and the
    activities it comes from, with its quote."""

    kind: Literal["expected-result", "output"]
    code: Text | None = None
    text: Text
    count: Annotated[int, Field(ge=0)] | None = None
    unit: Text | None = None
    activities: list[str] = []

    _c = field_validator("activities", mode="before")(lambda v: [str(x) for x in v] if isinstance(v, list) else v)


class Event(Quoted):
    """An event of a project: title, kind, date, place and organisers, with its quote."""

    title: Text
    kind: Text
    date: str | None = None
    place: Text | None = None
    organisers: list[Slug] = []
    note: Text | None = None

    _d = field_validator("date", mode="before")(lambda v: None if v is None else _date_field(v))


class Publication(Quoted):
    """A publication of a project (a study, video, website ...): title, kind and URL, with its quote."""

    title: Text
    kind: Literal["publication", "study", "video", "website", "archive", "article"]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None


class Contact(Quoted):
    """A contact e-mail address of a project, with its quote."""

    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")]


class Project(Model):
    """Everything one source document says about a project (``projects/ID.yaml``): identity, kind (a
    plain project or a programme of sub-projects) and title, the programme it is part of,
    identifiers, funding, budgets, dates, places, participants, target countries and groups,
    objectives, themes, activities, results, events, publications and contacts."""

    id: Slug
    source: Slug
    kind: Literal["project", "programme"] = "project"
    acronym: Text | None = None
    title: Text
    title_quote: Text | None = None
    part_of: PartOf | None = None
    identifiers: list[Identifier] = []
    funding: list[FundingRef] = []
    budgets: list[Budget] = []
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

    _po = field_validator("part_of", mode="before")(lambda v: _part_of(v))


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
    # The gazetteer's place of each places-registry entry with a GeoNames id (filled by the checks).
    geonames: dict[str, Any] = field(default_factory=dict)

    def canonical(self, org_id: str) -> str:
        """The organisation ``org_id`` stands for: the one its record says it duplicates
        (``same_as``), else itself."""
        loc = self.organisations.get(org_id)
        same = getattr(loc.record, "same_as", None) if loc is not None else None
        return same or org_id


def normalise_space(text: str) -> str:
    """The text with every run of white space made one space, and no space at either end."""
    return " ".join(text.split())
