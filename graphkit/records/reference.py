"""Reference tables shipped under ``graphkit/resources/reference``: NUTS regions, countries (with the
ISO 4217 codes of their currencies), Italian municipalities.

The tables are third-party data (see each folder's SOURCE.txt). This module reads them once and
answers look-ups; :func:`reference_triples` turns them into RDF for the reference graph.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# NUTS level-0 codes that differ from ISO 3166 alpha-2.
NUTS_TO_ISO2 = {"EL": "GR", "UK": "GB"}


@dataclass(frozen=True)
class NutsRegion:
    """A NUTS region of the reference tables: its code, name and the NUTS versions (2016, 2021) that have it."""

    code: str
    name: str
    versions: frozenset[str]

    @property
    def level(self) -> int:
        """The NUTS level, 0 (country) to 3: the number of characters after the two-letter country code."""
        return len(self.code) - 2

    @property
    def parent_code(self) -> str | None:
        """The code of the region one level up (the code without its last character), None at level 0."""
        return self.code[:-1] if self.level > 0 else None


@dataclass(frozen=True)
class Country:
    """A country of the reference tables: ISO 3166 alpha-3 and alpha-2 codes and its names by language."""

    iso3: str
    iso2: str
    names: dict[str, str] = field(hash=False, compare=False)


@dataclass(frozen=True)
class Municipality:
    """An Italian municipality of the ISTAT table: 6-digit code, name and the NUTS 3 code it lies in."""

    code: str
    name: str
    nuts3: str


@dataclass
class ReferenceTables:
    """The reference tables: NUTS regions by code, countries by alpha-3 and by alpha-2 code, Italian
    municipalities by ISTAT code, and the ISO 4217 codes of the currencies the countries use."""

    nuts: dict[str, NutsRegion]
    countries: dict[str, Country]
    countries_by_iso2: dict[str, Country]
    municipalities: dict[str, Municipality]
    currencies: frozenset[str] = frozenset()


def _read_semicolon(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [row for row in csv.reader(fh, delimiter=";") if row]


@lru_cache(maxsize=4)
def load_reference(reference_dir: Path) -> ReferenceTables:
    """Read the NUTS, country and municipality tables under ``reference_dir``."""
    names: dict[str, str] = {}
    versions: dict[str, set[str]] = {}
    for fname, version in (("nuts-2016.csv", "2016"), ("NUTS2021.csv", "2021")):
        for row in _read_semicolon(reference_dir / "nuts" / fname)[1:]:
            code, name = row[0].strip(), row[1].strip()
            if not code or code == "00" or not code[:2].isalpha():
                continue
            # The 2016 table writes upper-level names in capitals; prefer the 2021 spelling.
            if version == "2021" or code not in names:
                names[code] = name
            versions.setdefault(code, set()).add(version)
    nuts = {c: NutsRegion(c, names[c], frozenset(v)) for c, v in versions.items()}

    countries: dict[str, Country] = {}
    currencies: set[str] = set()
    italian = _italian_country_names()
    with (reference_dir / "country-codes" / "country-codes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            iso3, iso2 = row["ISO3166-1-Alpha-3"].strip(), row["ISO3166-1-Alpha-2"].strip()
            if len(iso3) != 3 or len(iso2) != 2:
                continue
            labels = {
                "en": row["official_name_en"] or row["CLDR display name"],
                "fr": row["official_name_fr"],
                "es": row["official_name_es"],
                "it": italian.get(iso2, ""),     # the table has no Italian names: CLDR's, through Babel
            }
            countries[iso3] = Country(iso3, iso2, {k: v for k, v in labels.items() if v})
            currencies.update(c.strip() for c in row["ISO4217-currency_alphabetic_code"].split(",") if c.strip())
    by_iso2 = {c.iso2: c for c in countries.values()}

    municipalities: dict[str, Municipality] = {}
    rows = _read_semicolon(reference_dir / "istat-comuni" / "Elenco-comuni-italiani.csv")
    for row in rows[1:]:
        if len(row) < 23:
            continue
        code, name, nuts3 = row[4].strip(), row[6].strip(), row[22].strip()
        if code.isdigit():
            municipalities[code] = Municipality(code, name, nuts3)
    return ReferenceTables(nuts, countries, by_iso2, municipalities, frozenset(currencies))


def _italian_country_names() -> dict[str, str]:
    """CLDR's Italian names of countries (ISO alpha-2 -> name), as Babel ships them: the pages are
    mostly Italian, and a researcher looks for ``Marocco`` as well as ``Morocco``."""
    from babel import Locale

    return {k: v for k, v in Locale("it").territories.items() if len(k) == 2 and k.isalpha()}


def country_of_nuts(tables: ReferenceTables, code: str) -> Country | None:
    """The country a NUTS code lies in (``EL`` is Greece, ``UK`` the United Kingdom)."""
    iso2 = NUTS_TO_ISO2.get(code[:2], code[:2])
    return tables.countries_by_iso2.get(iso2)
