"""Curated records: the declared schema (:mod:`~graphkit.records.schema`), reading and validating
the YAML files (:mod:`~graphkit.records.load`), the checks across records
(:mod:`~graphkit.records.checks`), the bulk JSON Lines format (:mod:`~graphkit.records.bulk`),
and what the records are checked against: the SKOS vocabularies (:mod:`~graphkit.records.vocab`)
and the reference tables of places (:mod:`~graphkit.records.reference`).

The names a caller needs are importable from here::

    from graphkit.records import load_records, RecordsInvalid
"""

from graphkit.records.load import default_reference_dir, load_records, reference_dir_of
from graphkit.records.schema import (
    DATE_RE, PLACE_RE, SLUG, Activity, Collaboration, Contact, Count, CountryRef, DatedFact, Dates, DurationFact,
    Event, Fund, FundingRef, Identifier, LocalPlace, Located, MemberCount, Membership, Model, Objective,
    OptionallyQuoted, Organisation, Participant, Period, PeriodFact, PlaceRef, Problem, Project, Publication,
    Quoted, Records, RecordsInvalid, Result, SourceDoc, Succession, TargetGroup, check_date, normalise_space,
)
from graphkit.records.schema import MAX_QUOTE_SPANS, QUOTE_JOINER, quote_spans, quote_text

__all__ = [
    "load_records", "default_reference_dir", "reference_dir_of", "DATE_RE", "PLACE_RE", "SLUG", "Activity",
    "Collaboration", "Contact", "Count", "CountryRef", "DatedFact", "Dates", "DurationFact", "Event", "Fund",
    "FundingRef", "Identifier", "LocalPlace", "Located", "MemberCount", "Membership", "Model", "Objective",
    "OptionallyQuoted", "Organisation", "Participant", "Period", "PeriodFact", "PlaceRef", "Problem", "Project",
    "Publication", "Quoted", "Records", "RecordsInvalid", "Result", "SourceDoc", "Succession", "TargetGroup",
    "check_date", "normalise_space", "MAX_QUOTE_SPANS", "QUOTE_JOINER", "quote_spans", "quote_text",
]
