"""The contract every SPARQL server must keep: the build pushed to it (by the Graph Store protocol
and by SPARQL Update) gives, for every named query and in both default-graph modes, exactly the
embedded store's rows; answers over the server's cap are completed by paging; a cut answer is
never returned as complete; blank nodes come back as blank nodes.

Backends: the Oxigraph server (PyPI ``oxigraph``, the dev extras) and Virtuoso 7 (Debian's
``virtuoso-opensource``, installed by ``./setup.sh --tests``), each started on loopback by the
fixtures with a temporary database. Like rdflib's store tests, every test runs on every backend
it names; adding a backend is adding it to ``BACKENDS`` and :func:`servers`.
"""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest
from conftest import start_oxigraph, stop

from graphkit.errors import EXIT_NONCONFORMING
from graphkit.queries import bind, list_queries, run_query
from graphkit.store import EmbeddedStore, QueryError
from graphkit.store.remote import RemoteStore, TruncatedResult, push, read_graphs
from graphkit.store.sparqltext import shape

BACKENDS = ["oxigraph", "virtuoso"]
MODES = ["server", "named-graphs"]
EXAMPLES = {"project": "project:impra", "name": "Cicsene", "fund": "fund:fami", "place": "country:FRA",
            "date": "2017-06-01", "network": "organisation:cop", "org": "organisation:regione-lazio",
            "programme": "project:impra"}
EMPTY_ON_SEEDS = {"programme-projects"}     # the seeds hold no programme (tests/test_page_records.py has one)
BIG = "http://example.org/contract/big"
LABEL = "http://example.org/contract/label"
BIG_ROWS = 25_000  # over Virtuoso's cap (10,000 rows) and its sorted-TOP limit (10,000 rows) twice


class Server:
    """One server under test: its query endpoint, Graph Store URL and update endpoint."""

    def __init__(self, kind: str, base: str):
        self.kind = kind
        if kind == "virtuoso":
            self.query, self.graph_store, self.update = f"{base}/sparql", f"{base}/sparql-graph-crud", f"{base}/sparql"
        else:
            self.query, self.graph_store, self.update = f"{base}/query", f"{base}/store", f"{base}/update"


@pytest.fixture(scope="module")
def servers(built, virtuoso, tmp_path_factory):
    """(backend, mode) -> the server loaded with the build.

    Oxigraph: ``--union-default-graph`` loaded by the Graph Store protocol for the ``server`` mode,
    a plain server loaded by SPARQL Update for ``named-graphs``. Virtuoso (whose default graph is
    the union of its graphs): one server for both modes, loaded by SPARQL Update here and again by
    the Graph Store protocol in the push test.
    """
    nq = built / "dataset.nq"
    union_proc, union_base = start_oxigraph("--location", str(tmp_path_factory.mktemp("oxigraph-union")),
                                            "--union-default-graph")
    plain_proc, plain_base = start_oxigraph()
    union, plain, virt = Server("oxigraph", union_base), Server("oxigraph", plain_base), Server("virtuoso", virtuoso)
    reports = [push(nq, union.query, graph_store=union.graph_store),
               push(nq, plain.query, update_endpoint=plain.update),
               push(nq, virt.query, update_endpoint=virt.update)]
    assert [r.method for r in reports] == ["graph-store", "update", "update"]
    yield {("oxigraph", "server"): union, ("oxigraph", "named-graphs"): plain,
           ("virtuoso", "server"): virt, ("virtuoso", "named-graphs"): virt}
    stop(union_proc)
    stop(plain_proc)


def _value(term) -> str | None:
    """A term as its exact N-Triples form; GROUP_CONCAT parts (" | ") sorted, since SPARQL leaves their
    order undefined; blank nodes as ``_:`` alone (labels are the server's own)."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Literal) and " | " in term.value:
        return str(ox.Literal(" | ".join(sorted(term.value.split(" | "))), datatype=term.datatype))
    return str(term)


def _rows(result) -> list[tuple]:
    return [tuple(_value(t) for t in row) for row in result.rows]


def _order_keys(text: str, variables: list[str]) -> list[int]:
    """Columns of the leading ORDER BY conditions that are projected variables (``?v``, ``ASC(?v)``,
    ``DESC(?v)``), up to the first that is not: rows must come in the same sequence of these."""
    qs = shape(text)
    if not qs.order_by:
        return []
    toks = [t for t in qs.tokens[qs.order_by[0]:qs.order_by[1]]]
    keys, k = [], 0
    while k < len(toks):
        t = toks[k]
        if t.kind == "var":
            name, k = t.text[1:], k + 1
        elif t.is_kw("ASC", "DESC") and k + 3 < len(toks) + 1 and toks[k + 2].kind == "var" and toks[k + 3].text == ")":
            name, k = toks[k + 2].text[1:], k + 4
        else:
            break
        if name not in variables:
            break
        keys.append(variables.index(name))
    return keys


def assert_same_answer(got, want, text: str) -> None:
    """The same variables, the same rows with exactly the same terms, in the same order of the
    query's ORDER BY where it orders by projected variables."""
    assert got.variables == want.variables
    g, w = _rows(got), _rows(want)
    assert sorted(g, key=repr) == sorted(w, key=repr)
    keys = _order_keys(text, want.variables)
    assert [tuple(r[i] for i in keys) for r in g] == [tuple(r[i] for i in keys) for r in w]


@pytest.mark.parametrize("server_id", ["oxigraph-union", "oxigraph-plain", "virtuoso"])
def test_push_by_graph_store_and_by_update_both_replace_and_hold_everything(servers, built, store, server_id):
    """The fixture loaded each server once (Oxigraph: one by each method; Virtuoso: by Update, which
    it compiles slowly, 13 s for the build); here each is loaded again, by the Graph Store protocol,
    and on Oxigraph by the other method too: the server then holds exactly the build, no more."""
    server = servers[{"oxigraph-union": ("oxigraph", "server"), "oxigraph-plain": ("oxigraph", "named-graphs"),
                      "virtuoso": ("virtuoso", "server")}[server_id]]
    local = {g: len(t) for g, t in read_graphs(built / "dataset.nq").items()}
    methods = ["graph-store", "graph-store"] if server_id == "virtuoso" else ["graph-store", "update"]
    for method in methods:
        options = {"graph_store": server.graph_store} if method == "graph-store" else {"update_endpoint": server.update}
        report = push(built / "dataset.nq", server.query, batch_size=5000, **options)
        assert report.method == method and report.graphs == local
        with RemoteStore(server.query, default_graph="server") as remote:
            sizes = remote.graph_sizes()
        assert {g: n for g, n in sizes.items() if g in local} == local, method
        assert sum(sizes[g] for g in local) == len(store)


@pytest.mark.parametrize("paging", ["auto", 7], ids=["one-request", "pages-of-7"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("q", list_queries(), ids=lambda q: q.name)
def test_every_named_query_gives_the_embedded_rows(servers, store, q, backend, mode, paging):
    params = {p.name: EXAMPLES[p.name] for p in q.params}
    want = run_query(store, q, params)
    with RemoteStore(servers[(backend, mode)].query, default_graph=mode, page_size=paging) as remote:
        got = run_query(remote, q, params)
    assert_same_answer(got, want, q.text)
    if q.params and q.name not in EMPTY_ON_SEEDS:  # the examples are chosen to find something
        assert want.rows, f"{q.name} should find something with {params}"


def _loaded_everywhere(servers, graph: str, body: bytes):
    """Put the N-Triples ``body`` into ``graph`` on every backend (``server`` mode), yield an
    embedded store holding the same, and delete the graph from the servers afterwards."""
    for kind in BACKENDS:
        r = httpx.put(servers[(kind, "server")].graph_store, params={"graph": graph}, content=body, trust_env=False,
                      timeout=120, headers={"Content-Type": "application/n-triples"})
        assert r.status_code in (200, 201, 204), r.text
    local = EmbeddedStore()
    local.store.load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    yield local
    for kind in BACKENDS:
        httpx.delete(servers[(kind, "server")].graph_store, params={"graph": graph}, trust_env=False, timeout=120)


@pytest.fixture(scope="module")
def big(servers):
    """A graph of BIG_ROWS labels on every backend (``server`` mode) and in an embedded store;
    removed from the servers after the module."""
    lines = [f'<http://example.org/contract/t{i:05d}> <{LABEL}> "label {i % 12_000:05d}" .\n'
             for i in range(BIG_ROWS)]
    body = "".join(lines).encode()
    yield from _loaded_everywhere(servers, BIG, body)


BIG_QUERIES = {
    "all-ordered": f"SELECT ?s ?l WHERE {{ GRAPH <{BIG}> {{ ?s <{LABEL}> ?l }} }} ORDER BY ?l",
    "all-unordered": f"SELECT * WHERE {{ GRAPH <{BIG}> {{ ?s <{LABEL}> ?l }} }}",
    "limit-offset": f"SELECT ?s ?l WHERE {{ GRAPH <{BIG}> {{ ?s <{LABEL}> ?l }} }} ORDER BY DESC(?l) ?s "
                    f"LIMIT 15000 OFFSET 5000",
    "distinct": f"SELECT DISTINCT ?l WHERE {{ GRAPH <{BIG}> {{ ?s <{LABEL}> ?l }} }} ORDER BY ?l",
}


@pytest.mark.parametrize("name", sorted(BIG_QUERIES))
@pytest.mark.parametrize("backend", BACKENDS)
def test_answers_over_the_servers_cap_are_completed_and_equal_the_embedded_ones(servers, big, backend, name):
    server, local = servers[(backend, "server")], big
    q = BIG_QUERIES[name]
    want = local.select(q)
    assert len(want.rows) in (BIG_ROWS, 15_000, 12_000)
    with RemoteStore(server.query, default_graph="server") as remote:
        got = remote.select(q)
    if name == "all-unordered":  # SELECT *: the server names the variables in its own order
        order = [got.variables.index(v) for v in want.variables]
        got.variables, got.rows = want.variables, [tuple(r[i] for i in order) for r in got.rows]
    assert_same_answer(got, want, q)


def test_a_capped_answer_is_never_returned_as_complete(servers, big):
    server = servers[("virtuoso", "server")]
    q = BIG_QUERIES["all-ordered"]
    with RemoteStore(server.query, default_graph="server", page_size=None) as remote:
        with pytest.raises(TruncatedResult, match=r"capped the answer at 10000 rows \(X-SPARQL-MaxRows\)"):
            remote.select(q)
        # a query the server refuses: its own message, and exit code 1 (the query's fault, not the network's)
        with pytest.raises(QueryError) as err:
            remote.select(BIG_QUERIES["limit-offset"])
    assert not isinstance(err.value, TruncatedResult) and err.value.exit_code == EXIT_NONCONFORMING
    assert "Virtuoso 22023 Error SR353: Sorted TOP clause specifies more then 20000 rows to sort" in str(err.value)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("backend", BACKENDS)
def test_blank_nodes_come_back_as_blank_nodes(servers, store, backend, mode):
    q = "SELECT ?r ?p WHERE { ?r a owl:Axiom ; owl:annotatedProperty ?p }"
    want = store.select(q)
    assert want.rows and all(isinstance(r[0], ox.BlankNode) for r in want.rows)
    with RemoteStore(servers[(backend, mode)].query, default_graph=mode) as remote:
        got = remote.select(q)
        triples = remote.construct("CONSTRUCT { ?r owl:annotatedProperty ?p } WHERE { ?r a owl:Axiom ; "
                                   "owl:annotatedProperty ?p }")
    assert_same_answer(got, want, q)
    assert len({r[0] for r in got.rows}) == len({r[0] for r in want.rows})  # as many distinct nodes
    assert sorted(str(t.predicate) + str(t.object) for t in triples) == sorted(
        "<http://www.w3.org/2002/07/owl#annotatedProperty>" + str(r[1]) for r in want.rows)
    assert all(isinstance(t.subject, ox.BlankNode) for t in triples)


@pytest.mark.parametrize("backend", BACKENDS)
def test_bound_parameters_and_ask_match_the_embedded_store(servers, store, backend):
    q = next(q for q in list_queries() if q.name == "project-participants")
    hostile = {"project": '<http://evil>'}
    with RemoteStore(servers[(backend, "server")].query, default_graph="server") as remote:
        assert run_query(remote, q, hostile).rows == []
        assert remote.ask("ASK { ?p mcn:acronym ?a }", {"a": ox.Literal("IMPRA")}) is True
        assert remote.ask("ASK { ?p mcn:acronym ?a }", {"a": ox.Literal('IMPRA" } #')}) is False
        # Virtuoso's own graphs (virtrdf:, ...) count too: the project's graphs hold exactly the build
        assert len(remote) >= len(store)
    assert bind(q, hostile)["project"] == ox.NamedNode("http://evil")


TIES = "http://example.org/contract/ties"
EX = "http://example.org/contract/"


@pytest.fixture(scope="module")
def ties(servers):
    """60 subjects: an integer ``n`` each (``i // 3``: three rows per value), a label for seven in
    eight (``"tie {i % 7}"``: up to eight rows per label; eight rows have none), a French label for
    some, and one label shared by 25 subjects (more than a page of 10). Loaded on every backend and
    in an embedded store; removed from the servers after the module."""
    lines = []
    for i in range(60):
        s = f"<{EX}s{i:02d}>"
        lines.append(f'{s} <{EX}n> "{i // 3}"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
        if i % 8:
            lines.append(f'{s} <{EX}label> "tie {i % 7}" .\n')
        if i % 4 == 0:
            lines.append(f'{s} <{EX}fr> "nom {i % 3}"@fr .\n')
        if i < 25:
            lines.append(f'{s} <{EX}same> "same" .\n')
    body = "".join(lines).encode()
    yield from _loaded_everywhere(servers, TIES, body)


def _ties_query(select: str, pattern: str, tail: str = "") -> str:
    return f"SELECT {select} WHERE {{ GRAPH <{TIES}> {{ ?s <{EX}n> ?n . {pattern} }} }} {tail}"


KEYSET_QUERIES = {  # name: (query, the key it is paged by, or None when it must be paged by offsets)
    "string-key-ties-unbound-ordered": (_ties_query("?s ?l", f"OPTIONAL {{ ?s <{EX}label> ?l }}", "ORDER BY ?l"), "l"),
    "string-key-unordered": (_ties_query("?s ?l", f"OPTIONAL {{ ?s <{EX}label> ?l }}"), "l"),
    "integer-key-ties": (_ties_query("?n ?s", "", "ORDER BY ASC(?n)"), "n"),
    "distinct-with-unbound": (_ties_query("DISTINCT ?l", f"OPTIONAL {{ ?s <{EX}label> ?l }}", "ORDER BY ?l"), "l"),
    "more-ties-than-a-page": (_ties_query("?m ?s", f"?s <{EX}same> ?m", "ORDER BY ?m"), None),
    "language-tagged-key": (_ties_query("?f ?s", f"?s <{EX}fr> ?f", "ORDER BY ?f"), None),
    "descending": (_ties_query("?s ?l", f"?s <{EX}label> ?l", "ORDER BY DESC(?l)"), None),
}


@pytest.mark.parametrize("name", sorted(KEYSET_QUERIES))
@pytest.mark.parametrize("backend", BACKENDS)
def test_pages_by_key_ranges_give_exactly_the_rows_of_one_request(servers, ties, backend, name, monkeypatch):
    """Pages of 10 by key ranges (``FILTER(?k >= last)``), over keys that tie across pages and
    unbound keys, give the rows of one request and of the embedded store; queries that cannot be
    paged so (more rows on one key than a page, a language-tagged key, DESC) are paged by offsets."""
    q, key = KEYSET_QUERIES[name]
    server = servers[(backend, "server")]
    used = []
    original = RemoteStore._select_keyset

    def spy(self, qs, original_text, size, tie, k, head=None):
        got = original(self, qs, original_text, size, tie, k, head)
        used.append((k, got is not None))
        return got

    monkeypatch.setattr(RemoteStore, "_select_keyset", spy)
    want = ties.select(q)
    assert len(want.rows) in (60, 25, 15, 52, 8)
    with RemoteStore(server.query, default_graph="server") as remote:
        whole = remote.select(q)
    with RemoteStore(server.query, default_graph="server", page_size=10, keyset=True) as remote:
        paged = remote.select(q)
    if backend == "oxigraph":
        assert_same_answer(paged, want, q)
        assert_same_answer(whole, want, q)
    assert sorted(_rows(paged), key=repr) == sorted(_rows(want), key=repr) and paged.variables == want.variables
    if backend == "virtuoso":
        # SPARQL orders unbound values first; Virtuoso puts them first or last depending on its plan
        # (last in a sort cut by LIMIT): the bound keys come in the order of its one request
        keys = _order_keys(q, want.variables)
        bound = [[tuple(r[i] for i in keys) for r in _rows(x) if all(r[i] is not None for i in keys)]
                 for x in (paged, whole, want)]
        assert bound[0] == bound[1] == bound[2]
    if key is None:
        assert all(not ok for _, ok in used)
    else:
        assert used == [(key, True)]


def test_virtuoso_pages_its_cap_by_key_ranges_and_oxigraph_by_offsets(servers, big, monkeypatch):
    """By default Virtuoso's capped answers are paged by key ranges (each offset page sorts the
    whole answer there), starting from its capped answer less the rows of its last key (labels
    tie in twos and threes here); forced pages on the Oxigraph server by offsets, four at a time."""
    calls = []
    original = RemoteStore._select_keyset

    def spy(self, *a):
        got = original(self, *a)
        calls.append((self.kind(), a[-1] is not None and len(a[-1][1]) == 10_000, got is not None))
        return got

    monkeypatch.setattr(RemoteStore, "_select_keyset", spy)
    q = BIG_QUERIES["all-ordered"]
    want = big.select(q)
    for backend, options in (("virtuoso", {}), ("oxigraph", {"page_size": 10_000})):
        with RemoteStore(servers[(backend, "server")].query, default_graph="server", **options) as remote:
            assert_same_answer(remote.select(q), want, q)
    assert calls == [("virtuoso", True, True)]
