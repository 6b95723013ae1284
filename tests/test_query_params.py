"""Parameters are bound as RDF terms: hostile values match nothing or are refused, never run."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.queries import ParameterError, list_queries, load_query, parse_header, plain_rows, run_query, to_term
from graphkit.store import QueryError

HOSTILE = ['x" } ; DROP ALL ; #', "x' } DELETE WHERE { ?s ?p ?o } #", "<http://evil>", "\\u0022) } #"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_string_parameter_matches_nothing(store, value):
    before = len(store)
    assert plain_rows(run_query(store, "organisation-projects", {"name": value})) == []
    assert len(store) == before


def test_iri_parameter_that_is_just_another_iri_gives_no_rows(store):
    assert plain_rows(run_query(store, "project-participants", {"project": "<http://evil>"})) == []


@pytest.mark.parametrize("value", ["<http://evil> } ; DROP ALL ; #", 'project:impra" }', "evil:thing", "not an iri", ""])
def test_malformed_iri_parameter_is_refused(store, value):
    with pytest.raises(ParameterError):
        run_query(store, "project-participants", {"project": value})


def test_bad_date_and_missing_or_unknown_parameters(store):
    with pytest.raises(ParameterError, match="parameter date: '2017-02-30' is not a valid date"):
        run_query(store, "projects-active-on", {"date": "2017-02-30"})
    with pytest.raises(ParameterError, match="missing parameter"):
        run_query(store, "projects-active-on", {})
    with pytest.raises(ParameterError, match="unknown parameter"):
        run_query(store, "projects", {"date": "2017-01-01"})


def test_terms_have_the_declared_types():
    assert str(to_term("project:impra", "iri")) == "<https://w3id.org/graphkit/id/project/impra>"
    assert str(to_term("2017-06-01", "date")) == '"2017-06-01"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert str(to_term('a"b', "string")) == '"a\\"b"'


def test_malformed_sparql_reports_line_and_column(store):
    with pytest.raises(QueryError, match=r"malformed SPARQL: error at 2:16"):
        store.select("SELECT ?x\nWHERE { ?x ?y }")


def test_every_named_query_has_a_header_and_valid_params():
    queries = list_queries()
    assert all(q.summary for q in queries)
    for q in queries:
        for p in q.params:
            assert f"?{p.name}" in q.text.split("WHERE", 1)[0], f"{q.name}: parameter {p.name} must be projected"


def test_header_parsing():
    q = parse_header("#+ summary: S\n#+ description: a\n#+   b\n#+ params:\n#+   - day: date - a day\n"
                     "#+ returns: x\nSELECT ?day ?x WHERE { }\n", "t")
    assert (q.summary, q.description, [(p.name, p.type, p.doc) for p in q.params], q.returns) == (
        "S", "a b", [("day", "date", "a day")], "x")
    with pytest.raises(QueryError, match="no named query '../etc/passwd'"):
        load_query("../etc/passwd")


def test_cli_query_csv_and_stdin(built):
    runner = CliRunner()
    res = runner.invoke(main, ["query", "projects-active-on", "-p", "date", "2017-06-01", "--format", "csv",
                               "--build", str(built)])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == [
        "date,project,acronym,active_from,active_until",
        "2017-06-01,project:ipocad-azione-4,IPOCAD,2017-04-01,2018-09-30",
        "2017-06-01,project:discorsi,D.I.S.Co.R.S.I.,2017-05-15,2018-05-31",
    ]
    res = runner.invoke(main, ["query", "-", "--format", "tsv", "--build", str(built)],
                        input="SELECT (COUNT(*) AS ?n) WHERE { ?p a mcn:Project }")
    assert res.output.splitlines() == ["n", "5"]
    res = runner.invoke(main, ["query", "-", "--build", str(built)], input="SELECT ?x WHERE { ?x }")
    assert res.exit_code == 1 and "malformed SPARQL: error at 1:23" in res.output
    res = runner.invoke(main, ["query", "project-participants", "-p", "project", "<http://x> }", "--build", str(built)])
    assert res.exit_code == 1 and "is not an IRI or a CURIE with a known prefix" in res.output


def test_cli_without_a_build_exits_3(tmp_path):
    res = CliRunner().invoke(main, ["query", "projects", "--build", str(tmp_path / "nothing")])
    assert res.exit_code == 3 and "run `graphkit build` first" in res.output
    res = CliRunner().invoke(main, ["stats", "--build", str(tmp_path / "nothing")])
    assert res.exit_code == 3


def test_cli_validate_and_queries_list(built):
    res = CliRunner().invoke(main, ["validate", "--no-warnings"])
    assert res.exit_code == 0
    assert res.output.splitlines()[-1] == "conforms: yes (0 violations, 34 warnings)"
    res = CliRunner().invoke(main, ["queries", "--format", "csv"])
    names = [line.split(",")[0] for line in res.output.splitlines()[1:]]
    assert names == sorted(q.name for q in list_queries())
    assert "project-participants,The participants of a project with their roles,project (iri)" in res.output


def test_name_parameters_are_bound_as_keys_ignoring_case_and_spacing(store):
    assert str(to_term("  Consorzio ONG\tPiemontesi ", "name")) == '"consorzio ong piemontesi"'
    with pytest.raises(ParameterError, match="parameter name: '   ' is not a valid name"):
        to_term("   ", "name", "name")
    # every spelling the pages use for ISCOS finds it, in any case and spacing
    for spelling in ("ISCOS   PIEMONTE", "iscos", "Associazione ISCOS-CISL Piemonte"):
        rows = plain_rows(run_query(store, "organisation-projects", {"name": spelling}))
        assert sorted((r["org"], r["project"], r["role"]) for r in rows) == [
            ("organisation:iscos-piemonte", "project:discorsi", "role:adherent"),
            ("organisation:iscos-piemonte", "project:impra", "role:adherent"),
            ("organisation:iscos-piemonte", "project:khouribga", "role:partner"),
        ], spelling


def test_the_build_stores_one_name_key_per_distinct_name(store):
    # in the registry: the keys of the name, acronym and aliases and of every name a page writes
    rows = store.select("SELECT DISTINCT ?key WHERE { organisation:iscos-piemonte mcn:nameKey ?key } ORDER BY ?key").rows
    assert [r[0].value for r in rows] == ["associazione iscos-cisl piemonte", "iscos", "iscos piemonte"]


def test_the_documented_update_adds_the_keys_the_build_stores(built):
    # decision 0013 gives a SPARQL Update for graphs built by other tools; it must add the same keys
    import re
    from pathlib import Path

    import pyoxigraph as ox

    doc = (Path(__file__).resolve().parent.parent / "docs" / "decisions"
           / "0013-organisations-are-found-by-a-stored-name-key.md").read_text(encoding="utf-8")
    update = re.search(r"```sparql\n(.*?)```", doc, re.S).group(1)
    store = ox.Store()
    store.load(path=str(built / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    key = ox.NamedNode("https://w3id.org/graphkit/mcn#nameKey")
    built_keys = {(q.subject, q.object) for q in store.quads_for_pattern(None, key, None)}
    for q in list(store.quads_for_pattern(None, key, None)):
        store.remove(q)
    store.update(update)
    assert {(q.subject, q.object) for q in store.quads_for_pattern(None, key, None)} == built_keys
    assert len(built_keys) > 83      # every organisation has its name's key, many more than one


def test_rows_follow_the_select_order_with_unbound_values_as_none(store):
    # EmbeddedStore.select reads a row by iterating its solution (values in the order of the
    # SELECT, unbound ones as None), not by looking each variable up
    from graphkit.queries import plain_rows

    res = store.select("SELECT ?missing ?name ?org WHERE { VALUES ?org { organisation:cop } "
                       "?org skos:prefLabel ?name OPTIONAL { ?org mcn:nothing ?missing } }")
    assert res.variables == ["missing", "name", "org"]
    assert plain_rows(res) == [{"missing": None, "name": "Consorzio Ong Piemontesi", "org": "organisation:cop"}]
    assert [type(t).__name__ for t in res.rows[0]] == ["NoneType", "Literal", "NamedNode"]
