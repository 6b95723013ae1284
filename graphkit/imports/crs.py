"""Italian bilateral aid in 2014: the 3,633 OECD Creditor Reporting System activities of donor 6
(Italy) published by OpenAid Italia (``project_CRS_6_2014.csv``, OECD CRS layout).

What each column becomes (docs/external-sources.md has the full table):

- ``openaid id`` -> ``mcn:recordIdentifier`` and the project IRI ``id/project/crs-{openaid id}``;
  ``crsid`` -> ``mcn:crsIdentifier``; ``projectnumber`` -> ``mcn:projectNumber``
- ``projecttitle``, ``shortdescription`` -> ``dcterms:title``, ``dcterms:description``
- ``channelreportedname`` (the implementing organisation as the reporter wrote it, sometimes
  several, misspelt or broken by fixed-width wrapping) -> participations in the role
  ``implementer`` (IATI 4); ``channelcode`` gives the organisation's type and whether it is Italian
- the ``institution`` of the same activity in the DGCS layout
  (``resources_crs_20150724_Italy_CRS_bilaterale.csv``, joined on crsid, number, recipient,
  purpose code and channel name) -> a participation in the role ``extending`` (IATI 3): the
  Italian body that reported the activity (DGCS, a region, a municipality, a university, CEI)
- ``expectedstartdate``, ``completiondate`` -> ``mcn:plannedStartDate``, ``mcn:plannedEndDate``;
  ``commitmentdate`` -> ``mcn:approvalDate``
- ``commitment_national``, ``disbursement_national`` (EUR millions), ``usd_commitment``,
  ``usd_disbursement`` (USD millions) -> four ``mcn:Budget`` nodes (kind commitment or
  disbursement, year ``year``)
- ``recipientcode`` -> ``mcn:recipientCountry`` (a country, or a DAC region as a local place)
- ``purposecode`` -> ``mcn:sector``, a concept of the generated scheme ``vocab/dac-sector``
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Iterator

from graphkit.imports.base import (
    DatasetError, ImportReport, Row, RowError, import_rows, parse_amount, parse_date, read_rows,
)
from graphkit.rdf.datasets import DatasetInfo, DatasetMapper, crs_channel_kind, country_iri
from graphkit.rdf.terms import DESCRIPTION, M, iri, lit
from graphkit.namespaces import SECTOR
from graphkit.paths import reference_dir_of
from graphkit.records.reference import ReferenceTables
from graphkit.resolve import Mention, fold, split_cell

NAME = "crs"
FILE = "project_CRS_6_2014.csv"
INSTITUTIONS_FILE = "resources_crs_20150724_Italy_CRS_bilaterale.csv"
SECTOR_FILE = "resources_codelists_sector.csv"
RECIPIENT_FILE = "resources_codelists_recipient.csv"
REQUIRED = ("openaid id", "year", "crsid", "projectnumber", "recipientcode", "recipientname", "projecttitle",
            "purposecode", "channelcode", "channelreportedname", "agencycode", "agencyname", "expectedstartdate",
            "completiondate", "commitmentdate", "currencycode", "commitment_national", "disbursement_national",
            "usd_commitment", "usd_disbursement")
INSTITUTION_REQUIRED = ("crsid", "number", "recipient_code", "sector_code", "channel_reported", "institution")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
MILLION = 1_000_000
# DAC currency codes (the donor code of the currency's issuer): 918 is the euro, 302 the US dollar.
CURRENCIES = {"918": "EUR", "302": "USD"}
# Agencies that are a category of reporters, not one organisation.
AGENCY_CATEGORIES = {"central administration", "local administration"}
# DAC recipient codes whose English name is not a name of the country table.
RECIPIENT_ISO3 = {
    "55": "TUR", "57": "XKX", "64": "BIH", "66": "MKD", "93": "MDA", "230": "CPV", "231": "CAF", "234": "COG",
    "235": "COD", "247": "CIV", "268": "STP", "276": "SHN", "280": "SWZ", "282": "TZA", "382": "KNA", "383": "LCA",
    "384": "VCT", "388": "VGB", "428": "BOL", "443": "FLK", "463": "VEN", "540": "IRN", "550": "PSE", "573": "SYR",
    "614": "KGZ", "725": "BRN", "732": "TWN", "735": "HKG", "740": "PRK", "742": "KOR", "745": "LAO", "748": "MAC",
    "769": "VNM", "858": "MNP", "860": "FSM", "876": "WLF",
}
SECTOR_SCHEME = str(SECTOR).rstrip("/")
INFO = DatasetInfo(
    name=NAME,
    title="OECD Creditor Reporting System: Italian bilateral aid activities of 2014 (OpenAid Italia)",
    source_url="https://github.com/DeppSRL/open-aid",
    commit="84130761c00600a8523f4f28467d70ad974859cd",
    license="https://www.oecd.org/en/about/terms-conditions.html",
    rights=("OECD Creditor Reporting System records of donor 6 (Italy), reusable with the attribution 'OECD CRS' "
            "under the OECD terms and conditions; the OpenAid Italia software that published them is BSD-3-Clause "
            "(Copyright (c) 2014, depp srl), which covers the code, not the data."),
    attribution=("OECD Creditor Reporting System (donor 6, Italy, 2014), as published by OpenAid Italia (Depp srl, "
                 "https://github.com/DeppSRL/open-aid) from MAECI-DGCS data."),
    files=(FILE, INSTITUTIONS_FILE, SECTOR_FILE, RECIPIENT_FILE),
)


def companion(path: Path, data_dir: Path, name: str) -> Path | None:
    """A file that goes with the activities file: next to it, else the project's copy."""
    for candidate in (Path(path).parent / name, Path(data_dir) / "external" / NAME / name):
        if candidate.is_file():
            return candidate
    return None


def institution_key(crsid: str, number: str, recipient: str, purpose: str, channel: str) -> tuple[str, ...]:
    """The key that joins an activity to its row of the DGCS-layout file: crsid, project number,
    recipient code, purpose code and channel name, each stripped."""
    return (crsid.strip(), number.strip(), recipient.strip(), purpose.strip(), channel.strip())


def read_institutions(path: Path | None, *, encoding: str = "utf-8") -> dict[tuple[str, ...], str]:
    """The reporting institution of every activity of the DGCS-layout file, by join key."""
    if path is None:
        return {}
    try:
        _, rows = read_rows(path, INSTITUTION_REQUIRED, encoding=encoding)
    except DatasetError as exc:
        raise DatasetError(f"institutions file: {exc}") from None
    out: dict[tuple[str, ...], str] = {}
    for row in rows:
        if row.problem:
            continue
        v = row.values
        out[institution_key(v["crsid"], v["number"], v["recipient_code"], v["sector_code"], v["channel_reported"])] = \
            " ".join(v["institution"].split())
    return out


def channel_names(cell: str) -> list[str]:
    """The organisation names of a ``channelreportedname`` cell (usually one name, which may
    contain commas; see :func:`graphkit.resolve.split.split_cell`, mode ``single``)."""
    return split_cell(cell, mode="single")


def mentions(path: Path, data_dir: Path, *, encoding: str = "utf-8", delimiter: str | None = None,
             institutions: Path | None | bool = True) -> Iterator[Mention]:
    """Every organisation name of the file with its role and context (a fast first pass)."""
    inst = read_institutions(_institutions_path(path, data_dir, institutions))
    _, rows = read_rows(path, REQUIRED, encoding=encoding, delimiter=delimiter)
    for row in rows:
        if row.problem:
            continue
        v = row.values
        kind, italian = crs_channel_kind(v["channelcode"])
        for name in channel_names(v["channelreportedname"]):
            yield Mention(NAME, name, "implementer", italian=italian)
        body = _extending(v, inst)
        if body:
            yield Mention(NAME, body, "extending", italian=True)


def _institutions_path(path: Path, data_dir: Path, institutions: Path | None | bool) -> Path | None:
    if institutions is True:
        return companion(path, data_dir, INSTITUTIONS_FILE)
    if institutions in (False, None):
        return None
    p = Path(institutions)
    if not p.is_file():
        raise DatasetError(f"{p}: institutions file not found")
    return p


def _extending(v: dict[str, str], inst: dict[tuple[str, ...], str]) -> str:
    body = inst.get(institution_key(v["crsid"], v["projectnumber"], v["recipientcode"], v["purposecode"],
                                    v["channelreportedname"]))
    if body:
        return body
    agency = " ".join(v["agencyname"].split())
    if agency and fold(agency) not in AGENCY_CATEGORIES:
        return agency
    return ""


def sector_concepts(path: Path | None) -> list[tuple[str, str, str | None]]:
    """The DAC purpose codes of the sector code list at ``path`` as (code, English label, parent
    code or None); rows without a numeric code or a label are left out, and no ``path`` gives []."""
    if path is None:
        return []
    out = []
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = (row.get("code") or "").strip()
            label = (row.get("name_en") or row.get("name") or "").strip()
            if code.isdigit() and label:
                out.append((code, label, (row.get("parent") or "").strip() or None))
    return out


def recipient_places(path: Path | None, tables: ReferenceTables, reference_dir: Path) -> dict[str, tuple[str, str]]:
    """DAC recipient code -> ("country", ISO3) or ("region", label)."""
    if path is None:
        return {}
    names = _country_names(reference_dir)
    out: dict[str, tuple[str, str]] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = (row.get("code") or "").strip()
            name = (row.get("name_en") or row.get("name") or "").strip()
            iso3 = RECIPIENT_ISO3.get(code) or names.get(fold(name))
            if iso3 and iso3 in tables.countries:
                out[code] = ("country", iso3)
            elif code:
                out[code] = ("region", name)
    return out


def _country_names(reference_dir: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    with (reference_dir / "country-codes" / "country-codes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            iso3 = (row.get("ISO3166-1-Alpha-3") or "").strip()
            if len(iso3) != 3:
                continue
            for col in ("CLDR display name", "official_name_en", "UNTERM English Short", "UNTERM English Formal"):
                n = (row.get(col) or "").strip()
                if n:
                    names.setdefault(fold(n), iso3)
                    names.setdefault(fold(n.split(" (")[0]), iso3)
    return names


def run(path: Path, mapper: DatasetMapper, report: ImportReport, tables: ReferenceTables, data_dir: Path, *,
        encoding: str = "utf-8", delimiter: str | None = None, institutions: Path | None | bool = True,
        progress=None) -> None:
    """Stream the rows of ``path`` into ``mapper``; count every row in ``report``."""
    inst_path = _institutions_path(path, data_dir, institutions)
    inst = read_institutions(inst_path, encoding=encoding)
    if inst_path is None:
        report.note("no DGCS-layout file: the extending organisation comes from the agency name only")
    sectors = sector_concepts(companion(path, data_dir, SECTOR_FILE))
    if not sectors:
        report.note(f"no {SECTOR_FILE}: sector concepts have no labels")
    places = recipient_places(companion(path, data_dir, RECIPIENT_FILE), tables,
                              reference_dir_of(data_dir))
    mapper.scheme(SECTOR_SCHEME, "DAC CRS sector and purpose codes",
                  "The OECD DAC Creditor Reporting System codes of the sector an activity supports: three-digit "
                  "sector codes and five-digit purpose codes, generated by graphkit from the code list OpenAid "
                  "Italia publishes (resources/codelists/sector.csv).",
                  sectors, INFO.source_url)
    sector_codes = {c for c, _, _ in sectors}
    delim, rows = read_rows(path, REQUIRED, encoding=encoding, delimiter=delimiter)
    report.delimiter = delim
    first_seen: dict[str, int] = {}
    regions: set[str] = set()
    import_rows(rows, report, progress, NAME,
                lambda row: _row(row, mapper, report, inst, places, sector_codes, regions, first_seen))


def _row(row: Row, mapper: DatasetMapper, report: ImportReport, inst: dict, places: dict, sector_codes: set[str],
         regions: set[str], first_seen: dict[str, int]) -> None:
    v = row.values
    ident = v["openaid id"].strip()
    if not ident:
        raise RowError("no openaid id", v["crsid"].strip())
    if not ident.isdigit():
        raise RowError("bad openaid id", repr(ident))
    title = " ".join(v["projecttitle"].split()) or " ".join(v.get("shortdescription", "").split())
    if not title:
        raise RowError("no title", ident)
    year_text = v["year"].strip()
    if not (year_text.isdigit() and len(year_text) == 4):
        raise RowError("bad year", repr(year_text))
    year = int(year_text)
    start = parse_date(v["expectedstartdate"], DATE_FORMATS, "expectedstartdate")
    end = parse_date(v["completiondate"], DATE_FORMATS, "completiondate")
    committed = parse_date(v["commitmentdate"], DATE_FORMATS, "commitmentdate")
    amounts = {
        ("commitment", "national"): parse_amount(v["commitment_national"], "commitment_national", scale=MILLION),
        ("disbursement", "national"): parse_amount(v["disbursement_national"], "disbursement_national", scale=MILLION),
        ("commitment", "USD"): parse_amount(v["usd_commitment"], "usd_commitment", scale=MILLION),
        ("disbursement", "USD"): parse_amount(v["usd_disbursement"], "usd_disbursement", scale=MILLION),
    }
    slug = f"{NAME}-{ident}"
    merged = ident in first_seen
    if merged:
        report.rows_merged += 1
        report.note("records that repeat an identifier (merged into the first; its single values kept)", ident)
    else:
        first_seen[ident] = row.number
    report.rows_imported += 1
    p = mapper.project(slug, "" if merged else title)
    if not merged:
        mapper.add(p, M.recordIdentifier, lit(ident))
        if v["crsid"].strip():
            mapper.add(p, M.crsIdentifier, lit(v["crsid"].strip()))
        if v["projectnumber"].strip():
            mapper.add(p, M.projectNumber, lit(v["projectnumber"].strip()))
        desc = " ".join(v.get("shortdescription", "").split())
        if desc and desc != title:
            mapper.add(p, DESCRIPTION, lit(desc))
        first_day, last_day = date(year, 1, 1), date(year, 12, 31)
        active_from = start or first_day
        active_until = end if end is not None else (last_day if active_from <= last_day else None)
        mapper.dates(p, {"plannedStartDate": start, "plannedEndDate": end, "approvalDate": committed},
                     (active_from, active_until))
        currency = CURRENCIES.get(v["currencycode"].strip())
        if currency is None:
            report.note("unknown currency codes (national amounts not recorded)", v["currencycode"].strip())
        for (kind, which), amount in amounts.items():
            if amount is None:
                continue
            cur = "USD" if which == "USD" else currency
            if cur:
                mapper.budget(slug, p, amount, cur, kind, year)
    code = v["recipientcode"].strip()
    place = places.get(code)
    if place is None:
        report.note("unknown recipient codes (not mapped)", code)
    elif place[0] == "country":
        mapper.add(p, M.recipientCountry, country_iri(place[1]))
    else:
        regions.add(code)
        mapper.add(p, M.recipientCountry, mapper.region(f"dac-recipient-{code}", place[1]))
    purpose = v["purposecode"].strip()
    if purpose:
        if sector_codes and purpose not in sector_codes:
            report.note("purpose codes not in the sector code list (not mapped)", purpose)
        else:
            mapper.add(p, M.sector, iri(f"{SECTOR_SCHEME}/{purpose}"))
    kind, _ = crs_channel_kind(v["channelcode"])
    cell = v["channelreportedname"]
    names = channel_names(cell)
    if not names:
        report.note("records without a channel (implementing organisation) name")
    mapper.participations_from_cell(slug, p, "channelreportedname", cell, names, "implementer", kind)
    body = _extending(v, inst)
    if body:
        column = "institution" if inst.get(institution_key(v["crsid"], v["projectnumber"], v["recipientcode"],
                                                           v["purposecode"], v["channelreportedname"])) else "agencyname"
        mapper.participations_from_cell(slug, p, column, body, [body], "extending", "")
    else:
        report.note("records whose reporting agency is a category, not an organisation (no extending participation)",
                    v["agencyname"].strip())
