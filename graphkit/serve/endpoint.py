"""``graphkit serve``: a read-only SPARQL 1.1 Protocol endpoint over the built graph, and a page to query it.

Routes:

- ``GET /sparql?query=...`` and ``POST /sparql`` (form ``query=...`` or ``application/sparql-query``):
  SELECT/ASK results as SPARQL JSON, XML, CSV or TSV and CONSTRUCT/DESCRIBE as Turtle, N-Triples,
  JSON-LD or RDF/XML, by the Accept header or ``format=``. ``default-graph-uri`` and
  ``named-graph-uri`` are honoured; without them the default graph is the union of the named
  graphs. graphkit extension: ``$NAME=VALUE`` binds a parameter declared in the query's ``#+``
  header, as an RDF term (the page uses it for the named queries).
- ``GET /sparql`` with no query: the service description (SPARQL 1.1 Service Description, Turtle).
- Updates (``update=``, ``application/sparql-update``) are refused with 403; writes of any other
  kind (Graph Store Protocol PUT, POST, DELETE, PATCH) with 405.
- ``GET /``: the query page (no script or style from elsewhere: it works offline);
  ``/api/queries`` the named queries; ``/api/info`` the dataset and limits;
  ``/maps/NAME.html`` the network maps under the maps folder, read-only.

Every query runs in a worker process (:mod:`graphkit.serve.pool`) that is killed when it outlives the
timeout; light queries are answered in their own lane while heavy ones run (decision 0021). Answers
are capped at ``max_rows`` rows: an answer with more rows is refused (400, with a message saying
so) unless the client asks for the first rows with ``partial=true``, and a partial answer says so
in the headers ``X-Graphkit-Truncated: true`` and ``Warning``. Requests whose Host is not the
server's own name are refused (no DNS rebinding); requests from other sites' pages (``Origin``,
``Sec-Fetch-Site``) are refused unless their origin was given with ``--cors-origin``, and reads
are then allowed without credentials. Parameters that are not UTF-8, graph IRIs that are not
IRIs, request heads and bodies that arrive too slowly and idle connections are all turned away.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.applications import Starlette
import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from graphkit.namespaces import PREFIXES
from graphkit.serve.pool import (HeavyBusy, Job, MemoryLimitExceeded, PoolBusy, QueryTimeout, WorkerFailed,
                                 WorkerPool)

MAX_QUERY_BYTES = 1_000_000
CLIENT_TIMEOUT = 10.0   # seconds a client may take to send a request's head, and again its body
KEEP_ALIVE = 5          # seconds an idle keep-alive connection is kept open
WAITING_REQUESTS = 512  # requests that may wait for a worker at once (threads blocked on the pool)
PARTIAL = "partial"     # the parameter by which a client accepts the first max_rows rows of a longer answer
TRUE_WORDS = ("true", "1", "yes")
SD_PREFIXES = {"sd": "http://www.w3.org/ns/sparql-service-description#", "void": "http://rdfs.org/ns/void#",
               "dcterms": "http://purl.org/dc/terms/", "formats": "http://www.w3.org/ns/formats/",
               "graph": "https://w3id.org/graphkit/graph/", "xsd": "http://www.w3.org/2001/XMLSchema#"}
WRITE_METHODS = ["PUT", "POST", "DELETE", "PATCH"]
_MAP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.html$")
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
          "favicon.svg": "image/svg+xml",
          # YASGUI, copied from the npm registry's build by web-src/ (npm run build)
          "vendor/yasgui.min.js": "text/javascript; charset=utf-8", "vendor/yasgui.min.css": "text/css; charset=utf-8",
          "vendor/LICENSES.txt": "text/plain; charset=utf-8"}
TERMS_QUERY = """SELECT DISTINCT ?kind ?term WHERE {
  { ?term a ?type . VALUES (?type ?kind) { (owl:Class "class") (rdfs:Class "class")
      (owl:ObjectProperty "property") (owl:DatatypeProperty "property") (owl:AnnotationProperty "property")
      (rdf:Property "property") } }
  UNION { [] a ?term . BIND("class" AS ?kind) }
  FILTER(isIRI(?term))
} ORDER BY ?kind ?term"""
PREDICATES_QUERY = "SELECT DISTINCT ?term WHERE { [] ?term [] } ORDER BY ?term"
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self'; "
            "form-action 'none'; base-uri 'none'; frame-ancestors 'none'")
# maps are self-contained pyvis pages with inline script and style; they may reach nothing else
MAP_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
           "img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'")


@dataclass
class Settings:
    """The endpoint's settings: query timeout in seconds, the row cap of answers, the folder of maps to
    serve, the origins allowed by CORS and the Host names accepted (None: any)."""

    timeout: float = 30.0
    max_rows: int = 10_000
    maps_dir: Path | None = None
    cors_origins: list[str] = field(default_factory=list)
    allowed_hosts: list[str] | None = None  # None: any Host (the server was bound to a public address)
    client_timeout: float = CLIENT_TIMEOUT


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


def _read_only(what: str) -> Response:
    return _text(403, f"this endpoint is read-only: {what} is not accepted. "
                      "To change the data, edit the records and run `graphkit build`.")


def _web(name: str) -> bytes:
    return resources.files("graphkit").joinpath("web", name).read_bytes()


class _Guard:
    """ASGI middleware: Host check, CORS for the listed origins (never with credentials), security headers."""

    def __init__(self, app: Any, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        allowed = self.settings.allowed_hosts
        if allowed is not None:
            host = headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name.lower() not in allowed:
                await _text(421, f"unknown host {host!r}: use http://127.0.0.1 or http://localhost")(scope, receive, send)
                return
        origin = headers.get("origin")
        cors_ok = origin is not None and origin in self.settings.cors_origins
        refusal = None if cors_ok else cross_site_refusal(scope["method"], scope["path"], headers)
        if refusal is not None:
            await _text(403, refusal)(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            extra = {"Allow": "GET, POST, OPTIONS"}
            if cors_ok:
                extra.update({"Access-Control-Allow-Methods": "GET, POST",
                              "Access-Control-Allow-Headers": "Content-Type, Accept",
                              "Access-Control-Max-Age": "600"})
            response: Response = Response(status_code=204, headers=extra)
            await self._send_with_headers(response, scope, receive, send, origin if cors_ok else None)
            return

        async def send_wrapped(message: dict) -> None:
            if message["type"] == "http.response.start":
                hs = list(message.get("headers", []))
                names = {k.lower() for k, _ in hs}
                hs.append((b"x-content-type-options", b"nosniff"))
                hs.append((b"referrer-policy", b"no-referrer"))
                if b"content-security-policy" not in names:
                    hs.append((b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"))
                if cors_ok:
                    hs += _cors_headers(origin)
                message = {**message, "headers": hs}
            await send(message)

        await self.app(scope, receive, send_wrapped)

    @staticmethod
    async def _send_with_headers(response: Response, scope: dict, receive: Any, send: Any, origin: str | None) -> None:
        if origin:
            for k, v in _cors_headers(origin):
                response.headers[k.decode()] = v.decode()
        await response(scope, receive, send)


def cross_site_refusal(method: str, path: str, headers: dict[str, str]) -> str | None:
    """Why a request sent by another site's page is refused, or None when it is not one.

    Browsers say where a request comes from: ``Origin`` (on every POST and on cross-origin
    fetches) and ``Sec-Fetch-Site``. A request from another site (``cross-site`` or ``same-site``,
    or an ``Origin`` that is not this server's own) is refused, so no web page a researcher visits
    can make the browser run queries here (CSRF, heavy queries) or read the page's API; only a
    top-level navigation (a link followed to the page or a map) passes. Clients that are not
    browsers (curl, SPARQLWrapper, rdflib) send neither header and pass.
    """
    fetch_site = headers.get("sec-fetch-site", "").lower()
    origin = headers.get("origin")
    host = headers.get("host", "")
    own = origin is not None and origin.lower() in (f"http://{host}".lower(), f"https://{host}".lower())
    foreign_origin = origin is not None and not own
    foreign_site = fetch_site in ("cross-site", "same-site")
    if not (foreign_origin or foreign_site):
        return None
    navigating = (method in ("GET", "HEAD") and headers.get("sec-fetch-mode", "") == "navigate"
                  and headers.get("sec-fetch-dest", "document") == "document" and not foreign_origin)
    if navigating and path != "/sparql" and not path.startswith("/api/"):
        return None
    who = origin if origin is not None else f"a {fetch_site} page"
    return (f"cross-site request refused: {who} may not query this endpoint (protection against web pages "
            "that make the browser send queries). To let a site's pages query it, start the server with "
            "graphkit serve --cors-origin ORIGIN.")


def _cors_headers(origin: str) -> list[tuple[bytes, bytes]]:
    return [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin"),
            (b"access-control-expose-headers", b"X-Graphkit-Truncated, X-Graphkit-Rows, X-Graphkit-Max-Rows, Warning")]


def service_description(endpoint: str, pool: WorkerPool, settings: Settings) -> list:
    """The SPARQL 1.1 Service Description of this endpoint, as pyoxigraph triples."""
    import pyoxigraph as ox

    from graphkit.results import FORMATS

    SD = "http://www.w3.org/ns/sparql-service-description#"
    VOID = "http://rdfs.org/ns/void#"
    RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    DCT = "http://purl.org/dc/terms/"
    XSD_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    svc = n(endpoint)
    ds, dg = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    t = [
        ox.Triple(svc, RDF_TYPE, n(SD + "Service")),
        ox.Triple(svc, n(SD + "endpoint"), svc),
        ox.Triple(svc, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        ox.Triple(svc, n(SD + "feature"), n(SD + "UnionDefaultGraph")),
        *[ox.Triple(svc, n(SD + "resultFormat"), n(f.w3c)) for f in FORMATS],
        ox.Triple(svc, n(DCT + "description"), ox.Literal(
            f"graphkit: read-only SPARQL 1.1 endpoint over the migration-cooperation knowledge graph. "
            f"Queries time out after {settings.timeout:g} s; answers are capped at {settings.max_rows} rows "
            f"(X-Graphkit-Truncated: true when capped). SPARQL Update is not accepted.", language="en")),
        ox.Triple(svc, n(SD + "defaultDataset"), ds),
        ox.Triple(ds, RDF_TYPE, n(SD + "Dataset")),
        ox.Triple(ds, n(SD + "defaultGraph"), dg),
        ox.Triple(dg, RDF_TYPE, n(SD + "Graph")),
    ]
    info = pool.info
    if info is not None:
        t.append(ox.Triple(dg, n(VOID + "triples"), ox.Literal(str(info.triples), datatype=XSD_INT)))
        for i, (g, size) in enumerate(sorted(info.graphs.items())):
            ng, graph = ox.BlankNode(f"ng{i}"), ox.BlankNode(f"g{i}")
            t += [ox.Triple(ds, n(SD + "namedGraph"), ng), ox.Triple(ng, RDF_TYPE, n(SD + "NamedGraph")),
                  ox.Triple(ng, n(SD + "name"), n(g)), ox.Triple(ng, n(SD + "graph"), graph),
                  ox.Triple(graph, RDF_TYPE, n(SD + "Graph")),
                  ox.Triple(graph, n(VOID + "triples"), ox.Literal(str(size), datatype=XSD_INT))]
    return t


def create_app(pool: WorkerPool, settings: Settings | None = None) -> Any:
    """The ASGI application over a started :class:`WorkerPool`."""
    settings = settings or Settings()

    limiter = anyio.CapacityLimiter(WAITING_REQUESTS)

    async def sparql(request: Request) -> Response:
        try:
            params = form_pairs(request.scope.get("query_string", b""), "query string")
        except BadRequest as exc:
            return _text(400, str(exc))
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            try:
                body = await _read_limited(request, settings.client_timeout)
            except TimeoutError:
                return _text(408, f"the request body did not arrive within {settings.client_timeout:g} s",
                             {"Connection": "close"})
            if body is None:
                return _text(413, f"the request is larger than {MAX_QUERY_BYTES} bytes")
            if ctype == "application/sparql-update":
                return _read_only("SPARQL Update")
            if ctype == "application/sparql-query":
                try:
                    params.append(("query", body.decode("utf-8")))
                except UnicodeDecodeError as exc:
                    return _text(400, f"the query is not UTF-8 text (an invalid byte at offset {exc.start})")
            elif ctype == "application/x-www-form-urlencoded":
                try:
                    params += form_pairs(body, "form")
                except BadRequest as exc:
                    return _text(400, str(exc))
            else:
                return _text(415, "POST a query as application/x-www-form-urlencoded (query=...) "
                                  "or as application/sparql-query")
        names = [k for k, _ in params]
        if "update" in names:
            return _read_only("SPARQL Update")
        queries = [v for k, v in params if k == "query"]
        if not queries:
            if request.method == "POST":
                return _text(400, "no query: send query=... (SPARQL 1.1 Protocol)")
            return describe_service(request)
        if len(queries) > 1:
            return _text(400, "more than one query parameter")
        query = queries[0]
        if len(query.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
            return _text(413, f"the query is longer than {MAX_QUERY_BYTES} bytes")
        if _is_update(query):
            return _read_only("SPARQL Update")
        default_graphs = [v for k, v in params if k == "default-graph-uri"]
        named_graphs = [v for k, v in params if k == "named-graph-uri"]
        bad = graph_iri_problem(default_graphs, named_graphs)
        if bad:
            return _text(400, bad)
        partial_values = [v.strip().lower() for k, v in params if k == PARTIAL]
        partial = bool(partial_values) and partial_values[-1] in TRUE_WORDS
        formats = [v for k, v in params if k == "format"]
        job = Job(
            query=query,
            accept=request.headers.get("accept"),
            format=formats[0] if formats else None,
            max_rows=settings.max_rows,
            params={k[1:]: v for k, v in params if k.startswith("$") and len(k) > 1},
            default_graphs=default_graphs,
            named_graphs=named_graphs,
        )
        try:
            answer = await anyio.to_thread.run_sync(pool.run, job, limiter=limiter, abandon_on_cancel=True)
        except QueryTimeout as exc:
            return _text(503, f"{exc} (the server's limit: graphkit serve --timeout)")
        except HeavyBusy as exc:
            return _text(503, str(exc), {"Retry-After": "5"})
        except PoolBusy as exc:
            return _text(503, f"{exc}; try again", {"Retry-After": "1"})
        except MemoryLimitExceeded as exc:
            return _text(503, str(exc))
        except WorkerFailed as exc:
            return _text(500, str(exc))
        headers = {"X-Graphkit-Rows": str(answer.rows), "Cache-Control": "no-store"}
        if answer.status == 200:
            if answer.truncated and not partial:
                return _text(400, f"the answer has more than {settings.max_rows} rows, the most this server sends "
                                  f"(graphkit serve --max-rows): add LIMIT and OFFSET to fetch it in pages, narrow "
                                  f"the query, or send {PARTIAL}=true to accept only the first {settings.max_rows} "
                                  f"rows", {"X-Graphkit-Max-Rows": str(settings.max_rows), "Cache-Control": "no-store"})
            headers["X-Graphkit-Truncated"] = "true" if answer.truncated else "false"
            if answer.truncated:
                headers["X-Graphkit-Max-Rows"] = str(settings.max_rows)
                headers["Warning"] = (f'199 graphkit "result truncated to the first {settings.max_rows} rows '
                                      f'(graphkit serve --max-rows)"')
        return Response(answer.body, status_code=answer.status, media_type=answer.media_type, headers=headers)

    def describe_service(request: Request) -> Response:
        from graphkit.results import NotAcceptable, negotiate, write_triples

        try:
            fmt = negotiate("rdf", request.headers.get("accept"), request.query_params.get("format"))
        except NotAcceptable as exc:
            return _text(406, str(exc))
        endpoint = str(request.url.replace(query="", fragment=""))
        written = write_triples(service_description(endpoint, pool, settings), fmt, prefixes=SD_PREFIXES)
        return Response(written.body, media_type=fmt.media_type)

    async def elsewhere(request: Request) -> Response:
        if request.method in ("GET", "HEAD"):
            return _text(404, f"not found: {request.url.path} (the endpoint is /sparql, the query page /)")
        return _text(405, f"this endpoint is read-only: {request.method} {request.url.path} is not accepted "
                          "(no Graph Store Protocol writes). To change the data, edit the records and run "
                          "`graphkit build`.", {"Allow": "GET, HEAD, OPTIONS"})

    async def sparql_write(request: Request) -> Response:
        return _text(405, f"this endpoint is read-only: {request.method} is not accepted on /sparql "
                          "(query with GET or POST).", {"Allow": "GET, POST, HEAD, OPTIONS"})

    async def page(request: Request) -> Response:
        return Response(_web("index.html"), media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"})

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return _text(404, "not found")
        return Response(_web(name), media_type=STATIC[name], headers={"Cache-Control": "no-cache"})

    async def api_queries(request: Request) -> Response:
        from graphkit.queries import list_queries, param_example

        return JSONResponse([
            {"name": q.name, "summary": q.summary, "description": q.description, "returns": q.returns,
             "params": [{"name": p.name, "type": p.type, "doc": p.doc, "example": param_example(p)} for p in q.params],
             "text": q.text}
            for q in list_queries()
        ])

    def map_names() -> list[str]:
        d = settings.maps_dir
        if d is None or not d.is_dir():
            return []
        return sorted(p.name for p in d.iterdir() if _MAP_NAME.match(p.name) and p.is_file())

    def map_entries() -> list[dict[str, str]]:
        """The maps, with the title and filters that ``maps.json`` (written with the maps) gives."""
        meta: dict[str, Any] = {}
        try:
            loaded = json.loads((settings.maps_dir / "maps.json").read_text(encoding="utf-8"))  # type: ignore[operator]
            meta = loaded if isinstance(loaded, dict) else {}
        except (OSError, TypeError, ValueError):
            pass
        out = []
        for n in map_names():
            m = meta.get(n) if isinstance(meta.get(n), dict) else {}
            title = m.get("title") if isinstance(m.get("title"), str) else ("all maps" if n == "index.html" else n)
            details = [str(m[k]) for k in ("filters",) if isinstance(m.get(k), str)]
            if isinstance(m.get("nodes"), int):
                details.append(f"{m['nodes']} nodes")
            out.append({"name": n, "href": f"/maps/{n}", "title": title, "details": ", ".join(details)})
        return out

    terms_cache: dict[str, list[str]] = {}

    async def api_terms(request: Request) -> Response:
        """The classes and properties of the graph, for the editor's autocompletion (asked once)."""
        if not terms_cache:
            classes: set[str] = set()
            properties: set[str] = set()
            for text, kinds in ((TERMS_QUERY, True), (PREDICATES_QUERY, False)):
                try:
                    answer = await anyio.to_thread.run_sync(pool.run, Job(text, format="tsv"), limiter=limiter,
                                                            abandon_on_cancel=True)
                except (PoolBusy, QueryTimeout, WorkerFailed) as exc:
                    return _text(503, f"the terms could not be read: {exc}", {"Retry-After": "1"})
                if answer.status != 200:
                    return _text(500, f"the terms could not be read: {answer.body.decode('utf-8', 'replace')}")
                for line in answer.body.decode("utf-8").splitlines()[1:]:
                    cells = line.split("\t")
                    kind, term = (cells[0].strip('"'), cells[1]) if kinds else ("property", cells[0])
                    if term.startswith("<") and term.endswith(">"):
                        (classes if kind == "class" else properties).add(term[1:-1])
            terms_cache["classes"] = sorted(classes)
            terms_cache["properties"] = sorted(properties)
        return JSONResponse(terms_cache, headers={"Cache-Control": "no-cache"})

    async def api_info(request: Request) -> Response:
        info = pool.info
        return JSONResponse({
            "endpoint": "/sparql", "timeout": settings.timeout, "max_rows": settings.max_rows,
            "triples": info.triples if info else None, "graphs": info.graphs if info else {},
            "prefixes": PREFIXES, "maps": map_entries(),
        })

    async def maps(request: Request) -> Response:
        name = request.path_params["name"]
        base = settings.maps_dir
        if base is None or not _MAP_NAME.match(name) or name not in map_names():
            return _text(404, "no such map")
        path = (base / name).resolve()
        if path.parent != base.resolve():
            return _text(404, "no such map")
        return Response(path.read_bytes(), media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": MAP_CSP})

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/static/{name:path}", static, methods=["GET"]),
        Route("/api/terms", api_terms, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/sparql", sparql_write, methods=["PUT", "DELETE", "PATCH"]),
        Route("/api/queries", api_queries, methods=["GET"]),
        Route("/api/info", api_info, methods=["GET"]),
        Route("/maps/{name}", maps, methods=["GET"]),
        Route("/{path:path}", elsewhere, methods=["GET", "HEAD", *WRITE_METHODS]),
    ]
    app = Starlette(routes=routes)
    return _Guard(app, settings)


class BadRequest(ValueError):
    """A request the endpoint cannot read (answered 400 with the message)."""


def form_pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    """The ``name=value`` pairs of a query string or form body, percent-decoded as strict UTF-8.

    Raises:
        BadRequest: a name or value is not UTF-8 once decoded (the message names the parameter).
    """
    out: list[tuple[str, str]] = []
    for part in raw.split(b"&"):
        if not part:
            continue
        k, _, v = part.partition(b"=")
        try:
            name = unquote_to_bytes(k.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(f"the {where} has a parameter name that is not UTF-8") from None
        try:
            value = unquote_to_bytes(v.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(f"the {where}'s parameter {name!r} is not UTF-8 text (an invalid byte at offset "
                             f"{exc.start} of its value)") from None
        out.append((name, value))
    return out


def graph_iri_problem(default_graphs: list[str], named_graphs: list[str]) -> str | None:
    """Why a ``default-graph-uri`` or ``named-graph-uri`` cannot be used (not an absolute IRI), or None."""
    import pyoxigraph as ox

    for name, values in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
        for v in values:
            try:
                ox.NamedNode(v)
            except ValueError as exc:
                return f"{name} {v!r} is not an absolute IRI: {exc}"
    return None


async def _read_limited(request: Request, timeout: float = CLIENT_TIMEOUT) -> bytes | None:
    """The request body, or None when it is larger than MAX_QUERY_BYTES (never read whole).

    Raises:
        TimeoutError: the body did not arrive within ``timeout`` seconds (a slow client).
    """
    try:
        if int(request.headers.get("content-length", "0")) > MAX_QUERY_BYTES:
            return None
    except ValueError:
        return None
    chunks, size = [], 0
    async with asyncio.timeout(timeout):
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_QUERY_BYTES:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def _is_update(query: str) -> bool:
    from graphkit.store.sparqltext import shape
    from graphkit.store import QueryError

    try:
        return shape(query).form == "UPDATE"
    except QueryError:
        return False  # malformed: the worker's parser gives the message with line and column


def loopback_hosts(host: str) -> list[str] | None:
    """The Host names to accept: the loopback names when bound to loopback, else any."""
    if host in ("127.0.0.1", "localhost", "::1", "[::1]"):
        return ["127.0.0.1", "localhost", "[::1]"]
    if host in ("0.0.0.0", "::"):
        return None
    return [host.lower(), "127.0.0.1", "localhost"]


def _guarded_protocol(head_timeout: float) -> type:
    """uvicorn's HTTP/1.1 protocol, with a deadline for each request's head.

    uvicorn closes a keep-alive connection left idle after an answer, but not one that opens and
    sends nothing, or sends its head a byte at a time (slowloris): each would hold a connection for
    ever. Here a connection whose request head is not complete within ``head_timeout`` seconds of its
    first byte (or of the connection) is closed.
    """
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(H11Protocol):
        _head_timer: Any = None
        _waiting_after: Any = None  # the cycle answered before the head being waited for

        def _arm(self) -> None:
            if self._head_timer is None:
                self._waiting_after = self.cycle
                self._head_timer = self.loop.call_later(head_timeout, self._head_too_slow)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if self.cycle is self._waiting_after and not self.transport.is_closing():
                self.transport.close()  # no complete request head in time

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self.cycle is None or self.cycle.response_complete:
                self._arm()
            super().data_received(data)

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not None and self.cycle is not self._waiting_after:
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return GuardedH11Protocol


def serve(nquads: Path, *, host: str = "127.0.0.1", port: int = 8000, timeout: float = 30.0, max_rows: int = 10_000,
          workers: int | None = None, heavy: int | None = None, light_budget: float = 1.0,
          memory_limit_mb: int | None = None, client_timeout: float = CLIENT_TIMEOUT, maps_dir: Path | None = None,
          cors_origins: list[str] | None = None, ready: Any = None) -> None:
    """Load the dataset into the worker processes and serve it until interrupted.

    ``workers`` light queries and ``heavy`` heavy ones run at once (default: one light worker per
    core, half as many heavy ones); see :class:`graphkit.serve.pool.WorkerPool`.
    """
    import uvicorn

    pool = WorkerPool(nquads, workers=workers, timeout=timeout, heavy=heavy, light_budget=light_budget,
                      memory_limit_mb=memory_limit_mb).start()
    settings = Settings(timeout=timeout, max_rows=max_rows, maps_dir=maps_dir, cors_origins=list(cors_origins or []),
                        allowed_hosts=loopback_hosts(host), client_timeout=client_timeout)
    try:
        if ready is not None:
            ready(pool)
        uvicorn.run(create_app(pool, settings), host=host, port=port, log_level="warning", access_log=False,
                    server_header=False, timeout_graceful_shutdown=2, timeout_keep_alive=KEEP_ALIVE,
                    http=_guarded_protocol(client_timeout))
    finally:
        pool.close()
