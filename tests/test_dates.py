from datetime import date

import pytest
from rdflib.namespace import XSD

from graphkit import dates
from graphkit.records import check_date


@pytest.mark.parametrize(
    "value, first, last",
    [
        ("2013-09-30", date(2013, 9, 30), date(2013, 9, 30)),
        ("2014-06", date(2014, 6, 1), date(2014, 6, 30)),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),
        ("2010", date(2010, 1, 1), date(2010, 12, 31)),
    ],
)
def test_bounds_cover_the_stated_precision(value, first, last):
    assert dates.bounds(value) == (first, last)


def test_literal_datatype_says_the_precision():
    assert dates.literal("2013-09-30").datatype == XSD.date
    assert dates.literal("2013-06").datatype == XSD.gYearMonth
    assert dates.literal("2013").datatype == XSD.gYear


def test_add_months_clamps_to_month_end():
    assert dates.add_months(date(2022, 5, 31), 9) == date(2023, 2, 28)
    assert dates.add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert dates.add_months(date(2017, 4, 1), 18) == date(2018, 10, 1)


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("2013-13", "has no month 13"),
        ("2013-02-30", "has no day 30 (the month has 28 days)"),
        ("30/09/2013", "is not a date"),
        ("2013-9-30", "is not a date"),
    ],
)
def test_bad_dates_are_refused_with_a_reason(bad, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        check_date(bad)
