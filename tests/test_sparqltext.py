"""SPARQL text: parameters bound by a VALUES block at the top of the WHERE group, paging and counting
rewrites, all checked against the embedded engine's own answers."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graphkit.queries import bind, list_queries, plain_rows
from graphkit.store.sparqltext import (
    count_query,
    has_service,
    inject_values,
    occurrences,
    page_query,
    param_problems,
    shape,
    term_to_sparql,
    tokenize,
)
from graphkit.store import QueryError

XSD = "http://www.w3.org/2001/XMLSchema#"
EXAMPLES = {"project": "project:impra", "name": "Cicsene", "fund": "fund:fami", "place": "country:FRA",
            "date": "2017-06-01", "network": "organisation:cop", "org": "organisation:regione-lazio",
            "programme": "project:impra"}
HOSTILE = ['x" } ; DROP ALL ; #', "x' } DELETE WHERE { ?s ?p ?o } #", "<http://evil>", "\\u0022) } #",
           'a"""b', "line\nbreak } #", "\\", "tab\there", "\x00\x1f\x7f"]


@pytest.mark.parametrize("q", list_queries(), ids=lambda q: q.name)
def test_every_parameter_of_every_named_query_is_where_a_values_block_binds_it(q):
    # in the top-level group, or in the patterns of a sub-SELECT of it that hands it out unchanged
    names = [p.name for p in q.params]
    assert param_problems(q.text, names, strict=True) == []
    for name in names:
        assert any(o.name == name and (o.depth == 1 or o.groups == ("subquery",)) for o in occurrences(q.text))


def test_every_parameter_has_a_test_value():
    declared = {p.name for q in list_queries() for p in q.params}
    assert declared <= set(EXAMPLES), f"add a test value for {declared - set(EXAMPLES)}"


@pytest.mark.parametrize("q", [q for q in list_queries() if q.params], ids=lambda q: q.name)
def test_values_binding_gives_the_same_rows_as_substitution(store, q):
    params = {p.name: EXAMPLES[p.name] for p in q.params}
    terms = bind(q, params)
    by_substitution = store.select(q.text, terms)
    by_values = store.select(inject_values(q.text, terms))
    assert by_values.variables == by_substitution.variables
    assert by_values.rows == by_substitution.rows
    # the seeds hold no programme: programme-projects is answered on one in tests/test_page_records.py
    assert by_values.rows or q.name == "programme-projects", f"{q.name}: the example should find something"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_stay_one_string(store, value):
    text = inject_values("SELECT ?name ?org WHERE { ?org skos:prefLabel ?name }", {"name": ox.Literal(value)})
    assert len(tokenize(text)) == len(tokenize("SELECT ?name ?org WHERE { VALUES (?name) { (\"\") } "
                                               "?org skos:prefLabel ?name }"))
    res = store.select(text)
    assert res.rows == []
    # the engine reads back exactly the value that was bound
    echo = store.select(inject_values('SELECT ?v WHERE { BIND(1 AS ?one) FILTER(BOUND(?v)) }', {"v": ox.Literal(value)}))
    assert [r[0].value for r in echo.rows] == [value]


def test_terms_are_serialised_as_n_triples():
    assert term_to_sparql(ox.NamedNode("https://w3id.org/graphkit/id/project/impra")) == \
        "<https://w3id.org/graphkit/id/project/impra>"
    assert term_to_sparql(ox.Literal('a"b\\c\nd\te\x01')) == '"a\\"b\\\\c\\nd\\te\\u0001"'
    assert term_to_sparql(ox.Literal("ciao", language="it")) == '"ciao"@it'
    assert term_to_sparql(ox.Literal("2017-06-01", datatype=ox.NamedNode(XSD + "date"))) == \
        f'"2017-06-01"^^<{XSD}date>'
    with pytest.raises(QueryError, match="IRI or a literal"):
        term_to_sparql(ox.BlankNode("b"))


def test_parameters_where_values_cannot_bind_them_are_refused():
    sub = "SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?name } } }"
    with pytest.raises(QueryError, match=r"\?name at 1:45 is inside a sub-SELECT"):
        inject_values(sub, {"name": ox.Literal("a")})
    nested_filter = "SELECT ?x WHERE { ?x ?p ?o . { ?x ?q ?r FILTER(?r = ?name) } UNION { ?x ?q ?r } }"
    with pytest.raises(QueryError, match=r"in an expression inside a nested group \(union\)"):
        inject_values(nested_filter, {"name": ox.Literal("a")})
    # triple patterns in nested groups and EXISTS see the binding: allowed
    ok = "SELECT ?x WHERE { ?x ?p ?name OPTIONAL { ?x ?q ?name } FILTER NOT EXISTS { ?y ?q ?z FILTER(?z = ?name) } }"
    assert "VALUES (?name)" in inject_values(ok, {"name": ox.Literal("a")})
    # a sub-SELECT that projects the variable as itself, with no modifier, hands it out unchanged:
    # the block joins with its rows
    passing = "SELECT ?x ?name WHERE { ?x ?p ?y { SELECT ?x ?name WHERE { ?x ?q ?name } } }"
    assert inject_values(passing, {"name": ox.Literal("a")}).startswith(
        'SELECT ?x ?name WHERE { VALUES (?name) { ("a") } ?x ?p ?y { SELECT')
    assert param_problems(passing.replace("?x ?name WHERE { ?x ?q", "* WHERE { ?x ?q"), ["name"], strict=True) == []
    unchanged = "that does not hand it out unchanged"
    for changed, column in (("SELECT ?x ?name WHERE { ?x ?p ?y { SELECT ?x ?name WHERE { ?x ?q ?name } LIMIT 3 } }", 46),
                            ("SELECT ?x ?name WHERE { ?x ?p ?y { SELECT ?x WHERE { ?x ?q ?name } } }", 60),
                            ("SELECT ?x ?name WHERE { { SELECT ?x ?name WHERE { ?x ?q ?name } GROUP BY ?x ?name } }", 37)):
        with pytest.raises(QueryError, match=rf"\?name at 1:{column} is inside a sub-SELECT {unchanged}"):
            inject_values(changed, {"name": ox.Literal("a")})
    # in an expression or a nested group inside it: refused
    for inner, column in (("?x ?q ?name FILTER(?name != 1)", 70), ("?x ?q ?o OPTIONAL { ?x ?r ?name }", 77)):
        text = f"SELECT ?x ?name WHERE {{ {{ SELECT ?x ?name WHERE {{ {inner} }} }} }}"
        assert param_problems(text, ["name"]) == [f"?name at 1:{column} is inside a sub-SELECT"], text
    with pytest.raises(QueryError, match="short form CONSTRUCT WHERE"):
        inject_values("CONSTRUCT WHERE { ?s ?p ?name }", {"name": ox.Literal("a")})
    with pytest.raises(QueryError, match="not a variable name"):
        inject_values("SELECT * WHERE { ?s ?p ?o }", {"o) } DROP ALL #": ox.Literal("a")})


def test_values_go_into_the_where_group_not_the_construct_template_or_select_expressions(store):
    q = ('CONSTRUCT { ?p <http://x/has> "{ not a group }" } WHERE { ?p a mcn:Project ; mcn:acronym ?a }')
    text = inject_values(q, {"a": ox.Literal("IMPRA")})
    assert text.index("VALUES") > text.index("WHERE")
    assert [str(t.subject) for t in store.construct(text)] == ["<https://w3id.org/graphkit/id/project/impra>"]
    q2 = "SELECT (EXISTS { ?p a mcn:Project } AS ?e) ?a WHERE { ?p mcn:acronym ?a }"
    text2 = inject_values(q2, {"a": ox.Literal("IMPRA")})
    assert text2.index("VALUES") > text2.index("WHERE")
    assert [r[1].value for r in store.select(text2).rows] == ["IMPRA"]


def test_tokens_ignore_braces_in_strings_iris_and_comments():
    q = 'SELECT ?x # { not a group\nWHERE { ?x <http://a/b#c> "}" , """{\n}""" , ex:a\\#b }'
    qs = shape(q)
    assert q[: qs.tokens[qs.where_open].start].endswith("WHERE ")
    assert qs.where_close == len(qs.tokens) - 1
    inner = qs.tokens[qs.where_open + 1: qs.where_close]
    assert [(t.kind, t.text) for t in inner] == [
        ("var", "?x"), ("iri", "<http://a/b#c>"), ("string", '"}"'), ("punct", ","), ("string", '"""{\n}"""'),
        ("punct", ","), ("pname", "ex:a\\#b")]


@pytest.mark.parametrize("q", list_queries(), ids=lambda q: q.name)
def test_pages_over_a_stable_order_add_up_to_the_whole_answer(store, q):
    params = {p.name: EXAMPLES[p.name] for p in q.params}
    text = inject_values(q.text, bind(q, params))
    whole = store.select(text)
    qs = shape(text)
    pages, offset = [], 0
    while True:
        page = store.select(page_query(qs, qs.projection, 3, offset)).rows
        pages += page
        offset += 3
        if len(page) < 3:
            break
    assert sorted(map(repr, pages)) == sorted(map(repr, whole.rows))
    count = store.select(count_query(qs)).rows[0][0]
    assert int(count.value) == len(whole.rows)
    # ordering first by the query's own ORDER BY keeps its order
    if qs.order_by and "SAMPLE" not in q.text and "GROUP_CONCAT" not in q.text:
        assert plain_rows(store.select(page_query(qs, qs.projection, 1000, 0))) == plain_rows(whole)


def test_count_and_page_keep_limit_offset_from_clauses_and_trailing_values(store):
    q = ("SELECT ?p FROM <https://w3id.org/graphkit/graph/source/impra> WHERE { ?p a mcn:Project } "
         "ORDER BY ?p LIMIT 5 VALUES ?x { 1 }")
    qs = shape(q)
    assert (qs.limit, qs.offset, len(qs.dataset_clauses)) == (5, None, 1)
    counted = count_query(qs)
    assert counted.index("FROM") < counted.index("WHERE")
    paged = page_query(qs, ["p"], 2, 0)
    assert paged.rstrip().endswith("VALUES ?x { 1 }") and "LIMIT 5" not in paged


def test_service_is_found_however_it_is_written():
    assert has_service("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
    assert has_service("select * { service silent <http://x/> { ?s ?p ?o } }")
    assert has_service("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }")
    assert not has_service('SELECT * { ?s ?p "SERVICE" } # SERVICE')


def test_update_is_recognised():
    assert shape("PREFIX a: <http://a/> DELETE WHERE { ?s ?p ?o }").form == "UPDATE"
    assert shape("DROP ALL").form == "UPDATE"
    assert shape("ASK { }").form == "ASK"


def test_paging_never_orders_twice_by_the_same_variable():
    # Virtuoso 7 moves values between rows when an ORDER BY that names a variable twice meets LIMIT/OFFSET
    qs = shape("SELECT ?a ?b ?c ?d WHERE { ?a ?b ?c OPTIONAL { ?c ?x ?d } } ORDER BY ?a DESC(?b) STR(?c)")
    assert page_query(qs, ["a", "b", "c", "d"], 10, 20).endswith(
        "\nORDER BY ?a DESC(?b) STR(?c) ?c ?d\nLIMIT 10\nOFFSET 20\n")


def test_a_nested_page_keeps_prologue_and_from_outside_and_gives_the_flat_pages_rows(store):
    q = ("PREFIX x: <http://example.org/> SELECT ?p ?t FROM <https://w3id.org/graphkit/graph/source/impra> "
         "WHERE { ?p a mcn:Project ; dcterms:title ?t } ORDER BY ?t LIMIT 50 VALUES ?z { 1 }")
    qs = shape(q)
    nested = page_query(qs, ["p", "t"], 2, 0, nested=True)
    assert nested.startswith("PREFIX x: <http://example.org/> SELECT ?p ?t FROM "
                             "<https://w3id.org/graphkit/graph/source/impra>\nWHERE {\n{\nSELECT ?p ?t")
    assert nested.endswith("ORDER BY ?t ?p\nVALUES ?z { 1 }\n}\n}\nLIMIT 2\nOFFSET 0\n")
    flat = page_query(qs, ["p", "t"], 2, 0)
    assert store.select(nested).rows == store.select(flat).rows and len(store.select(flat).rows) == 2


def test_a_parameter_a_sub_select_hands_out_is_bound_inside_it_too():
    from pyoxigraph import NamedNode

    from graphkit.store.sparqltext import inject_values

    q = ("SELECT ?place ?p WHERE { { SELECT ?place ?where WHERE { ?where <http://x/within>* ?place } } "
         "?p <http://x/in> ?where . OPTIONAL { ?p <http://x/near> ?place } }")
    got = inject_values(q, {"place": NamedNode("http://x/FRA")})
    assert got == ("SELECT ?place ?p WHERE { VALUES (?place) { (<http://x/FRA>) } "
                   "{ SELECT ?place ?where WHERE { VALUES (?place) { (<http://x/FRA>) } ?where <http://x/within>* ?place } } "
                   "?p <http://x/in> ?where . OPTIONAL { ?p <http://x/near> ?place } }")
