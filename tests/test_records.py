"""Broken records of every kind: each problem is reported with file, record and field, all at once,
and nothing is written."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.builder import build
from graphkit.cli import main
from graphkit.records import Problem, RecordsInvalid, load_records

SOURCE_TEXT = """Progetto PROVA – Prova di caricamento
Capofila: Alfa
Partner: Beta, Gamma
Avviato il 1 marzo 2020 e concluso a dicembre 2020.
Luogo di svolgimento: Italia : Regione Piemonte
"""

FILES = {
    "sources.yaml": """
        - id: prova
          file: sources/prova.txt
          title: "Progetto PROVA – Prova di caricamento"
          language: it
        """,
    "organisations.yaml": """
        - id: alfa
          name: Associazione Alfa
          aliases: [Alfa]
          type: ngo
          country: country:ITA
          based_in: comune:001272
        - id: beta
          name: Beta
          type: ngo
          country: country:ITA
        - id: gamma
          name: Gamma
          type: municipality
          country: country:ITA
        """,
    "funds.yaml": """
        - id: fondo
          kind: fund
          name: Fondo di prova
        """,
    "places.yaml": "[]\n",
    "projects/prova.yaml": """
        id: prova
        source: prova
        acronym: PROVA
        title: "PROVA – Prova di caricamento"
        title_quote: "Progetto PROVA – Prova di caricamento"
        funding: []
        dates:
          started: {value: "2020-03-01", quote: "Avviato il 1 marzo 2020"}
          ended: {value: "2020-12", quote: "concluso a dicembre 2020"}
        places:
          - {place: nuts:ITC1, quote: "Italia : Regione Piemonte"}
        participants:
          - {org: alfa, role: lead, as_written: Alfa, quote: "Capofila: Alfa"}
          - {org: beta, role: partner, as_written: Beta, quote: "Partner: Beta"}
          - {org: gamma, role: partner, as_written: Gamma, quote: "Beta, Gamma"}
        """,
}


FILES = {name: textwrap.dedent(text).lstrip("\n") for name, text in FILES.items()}


def write_data(root: Path, overrides: dict[str, str] | None = None) -> Path:
    data = root / "data"
    (data / "projects").mkdir(parents=True)
    (data / "sources").mkdir()
    (data / "sources" / "prova.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    for name, text in {**FILES, **(overrides or {})}.items():
        (data / name).write_text(text, encoding="utf-8")
    return data


def problems_for(tmp_path: Path, overrides: dict[str, str]) -> list[Problem]:
    with pytest.raises(RecordsInvalid) as exc:
        load_records(write_data(tmp_path, overrides))
    return exc.value.problems


def project_with(tmp_path, old: str, new: str) -> list[Problem]:
    text = FILES["projects/prova.yaml"]
    assert old in text, old
    return problems_for(tmp_path, {"projects/prova.yaml": text.replace(old, new)})


def test_minimal_records_are_valid(tmp_path):
    recs = load_records(write_data(tmp_path))
    assert sorted(recs.organisations) == ["alfa", "beta", "gamma"]
    assert [p.org for p in recs.projects["prova"].record.participants] == ["alfa", "beta", "gamma"]


def test_unknown_organisation(tmp_path):
    assert project_with(tmp_path, "{org: beta,", "{org: delta,") == [
        Problem("projects/prova.yaml", "project prova", "participants[1].org", "unknown organisation 'delta'")
    ]


def test_missing_required_field(tmp_path):
    assert project_with(tmp_path, 'title: "PROVA – Prova di caricamento"\n', "") == [
        Problem("projects/prova.yaml", "project prova", "title", "required field is missing")
    ]


def test_bad_date(tmp_path):
    assert project_with(tmp_path, '"2020-03-01"', '"2020-02-30"') == [
        Problem("projects/prova.yaml", "project prova", "dates.started.value",
                "'2020-02-30' has no day 30 (the month has 29 days)")
    ]


def test_end_before_start(tmp_path):
    assert project_with(tmp_path, 'value: "2020-12"', 'value: "2019-12"') == [
        Problem("projects/prova.yaml", "project prova", "dates.ended", "ended 2019-12 is before started 2020-03-01")
    ]


def test_duplicate_ids(tmp_path):
    dup = FILES["organisations.yaml"] + "- id: beta\n  name: Beta bis\n  type: ngo\n  country: country:ITA\n"
    assert problems_for(tmp_path, {"organisations.yaml": dup}) == [
        Problem("organisations.yaml", "organisation beta", "id",
                "duplicate id 'beta' (first defined in organisations.yaml)")
    ]


def test_unknown_role(tmp_path):
    problems = project_with(tmp_path, "role: partner, as_written: Beta", "role: sponsor, as_written: Beta")
    assert [(p.file, p.record, p.field) for p in problems] == [
        ("projects/prova.yaml", "project prova", "participants[1].role")
    ]
    assert problems[0].message.startswith("unknown role 'sponsor' (allowed: ")
    allowed = problems[0].message.split("(allowed: ", 1)[1].rstrip(")").split(", ")
    assert {"lead", "partner", "foreign-adherent", "adherent", "funder", "managing-authority"} <= set(allowed)
    assert "member" not in allowed  # membership roles are not participation roles


def test_unknown_places(tmp_path):
    problems = project_with(tmp_path, "nuts:ITC1", "nuts:ZZ99")
    assert problems == [
        Problem("projects/prova.yaml", "project prova", "places[0].place",
                "unknown NUTS code 'ZZ99' (not in the NUTS 2016 or 2021 tables; older codes go in places.yaml)")
    ]
    bad_org = FILES["organisations.yaml"].replace("comune:001272", "comune:999999").replace(
        "country: country:ITA\n  based_in", "country: nuts:ITC1\n  based_in")
    assert problems_for(tmp_path / "2", {"organisations.yaml": bad_org}) == [
        Problem("organisations.yaml", "organisation alfa", "based_in", "unknown ISTAT municipality code '999999'"),
        Problem("organisations.yaml", "organisation alfa", "country", "'nuts:ITC1' is not a country (write country:ISO3)"),
    ]


def test_quote_must_occur_in_the_source(tmp_path):
    assert project_with(tmp_path, '"Capofila: Alfa"', '"Capofila: Alfa e Omega"') == [
        Problem("projects/prova.yaml", "project prova", "participants[0].quote",
                "quote 'Capofila: Alfa e Omega' does not occur in source 'prova'")
    ]


GAMMA = '{org: gamma, role: partner, as_written: Gamma, quote: "Beta, Gamma"}'


def test_a_participation_quote_may_be_spans_a_heading_then_the_item(tmp_path):
    text = FILES["projects/prova.yaml"].replace(
        GAMMA, '{org: gamma, role: partner, as_written: Gamma, quote: ["Partner:", "Gamma"]}')
    recs = load_records(write_data(tmp_path, {"projects/prova.yaml": text}))
    assert recs.projects["prova"].record.participants[2].quote == ["Partner:", "Gamma"]


def test_a_quote_of_one_span_written_as_a_list_is_that_span(tmp_path):
    text = FILES["projects/prova.yaml"].replace(
        GAMMA, '{org: gamma, role: partner, as_written: Gamma, quote: ["  Partner: Beta, Gamma "]}')
    recs = load_records(write_data(tmp_path, {"projects/prova.yaml": text}))
    assert recs.projects["prova"].record.participants[2].quote == "Partner: Beta, Gamma"


@pytest.mark.parametrize("spans, message", [
    ('["Partner:", "Delta"]', "quote span 2 of 2 'Delta' does not occur in source 'prova'"),
    ('["Partner:", "Alfa"]', "quote span 2 of 2 'Alfa' occurs only before span 1 ('Partner:') in source 'prova'"),
    ('["Partner:", "Gamma", "Avviato"]', None),
    ('["Partnership:", "Gamma"]', "quote span 1 of 2 'Partnership:' does not occur in source 'prova'"),
])
def test_each_span_must_occur_in_the_source_after_the_one_before(tmp_path, spans, message):
    text = FILES["projects/prova.yaml"].replace(
        GAMMA, f'{{org: gamma, role: partner, as_written: Gamma, quote: {spans}}}')
    if message is None:
        assert len(load_records(write_data(tmp_path, {"projects/prova.yaml": text})).projects) == 1
        return
    field = "participants[2].quote[1]" if "span 2" in message else "participants[2].quote[0]"
    assert problems_for(tmp_path, {"projects/prova.yaml": text}) == [
        Problem("projects/prova.yaml", "project prova", field, message)]


@pytest.mark.parametrize("spans", ['[]', '["Partner:", "Beta", "Gamma", "Avviato"]', '["Partner:", ""]',
                                   '["Partner:", 3]'])
def test_a_quote_has_one_to_three_non_empty_spans(tmp_path, spans):
    text = FILES["projects/prova.yaml"].replace(
        GAMMA, f'{{org: gamma, role: partner, as_written: Gamma, quote: {spans}}}')
    assert problems_for(tmp_path, {"projects/prova.yaml": text}) == [
        Problem("projects/prova.yaml", "project prova", "participants[2].quote",
                "a quote is one verbatim text, or a list of 2 to 3 verbatim spans (non-empty texts, in the "
                "order of the source: the heading, then the item)")]


def test_a_quote_of_spans_is_one_quote_literal_and_its_spans_in_order(tmp_path):
    from rdflib import Graph, Literal, URIRef

    from graphkit.namespaces import MCN
    from graphkit.paths import ONTOLOGY_DIR
    from graphkit.rdf.mapping import records_to_dataset

    text = FILES["projects/prova.yaml"].replace(
        GAMMA, '{org: gamma, role: partner, as_written: Gamma, quote: ["Partner:", "Gamma"]}')
    dataset = records_to_dataset(load_records(write_data(tmp_path, {"projects/prova.yaml": text})), ONTOLOGY_DIR)
    ds = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        ds.add((s, p, o))
    node = URIRef("https://w3id.org/graphkit/id/participation/prova--gamma--partner")
    (ev,) = ds.objects(node, MCN.hasEvidence)
    assert list(ds.objects(ev, MCN.quote)) == [Literal("Partner: … Gamma", lang="it")]
    spans = sorted((int(ds.value(s, MCN.spanIndex)), ds.value(s, MCN.spanText), str(s))
                   for s in ds.objects(ev, MCN.hasQuoteSpan))
    assert spans == [(1, Literal("Partner:", lang="it"), f"{ev}/span/1"),
                     (2, Literal("Gamma", lang="it"), f"{ev}/span/2")]
    # a quote of one passage has no spans
    (ev_beta,) = ds.objects(URIRef("https://w3id.org/graphkit/id/participation/prova--beta--partner"),
                            MCN.hasEvidence)
    assert list(ds.objects(ev_beta, MCN.hasQuoteSpan)) == []


def test_unknown_field_is_refused(tmp_path):
    assert project_with(tmp_path, "acronym: PROVA", "acronim: PROVA") == [
        Problem("projects/prova.yaml", "project prova", "acronim",
                "unknown field (check its spelling against docs/records.md)")
    ]


def test_hostile_id_is_refused(tmp_path):
    problems = project_with(tmp_path, "{org: beta,", '{org: "beta\\" } ; DROP ALL ; #",')
    assert [(p.field, p.message) for p in problems] == [
        ("participants[1].org", "String should match pattern '^[a-z0-9]+(-[a-z0-9]+)*$'"),
        ("participants[1].org", "unknown organisation 'beta\" } ; DROP ALL ; #'"),
    ]


def test_yaml_syntax_error_names_line_and_column(tmp_path):
    assert problems_for(tmp_path, {"funds.yaml": "- id: fondo\n  kind: [fund\n"}) == [
        Problem("funds.yaml", "line 3, column 1", "", "not valid YAML: expected ',' or ']', but got '<stream end>'")
    ]


def test_duplicate_yaml_key(tmp_path):
    assert project_with(tmp_path, "acronym: PROVA\n", "acronym: PROVA\nacronym: PROVA2\n") == [
        Problem("projects/prova.yaml", "line 4, column 1", "", "not valid YAML: duplicate key 'acronym'")
    ]


def test_every_problem_is_reported_at_once(tmp_path):
    text = (FILES["projects/prova.yaml"]
            .replace("{org: beta,", "{org: delta,")
            .replace('"2020-03-01"', '"2020-13-01"')
            .replace("nuts:ITC1", "nuts:ZZ99"))
    problems = problems_for(tmp_path, {"projects/prova.yaml": text})
    # a wrong form (the date) does not hide the wrong references of the same record
    assert [p.field for p in problems] == ["dates.started.value", "participants[1].org", "places[0].place"]
    orgs = FILES["organisations.yaml"].replace("type: municipality", "type: village")
    problems2 = problems_for(tmp_path / "2", {"projects/prova.yaml": text, "organisations.yaml": orgs})
    assert [(p.file, p.field) for p in problems2] == [
        ("organisations.yaml", "type"), ("projects/prova.yaml", "dates.started.value"),
        ("projects/prova.yaml", "participants[1].org"), ("projects/prova.yaml", "places[0].place")]


def test_build_writes_nothing_on_bad_records(tmp_path):
    data = write_data(tmp_path)
    out = tmp_path / "out" / "graph"
    build(data, out, docs=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    broken = FILES["projects/prova.yaml"].replace("{org: beta,", "{org: delta,")
    (data / "projects" / "prova.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(RecordsInvalid):
        build(data, out, docs=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["graph"]  # no temporary folder left behind


def test_cli_build_reports_problems_and_exits_1(tmp_path):
    data = write_data(tmp_path)
    broken = FILES["projects/prova.yaml"].replace("{org: beta,", "{org: delta,")
    (data / "projects" / "prova.yaml").write_text(broken, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--build", str(out), "--no-docs", "-q"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "build failed: 1 problem(s) in the records; nothing was written.",
        "  projects/prova.yaml: project prova: participants[1].org: unknown organisation 'delta'",
    ]
    assert not out.exists()


def test_project_file_is_named_after_its_id(tmp_path):
    assert project_with(tmp_path, "id: prova\n", "id: prova-bis\n") == [
        Problem("projects/prova.yaml", "project prova-bis", "id",
                "the file of project 'prova-bis' must be named projects/prova-bis.yaml")
    ]
