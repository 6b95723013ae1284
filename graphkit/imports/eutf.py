"""The EU Emergency Trust Fund for Africa: the 644 IATI activities of the DW/EDJNet extract from
Akvo RSR (``EUTF_projects_akvo.csv``).

What each column becomes (docs/external-sources.md has the full table):

- ``iati_id`` -> ``mcn:iatiIdentifier``; the project IRI is ``id/project/eutf-{id}``
- ``title``, ``summary`` -> ``dcterms:title``, ``dcterms:description``
- ``partner_funding`` / ``_accountable`` / ``_extending`` / ``_implementing`` (IATI organisation
  roles 1-4, several names joined by ``", "``) -> participations in the roles ``funder``,
  ``accountable``, ``extending``, ``implementer``
- ``date_start`` (IATI activity date 2, actual start) -> ``mcn:startDate``; ``date_end`` (IATI 3,
  planned end) -> ``mcn:plannedEndDate``
- ``budget`` (sum of the activity's IATI budgets, in euro) -> ``mcn:Budget`` of kind ``budget``
- ``recipient_country`` (ISO 3166 alpha-2) -> ``mcn:recipientCountry``; ``location_code`` ->
  ``mcn:takesPlaceIn`` (the country of each administrative code)
- ``topics`` (TFP.1-4, the trust fund's four strategic objectives) -> ``dcterms:subject``
- ``project_parent`` / ``project_child`` -> ``mcn:partOfProject``; ``links`` -> ``foaf:page``
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Iterator

from graphkit.imports.base import ImportReport, Row, RowError, chunks, import_rows, parse_amount, parse_date, read_rows
from graphkit.rdf.datasets import DatasetInfo, DatasetMapper, IATI_ORG_TYPE, country_iri, slug_with_hash
from graphkit.rdf.terms import DESCRIPTION, M, PAGE, SUBJECT, iri, lit
from graphkit.namespaces import PROJECT, VOCAB
from graphkit.records.reference import ReferenceTables
from graphkit.resolve import Mention, split_cell

NAME = "eutf"
FILE = "EUTF_projects_akvo.csv"
ORGS_FILE = "EUTF_akvo_orgs.csv"
ROLE_COLUMNS = {
    "partner_funding": "funder",           # IATI 1 Funding
    "partner_accountable": "accountable",  # IATI 2 Accountable
    "partner_extending": "extending",      # IATI 3 Extending
    "partner_implementing": "implementer", # IATI 4 Implementing
}
REQUIRED = ("iati_id", "title", *ROLE_COLUMNS, "date_start", "date_end", "budget", "recipient_country")
DATE_FORMATS = ("%Y-%m-%d",)
OBJECTIVE_SCHEME = str(VOCAB) + "eutf-objective"
OBJECTIVES = {
    "1": "Greater economic and employment opportunities",
    "2": "Strengthening resilience of communities",
    "3": "Improved migration management",
    "4": "Improved governance and conflict prevention",
}
INFO = DatasetInfo(
    name=NAME,
    title="EU Emergency Trust Fund for Africa: projects on Akvo RSR (DW/EDJNet extract, December 2021)",
    source_url="https://github.com/dw-data/eutf-africa",
    commit="18b189cd9aea2b407477ac5cd7181f25a6b4fb7f",
    license="http://data.europa.eu/eli/dec/2011/833/oj",
    rights=("No licence is stated by the compilers (Deutsche Welle data team, EDJNet). The underlying data are "
            "European Commission content (EUTF for Africa, Akvo RSR), reusable with attribution under Commission "
            "Decision 2011/833/EU; confirm before redistributing."),
    attribution=("Deutsche Welle data team / EDJNet, 'Taking stock of the EU Emergency Trust Fund for Africa', "
                 "https://github.com/dw-data/eutf-africa; data: European Commission, EUTF for Africa on Akvo RSR."),
    files=(FILE, ORGS_FILE),
)


def lexicon_path(path: Path, data_dir: Path) -> Path | None:
    """The organisation list that goes with the projects file: next to it, else the project's copy."""
    for candidate in (Path(path).parent / ORGS_FILE, Path(data_dir) / "external" / NAME / ORGS_FILE):
        if candidate.is_file():
            return candidate
    return None


def read_lexicon(path: Path | None) -> dict[str, str]:
    """Organisation name -> IATI organisation type code, from ``EUTF_akvo_orgs.csv``."""
    if path is None:
        return {}
    out: dict[str, str] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = " ".join((row.get("name") or "").split())
            if name and name not in out:
                out[name] = (row.get("type") or "").strip()
    return out


def split_names(cell: str, lexicon: dict[str, str]) -> list[str]:
    """The organisation names of an EUTF role cell, several joined by ``", "``, rejoined where
    together they are a name of ``lexicon`` (:func:`graphkit.resolve.split.split_cell`, mode ``list``)."""
    return split_cell(cell, lexicon=lexicon, mode="list")


def mentions(path: Path, data_dir: Path, *, encoding: str = "utf-8", delimiter: str | None = None) -> Iterator[Mention]:
    """Every organisation name of the file with its role (a fast first pass for the resolver)."""
    lexicon = read_lexicon(lexicon_path(path, data_dir))
    _, rows = read_rows(path, REQUIRED, encoding=encoding, delimiter=delimiter)
    for row in rows:
        if row.problem or not row.values.get("iati_id", "").strip():
            continue
        for column, role in ROLE_COLUMNS.items():
            for name in split_names(row.values.get(column, ""), lexicon):
                yield Mention(NAME, name, role)


def identifiers(path: Path, *, encoding: str = "utf-8", delimiter: str | None = None) -> set[str]:
    """The IATI identifiers of the readable rows of the EUTF file at ``path``.

    Raises:
        DatasetError: The file cannot be read as the dataset.
    """
    _, rows = read_rows(path, REQUIRED, encoding=encoding, delimiter=delimiter)
    return {row.values["iati_id"].strip() for row in rows if not row.problem and row.values.get("iati_id", "").strip()}


def project_slug(identifier: str) -> str:
    """The project slug of an IATI identifier: ``eutf-`` and the identifier, hashed where needed."""
    return slug_with_hash(NAME, identifier)


def run(path: Path, mapper: DatasetMapper, report: ImportReport, tables: ReferenceTables, data_dir: Path, *,
        encoding: str = "utf-8", delimiter: str | None = None, progress=None) -> None:
    """Stream the rows of ``path`` into ``mapper``; count every row in ``report``."""
    lex_path = lexicon_path(path, data_dir)
    lexicon = read_lexicon(lex_path)
    if lex_path is None:
        report.note("organisation list EUTF_akvo_orgs.csv not found: cells split on every comma")
    known_ids = identifiers(path, encoding=encoding, delimiter=delimiter)
    delim, rows = read_rows(path, REQUIRED, encoding=encoding, delimiter=delimiter)
    report.delimiter = delim
    mapper.scheme(OBJECTIVE_SCHEME, "EUTF for Africa strategic objectives",
                  "The four strategic objectives of the EU Emergency Trust Fund for Africa, the TFP codes of its "
                  "IATI sector vocabulary (TFP.1 to TFP.4).",
                  [(k, v, None) for k, v in OBJECTIVES.items()], INFO.source_url)
    first_seen: dict[str, int] = {}
    import_rows(rows, report, progress, NAME,
                lambda row: _row(row, mapper, report, tables, lexicon, known_ids, first_seen))


def _row(row: Row, mapper: DatasetMapper, report: ImportReport, tables: ReferenceTables, lexicon: dict[str, str],
         known_ids: set[str], first_seen: dict[str, int]) -> None:
    v = row.values
    ident = v["iati_id"].strip()
    if not ident:
        raise RowError("no iati_id", f"title {v.get('title', '').strip()[:40]!r}" if v.get("title", "").strip() else "")
    title = " ".join(v["title"].split())
    if not title:
        raise RowError("no title", ident)
    start = parse_date(v["date_start"], DATE_FORMATS, "date_start")
    end = parse_date(v["date_end"], DATE_FORMATS, "date_end")
    budget = parse_amount(v["budget"], "budget")
    # every value is valid: the row is imported
    slug = project_slug(ident)
    merged = ident in first_seen
    if merged:
        report.rows_merged += 1
        report.note("records that repeat an identifier (merged into the first; its single values kept)",
                    f"{ident} (records {first_seen[ident]} and {row.number})")
    else:
        first_seen[ident] = row.number
    report.rows_imported += 1
    p = mapper.project(slug, "" if merged else title)
    if not merged:
        mapper.add(p, M.iatiIdentifier, lit(ident))
        summary = " ".join(v.get("summary", "").split())
        if summary:
            mapper.add(p, DESCRIPTION, lit(summary))
        mapper.dates(p, {"startDate": start, "plannedEndDate": end}, (start, end))
        if budget is not None:
            mapper.budget(slug, p, budget, "EUR", "budget")
    for column, role in ROLE_COLUMNS.items():
        cell = v.get(column, "")
        names = split_names(cell, lexicon)
        for name in names:
            kind = IATI_ORG_TYPE.get(lexicon.get(name, ""), "")
            mapper.participations_from_cell(slug, p, column, cell, [name], role, kind)
    for code in chunks(re.split(r"[,;]", v.get("recipient_country", ""))):
        c = tables.countries_by_iso2.get(code.upper())
        if c is None:
            report.note("unknown recipient country codes (not mapped)", code)
            continue
        mapper.add(p, M.recipientCountry, country_iri(c.iso3))
    for code in chunks(re.split(r"[,;]", v.get("location_code", ""))):
        iso2 = code.split("-")[0].strip().upper()
        c = tables.countries_by_iso2.get(iso2) if re.fullmatch(r"[A-Z]{2}", iso2) else None
        if c is None:
            c = next((x for x in tables.countries.values() if code.casefold() in
                      {n.casefold() for n in x.names.values()}), None)
        if c is None:
            report.note("location codes without a country (not mapped)", code)
            continue
        mapper.add(p, M.takesPlaceIn, country_iri(c.iso3))
    for code in chunks(re.split(r"[,;]", v.get("topics", ""))):
        mt = re.fullmatch(r"TFP[ .]?([1-4])", code.strip())
        if mt is None:
            report.note("topic codes that are not one of the four strategic objectives (not mapped)", code)
            continue
        mapper.add(p, SUBJECT, iri(f"{OBJECTIVE_SCHEME}/{mt.group(1)}"))
    for url in chunks(v.get("links", "").split(", ")):
        if re.fullmatch(r"https?://\S+", url):
            mapper.add(p, PAGE, iri(url))
        else:
            report.note("links that are not URLs (not mapped)", url[:40])
    for parent in chunks(v.get("project_parent", "").split(",")):
        if parent in known_ids:
            mapper.add(p, M.partOfProject, iri(str(PROJECT[project_slug(parent)])))
        else:
            report.note("parent identifiers that are no record of the file (link not made)", parent)
    for child in chunks(v.get("project_child", "").split(",")):
        if child in known_ids:
            mapper.add(iri(str(PROJECT[project_slug(child)])), M.partOfProject, p)
        else:
            report.note("child identifiers that are no record of the file (link not made)", child)
