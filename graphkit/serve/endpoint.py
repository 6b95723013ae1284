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
timeout, and answers are capped at ``max_rows`` rows; a capped answer says so in the headers
``X-Graphkit-Truncated: true`` and ``Warning``. Requests whose Host is not the server's own
name are refused (no DNS rebinding); cross-origin reads are allowed only for the origins given,
never with credentials.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from graphkit.namespaces import PREFIXES
from graphkit.serve.pool import Job, PoolBusy, QueryTimeout, WorkerFailed, WorkerPool

MAX_QUERY_BYTES = 1_000_000
SD_PREFIXES = {"sd": "http://www.w3.org/ns/sparql-service-description#", "void": "http://rdfs.org/ns/void#",
               "dcterms": "http://purl.org/dc/terms/", "formats": "http://www.w3.org/ns/formats/",
               "graph": "https://w3id.org/graphkit/graph/", "xsd": "http://www.w3.org/2001/XMLSchema#"}
WRITE_METHODS = ["PUT", "POST", "DELETE", "PATCH"]
_MAP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.html$")
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
          "favicon.svg": "image/svg+xml"}
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
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

    async def sparql(request: Request) -> Response:
        params: list[tuple[str, str]] = list(request.query_params.multi_items())
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await _read_limited(request)
            if body is None:
                return _text(413, f"the request is larger than {MAX_QUERY_BYTES} bytes")
            if ctype == "application/sparql-update":
                return _read_only("SPARQL Update")
            if ctype == "application/sparql-query":
                try:
                    params.append(("query", body.decode("utf-8")))
                except UnicodeDecodeError:
                    return _text(400, "the query is not UTF-8 text")
            elif ctype == "application/x-www-form-urlencoded":
                try:
                    params += parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
                except UnicodeDecodeError:
                    return _text(400, "the form is not UTF-8 text")
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
        if len(query.encode("utf-8")) > MAX_QUERY_BYTES:
            return _text(413, f"the query is longer than {MAX_QUERY_BYTES} bytes")
        if _is_update(query):
            return _read_only("SPARQL Update")
        formats = [v for k, v in params if k == "format"]
        job = Job(
            query=query,
            accept=request.headers.get("accept"),
            format=formats[0] if formats else None,
            max_rows=settings.max_rows,
            params={k[1:]: v for k, v in params if k.startswith("$") and len(k) > 1},
            default_graphs=[v for k, v in params if k == "default-graph-uri"],
            named_graphs=[v for k, v in params if k == "named-graph-uri"],
        )
        try:
            answer = await run_in_threadpool(pool.run, job)
        except QueryTimeout as exc:
            return _text(503, f"{exc} (the server's limit: graphkit serve --timeout)")
        except PoolBusy as exc:
            return _text(503, f"{exc}; try again", {"Retry-After": "1"})
        except WorkerFailed as exc:
            return _text(500, str(exc))
        headers = {"X-Graphkit-Rows": str(answer.rows), "Cache-Control": "no-store"}
        if answer.status == 200:
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
        Route("/static/{name}", static, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/sparql", sparql_write, methods=["PUT", "DELETE", "PATCH"]),
        Route("/api/queries", api_queries, methods=["GET"]),
        Route("/api/info", api_info, methods=["GET"]),
        Route("/maps/{name}", maps, methods=["GET"]),
        Route("/{path:path}", elsewhere, methods=["GET", "HEAD", *WRITE_METHODS]),
    ]
    app = Starlette(routes=routes)
    return _Guard(app, settings)


async def _read_limited(request: Request) -> bytes | None:
    """The request body, or None when it is larger than MAX_QUERY_BYTES (never read whole)."""
    try:
        if int(request.headers.get("content-length", "0")) > MAX_QUERY_BYTES:
            return None
    except ValueError:
        return None
    chunks, size = [], 0
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


def serve(nquads: Path, *, host: str = "127.0.0.1", port: int = 8000, timeout: float = 30.0, max_rows: int = 10_000,
          workers: int = 2, maps_dir: Path | None = None, cors_origins: list[str] | None = None,
          ready: Any = None) -> None:
    """Load the dataset into ``workers`` processes and serve it until interrupted."""
    import uvicorn

    pool = WorkerPool(nquads, workers=workers, timeout=timeout).start()
    settings = Settings(timeout=timeout, max_rows=max_rows, maps_dir=maps_dir, cors_origins=list(cors_origins or []),
                        allowed_hosts=loopback_hosts(host))
    try:
        if ready is not None:
            ready(pool)
        uvicorn.run(create_app(pool, settings), host=host, port=port, log_level="warning", access_log=False,
                    server_header=False, timeout_graceful_shutdown=2)
    finally:
        pool.close()
