"""Dates as the sources give them: a day, a month or a year, and the interval each one covers."""

from __future__ import annotations

import calendar
from datetime import date

from rdflib import Literal
from rdflib.namespace import XSD


def precision(value: str) -> str:
    """``day``, ``month`` or ``year`` for ``2013-09-30``, ``2013-06`` or ``2013``."""
    return {10: "day", 7: "month", 4: "year"}[len(value)]


def bounds(value: str) -> tuple[date, date]:
    """The first and last day a date written with its precision can stand for.

    >>> bounds("2014-06")
    (datetime.date(2014, 6, 1), datetime.date(2014, 6, 30))
    """
    parts = [int(x) for x in value.split("-")]
    if len(parts) == 3:
        d = date(*parts)
        return d, d
    if len(parts) == 2:
        y, m = parts
        return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def add_months(d: date, months: int) -> date:
    """``d`` moved ``months`` later, clamped to the end of the month (31 Jan + 1 month = 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def literal(value: str) -> Literal:
    """An RDF literal whose datatype says the precision: xsd:date, xsd:gYearMonth or xsd:gYear."""
    datatype = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}[precision(value)]
    return Literal(value, datatype=datatype)
