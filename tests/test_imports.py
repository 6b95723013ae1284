"""The importers of the two external datasets (EUTF for Africa, OECD CRS Italy 2014): every row read
is imported or reported, the values land on the right terms, and bad input is caught.

The exact values below were read off the CSV files under data/external/ (the comments say which
row); the organisation resolution is measured in test_resolution.py.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.imports import DatasetError, default_path, import_dataset, review_file
from graphkit.namespaces import GRAPH
from graphkit.queries import plain_rows
from graphkit.store import EmbeddedStore

FIXTURES = Path(__file__).parent / "fixtures" / "external"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="session")
def dataset_store(imported) -> EmbeddedStore:
    store = EmbeddedStore()
    for _, folder in imported.values():
        store.load_nquads(folder / "graph.nq")
    return store


def select(store, text: str) -> list[dict]:
    return plain_rows(store.select(text))


# ------------------------------------------------------------------------------ row accounting


def test_eutf_every_row_is_imported_or_reported(imported):
    report, folder = imported["eutf"]
    # 644 records; records 216 and 485 have no iati_id (lines 843 and 1519 of the file: the
    # records hold multi-line summaries); T05-EUTF-HOA-SS-48-02 is written twice (records 50, 253).
    assert (report.rows_read, report.rows_imported, report.rows_merged, report.rows_skipped) == (644, 642, 1, 2)
    assert dict(report.skip_reasons) == {"no iati_id": 2}
    assert [(s["record"], s["line"]) for s in report.skipped] == [(216, 843), (485, 1519)]
    assert report.projects == 641 and report.reconciled
    saved = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert (saved["rows_read"], saved["rows_imported"], saved["rows_skipped"], saved["reconciled"]) == (644, 642, 2, True)
    assert report.totals_line() == ("eutf: rows read 644, imported 642 (of which 1 merged into an earlier record "
                                    "with the same identifier), skipped 2 (2 no iati_id)")


def test_crs_every_row_is_imported(imported):
    report, _ = imported["crs"]
    assert (report.rows_read, report.rows_imported, report.rows_skipped, report.projects) == (3633, 3633, 0, 3633)
    assert report.notes["records without a channel (implementing organisation) name"] == 417
    assert report.notes["cells in channelreportedname that name no organisation (placeholders)"] == 4
    assert report.totals_line() == "crs: rows read 3633, imported 3633, skipped 0"


def test_imports_are_fast(imported):
    assert imported["eutf"][0].seconds < 20 and imported["crs"][0].seconds < 30


# ------------------------------------------------------------------------------ what a row becomes


def test_a_crs_row_with_three_ngos(dataset_store):
    # openaid id 30112: "ONG CISV, LVIA, COP", Burkina Faso, purpose 15112, reported by Regione Piemonte
    # (DGCS layout), start 17/04/2011, completion 17/04/2014, commitment 28/02/2014, 0.02809 and
    # 0.02234 EUR millions, 0.03726814 and 0.02963779 USD millions.
    p = "<https://w3id.org/graphkit/id/project/crs-30112>"
    parts = select(dataset_store, f"""SELECT ?org ?role ?as_written ?conf WHERE {{
        {p} mcn:hasParticipation ?x . ?x mcn:participant ?org ; mcn:role ?role ; mcn:nameAsWritten ?as_written ;
        mcn:matchConfidence ?conf }} ORDER BY ?role ?org""")
    assert [(r["org"], r["role"], r["as_written"], r["conf"]) for r in parts] == [
        ("organisation:regione-piemonte", "role:extending", "Regione Piemonte", 1.0),
        ("organisation:cisv", "role:implementer", "ONG CISV", 1.0),
        ("organisation:cop", "role:implementer", "COP", 1.0),
        ("organisation:lvia", "role:implementer", "LVIA", 1.0),
    ]
    facts = select(dataset_store, f"""SELECT ?title ?id ?crsid ?number ?start ?end ?approved ?from ?until ?country ?sector
        WHERE {{ {p} dcterms:title ?title ; mcn:recordIdentifier ?id ; mcn:crsIdentifier ?crsid ;
                 mcn:projectNumber ?number ; mcn:plannedStartDate ?start ; mcn:plannedEndDate ?end ;
                 mcn:approvalDate ?approved ; mcn:activeFrom ?from ; mcn:activeUntil ?until ;
                 mcn:recipientCountry ?country ; mcn:sector ?sector }}""")
    assert facts == [{
        "title": "The regional territorial approach : An optimal space for the implementation of the principles "
                 "of aid effectiveness",
        "id": "30112", "crsid": "2014000972", "number": "2014/6", "start": "2011-04-17", "end": "2014-04-17",
        "approved": "2014-02-28", "from": "2011-04-17", "until": "2014-04-17", "country": "country:BFA",
        "sector": "sector:15112"}]
    budgets = select(dataset_store, f"""SELECT ?kind ?currency ?amount ?year WHERE {{ {p} mcn:hasBudget ?b .
        ?b mcn:amountKind ?kind ; mcn:currency ?currency ; mcn:amount ?amount ; mcn:budgetYear ?year }}
        ORDER BY ?kind ?currency""")
    assert [(r["kind"].rsplit("/", 1)[-1], r["currency"], r["amount"], r["year"]) for r in budgets] == [
        ("commitment", "currency:EUR", Decimal("28090"), "2014"),
        ("commitment", "currency:USD", Decimal("37268.14"), "2014"),
        ("disbursement", "currency:EUR", Decimal("22340"), "2014"),
        ("disbursement", "currency:USD", Decimal("29637.79"), "2014"),
    ]
    evidence = select(dataset_store, f"""SELECT DISTINCT ?quote ?doc WHERE {{ {p} mcn:hasParticipation ?x .
        ?x mcn:participant organisation:cop ; mcn:hasEvidence ?e . ?e mcn:quote ?quote ; prov:wasDerivedFrom ?doc }}""")
    assert evidence == [{"quote": "ONG CISV, LVIA, COP", "doc": "source:dataset-crs"}]


def test_the_sector_scheme_is_generated_from_the_code_list(dataset_store):
    rows = select(dataset_store, """SELECT ?label ?broader WHERE { sector:15112 skos:prefLabel ?label ;
        skos:inScheme <https://w3id.org/graphkit/vocab/dac-sector> ; skos:broader ?broader }""")
    assert rows == [{"label": "Decentralisation and support to subnational govt.", "broader": "sector:151"}]


def test_an_eutf_row(dataset_store):
    # T05-EUTF-NOA-REG-14-01: funder EU Trust Fund for Africa, implementer UNHCR, actual start
    # 2021-01-01, planned end 2022-12-31, budget 3700000, topic TFP.3, parent T05-EUTF-NOA-REG-14.
    p = "<https://w3id.org/graphkit/id/project/eutf-t05-eutf-noa-reg-14-01>"
    facts = select(dataset_store, f"""SELECT ?id ?start ?end ?amount ?currency ?subject ?parent WHERE {{
        {p} mcn:iatiIdentifier ?id ; mcn:startDate ?start ; mcn:plannedEndDate ?end ; dcterms:subject ?subject ;
            mcn:partOfProject ?parent ; mcn:hasBudget ?b .
        ?b mcn:amount ?amount ; mcn:currency ?currency }}""")
    assert facts == [{"id": "T05-EUTF-NOA-REG-14-01", "start": "2021-01-01", "end": "2022-12-31", "amount": 3700000.0,
                      "currency": "currency:EUR", "subject": "https://w3id.org/graphkit/vocab/eutf-objective/3",
                      "parent": "project:eutf-t05-eutf-noa-reg-14"}]
    parts = select(dataset_store, f"""SELECT ?org ?role WHERE {{ {p} mcn:hasParticipation ?x .
        ?x mcn:participant ?org ; mcn:role ?role }} ORDER BY ?role""")
    assert parts == [{"org": "organisation:eutf-eu-trust-fund-africa", "role": "role:funder"},
                     {"org": "organisation:eutf-united-nations-high-commissioner-refugees", "role": "role:implementer"}]


def test_identifiers_differing_only_in_case_stay_two_projects(dataset_store):
    # T05-EUTF-HoA-SO-03 (a contract) and T05-EUTF-HOA-SO-03 (a decision) are two records
    rows = select(dataset_store, """SELECT ?p ?id WHERE { ?p mcn:iatiIdentifier ?id .
        FILTER(LCASE(?id) = "t05-eutf-hoa-so-03") } ORDER BY ?id""")
    assert [r["id"] for r in rows] == ["T05-EUTF-HOA-SO-03", "T05-EUTF-HoA-SO-03"]
    assert len({r["p"] for r in rows}) == 2


def test_each_dataset_has_its_named_graph_with_provenance(dataset_store):
    for name, url, licence in (
        ("crs", "https://github.com/DeppSRL/open-aid", "https://www.oecd.org/en/about/terms-conditions.html"),
        ("eutf", "https://github.com/dw-data/eutf-africa", "http://data.europa.eu/eli/dec/2011/833/oj"),
    ):
        g = f"<{GRAPH}dataset/{name}>"
        rows = dataset_store.select(f"""SELECT ?source ?licence ?when ?doc WHERE {{ GRAPH {g} {{
            {g} dcterms:source ?source ; dcterms:license ?licence ; prov:generatedAtTime ?when ;
                prov:wasDerivedFrom ?doc . ?doc a mcn:SourceDocument }} }}""").rows
        assert len(rows) == 1
        source, lic, when, doc = rows[0]
        assert (source.value, lic.value, doc.value) == (url, licence, f"https://w3id.org/graphkit/id/source/dataset-{name}")
        assert when.datatype == ox.NamedNode(XSD + "dateTime")
    # every project of a dataset graph says where it comes from
    for name in ("crs", "eutf"):
        missing = dataset_store.select(f"""SELECT (COUNT(?p) AS ?n) WHERE {{ GRAPH <{GRAPH}dataset/{name}> {{
            ?p a mcn:Project . FILTER NOT EXISTS {{ ?p prov:wasDerivedFrom <https://w3id.org/graphkit/id/source/dataset-{name}> }}
            }} }}""").rows[0][0]
        assert int(missing.value) == 0


def test_imported_organisations_are_described_once(dataset_store):
    # a non-seed organisation: one preferred label, its spellings as alternative labels, its type
    rows = select(dataset_store, """SELECT ?label ?type ?country WHERE {
        organisation:crs-cospe-cooperazione-sviluppo-paesi-emergenti skos:prefLabel ?label ;
        org:classification ?type ; mcn:country ?country }""")
    assert rows == [{"label": "COSPE", "type": "orgtype:ngo", "country": "country:ITA"}]
    alts = {r["alt"] for r in select(dataset_store, """SELECT ?alt WHERE {
        organisation:crs-cospe-cooperazione-sviluppo-paesi-emergenti skos:altLabel ?alt }""")}
    assert "COSPE - COOPERAZIONE PER LO SVILUPP O DEI PAESI EMERGENTI" in alts and "NGO COSPE" in alts
    # seed organisations are not redescribed by the imports (their registry entry stays the only one)
    assert select(dataset_store, "SELECT ?l WHERE { organisation:cop skos:prefLabel ?l }") == []


def test_a_unit_decided_in_review_is_a_sub_organisation(dataset_store):
    rows = select(dataset_store, """SELECT ?parent WHERE { organisation:crs-citta-torino-int-pace
        a org:OrganizationalUnit ; org:subOrganizationOf ?parent }""")
    assert rows == [{"parent": "organisation:comune-torino"}]


def test_the_data_files_are_copied_with_attribution():
    for name, files in (("eutf", ["EUTF_projects_akvo.csv", "EUTF_akvo_orgs.csv"]),
                        ("crs", ["project_CRS_6_2014.csv", "resources_crs_20150724_Italy_CRS_bilaterale.csv",
                                 "resources_codelists_sector.csv", "resources_codelists_recipient.csv"])):
        folder = default_path(name).parent
        source = (folder / "SOURCE.txt").read_text(encoding="utf-8")
        assert "--- in graphkit" in source
        for f in files:
            assert (folder / f).is_file() and f in source
    total = sum(p.stat().st_size for p in (default_path("eutf").parent.parent).rglob("*") if p.is_file())
    assert total < 30_000_000


# ------------------------------------------------------------------------------ bad input


def _import(tmp_path, dataset, name, **kw):
    return import_dataset(dataset, FIXTURES / name, out_dir=tmp_path / "out", review=tmp_path / "review.csv", **kw)


def test_bad_rows_are_skipped_and_reported_never_lost(tmp_path):
    report = _import(tmp_path, "crs", "crs-bad-rows.csv")
    assert (report.rows_read, report.rows_imported, report.rows_skipped) == (6, 1, 5)
    assert [(s["line"], s["reason"], s["detail"]) for s in report.skipped] == [
        (3, "bad date in expectedstartdate", "'31/02/2014'"),
        (4, "bad amount in commitment_national", "'0,0280'"),
        (5, "no openaid id", "2014000191"),
        (6, "wrong number of fields", "52 fields, the header has 51"),
        (7, "not utf-8 text", "undecodable bytes in column projecttitle"),
    ]
    assert report.reconciled
    # nothing of a skipped row reaches the graph
    store = EmbeddedStore()
    store.load_nquads(tmp_path / "out" / "graph.nq")
    projects = {r["p"] for r in select(store, "SELECT ?p WHERE { ?p a mcn:Project }")}
    assert projects == {"project:crs-30112"}


def test_the_right_encoding_imports_the_row_it_could_not_read(tmp_path):
    report = _import(tmp_path, "crs", "crs-bad-rows.csv", encoding="latin-1")
    assert (report.rows_imported, report.rows_skipped) == (2, 4)
    assert "not latin-1 text" not in report.skip_reasons


def test_eutf_bad_dates_amounts_and_a_missing_identifier(tmp_path):
    report = _import(tmp_path, "eutf", "eutf-bad-rows.csv")
    assert (report.rows_read, report.rows_imported, report.rows_skipped) == (5, 2, 3)
    assert [(s["record"], s["reason"], s["detail"]) for s in report.skipped] == [
        (2, "bad date in date_start", "'2019-13-45'"),
        (3, "bad amount in budget", "'1.2.3e+06'"),
        (5, "no iati_id", "title 'Programme de développement inclusif dans'"),
    ]


def test_a_semicolon_file_is_read_with_its_delimiter(tmp_path):
    report = _import(tmp_path, "crs", "crs-semicolon.csv")
    assert (report.delimiter, report.rows_read, report.rows_imported) == (";", 3, 3)


def test_a_wrong_delimiter_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match=r"the file uses ';' as delimiter: pass --delimiter ';'"):
        _import(tmp_path, "crs", "crs-semicolon.csv", delimiter=",")
    assert not (tmp_path / "out").exists()


def test_missing_columns_and_empty_files_are_clear_errors(tmp_path):
    with pytest.raises(DatasetError, match=r"missing column\(s\) purposecode, channelreportedname"):
        _import(tmp_path, "crs", "crs-missing-columns.csv")
    with pytest.raises(DatasetError, match=r"the file is empty \(no header line\)"):
        _import(tmp_path, "crs", "empty.csv")
    with pytest.raises(DatasetError, match=r"no such file"):
        _import(tmp_path, "eutf", "no-such-file.csv")
    with pytest.raises(DatasetError, match=r"unknown dataset 'iati'"):
        import_dataset("iati")


def test_cli_prints_the_totals_last_and_uses_documented_exit_codes(tmp_path):
    runner = CliRunner()
    args = ["--out", str(tmp_path / "out"), "--review", str(tmp_path / "review.csv")]
    ok = runner.invoke(main, ["import", "crs", str(FIXTURES / "crs-bad-rows.csv"), *args])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip().splitlines()[-1] == (
        "crs: rows read 6, imported 1, skipped 5 (1 bad amount in commitment_national; 1 bad date in "
        "expectedstartdate; 1 no openaid id; 1 not utf-8 text; 1 wrong number of fields)")
    strict = runner.invoke(main, ["import", "crs", str(FIXTURES / "crs-bad-rows.csv"), "--fail-on-skip", "-q", *args])
    assert strict.exit_code == 1
    missing = runner.invoke(main, ["import", "crs", str(FIXTURES / "crs-missing-columns.csv"), *args])
    assert missing.exit_code == 1 and "missing column(s) purposecode, channelreportedname" in missing.output
    assert runner.invoke(main, ["import", "crs", "--delimiter", ";;", *args]).exit_code == 2
    assert runner.invoke(main, ["import", "eutf", "--encoding", "no-such-codec", *args]).exit_code == 2


def test_import_help_ends_with_an_example():
    for cmd in ("eutf", "crs", "evaluate"):
        text = main.commands["import"].commands[cmd].help.strip()
        assert text.splitlines()[-1].strip().startswith(f"Example: graphkit import {cmd}")


def test_an_import_never_changes_the_shipped_review_file_when_told_not_to(tmp_path):
    before = review_file().read_bytes()
    import_dataset("eutf", out_dir=tmp_path / "out", update_review=False)
    assert review_file().read_bytes() == before


def test_review_decisions_are_kept_and_new_candidates_added(tmp_path):
    review = tmp_path / "review.csv"
    shutil.copy(review_file(), review)
    rows = list(csv.DictReader(review.open(encoding="utf-8")))
    decided = {(r["key"], r["candidate_key"] or r["candidate"]): r["decision"] for r in rows if r["decision"]}
    # drop the row that keeps ISCOS apart from ISCOS Piemonte; the next import writes it back, undecided
    def dropped(r):
        return r["key"] == "iscos" and r["candidate"] == "organisation:iscos-piemonte"

    kept = [r for r in rows if not dropped(r)]
    with review.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(kept)
    import_dataset("crs", out_dir=tmp_path / "out", review=review)
    after = list(csv.DictReader(review.open(encoding="utf-8")))
    back = [r for r in after if dropped(r)]
    assert [(r["candidate"], r["decision"]) for r in back] == [("organisation:iscos-piemonte", "")]
    assert {(r["key"], r["candidate_key"] or r["candidate"]): r["decision"] for r in after if r["decision"]} == {
        k: v for k, v in decided.items() if k != ("iscos", "organisation:iscos-piemonte")}


# ------------------------------------------------------------------------------ questions across sources


def test_build_with_imports_needs_an_import(tmp_path):
    result = CliRunner().invoke(main, ["build", "--with-imports", "--imports", str(tmp_path), "--build",
                                       str(tmp_path / "graph"), "--no-docs"])
    assert result.exit_code == 3 and "run `graphkit import eutf PATH`" in result.output
    assert not (tmp_path / "graph").exists()


@pytest.fixture(scope="session")
def combined(combined_build) -> EmbeddedStore:
    return EmbeddedStore.from_build(combined_build)


def test_the_combined_build_counts_every_source(combined_build, built):
    seeds = json.loads((built / "summary.json").read_text(encoding="utf-8"))
    summary = json.loads((combined_build / "summary.json").read_text(encoding="utf-8"))
    assert (summary["projects"], summary["participations"]) == (5 + 641 + 3633, 85 + 1976 + 6852)
    assert summary["graphs"]["graph:dataset/eutf"] > 40_000 and summary["graphs"]["graph:dataset/crs"] > 250_000
    assert {k: v for k, v in summary["graphs"].items() if not k.startswith("graph:dataset/")} == seeds["graphs"]
    assert summary["triples"] == sum(summary["graphs"].values())
    # the three serialisations hold the imports too (parsed with Oxigraph: rdflib takes a minute)
    trig = ox.Store()
    trig.load(path=str(combined_build / "dataset.trig"), format=ox.RdfFormat.TRIG)
    eutf = ox.NamedNode(str(GRAPH["dataset/eutf"]))
    assert sum(1 for _ in trig.quads_for_pattern(None, None, None, eutf)) == summary["graphs"]["graph:dataset/eutf"]
    merged = ox.Store()
    merged.load(path=str(combined_build / "merged.ttl"), format=ox.RdfFormat.TURTLE)
    assert len(merged) >= summary["graphs"]["graph:dataset/crs"]


def test_the_seed_only_build_is_unchanged(built):
    summary = json.loads((built / "summary.json").read_text(encoding="utf-8"))
    assert (summary["projects"], summary["organisations"], summary["participations"]) == (5, 83, 85)
    assert not any(g.startswith("graph:dataset/") for g in summary["graphs"])


def test_seed_organisations_across_sources(combined):
    from graphkit.queries import run_query

    rows = plain_rows(run_query(combined, "seed-organisations-across-sources"))
    got = {(r["org"], r["source"], r["role"], r["via"]): r for r in rows}
    # COP: "Consorzio ONG Piemontesi (COP)" (30113, Seychelles) and "ONG CISV, LVIA, COP" (30112, Burkina Faso);
    # commitments 4,990 + 28,090 EUR, disbursements 4,990 + 22,340 EUR
    cop = got[("organisation:cop", "crs", "role:implementer", None)]
    assert (cop["projects"], sorted(cop["countries"].split(" | ")), cop["committed_eur"], cop["disbursed_eur"]) == (
        2, ["Burkina Faso", "Seychelles"], 33080.0, 27330.0)
    # LVIA in both datasets: three EUTF projects as implementer, five CRS channel rows
    assert got[("organisation:lvia", "eutf", "role:implementer", None)]["projects"] == 3
    assert got[("organisation:lvia", "crs", "role:implementer", None)]["projects"] == 5
    # the Ministry of the Interior: reporting institution of 31 CRS activities, channel of 17, EUTF implementer of 4
    assert [got[("organisation:ministero-interno", s, r, None)]["projects"] for s, r in (
        ("crs", "role:extending"), ("crs", "role:implementer"), ("eutf", "role:implementer"))] == [31, 17, 4]
    # the City of Turin through its cooperation office, a unit decided in the review file
    assert got[("organisation:comune-torino", "crs", "role:implementer", "organisation:crs-citta-torino-int-pace")][
        "projects"] == 2
    assert {r["org"] for r in rows} == {
        "organisation:aibi", "organisation:ccm", "organisation:cisv", "organisation:commissione-europea",
        "organisation:comune-torino", "organisation:cop", "organisation:focsiv", "organisation:lvia",
        "organisation:mais", "organisation:ministero-interno", "organisation:oim", "organisation:progettomondo-mlal",
        "organisation:provincia-torino", "organisation:regione-lazio", "organisation:regione-piemonte",
        "organisation:universita-torino"}


def test_named_queries_work_on_the_combined_graph_filtered_by_source(combined_build):
    from graphkit.queries import run_query
    from graphkit.store.sources import SourceError, open_sources

    seeds = open_sources(combined_build, ["seeds"])
    assert [r["project"] for r in plain_rows(run_query(seeds, "projects"))] == [
        "project:khouribga", "project:impra", "project:ipocad-azione-4", "project:discorsi", "project:somicis"]
    crs_only = open_sources(combined_build, ["crs"])
    rows = plain_rows(run_query(crs_only, "organisation-projects", {"name": "COP"}))
    assert sorted((r["project"], r["role"], r["as_written"]) for r in rows) == [
        ("project:crs-30112", "role:implementer", "COP"),
        ("project:crs-30113", "role:implementer", "Consorzio ONG Piemontesi (COP)")]
    both = open_sources(combined_build, ["seeds", "crs"])
    assert {r["project"] for r in plain_rows(run_query(both, "organisation-projects", {"name": "COP"}))} == {
        "project:khouribga", "project:impra", "project:discorsi", "project:crs-30112", "project:crs-30113"}
    with pytest.raises(SourceError, match="nope"):
        open_sources(combined_build, ["nope"])


def test_cli_query_with_a_source(combined_build):
    result = CliRunner().invoke(main, ["query", "projects", "--build", str(combined_build), "--source", "seeds",
                                       "--format", "csv"])
    assert result.exit_code == 0 and len(result.output.strip().splitlines()) == 6
    bad = CliRunner().invoke(main, ["query", "projects", "--build", str(combined_build), "--source", "iati"])
    assert bad.exit_code == 2 and "iati" in bad.output
    listed = CliRunner().invoke(main, ["sources", "list", "--build", str(combined_build), "--format", "csv"])
    assert [line.split(",")[0] for line in listed.output.strip().splitlines()] == ["source", "crs", "eutf", "seeds"]


def test_checks_on_the_combined_graph(combined):
    from graphkit.queries import run_query

    def n(name):
        return len(plain_rows(run_query(combined, name)))

    # every -violation check holds on the combined graph too; EUTF activities with a start and no
    # end are open (no mcn:activeUntil), which the period check allows
    assert (n("organisation-name-collision-violation"), n("participation-unknown-role-violation"),
            n("participation-without-evidence-violation"), n("project-active-period-violation")) == (0, 0, 0, 0)
    open_ended = combined.select("""SELECT (COUNT(*) AS ?n) WHERE {
        ?p a mcn:Project ; mcn:activeFrom ?f . FILTER NOT EXISTS { ?p mcn:activeUntil ?u } }""")
    assert int(open_ended.rows[0][0].value) == 97


def test_the_italian_ngo_network_across_sources(combined_build, tmp_path):
    from graphkit.sources import italian_ngo_network, write_ngo_map
    from graphkit.store.sources import open_sources

    g = italian_ngo_network(open_sources(combined_build))
    assert g.nodes["organisation:cop"]["sources"] == ["crs", "seeds"]
    assert g.nodes["organisation:cisv"]["sources"] == ["crs", "eutf", "seeds"]
    assert g.nodes["organisation:cisv"]["italian_ngo"] and not g.nodes["organisation:regione-piemonte"]["italian_ngo"]
    # the CRS activity 30112 links the three NGOs; Regione Piemonte reported it
    assert {"organisation:lvia", "organisation:cop", "organisation:regione-piemonte"} <= set(g["organisation:cisv"])
    italian = [n for n, d in g.nodes(data=True) if d["italian_ngo"]]
    assert all(g.nodes[n]["country"] == "ITA" and g.nodes[n]["type"] in ("ngo", "ngo-network") for n in italian)
    seeds_only = italian_ngo_network(open_sources(combined_build, ["seeds"]))
    assert {d["sources"][0] for _, d in seeds_only.nodes(data=True)} == {"seeds"}
    path = write_ngo_map(tmp_path / "ngos.html", out_dir=combined_build, sources=["seeds", "crs"])
    page = path.read_text(encoding="utf-8")
    assert "Italian NGOs across sources (crs, seeds)" in page and "Consorzio Ong Piemontesi" in page
    assert "https://" not in page.split("<script", 1)[0] or "cdn" not in page.lower().split("<body", 1)[0]


def test_network_commands_filter_by_source(combined_build):
    # the seeds alone inside the combined build give the seed network: 73 organisations, 972 links
    res = CliRunner().invoke(main, ["network", "--build", str(combined_build), "--source", "seeds",
                                    "--metric", "degree", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "# org projection: 73 nodes, 972 links; all projects, all roles" in res.output
    res = CliRunner().invoke(main, ["network", "--build", str(combined_build), "--source", "nope"])
    assert res.exit_code == 2 and "source(s) nope not in the build" in res.output
