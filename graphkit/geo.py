"""Where a place is: a point (WGS84 longitude, latitude) for a place reference, with its precision
and where the point comes from, offline.

The points are tables shipped in the package (``graphkit/resources/reference/coordinates/``, see
its SOURCE.txt and decision 0022) and the GeoNames gazetteer (:mod:`graphkit.gazetteer`):

==================================  ==========================================  ===============
reference                           point                                       precision
==================================  ==========================================  ===============
``nuts:ITC1`` (any level, version)  inside the region's largest GISCO polygon    ``nuts-0``..``nuts-3``
``country:MAR``                     inside the country's largest Natural Earth   ``country``
                                    polygon
``comune:001272`` /                 the GeoNames place matched to the ISTAT      ``municipality``
``place:comune-001272``             municipality, else its NUTS 3 point          (or ``nuts-3``)
``geonames:2544248``                the gazetteer's coordinates                  ``city``
==================================  ==========================================  ===============

A reference may be a CURIE or the full IRI. A place of the places registry (``place:khouribga``)
has its coordinates in the graph; :func:`point` turns them into a :class:`Point` with the same
fields, and :mod:`graphkit.network.geo` decides which applies to each place of a store.

>>> p = locate("nuts:ITC1")
>>> (p.lon, p.lat, p.precision)
(7.92051, 45.05669, 'nuts-2')
>>> locate("comune:001272").source
'GeoNames 3165524 (matched to ISTAT 001272)'
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graphkit import gazetteer
from graphkit.errors import UsageError
from graphkit.namespaces import PREFIXES

COORDINATES = Path(__file__).resolve().parent / "resources" / "reference" / "coordinates"
NUTS_YEARS = ("2021", "2016", "2013")
"""The NUTS versions of the table, the newest first: a code without a version takes the newest that has it."""


class UnknownPlace(UsageError):
    """A place reference the coordinate tables do not know (exit code 2)."""


@dataclass(frozen=True)
class Point:
    """Where a place is drawn: WGS84 ``lon`` and ``lat``, the ``precision`` of the point (``city``,
    ``municipality``, ``nuts-0`` to ``nuts-3``, ``country``), ``source`` (where it comes from, for a
    person) and ``approximate`` (the point is a larger place's, the place's own being unknown)."""

    lon: float
    lat: float
    precision: str
    source: str
    approximate: bool = False

    def as_dict(self) -> dict[str, object]:
        """The point as plain JSON-able data."""
        return {"lon": self.lon, "lat": self.lat, "precision": self.precision, "source": self.source,
                "approximate": self.approximate}


@lru_cache(maxsize=1)
def _regions() -> tuple[dict[tuple[str, str], tuple[float, float, int, str]], dict[str, tuple[float, float, str]]]:
    """(NUTS code, year) -> (lon, lat, level, name) and ISO3 -> (lon, lat, name), from regions.csv."""
    nuts: dict[tuple[str, str], tuple[float, float, int, str]] = {}
    countries: dict[str, tuple[float, float, str]] = {}
    with (COORDINATES / "regions.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["kind"] == "nuts":
                nuts[(r["code"], r["year"])] = (float(r["lon"]), float(r["lat"]), int(r["level"]), r["name"])
            else:
                countries[r["code"]] = (float(r["lon"]), float(r["lat"]), r["name"])
    return nuts, countries


@lru_cache(maxsize=1)
def _comuni() -> dict[str, dict[str, str]]:
    """ISTAT code -> the row of comuni.csv."""
    with (COORDINATES / "comuni.csv").open(encoding="utf-8", newline="") as fh:
        return {r["istat"]: r for r in csv.DictReader(fh)}


def nuts_point(code: str, year: str | int | None = None) -> Point:
    """The point of NUTS region ``code`` in NUTS version ``year`` (2013, 2016, 2021; default the
    newest version that has the code)."""
    nuts, _ = _regions()
    years = (str(year),) if year else NUTS_YEARS
    for y in years:
        row = nuts.get((code, y))
        if row is not None:
            return Point(row[0], row[1], f"nuts-{row[2]}", f"GISCO NUTS {y} {code}")
    raise UnknownPlace(f"unknown NUTS code {code!r}" + (f" in NUTS {year}" if year else "")
                       + f" (the coordinate table has NUTS {', '.join(sorted(NUTS_YEARS))})")


def country_point(iso3: str) -> Point:
    """The point of the country with ISO 3166 alpha-3 code ``iso3``."""
    _, countries = _regions()
    row = countries.get(iso3)
    if row is None:
        raise UnknownPlace(f"unknown country {iso3!r} (no Natural Earth shape with this ISO 3166 alpha-3 code)")
    return Point(row[0], row[1], "country", f"Natural Earth ({row[2]})")


def comune_point(istat: str) -> Point:
    """The point of the Italian municipality with ISTAT code ``istat`` (6 digits): the GeoNames
    place matched to it, else its NUTS 3 region's point (``approximate``)."""
    row = _comuni().get(istat)
    if row is None:
        raise UnknownPlace(f"unknown ISTAT municipality code {istat!r}")
    lon, lat = float(row["lon"]), float(row["lat"])
    if row["precision"] == "municipality":
        return Point(lon, lat, "municipality", f"GeoNames {row['from'].split(':', 1)[1]} (matched to ISTAT {istat})")
    return Point(lon, lat, "nuts-3", f"GISCO NUTS 2016 {row['nuts3']} (ISTAT {istat} not in the GeoNames extract)",
                 approximate=True)


def geonames_point(geonames_id: str | int) -> Point:
    """The point of the GeoNames place ``geonames_id`` (the gazetteer's extracts of places of 1,000
    inhabitants or more)."""
    place = gazetteer.lookup(geonames_id)
    if place is None:
        raise UnknownPlace(f"GeoNames id {geonames_id} is not in the gazetteer")
    return Point(place.long, place.lat, "city", f"GeoNames {place.geonames}")


def point(lat: float, lon: float, *, precision: str = "city", source: str = "places registry",
          approximate: bool = False) -> Point:
    """A point given by its coordinates (the places registry's ``geo:lat``/``geo:long``)."""
    return Point(float(lon), float(lat), precision, source, approximate)


def _curie(ref: str) -> str:
    for prefix, ns in ((p, PREFIXES[p]) for p in ("nuts", "country", "place")):
        if ref.startswith(ns):
            return f"{prefix}:{ref[len(ns):]}"
    return ref


def locate(ref: str, *, year: str | int | None = None) -> Point:
    """The point of a place reference: ``nuts:CODE`` (``year``: the NUTS version), ``country:ISO3``,
    ``comune:ISTAT`` (or ``place:comune-ISTAT``, as the graph writes it), ``geonames:ID``, or their
    IRIs. Raises :class:`UnknownPlace` for a code the tables lack or a reference of another kind
    (a place of the registry: its coordinates are in the graph)."""
    curie = _curie(ref.strip())
    kind, _, key = curie.partition(":")
    if kind == "nuts" and key:
        return nuts_point(key, year)
    if kind == "country" and key:
        return country_point(key)
    if kind == "comune" and key:
        return comune_point(key)
    if kind == "place" and key.startswith("comune-"):
        return comune_point(key[len("comune-"):])
    if kind == "geonames" and key:
        return geonames_point(key)
    raise UnknownPlace(f"{ref!r}: no coordinates for this reference (write nuts:CODE, country:ISO3, "
                       "comune:ISTAT or geonames:ID; a place of places.yaml has its own in the graph)")


@lru_cache(maxsize=1)
def _country_rows() -> list[dict[str, str]]:
    with (COORDINATES.parent / "country-codes" / "country-codes.csv").open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if len(r["ISO3166-1-Alpha-3"]) == 3]


@lru_cache(maxsize=1)
def _world_regions() -> dict[str, str]:
    """ISO3 -> the UN M49 region (Africa, Americas, Asia, Europe, Oceania) of the country-codes table."""
    return {r["ISO3166-1-Alpha-3"]: r["Region Name"] for r in _country_rows() if r["Region Name"]}


def nuts_country(code: str) -> str | None:
    """The ISO 3166 alpha-3 code of the country of NUTS code ``code`` (``EL`` is Greece, ``UK`` the
    United Kingdom), None when the table has no such country.

    >>> nuts_country("ITC11"), nuts_country("EL30")
    ('ITA', 'GRC')
    """
    iso2 = {"EL": "GR", "UK": "GB"}.get(code[:2], code[:2])      # as records.reference.NUTS_TO_ISO2
    return _iso3_by_iso2().get(iso2)


@lru_cache(maxsize=1)
def _iso3_by_iso2() -> dict[str, str]:
    return {r["ISO3166-1-Alpha-2"]: r["ISO3166-1-Alpha-3"] for r in _country_rows() if r["ISO3166-1-Alpha-2"]}


def world_region(iso3: str) -> str | None:
    """The UN M49 region of the country ``iso3`` (``Africa``, ``Americas``, ``Asia``, ``Europe``,
    ``Oceania``), None when the table has none.

    >>> world_region("MAR"), world_region("ITA")
    ('Africa', 'Europe')
    """
    return _world_regions().get(iso3)


def match_rate() -> tuple[int, int]:
    """(municipalities placed by GeoNames, municipalities) of comuni.csv."""
    rows = _comuni().values()
    return sum(r["precision"] == "municipality" for r in rows), len(rows)


__all__ = ["Point", "UnknownPlace", "locate", "nuts_point", "country_point", "comune_point", "geonames_point",
           "point", "match_rate", "world_region", "nuts_country", "COORDINATES"]
