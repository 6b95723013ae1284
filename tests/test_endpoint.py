"""``graphkit serve`` queried by real clients: SPARQLWrapper, rdflib's SPARQLStore, curl with each Accept
header, 20 concurrent clients, and the page in headless Chromium; updates refused, timeout and row cap."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import BIN, ROOT, free_port, stop, wait_for_http

from graphkit.queries import load_query, plain_rows, run_query
from graphkit.store.remote import RemoteStore

TIMEOUT_S = 2
MAX_ROWS = 200
ALLOWED_ORIGIN = "http://notebooks.example"
MAP_TITLE = "<b>Co-partners</b><script>document.title='x'</script>"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PARTICIPANTS = load_query("project-participants")
IMPRA = {"project": "project:impra"}
PROJECTS_ON_DATE = """SELECT ?project ?acronym WHERE {
  ?project a mcn:Project ; mcn:acronym ?acronym ; mcn:activeFrom ?from ; mcn:activeUntil ?until .
  FILTER(?from <= "2017-06-01"^^xsd:date && "2017-06-01"^^xsd:date <= ?until)
} ORDER BY ?acronym"""


@dataclass
class Server:
    base: str
    proc: subprocess.Popen
    maps: Path

    def get(self, path: str, **kw) -> httpx.Response:
        return httpx.get(self.base + path, trust_env=False, timeout=30, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return httpx.post(self.base + path, trust_env=False, timeout=30, **kw)


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    maps = tmp_path_factory.mktemp("maps")
    (maps / "co-partners.html").write_text("<!doctype html><title>co-partners</title><p>map</p>", encoding="utf-8")
    (maps / "notes.txt").write_text("not a map", encoding="utf-8")
    (maps / "maps.json").write_text(json.dumps({"co-partners.html": {
        "title": MAP_TITLE, "filters": "all projects", "nodes": 5}}), encoding="utf-8")
    port = free_port()
    # one lane (--heavy 0), so a heavy query runs to the timeout beside the other worker; the light and
    # heavy lanes are tested in test_endpoint_holds.py
    proc = subprocess.Popen(
        [str(BIN / "graphkit"), "serve", "--build", str(built), "--port", str(port), "--timeout", str(TIMEOUT_S),
         "--max-rows", str(MAX_ROWS), "--workers", "2", "--heavy", "0", "--maps", str(maps), "--cors-origin", ALLOWED_ORIGIN],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/api/info", proc)
    yield Server(base, proc, maps)
    stop(proc)


def expected_rows(store, query=PARTICIPANTS, params=IMPRA):
    return run_query(store, query, params)


def bound_text(query=PARTICIPANTS, params=IMPRA) -> str:
    """The named query with its parameter bound the way a remote client would (a VALUES block)."""
    from graphkit.queries import bind
    from graphkit.store.sparqltext import inject_values

    return inject_values(query.text, bind(query, params))


def as_sets(rows) -> list[tuple]:
    return sorted(tuple("" if v is None else str(v) for v in r) for r in rows)


# --- real clients ------------------------------------------------------------------------------


def test_sparqlwrapper_json_xml_and_csv(server, store):
    from SPARQLWrapper import CSV, JSON, XML, SPARQLWrapper

    want = expected_rows(store)
    sw = SPARQLWrapper(server.base + "/sparql")
    sw.setQuery(bound_text())
    sw.setReturnFormat(JSON)
    data = sw.query().convert()
    assert data["head"]["vars"] == want.variables
    got = [tuple(b.get(v, {}).get("value", "") for v in want.variables) for b in data["results"]["bindings"]]
    assert sorted(got) == as_sets([[None if t is None else t.value for t in r] for r in want.rows])

    sw.setReturnFormat(XML)
    doc = sw.query().convert()
    assert len(doc.getElementsByTagName("result")) == len(want.rows)
    assert sorted(u.firstChild.data for u in doc.getElementsByTagName("uri")
                  if u.parentNode.getAttribute("name") == "org") == sorted(r[1].value for r in want.rows)

    sw.setReturnFormat(CSV)
    table = list(csv.reader(io.StringIO(sw.query().convert().decode("utf-8"))))
    assert table[0] == want.variables
    assert sorted(map(tuple, table[1:])) == as_sets([[None if t is None else t.value for t in r] for r in want.rows])


def test_rdflib_sparqlstore_reads_the_endpoint_and_binds_with_its_own_values(server, store):
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    want = expected_rows(store)
    g = Graph(store=SPARQLStore(server.base + "/sparql"))
    res = g.query(PARTICIPANTS.text, initBindings={"project": URIRef("https://w3id.org/graphkit/id/project/impra")})
    got = [tuple("" if row[v] is None else str(row[v]) for v in want.variables) for row in res]
    assert sorted(got) == as_sets([[None if t is None else t.value for t in r] for r in want.rows])
    assert len(got) == 16 == len(want.rows)


@pytest.mark.parametrize("accept, fmt", [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_curl_each_results_accept_header(server, store, accept, fmt):
    out = subprocess.run(["curl", "-sS", "--noproxy", "*", "-D", "-", "-H", f"Accept: {accept}",
                          "--data-urlencode", f"query={PROJECTS_ON_DATE}", server.base + "/sparql"],
                         capture_output=True, check=True).stdout
    head, body = out.split(b"\r\n\r\n", 1)
    assert f"content-type: {accept}".encode() in head.lower()
    got = ox.parse_query_results(body, format=fmt)
    want = store.select(PROJECTS_ON_DATE)
    assert [tuple(s[v] for v in want.variables) for s in got] == want.rows
    assert [r[1].value for r in want.rows] == ["D.I.S.Co.R.S.I.", "IPOCAD"]


def test_curl_csv_is_the_sparql_csv_format(server):
    out = subprocess.run(["curl", "-sS", "--noproxy", "*", "-H", "Accept: text/csv", "--data-urlencode",
                          f"query={PROJECTS_ON_DATE}", server.base + "/sparql"], capture_output=True, check=True).stdout
    assert out == (b"project,acronym\r\n"
                   b"https://w3id.org/graphkit/id/project/discorsi,D.I.S.Co.R.S.I.\r\n"
                   b"https://w3id.org/graphkit/id/project/ipocad-azione-4,IPOCAD\r\n")
    by_param = server.get("/sparql", params={"query": PROJECTS_ON_DATE, "format": "csv"})
    assert by_param.content == out


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_curl_each_graph_accept_header(server, store, accept, fmt):
    q = "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a mcn:Project ; dcterms:title ?t }"
    out = subprocess.run(["curl", "-sS", "--noproxy", "*", "-G", "-H", f"Accept: {accept}", "--data-urlencode",
                          f"query={q}", server.base + "/sparql"], capture_output=True, check=True).stdout
    got = sorted(str(t) for t in ox.parse(out, format=fmt))
    assert got == sorted(str(t) for t in store.construct(q))
    assert len(got) == 5


def test_describe_and_ask(server, store):
    r = server.post("/sparql", data={"query": "DESCRIBE project:impra"}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    got = sorted(str(t) for t in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))
    assert got == sorted(str(t) for t in store.construct("DESCRIBE project:impra"))
    r = server.post("/sparql", content="ASK { project:impra mcn:acronym \"IMPRA\" }",
                    headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert r.json() == {"head": {}, "boolean": True}


def test_content_negotiation_errors_and_bad_requests(server):
    r = server.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406 and "application/sparql-results+json" in r.text
    r = server.get("/sparql", params={"query": "SELECT ?x\nWHERE { ?x ?y }"})
    assert r.status_code == 400 and r.text.startswith("malformed SPARQL: error at 2:16")
    r = server.post("/sparql", content="x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = server.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    assert r.status_code == 400 and "SERVICE" in r.text


def test_named_query_parameters_are_bound_as_terms(server, store):
    r = server.post("/sparql", data={"query": PARTICIPANTS.text, "$project": "project:impra"},
                    headers={"Accept": "application/sparql-results+json"})
    assert len(r.json()["results"]["bindings"]) == len(expected_rows(store).rows) == 16
    for hostile in ['x" } ; DROP ALL ; #', "<http://evil>"]:
        r = server.post("/sparql", data={"query": load_query("organisation-projects").text, "$name": hostile})
        assert r.status_code == 200 and r.json()["results"]["bindings"] == []
    r = server.post("/sparql", data={"query": PARTICIPANTS.text, "$project": 'x" } ; DROP ALL ; #'})
    assert r.status_code == 400 and "is not an IRI or a CURIE" in r.text


# --- read-only, limits, concurrency --------------------------------------------------------------


def test_updates_and_graph_store_writes_are_refused(server, store):
    refused = [
        server.post("/sparql", data={"update": "DROP ALL"}),
        server.post("/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-update"}),
        server.post("/sparql", data={"query": "DELETE WHERE { ?s ?p ?o }"}),
        server.get("/sparql", params={"update": "CLEAR ALL"}),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert all("read-only: SPARQL Update is not accepted" in r.text for r in refused)
    writes = [httpx.request(m, server.base + p, content=b"<a:b> <a:c> <a:d> .", trust_env=False,
                            headers={"Content-Type": "application/n-triples"})
              for m, p in [("PUT", "/sparql?default"), ("DELETE", "/sparql?graph=x"), ("PUT", "/store?default"),
                           ("POST", "/data?graph=x"), ("DELETE", "/rdf-graph-store?graph=x")]]
    assert [r.status_code for r in writes] == [405] * 5
    assert all("read-only" in r.text and "Allow" in r.headers for r in writes)
    n = server.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
                   headers={"Accept": "application/sparql-results+json"})
    assert int(n.json()["results"]["bindings"][0]["n"]["value"]) == len(store)


def test_a_heavy_query_times_out_and_the_server_answers_the_next_one_promptly(server):
    light = {"query": "ASK { project:impra ?p ?o }"}
    with ThreadPoolExecutor(2) as pool:
        started = time.monotonic()
        heavy = pool.submit(server.post, "/sparql", data={"query": HEAVY})
        time.sleep(0.3)
        during = server.post("/sparql", data=light)  # the other worker is free
        during_s = time.monotonic() - started
        r = heavy.result()
        heavy_s = time.monotonic() - started
    assert during.json()["boolean"] is True and during_s < TIMEOUT_S
    assert r.status_code == 503
    assert r.text == f"the query ran longer than {TIMEOUT_S} s and was stopped (the server's limit: graphkit serve --timeout)\n"
    assert TIMEOUT_S <= heavy_s < TIMEOUT_S + 2
    t = time.monotonic()
    after = server.post("/sparql", data=light)
    assert after.json()["boolean"] is True and time.monotonic() - t < 1.0


def test_a_capped_answer_is_refused_unless_partial_results_are_asked_for(server, store):
    from graphkit.store import QueryError

    whole = "SELECT * WHERE { ?s ?p ?o }"
    refusal = (f"the answer has more than {MAX_ROWS} rows, the most this server sends (graphkit serve --max-rows): "
               f"add LIMIT and OFFSET to fetch it in pages, narrow the query, or send partial=true to accept only "
               f"the first {MAX_ROWS} rows\n")
    r = server.get("/sparql", params={"query": whole}, headers={"Accept": "application/sparql-results+json"})
    assert (r.status_code, r.text, r.headers["X-Graphkit-Max-Rows"]) == (400, refusal, str(MAX_ROWS))
    r = server.get("/sparql", params={"query": whole, "partial": "true"},
                   headers={"Accept": "application/sparql-results+json"})
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    assert r.headers["X-Graphkit-Truncated"] == "true" and r.headers["X-Graphkit-Max-Rows"] == str(MAX_ROWS)
    assert r.headers["Warning"] == f'199 graphkit "result truncated to the first {MAX_ROWS} rows (graphkit serve --max-rows)"'
    small = server.get("/sparql", params={"query": PROJECTS_ON_DATE})
    assert small.headers["X-Graphkit-Truncated"] == "false" and small.headers["X-Graphkit-Rows"] == "2"
    exactly = server.get("/sparql", params={"query": whole + f" LIMIT {MAX_ROWS}"})
    assert exactly.status_code == 200 and exactly.headers["X-Graphkit-Truncated"] == "false"
    with RemoteStore(server.base + "/sparql", page_size=None, verify_count=False) as remote:
        with pytest.raises(QueryError, match=f"the answer has more than {MAX_ROWS} rows"):
            remote.select(whole)
    q = "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }"
    whole_rows = store.select(q)
    assert len(whole_rows.rows) > MAX_ROWS
    with RemoteStore(server.base + "/sparql", page_size=MAX_ROWS // 2) as remote:  # pages under the cap: all rows
        assert sorted(map(repr, remote.select(q).rows)) == sorted(map(repr, whole_rows.rows))


def test_standard_clients_never_take_a_capped_answer_for_a_complete_one(server):
    from urllib.error import HTTPError

    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import JSON, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sw = SPARQLWrapper(server.base + "/sparql")
    sw.setQuery("SELECT * WHERE { ?s ?p ?o }")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match=f"the answer has more than {MAX_ROWS} rows"):
        sw.query()
    sw.addParameter("partial", "true")  # asked for: the first rows, and the headers say so
    answer = sw.query()
    assert answer.info()["x-graphkit-truncated"] == "true"
    assert len(answer.convert()["results"]["bindings"]) == MAX_ROWS
    g = Graph(store=SPARQLStore(server.base + "/sparql"))
    with pytest.raises(ValueError) as caught:  # rdflib turns any refusal into a ValueError, the HTTP error inside
        list(g.query("SELECT * WHERE { ?s ?p ?o }"))
    refused = caught.value.__context__
    assert isinstance(refused, HTTPError) and refused.code == 400
    assert refused.read().decode("utf-8").startswith(f"the answer has more than {MAX_ROWS} rows")


def test_twenty_concurrent_clients_get_correct_answers(server, store):
    from graphkit.queries import list_queries

    examples = {"project": "project:impra", "name": "Cicsene", "fund": "fund:fami", "place": "country:FRA",
                "date": "2017-06-01", "network": "organisation:cop", "org": "organisation:regione-lazio",
                "programme": "project:impra"}
    queries = [q for q in list_queries() if q.params or q.name in ("projects", "shared-organisations",
                                                                   "target-countries")]
    jobs = [queries[i % len(queries)] for i in range(20)]

    def ask(q):
        with RemoteStore(server.base + "/sparql", page_size=None, verify_count=False) as remote:
            return plain_rows(run_query(remote, q, {p.name: examples[p.name] for p in q.params}))

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(ask, jobs))
    for q, got in zip(jobs, answers):
        want = plain_rows(run_query(store, q, {p.name: examples[p.name] for p in q.params}))
        assert sorted(map(repr, got)) == sorted(map(repr, want)), q.name
        assert want or q.name == "programme-projects"      # the seeds hold no programme


def test_service_description(server, store, built):
    from graphkit.store.remote import read_graphs

    r = server.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = ox.Store()
    g.load(r.content, format=ox.RdfFormat.TURTLE)
    sd = "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> PREFIX void: <http://rdfs.org/ns/void#> "
    rows = g.query(sd + "SELECT ?e ?n WHERE { ?s a sd:Service ; sd:endpoint ?e ; sd:supportedLanguage sd:SPARQL11Query ;"
                        " sd:defaultDataset/sd:defaultGraph/void:triples ?n }")
    assert [(s["e"].value, int(s["n"].value)) for s in rows] == [(server.base + "/sparql", len(store))]
    names = {s["g"].value: int(s["n"].value) for s in g.query(
        sd + "SELECT ?g ?n WHERE { ?d sd:namedGraph [ sd:name ?g ; sd:graph/void:triples ?n ] }")}
    assert names == {k: len(v) for k, v in read_graphs(built / "dataset.nq").items() if k}
    formats = {s["f"].value for s in g.query(sd + "SELECT ?f WHERE { ?s sd:resultFormat ?f }")}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_CSV" in formats and len(formats) == 8


# --- the page, maps and HTTP hygiene -----------------------------------------------------------


def test_the_page_loads_nothing_from_elsewhere(server):
    page = server.get("/")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    html = page.text
    assert "http://" not in html and "https://" not in html
    js = server.get("/static/app.js").text
    assert "innerHTML" not in js.replace("never innerHTML", "") and "http" not in js.replace("http-equiv", "")
    assert server.get("/static/../pyproject.toml").status_code == 404
    assert server.get("/static/index.html").status_code == 404
    info = server.get("/api/info").json()
    assert info["maps"] == [{"name": "co-partners.html", "href": "/maps/co-partners.html", "title": MAP_TITLE,
                             "details": "all projects, 5 nodes"}]
    assert [q["name"] for q in server.get("/api/queries").json()][:1] == ["disagreements"]


def test_maps_are_served_read_only_without_traversal(server):
    r = server.get("/maps/co-partners.html")
    assert r.status_code == 200 and r.text.endswith("<p>map</p>")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    for bad in ["/maps/notes.txt", "/maps/..%2Fgraph%2Fdataset.nq", "/maps/%2e%2e%2fpyproject.toml", "/maps/missing.html",
                "/maps/.hidden.html"]:
        assert server.get(bad).status_code == 404, bad
    assert httpx.put(server.base + "/maps/co-partners.html", content=b"x", trust_env=False).status_code == 405


def test_other_hosts_and_origins_get_nothing(server):
    assert server.get("/api/info", headers={"Host": "attacker.example"}).status_code == 421
    evil = server.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in evil.headers
    ok = server.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": ALLOWED_ORIGIN})
    assert ok.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    pre = httpx.options(server.base + "/sparql", trust_env=False, headers={
        "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    for r in (evil, ok, pre):
        assert "access-control-allow-credentials" not in r.headers


def _chromium(downloads: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}", "--window-size=1400,1100",
                 # nothing but loopback: a proxy that goes nowhere, a resolver that resolves nothing
                 "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


EDITOR = "document.querySelector('#yasgui .CodeMirror').CodeMirror"


def _table(driver):
    from selenium.webdriver.common.by import By

    headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable thead th")]
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in driver.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr")]
    return headers, rows


def _run_and_wait(driver, until):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("document.getElementById('status').textContent = ''")
    driver.find_element(By.CSS_SELECTOR, "#yasgui .yasqe_queryButton").click()
    WebDriverWait(driver, 15).until(until)


def test_the_query_editor_in_headless_chromium(server, store, monkeypatch):
    monkeypatch.setenv("SE_AVOID_STATS", "true")  # Selenium Manager is never needed: the driver path is given
    monkeypatch.setenv("SE_OFFLINE", "true")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    shots = ROOT / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    downloads = Path(tempfile.mkdtemp(prefix="downloads-"))
    driver = _chromium(downloads)
    try:
        driver.get(server.base + "/")
        WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.body.dataset.ready") == "true")
        maps = driver.find_elements(By.CSS_SELECTOR, "#maps a")
        assert [(a.text, a.get_attribute("href")) for a in maps] == [(MAP_TITLE, server.base + "/maps/co-partners.html")]
        assert driver.find_elements(By.CSS_SELECTOR, "#maps b, #maps script") == []
        # YASGUI's editor: line numbers, highlighting, and the default query with its prefixes declared
        assert driver.execute_script(f"return {EDITOR}.getOption('lineNumbers')") is True
        assert driver.execute_script(f"return {EDITOR}.getValue()").startswith(
            "PREFIX mcn: <https://w3id.org/graphkit/mcn#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\nSELECT")
        assert driver.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror-linenumber")
        assert driver.find_elements(By.CSS_SELECTOR, "#yasgui .cm-keyword")

        # a named query as an example: its parameter bound, the exact rows shown in a sortable, paged table
        Select(driver.find_element(By.ID, "examples")).select_by_value("project-participants")
        assert driver.find_element(By.ID, "param-project").get_attribute("value") == "project:impra"
        _run_and_wait(driver, lambda d: d.find_element(By.ID, "status").text.startswith("16 rows in "))
        headers, shown = _table(driver)
        want = plain_rows(expected_rows(store))
        columns = PARTICIPANTS.returns.replace(" ", "").split(",")
        assert headers == ["", *columns]
        got = sorted((r[headers.index("org")], r[headers.index("name")], r[headers.index("as_written")]) for r in shown)
        assert got == sorted((w["org"], w["name"], w["as_written"]) for w in want)
        assert len(shown) == 16 and "Cooperativa ORSO" in [r[headers.index("name")] for r in shown]
        name_header = driver.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable thead th")[headers.index("name")]
        name_header.click()  # sorted by name, ascending
        names = [r[headers.index("name")] for r in _table(driver)[1]]
        assert names == sorted(names, key=str.lower) or names == sorted(names)
        driver.save_screenshot(str(shots / "endpoint-editor.png"))

        # the CSV button downloads the server's SPARQL CSV of the same query, parameters bound
        driver.find_element(By.ID, "csv").click()
        WebDriverWait(driver, 10).until(lambda d: (downloads / "project-participants.csv").exists())
        table = list(csv.reader(io.StringIO((downloads / "project-participants.csv").read_text(encoding="utf-8"))))
        assert table[0] == columns and len(table) == 1 + len(want)

        # a query typed by hand: more rows than a page, paged; the cap marked on the page and in the download
        driver.execute_script(f"{EDITOR}.setValue(arguments[0])",
                              "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                              "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?s ?label")
        _run_and_wait(driver, lambda d: d.find_element(By.ID, "status").text.startswith(f"{MAX_ROWS} rows in "))
        assert driver.find_element(By.ID, "notice").text.startswith(f"Truncated: only the first {MAX_ROWS} rows")
        assert driver.find_elements(By.CSS_SELECTOR, ".yasr .dataTables_paginate a, .yasr .dt-paging button")
        first_page = _table(driver)[1]
        whole = store.select("SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?s ?label")
        assert 0 < len(first_page) < MAX_ROWS
        assert [r[2] for r in first_page] == [row[1].value for row in whole.rows[:len(first_page)]]
        driver.find_element(By.ID, "csv").click()
        marked = downloads / f"query-TRUNCATED-first-{MAX_ROWS}-rows.csv"
        WebDriverWait(driver, 10).until(lambda d: marked.exists())
        assert len(marked.read_text(encoding="utf-8").splitlines()) == 1 + MAX_ROWS

        # a hostile literal is shown as text, never run
        hostile = '<img src=x onerror="document.title=1">'
        driver.execute_script(f"{EDITOR}.setValue(arguments[0])",
                              'SELECT ?x WHERE { BIND("%s" AS ?x) }' % hostile.replace('"', '\\"'))
        _run_and_wait(driver, lambda d: d.find_element(By.ID, "status").text.startswith("1 row in "))
        assert _table(driver)[1] == [["1", '"%s"' % hostile]] or _table(driver)[1] == [["1", hostile]]
        assert driver.find_elements(By.CSS_SELECTOR, ".yasr img") == []
        assert driver.title == "graphkit SPARQL"

        # autocompletion of the project's prefixes and classes, from the ontology, with no request elsewhere
        driver.execute_script(f"{EDITOR}.setValue('SELECT * WHERE {{ ?p a ')")
        driver.execute_script(f"{EDITOR}.focus(); {EDITOR}.setCursor({{line: 0, ch: 100}})")
        ActionChains(driver).send_keys("mcn:Proj").perform()
        ActionChains(driver).key_down(Keys.CONTROL).send_keys(" ").key_up(Keys.CONTROL).perform()
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li"))
        assert [li.text for li in driver.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li")] == [
            "mcn:Project", "mcn:ProjectActivity"]
        assert driver.execute_script(f"return {EDITOR}.getValue()") == (
            "PREFIX mcn: <https://w3id.org/graphkit/mcn#>\nSELECT * WHERE { ?p a mcn:Proj")
        driver.save_screenshot(str(shots / "endpoint-autocomplete.png"))
        ActionChains(driver).send_keys(Keys.ESCAPE).perform()

        # a syntax error: marked in the editor's gutter as typed, and the server's parser's position marked
        driver.execute_script(f"{EDITOR}.setValue('SELECT ?x\\nWHERE {{ ?x ?y }}')")
        WebDriverWait(driver, 10).until(lambda d: d.execute_script(f"return {EDITOR}.lineInfo(1).gutterMarkers"))
        assert driver.execute_script(f"return {EDITOR}.lineInfo(0).gutterMarkers") is None
        _run_and_wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".gk-server-error"))
        mark = driver.find_element(By.CSS_SELECTOR, ".gk-server-error")
        assert mark.text == "}" and mark.get_attribute("title").startswith("malformed SPARQL: error at 2:16")
        assert "malformed SPARQL: error at 2:16" in driver.find_element(By.CSS_SELECTOR, ".yasr").text
        driver.save_screenshot(str(shots / "endpoint-error.png"))

        # history: the tab's query is kept across a reload
        driver.refresh()
        WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.body.dataset.ready") == "true")
        assert driver.execute_script(f"return {EDITOR}.getValue()") == "SELECT ?x\nWHERE { ?x ?y }"

        severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        # the errors allowed: the browser's note of the 400 answer to the malformed query, and the page's
        # Content-Security-Policy stopping the hostile literal's handler, which the table library parses as
        # HTML in a detached element to index it (the cell itself shows it as text, and the title is intact)
        blocked = "Executing inline event handler violates the following Content Security Policy directive"
        assert [m for m in severe if "400 (Bad Request)" not in m and blocked not in m] == []
        assert sum("400 (Bad Request)" in m for m in severe) <= 1 and sum(blocked in m for m in severe) <= 1
        assert driver.title == "graphkit SPARQL"
        urls = {json.loads(e["message"])["message"].get("params", {}).get("request", {}).get("url")
                for e in driver.get_log("performance")} - {None}
        web = {u for u in urls if u.split(":", 1)[0] in ("http", "https", "ws", "wss")}
        assert web and all(u.startswith(server.base + "/") for u in web), web  # the page asks nothing of elsewhere
    finally:
        driver.quit()


def test_the_query_page_loads_without_a_console_error(server, monkeypatch):
    monkeypatch.setenv("SE_AVOID_STATS", "true")
    monkeypatch.setenv("SE_OFFLINE", "true")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _chromium(Path(tempfile.mkdtemp(prefix="downloads-")))
    try:
        driver.get(server.base + "/")
        WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.body.dataset.ready") == "true")
        _run_and_wait(driver, lambda d: d.find_element(By.ID, "status").text.startswith("5 rows in "))
        assert [r[1] for r in _table(driver)[1]] == ["project:discorsi", "project:impra", "project:ipocad-azione-4",
                                                     "project:khouribga", "project:somicis"]
        assert [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
        assert driver.find_element(By.ID, "notice").is_displayed() is False
    finally:
        driver.quit()


def test_oversized_requests_are_refused_unread(server):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_000_001
    r = server.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and r.text == "the request is larger than 1000000 bytes\n"


def test_serve_exit_codes_without_a_build_or_a_free_port(tmp_path, built):
    import socket

    from click.testing import CliRunner

    from graphkit.cli import main

    res = CliRunner().invoke(main, ["serve", "--build", str(tmp_path / "nothing")])
    assert res.exit_code == 3 and "run `graphkit build` first" in res.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        res = CliRunner().invoke(main, ["serve", "--build", str(built), "--port", str(taken.getsockname()[1])])
    assert res.exit_code == 3 and res.output.startswith("cannot listen on 127.0.0.1:")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "dataset.nq").write_text('<a> <b> "unterminated .\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["serve", "--build", str(bad), "--port", "0"])
    assert res.exit_code == 3
    assert res.output.startswith(f"serve failed: a query worker could not load {bad / 'dataset.nq'}: SyntaxError")


def test_a_worker_that_died_while_idle_is_replaced_and_the_query_still_answered(built):
    from graphkit.serve.pool import Job, WorkerPool

    pool = WorkerPool(built / "dataset.nq", workers=1, timeout=10, spares=0).start()
    try:
        (only,) = list(pool._all)
        only.process.kill()  # as the kernel's OOM killer would
        only.process.wait()
        answer = pool.run(Job("SELECT ?a WHERE { project:impra mcn:acronym ?a }", format="csv"))
        assert (answer.status, answer.body) == (200, b"a\r\nIMPRA\r\n")
        assert pool.info.triples > 0
    finally:
        pool.close()
