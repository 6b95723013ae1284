"""``graphkit serve`` against heavy and hostile clients (issue 17): light queries answered while heavy ones
run, a memory cap per query, requests from other sites' pages refused, bytes that are not UTF-8 and graph
IRIs that are not IRIs answered 400, slow and idle connections closed; SPARQLWrapper's defaults for
CONSTRUCT and DESCRIBE; ASK, CONSTRUCT and DESCRIBE from the CLI and the Python API."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from dataclasses import dataclass

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import BIN, free_port, stop, wait_for_http

from graphkit.cli import main
from graphkit.queries import run_query
from graphkit.serve.pool import WorkerPool, default_memory_limit_mb, machine_cores, machine_memory_mb
from graphkit.store.remote import RemoteStore

TIMEOUT_S = 6
LIGHT_BUDGET_S = 0.3
MEMORY_MB = 256
CLIENT_TIMEOUT_S = 1.5
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = 'ASK { project:impra mcn:acronym "IMPRA" }'
ORDERED_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f LIMIT 1"
CONSTRUCT = "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a mcn:Project ; dcterms:title ?t }"
PROJECT_TITLES = {
    "discorsi": "D.I.S.Co.R.S.I. Migranti: Dialogo Interregionale sui Servizi in tema di COmpetenze, Residenza e "
                "Salute per l\u2019Integrazione dei Migranti in Piemonte, Auvergne-Rh\u00f4neAlpes e Catalogna",
    "impra": "IMPRA \u2013 Imprenditoria Migrante in Piemonte e Rh\u00f4ne-Alpes: dialogo strutturato con "
             "Associazionismo Migrante e Cooperazione Internazionale",
}
CROSS_SITE = ("cross-site request refused: {who} may not query this endpoint (protection against web pages that make "
              "the browser send queries). To let a site's pages query it, start the server with graphkit serve "
              "--cors-origin ORIGIN.\n")


@dataclass
class Server:
    base: str
    port: int
    proc: subprocess.Popen

    def post(self, path: str = "/sparql", **kw) -> httpx.Response:
        return httpx.post(self.base + path, trust_env=False, timeout=30, **kw)

    def get(self, path: str = "/sparql", **kw) -> httpx.Response:
        return httpx.get(self.base + path, trust_env=False, timeout=30, **kw)


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server(built):
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "graphkit"), "serve", "--build", str(built), "--port", str(port), "--timeout", str(TIMEOUT_S),
         "--workers", "2", "--heavy", "1", "--light-budget", str(LIGHT_BUDGET_S), "--memory-limit", str(MEMORY_MB),
         "--client-timeout", str(CLIENT_TIMEOUT_S)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/api/info", proc)
    yield Server(base, port, proc)
    stop(proc)


# --- workers sized to the machine --------------------------------------------------------------


def test_workers_are_sized_to_the_machine(built):
    assert machine_cores() == len(os.sched_getaffinity(0))
    pool = WorkerPool(built / "dataset.nq")  # not started: only its sizes
    cores = len(os.sched_getaffinity(0))
    light, heavy = min(cores, 8), max(1, min(4, cores // 2))
    assert (pool.size, pool.heavy, pool.spares) == (light, heavy, 1)
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    assert machine_memory_mb() == total
    assert pool.memory_limit_mb == default_memory_limit_mb(light + heavy + 1) == max(
        256, min(4096, total // 2 // (light + heavy + 1)))
    assert WorkerPool(built / "dataset.nq", workers=3, heavy=0, memory_limit_mb=0).memory_limit_mb == 0


# --- light queries go on while heavy ones run ----------------------------------------------------


def test_light_queries_are_answered_while_two_clients_send_heavy_ones(server):
    stop_at = time.monotonic() + 5
    heavy: list[tuple[int, str]] = []
    light: list[tuple[int, str, float]] = []

    def heavy_client():
        while time.monotonic() < stop_at:
            r = server.post(data={"query": CROSS_JOIN})
            heavy.append((r.status_code, r.text))

    def light_client():
        while time.monotonic() < stop_at:
            t = time.monotonic()
            r = server.post(data={"query": LIGHT}, headers={"Accept": "application/sparql-results+json"})
            light.append((r.status_code, r.text, time.monotonic() - t))

    threads = [threading.Thread(target=heavy_client) for _ in range(2)]
    threads += [threading.Thread(target=light_client) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(light) >= 20
    assert {(status, text) for status, text, _ in light} == {(200, '{"head": {}, "boolean": true}')}
    seconds = sorted(s for _, _, s in light)
    assert seconds[int(len(seconds) * 0.95)] < 1.0, seconds[-5:]
    # the heavy ones: stopped after the timeout in the heavy lane, or at once when the lane is taken
    assert heavy and {status for status, _ in heavy} == {503}
    assert {text for _, text in heavy} <= {
        f"the query ran longer than {TIMEOUT_S} s and was stopped (the server's limit: graphkit serve --timeout)\n",
        f"the server is already running 1 heavy query, and this one ran longer than the {LIGHT_BUDGET_S:g} s of a "
        "light query, so it was stopped; try again later\n",
        f"the heavy queries' lane stayed busy for {TIMEOUT_S} s; try again later\n",
    }
    after = server.post(data={"query": LIGHT}, headers={"Accept": "application/sparql-results+json"})
    assert after.json() == {"head": {}, "boolean": True}


def test_a_query_past_the_memory_limit_is_stopped_with_a_clear_error(server):
    started = time.monotonic()
    r = server.post(data={"query": ORDERED_PRODUCT})
    assert r.status_code == 503, r.text
    assert r.text == (f"the query needed more than the {MEMORY_MB} MiB of memory a query may take on this server and "
                      "was stopped (graphkit serve --memory-limit)\n")
    assert time.monotonic() - started < TIMEOUT_S
    after = server.post(data={"query": LIGHT}, headers={"Accept": "application/sparql-results+json"})
    assert after.json() == {"head": {}, "boolean": True}


# --- requests from other sites' pages -----------------------------------------------------------


def test_requests_from_other_sites_pages_are_refused(server):
    form = {"query": LIGHT}
    evil = server.post(data=form, headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert (evil.status_code, evil.text) == (403, CROSS_SITE.format(who="http://evil.example"))
    # a form posted by another page on this machine (another port is another origin)
    other_port = server.post(data=form, headers={"Origin": "http://127.0.0.1:9"})
    assert (other_port.status_code, other_port.text) == (403, CROSS_SITE.format(who="http://127.0.0.1:9"))
    # a GET that a page's <img> or <script> would send: no Origin, but the browser says where it comes from
    img = server.get(params=form, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors",
                                           "Sec-Fetch-Dest": "image"})
    assert (img.status_code, img.text) == (403, CROSS_SITE.format(who="a cross-site page"))
    linked_query = server.get(params=form, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
                                                    "Sec-Fetch-Dest": "document"})
    assert linked_query.status_code == 403
    assert server.get("/api/info", headers={"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors"}).status_code == 403
    # the page itself, followed from a link elsewhere, opens; its own requests pass; so do tools (no headers)
    page = server.get("/", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
                                    "Sec-Fetch-Dest": "document"})
    assert page.status_code == 200 and "<title>graphkit SPARQL</title>" in page.text
    own = server.post(data=form, headers={"Origin": server.base, "Sec-Fetch-Site": "same-origin",
                                          "Accept": "application/sparql-results+json"})
    assert own.json() == {"head": {}, "boolean": True}
    tool = server.post(data=form, headers={"Accept": "application/sparql-results+json"})
    assert tool.json() == {"head": {}, "boolean": True}


# --- bytes and IRIs ---------------------------------------------------------------------------------


def test_invalid_utf8_and_bad_graph_iris_are_answered_400(server):
    r = httpx.get(server.base + "/sparql?query=SELECT%20%22%FF%22%20WHERE%20%7B%7D", trust_env=False)
    assert (r.status_code, r.text) == (400, "the query string's parameter 'query' is not UTF-8 text (an invalid byte at "
                                            "offset 8 of its value)\n")
    r = server.post(content=b"query=ASK%7B%7D&%24name=%C3%28",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (r.status_code, r.text) == (400, "the form's parameter '$name' is not UTF-8 text (an invalid byte at offset 0 "
                                            "of its value)\n")
    r = server.post(content=b"ASK { ?s ?p \"\xe9\" }", headers={"Content-Type": "application/sparql-query"})
    assert (r.status_code, r.text) == (400, "the query is not UTF-8 text (an invalid byte at offset 13)\n")
    r = server.get(params={"query": "ASK {}", "default-graph-uri": "graph one"})
    assert (r.status_code, r.text) == (400, "default-graph-uri 'graph one' is not an absolute IRI: Invalid IRI code point "
                                            "' '\n")
    r = server.post(data={"query": "ASK {}", "named-graph-uri": "seeds"})
    assert r.status_code == 400 and r.text.startswith("named-graph-uri 'seeds' is not an absolute IRI: ")
    ok = server.post(data={"query": "ASK { GRAPH ?g { project:impra ?p ?o } }",
                           "named-graph-uri": "https://w3id.org/graphkit/graph/source/impra"},
                     headers={"Accept": "application/sparql-results+json"})
    assert ok.json() == {"head": {}, "boolean": True}


# --- slow and idle clients ----------------------------------------------------------------------


def _closed_after(sock: socket.socket, limit: float) -> tuple[float, bytes]:
    """Seconds until the server closed the connection, and what it sent."""
    sock.settimeout(limit)
    started = time.monotonic()
    got = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return time.monotonic() - started, got
        got += chunk


def test_silent_slow_and_idle_connections_are_closed(server):
    with socket.create_connection(("127.0.0.1", server.port)) as silent:  # connects and sends nothing
        waited, got = _closed_after(silent, 10)
    assert got == b"" and CLIENT_TIMEOUT_S - 0.2 <= waited < CLIENT_TIMEOUT_S + 2

    with socket.create_connection(("127.0.0.1", server.port)) as slow_head:  # a byte now and then (slowloris)
        slow_head.settimeout(10)
        started = time.monotonic()
        closed = False
        for b in b"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n":
            try:
                slow_head.sendall(bytes([b]))
            except OSError:
                closed = True
                break
            time.sleep(0.2)
            if time.monotonic() - started > CLIENT_TIMEOUT_S + 3:
                break
        if not closed:
            closed = _closed_after(slow_head, 5)[1] == b""
    assert closed and time.monotonic() - started < CLIENT_TIMEOUT_S + 3

    with socket.create_connection(("127.0.0.1", server.port)) as slow_body:  # the head, then not the body
        slow_body.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                          b"Content-Length: 100\r\n\r\nASK")
        waited, got = _closed_after(slow_body, 10)
    assert got.startswith(b"HTTP/1.1 408 ") and got.endswith(
        f"the request body did not arrive within {CLIENT_TIMEOUT_S:g} s\n".encode())
    assert CLIENT_TIMEOUT_S - 0.2 <= waited < CLIENT_TIMEOUT_S + 2

    with socket.create_connection(("127.0.0.1", server.port)) as idle:  # one answer, then nothing
        idle.sendall(b"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        waited, got = _closed_after(idle, 15)
    assert got.startswith(b"HTTP/1.1 200 OK") and 4 <= waited < 8  # keep-alive: 5 s


# --- standard clients with their defaults --------------------------------------------------------


def test_sparqlwrapper_defaults_run_construct_and_describe(server, store):
    from rdflib import Graph
    from SPARQLWrapper import SPARQLWrapper

    sw = SPARQLWrapper(server.base + "/sparql")  # defaults: format=xml, so RDF/XML for graphs
    sw.setQuery(CONSTRUCT)
    answer = sw.query()
    assert answer.info()["content-type"] == "application/rdf+xml"
    g = answer.convert()
    assert isinstance(g, Graph)
    assert sorted((str(s), str(o)) for s, _, o in g) == sorted(
        (f"https://w3id.org/graphkit/id/project/{p}", t) for p, t in [
            *PROJECT_TITLES.items(),
            ("ipocad-azione-4", store.select('SELECT ?t WHERE { project:ipocad-azione-4 dcterms:title ?t }').rows[0][0].value),
            ("khouribga", store.select('SELECT ?t WHERE { project:khouribga dcterms:title ?t }').rows[0][0].value),
            ("somicis", store.select('SELECT ?t WHERE { project:somicis dcterms:title ?t }').rows[0][0].value)])
    assert len(g) == 5

    sw.setQuery("DESCRIBE project:impra")
    described = sw.query().convert()
    want = store.construct("DESCRIBE project:impra")
    assert len(described) == len(want) == len({str(t) for t in want})
    assert sorted(o.n3() for s, p, o in described if str(p) == "https://w3id.org/graphkit/mcn#acronym") == ['"IMPRA"']


# --- the CLI and the Python API -----------------------------------------------------------------


def test_the_cli_runs_ask_construct_and_describe(built, tmp_path):
    ask = CliRunner().invoke(main, ["query", "-", "--build", str(built)], input=LIGHT)
    assert (ask.exit_code, ask.output) == (0, "true\n")
    no = CliRunner().invoke(main, ["query", "-", "--build", str(built), "--format", "json"],
                            input='ASK { project:impra mcn:acronym "NOPE" }')
    assert (no.exit_code, no.output) == (0, '{"head": {}, "boolean": false}\n')
    two = "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a mcn:Project ; dcterms:title ?t } ORDER BY ?p LIMIT 2"
    turtle = CliRunner().invoke(main, ["query", "-", "--build", str(built)], input=two)
    assert (turtle.exit_code, turtle.output) == (0, (
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix project: <https://w3id.org/graphkit/id/project/> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        f'project:discorsi dcterms:title "{PROJECT_TITLES["discorsi"]}"@it .\n'
        f'project:impra dcterms:title "{PROJECT_TITLES["impra"]}"@it .\n'))
    rows = CliRunner().invoke(main, ["query", "-", "--build", str(built), "--format", "csv"], input=two)
    assert (rows.exit_code, rows.output) == (0, (
        "subject,predicate,object\n"
        f'project:discorsi,dcterms:title,"{PROJECT_TITLES["discorsi"]}"\n'
        f'project:impra,dcterms:title,{PROJECT_TITLES["impra"]}\n'))
    rq = tmp_path / "describe.rq"
    rq.write_text("DESCRIBE ?p WHERE { ?p mcn:acronym \"IMPRA\" }", encoding="utf-8")
    described = CliRunner().invoke(main, ["query", str(rq), "--build", str(built), "--format", "tsv"])
    assert described.exit_code == 0
    lines = described.output.splitlines()
    assert lines[0] == "subject\tpredicate\tobject"
    assert "project:impra\tmcn:acronym\tIMPRA" in lines
    assert "project:impra\tmcn:activeFrom\t2013-09-30" in lines
    assert all(line.startswith("project:impra\t") for line in lines[1:])


def test_the_python_api_runs_every_form_on_the_build_and_on_the_endpoint(store, server):
    from graphkit.queries import parse_header, query_form

    ask = parse_header("#+ summary: is IMPRA there\n#+ params:\n#+   - project: iri - a project\n"
                       "ASK { ?project mcn:acronym \"IMPRA\" }", "is-impra")
    construct = parse_header("#+ summary: titles\n" + CONSTRUCT, "titles")
    describe = parse_header("#+ summary: a project\n#+ params:\n#+   - project: iri - a project\n"
                            "DESCRIBE ?project WHERE { ?project a mcn:Project }", "describe")
    assert [query_form(q) for q in (ask, construct, describe)] == ["ASK", "CONSTRUCT", "DESCRIBE"]
    with RemoteStore(server.base + "/sparql", default_graph="server") as remote:
        for backend in (store, remote):
            assert run_query(backend, ask, {"project": "project:impra"}) is True
            assert run_query(backend, ask, {"project": "project:discorsi"}) is False
            titles = run_query(backend, construct)
            assert sorted(t.object.value for t in titles if t.subject.value.endswith(("/impra", "/discorsi"))) == sorted(
                PROJECT_TITLES.values())
            assert len(titles) == 5
            described = run_query(backend, describe, {"project": "project:impra"})
            assert sorted(map(str, described)) == sorted(map(str, store.construct("DESCRIBE project:impra")))
            assert (ox.NamedNode("https://w3id.org/graphkit/id/project/impra"),
                    ox.NamedNode("https://w3id.org/graphkit/mcn#acronym"), ox.Literal("IMPRA")) in {
                (t.subject, t.predicate, t.object) for t in described}


# --- no query outlives its server ---------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(d))
    return out


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("how", ["terminate", "kill"])
def test_no_worker_outlives_its_server_even_mid_query(built, how):
    port = free_port()
    proc = subprocess.Popen([str(BIN / "graphkit"), "serve", "--build", str(built), "--port", str(port),
                             "--timeout", "60", "--workers", "1", "--heavy", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/api/info", proc)
        workers = _children(proc.pid)
        assert len(workers) == 2  # the light worker and the spare
        def send_heavy() -> None:
            try:
                httpx.post(base + "/sparql", data={"query": CROSS_JOIN}, trust_env=False, timeout=5)
            except httpx.HTTPError:
                pass  # the server is stopped under it

        heavy = threading.Thread(target=send_heavy, daemon=True)
        heavy.start()
        time.sleep(2)  # demoted to the heavy lane, still running
        assert all(_running(p) for p in workers)
        if how == "terminate":
            proc.terminate()
        else:
            proc.kill()  # as the OOM killer would: the server cannot stop its workers itself
        proc.wait(10)
        deadline = time.monotonic() + 5
        while any(_running(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [p for p in workers if _running(p)] == []
    finally:
        if proc.poll() is None:
            stop(proc)
