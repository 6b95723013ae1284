"""A remote SPARQL 1.1 server as a store, and ``push``: loading the built dataset into one.

:class:`RemoteStore` offers what :class:`graphkit.store.EmbeddedStore` offers (``select``, ``ask``,
``construct``, ``len``) over the SPARQL 1.1 Protocol, so named queries, the CLI and notebooks run
unchanged against any server. Differences it takes care of:

- Parameters: a remote server has no standard binding, so they are bound by a ``VALUES`` block of
  escaped RDF terms at the start of the top-level group (:mod:`graphkit.store.sparqltext`).
- Prefixes: the project prefixes the query uses and does not declare are declared for it.
- The default graph: like the embedded store, queries see the union of the named graphs, either
  because the server does so (``default_graph="server"``: Oxigraph ``--union-default-graph``,
  Virtuoso, GraphDB) or by naming every named graph in the request (``"named-graphs"``, the
  default, which works with any SPARQL 1.1 server).
- Incomplete answers: servers cut answers short (Oxigraph answers 200 with a cut-off body when its
  timeout fires; Virtuoso says it stopped at 10,000 rows). SELECT results are fetched in one
  request, and in pages over a stable order (the query's own ORDER BY, then every projected
  variable; by key ranges on Virtuoso, by offsets elsewhere) only when the server says it cut the
  answer; every body is parsed strictly, the truncation headers of known servers are checked, and
  on other servers the row count is compared with a ``COUNT`` of the same query (decision 0020). Any mismatch raises :class:`TruncatedResult`: a partial
  answer is never returned as if complete.

Credentials come from ``GRAPHKIT_SPARQL_USER`` and ``GRAPHKIT_SPARQL_PASSWORD`` (HTTP Basic, or
Digest with ``GRAPHKIT_SPARQL_AUTH=digest``). Proxy settings from the environment are ignored.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from graphkit.errors import EXIT_NONCONFORMING, EXIT_RUNTIME, GraphkitError
from graphkit.namespaces import GRAPH, PREFIXES
from graphkit.store.sparqltext import (QueryShape, count_query, has_service, inject_values, keyset_key, keyset_query,
                                      ordered_variables, page_query, shape, term_to_sparql)
from graphkit.store.base import QueryError, SelectResult

JSON_RESULTS = "application/sparql-results+json"
# XML first: Virtuoso writes it twice as fast as JSON (docs/benchmarks.md)
RESULTS = "application/sparql-results+xml, application/sparql-results+json;q=0.9"
N_TRIPLES = "application/n-triples"
ENV_USER, ENV_PASSWORD, ENV_AUTH = "GRAPHKIT_SPARQL_USER", "GRAPHKIT_SPARQL_PASSWORD", "GRAPHKIT_SPARQL_AUTH"


class TruncatedResult(QueryError):
    """The server's answer is incomplete (cut off, capped or inconsistent with its row count; exit code 1)."""


class EndpointError(QueryError):
    """The server cannot be reached, refused the credentials, or failed (not the query's fault; exit code 3)."""

    exit_code = EXIT_RUNTIME


class PushError(GraphkitError):
    """The dataset could not be loaded into the server (a request failed; exit code 3)."""

    exit_code = EXIT_RUNTIME


class PushMismatch(PushError):
    """After the push, the server does not hold what was sent (exit code 1)."""

    exit_code = EXIT_NONCONFORMING


def credentials_from_env(environ: Mapping[str, str] | None = None) -> httpx.Auth | None:
    """HTTP credentials from ``GRAPHKIT_SPARQL_USER``/``_PASSWORD`` (``_AUTH``: basic or digest)."""
    env = os.environ if environ is None else environ
    user = env.get(ENV_USER)
    if not user:
        return None
    password = env.get(ENV_PASSWORD, "")
    scheme = env.get(ENV_AUTH, "basic").lower()
    if scheme == "digest":
        return httpx.DigestAuth(user, password)
    if scheme != "basic":
        raise EndpointError(f"{ENV_AUTH}={scheme!r}: use basic or digest")
    return httpx.BasicAuth(user, password)


def _client(timeout: float, auth: httpx.Auth | None) -> httpx.Client:
    return httpx.Client(timeout=timeout, auth=auth, trust_env=False, follow_redirects=False,
                        headers={"User-Agent": "graphkit"})


def _server_message(resp: httpx.Response, limit: int = 2000) -> str:
    text = resp.text.strip()
    return text if len(text) <= limit else text[:limit] + " …"


def _truncation_signal(resp: httpx.Response) -> tuple[str, int | None] | None:
    """Whether a server says its answer is cut: (why, the cap in rows when it is a row cap), or None.

    A row cap (``X-SPARQL-MaxRows``: Virtuoso's ``ResultSetMaxRows``; ``X-Graphkit-Truncated``:
    ``graphkit serve --max-rows``) can be paged around; a partial answer (Virtuoso's "anytime"
    results, ``X-SQL-State``) cannot.
    """
    h = resp.headers
    if h.get("x-graphkit-truncated", "").lower() == "true":
        cap = h.get("x-graphkit-max-rows", "")
        return (f"the server capped the answer at {cap or '?'} rows (X-Graphkit-Truncated)",
                int(cap) if cap.isdigit() else None)
    if h.get("x-sparql-maxrows"):
        cap = h["x-sparql-maxrows"].strip()
        return (f"the server capped the answer at {cap} rows (X-SPARQL-MaxRows)", int(cap) if cap.isdigit() else None)
    if h.get("x-sql-state"):  # Virtuoso: partial "anytime" results, e.g. S1TAT
        return (f"the server returned a partial answer (X-SQL-State {h['x-sql-state']}: {h.get('x-sql-message', '')})",
                None)
    return None


def server_kind(resp: httpx.Response) -> str:
    """``virtuoso``, ``oxigraph``, ``graphkit`` or ``other``, from a response's headers.

    The first three say when they cut an answer (a header, or a body that does not parse), so their
    answers can be shown complete without counting the rows a second time.
    """
    server = resp.headers.get("server", "").lower()
    if "virtuoso" in server:
        return "virtuoso"
    if server.startswith("oxigraph"):
        return "oxigraph"
    if "x-graphkit-truncated" in resp.headers:
        return "graphkit"
    return "other"


# Virtuoso labels blank nodes "nodeID://b10044", which is not a blank node label: drop the scheme
_NODE_ID_JSON = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
_NODE_ID_XML = re.compile(rb"(<bnode>)nodeID://")
# Virtuoso's errors: "Virtuoso 37000 Error SP030: ...", "Virtuoso 22023 Error SR353: ..."
_VIRTUOSO_ERROR = re.compile(r"^Virtuoso \w{5} Error ")
# Virtuoso's refusals of an update too big to compile
_TOO_BIG = re.compile(r"SP031: .*exceeded \d+ lines|SQ199: Maximum size .* code vector")
_SORTED_TOP = re.compile(r"SR353:.*Only (\d+) are allowed")


@dataclass
class RemoteStore:
    """A SPARQL 1.1 server as a store.

    Args:
        endpoint: the query endpoint URL, e.g. ``http://127.0.0.1:7878/query``.
        default_graph: ``"named-graphs"`` (the default graph is the union of every named graph,
            whatever the server's own default graph is) or ``"server"`` (the server's default graph
            already is the union).
        page_size: ``"auto"`` (default): one request, and pages of the server's own cap only when
            it says it cut the answer; an integer: always fetch in pages of that many rows (for
            servers that cap silently below it); ``None``: one request, and a cut answer is an error.
        verify_count: compare the rows received with a ``COUNT`` of the query (a second evaluation).
            ``None`` (default): only on servers that are not known to say when they cut an answer
            (Oxigraph, Virtuoso and ``graphkit serve`` are).
        timeout: seconds to wait for the server.
        auth: httpx credentials; by default from the environment (:func:`credentials_from_env`).
        parallel: pages asked for at once when an answer is paged by offsets.
        keyset: page by key ranges (``FILTER(?k >= last)``, one page after the other) where the
            query allows it, instead of offsets. ``None`` (default): on Virtuoso only, where each
            offset page sorts the whole answer again; the Oxigraph server sorts the whole answer for
            any page, so offset pages asked for ``parallel`` at a time are faster there.

    Example:
        >>> store = RemoteStore("http://127.0.0.1:7878/query")  # doctest: +SKIP
        >>> run_query(store, "project-participants", {"project": "project:impra"})  # doctest: +SKIP
    """

    endpoint: str
    default_graph: str = "named-graphs"
    page_size: int | str | None = "auto"
    verify_count: bool | None = None
    timeout: float = 120.0
    auth: Any = "env"
    parallel: int = 4
    keyset: bool | None = None
    _graphs: list[str] | None = field(default=None, init=False, repr=False)
    _kind: str | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.default_graph not in ("named-graphs", "server"):
            raise ValueError("default_graph must be 'named-graphs' or 'server'")
        if self.page_size != "auto" and self.page_size is not None and (
                not isinstance(self.page_size, int) or self.page_size < 1):
            raise ValueError("page_size must be 'auto', None or a positive number of rows")
        if self.auth == "env":
            self.auth = credentials_from_env()
        self._http = _client(self.timeout, self.auth)

    def close(self) -> None:
        """Close the HTTP connections to the server."""
        self._http.close()

    def __enter__(self) -> "RemoteStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- HTTP -----------------------------------------------------------------------------

    def kind(self) -> str:
        """The kind of server (:func:`server_kind`), learnt from its answer to ``ASK {}`` once."""
        if self._kind is None:
            self._kind = server_kind(self._send([("query", "ASK {}")], RESULTS))
        return self._kind

    def _dataset(self) -> list[tuple[str, str]]:
        """The protocol's dataset parameters that make the default graph the union of the named graphs."""
        if self.default_graph != "named-graphs":
            return []
        kind = self.kind()
        if kind == "oxigraph":  # its own switch: much faster than naming every graph
            return [("union-default-graph", "")]
        if kind == "virtuoso":  # its default graph is the union of all graphs already
            return []
        form: list[tuple[str, str]] = []
        for g in self.named_graphs():
            form += [("default-graph-uri", g), ("named-graph-uri", g)]
        return form

    def _post(self, text: str, accept: str, dataset: bool, original: str | None = None,
              allow_cap: bool = False) -> httpx.Response:
        form: list[tuple[str, str]] = [("query", text)] + (self._dataset() if dataset else [])
        resp = self._send(form, accept, original)
        if self._kind is None:
            self._kind = server_kind(resp)
        signal = _truncation_signal(resp)
        if signal and not (allow_cap and signal[1] is not None):
            raise TruncatedResult(f"incomplete answer from {self.endpoint}: {signal[0]}")
        return resp

    def _send(self, form: list[tuple[str, str]], accept: str, original: str | None = None) -> httpx.Response:
        try:
            resp = self._http.post(self.endpoint, content=urlencode(form).encode("ascii"),
                                   headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        except httpx.TimeoutException:
            raise EndpointError(f"{self.endpoint} did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise EndpointError(f"cannot reach {self.endpoint}: {exc}") from None
        if resp.status_code in (401, 403):
            raise EndpointError(f"{self.endpoint} refused the request (HTTP {resp.status_code}); "
                                f"set {ENV_USER} and {ENV_PASSWORD}: {_server_message(resp, 300)}")
        if 400 <= resp.status_code < 500:
            raise QueryError(self._explain_refusal(resp, original))
        if resp.status_code >= 300:
            message = _server_message(resp)
            if _VIRTUOSO_ERROR.match(message):  # the query's fault (a limit, a timeout, an estimate), not the server's
                error = QueryError(f"the server refused the query (HTTP {resp.status_code}): {message}")
                error.server_message = message
                raise error
            raise EndpointError(f"{self.endpoint} failed (HTTP {resp.status_code}): {message}")
        return resp

    def _explain_refusal(self, resp: httpx.Response, original: str | None) -> str:
        """The server's message; for a syntax error, also where it is in the text the user wrote."""
        server = f"the server refused the query (HTTP {resp.status_code}): {_server_message(resp)}"
        local = _local_syntax_error(original) if original is not None else None
        return f"{local} ({server})" if local else server

    def named_graphs(self, refresh: bool = False) -> list[str]:
        """The names of the server's named graphs (cached; ``refresh`` after loading data)."""
        if self._graphs is None or refresh:
            self._graphs = sorted(self.graph_sizes())
        return self._graphs

    def _parse_solutions(self, resp: httpx.Response) -> Any:
        body = resp.content
        ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype in ("application/sparql-results+xml", "application/xml", "text/xml"):
            fmt, name = ox.QueryResultsFormat.XML, "XML"
            body = _NODE_ID_XML.sub(rb"\1", body) if b"nodeID://" in body else body
        else:
            fmt, name = ox.QueryResultsFormat.JSON, "JSON"
            body = _NODE_ID_JSON.sub(rb"\1", body) if b"nodeID://" in body else body
        try:
            sols = ox.parse_query_results(body, format=fmt)
            if isinstance(sols, ox.QuerySolutions):
                variables = [v.value for v in sols.variables]
                return _Solutions(variables, [tuple(s) for s in sols])
            return sols
        except SyntaxError as exc:
            end = body.rstrip()
            if end.endswith(b"}") or end.endswith(b"</sparql>"):  # whole, but not valid results
                raise QueryError(f"{self.endpoint} answered with SPARQL {name} results graphkit cannot read: "
                                 f"{exc}") from None
            raise TruncatedResult(f"incomplete answer from {self.endpoint}: the body is cut off before the end of "
                                  f"the SPARQL {name} results ({exc}); the server probably stopped writing when "
                                  f"its timeout fired") from None

    # --- queries --------------------------------------------------------------------------

    def _prepare(self, query: str, bindings: Mapping[str, Any] | None) -> tuple[str, QueryShape]:
        """Declare the project prefixes the query uses, and bind the parameters."""
        try:
            qs = shape(query)
        except QueryError as exc:  # the engine's parser says it best, with line and column
            raise QueryError(_local_syntax_error(query) or str(exc)) from None
        if qs.form == "UPDATE":
            raise QueryError("not a query: updates are not run by graphkit query")
        text = inject_values(query, bindings or {}, qs=qs) if bindings else query
        declared = {qs.tokens[i + 1].text[:-1] for i in range(qs.form_index)
                    if qs.tokens[i].is_kw("PREFIX")}
        used = {t.text.split(":", 1)[0] for t in qs.tokens if t.kind == "pname"}
        missing = sorted(p for p in used - declared if p in PREFIXES)
        # all on the first line, so the line numbers of a server's error message still match
        prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}> " for p in missing)
        full = prologue + text
        return full, shape(full)

    def select(self, query: str, bindings: Mapping[str, Any] | None = None) -> SelectResult:
        """The answer of a SELECT query, with ``bindings`` bound by a ``VALUES`` block.

        Fetched in one request when the server can show the answer complete; when it says it
        capped the answer (``X-SPARQL-MaxRows``, ``X-Graphkit-Truncated``), or a count shows rows
        missing, the rest is fetched in pages of its cap over a stable order (the query's own ORDER
        BY, then every projected variable), by key ranges where the query allows it on Virtuoso
        (``keyset``), else by offsets. With an integer ``page_size``, always in pages.

        Raises:
            QueryError: The query is malformed, not a SELECT query, or the server refused it (the
                server's message is quoted).
            TruncatedResult: The answer is incomplete and cannot be completed (cut off, a partial
                answer, a cap with ``page_size=None``, or fewer rows than a ``COUNT`` of the query).
            EndpointError: The server cannot be reached or failed.
        """
        text, qs = self._prepare(query, bindings)
        if qs.form != "SELECT":
            raise QueryError("not a SELECT query")
        if isinstance(self.page_size, int) and (qs.limit is None or qs.limit > self.page_size):
            variables, rows = self._select_paged(qs, query, self.page_size, qs.projection)
        else:
            variables, rows = self._select_whole(text, qs, query)
        if self.verify_count or (self.verify_count is None and self.kind() == "other"):
            counted = self._count(qs)
            if counted > len(rows) and self.page_size == "auto" and rows and (
                    qs.limit is None or len(rows) < qs.limit):
                # a server that caps silently: page at the number of rows it gave
                variables, rows = self._select_paged(qs, query, len(rows), variables)
            if counted != len(rows):
                raise TruncatedResult(
                    f"incomplete answer from {self.endpoint}: received {len(rows)} rows but the query has "
                    f"{counted} (the server caps results silently; set page_size below its cap)")
        return SelectResult(variables, rows)

    def _select_whole(self, text: str, qs: QueryShape, original: str) -> tuple[list[str], list[tuple]]:
        """One request; pages of the server's cap when it says it cut the answer there."""
        try:
            resp = self._post(text, RESULTS, True, original, allow_cap=self.page_size == "auto")
        except QueryError as exc:
            m = _SORTED_TOP.search(getattr(exc, "server_message", ""))
            if m is None or self.page_size != "auto":
                raise
            # Virtuoso sorts at most N rows for ORDER BY with LIMIT/OFFSET: page under it instead
            return self._select_paged(qs, original, int(m.group(1)), qs.projection)
        res = self._parse_solutions(resp)
        signal = _truncation_signal(resp)
        if signal is None:
            return res.variables, res.rows
        cap = signal[1] or len(res.rows)
        if cap < 1:
            raise TruncatedResult(f"incomplete answer from {self.endpoint}: {signal[0]}")
        return self._select_paged(qs, original, cap, res.variables, (res.variables, res.rows))

    def _page(self, qs: QueryShape, original: str, tie: list[str] | None, want: int, offset: int,
              nested: bool, columns: list[str] | None = None) -> tuple[list[str], list[tuple], int | None]:
        """One page: its variables, its rows, and the server's row cap when it said it capped the page
        (``columns``: the variables a nested page projects, in this order; default ``tie``).

        Raises:
            QueryError: with ``server_message``, e.g. Virtuoso's SR353 past its sorted-row limit.
            TruncatedResult: the page was cut some other way.
        """
        return self._fetch_page(page_query(qs, tie, want, offset, nested=nested, columns=columns), original, want)

    def _fetch_page(self, text: str, original: str, want: int) -> tuple[list[str], list[tuple], int | None]:
        """One page of ``want`` rows asked for by ``text`` (see :meth:`_page`)."""
        resp = self._post(text, RESULTS, True, original, allow_cap=True)
        page = self._parse_solutions(resp)
        signal = _truncation_signal(resp)
        cap = None
        if signal is not None:  # a row cap (others raised): the page holds its first `cap` rows
            cap = signal[1] or 0
            if cap < 1 or len(page.rows) != cap or cap > want:
                raise TruncatedResult(f"incomplete answer from {self.endpoint}: {signal[0]}")
        return page.variables, page.rows, cap

    def _tie_order(self, qs: QueryShape, original: str, tie: list[str],
                   sample: tuple[list[str], list[tuple]] | None, start: int) -> list[str]:
        """The tie-breakers in the order that is cheapest to sort by: the columns holding literals
        first, then the others (IRIs, blank nodes), as the query projects them.

        Any order of the tie-breakers makes the pages stable; which one is chosen changes only the
        order of rows that tie on the query's own ORDER BY (which SPARQL leaves undefined) and the
        time: the Oxigraph server compares IRIs by looking up their text, literals of up to 15
        bytes in place, and sorts 100,000 rows by ``?l ?s`` 3.5 times faster than by ``?s ?l``
        (docs/benchmarks.md). The kinds are read from the rows at hand (``sample``: the capped
        answer or a first page), or else from the first 50 rows of the query.
        """
        ordered = ordered_variables(qs)
        tied = [v for v in tie if v not in ordered]
        if len(tied) < 2:
            return tie
        if sample is None:
            variables, rows, _ = self._page(qs, original, None, 50, start, False)
        else:
            variables, rows = sample
        literals = {v: sum(isinstance(r[i], ox.Literal) for r in rows[:1000]) for i, v in enumerate(variables)}
        return sorted(tie, key=lambda v: -literals.get(v, 0))  # stable: the projection's order among equals

    def _select_keyset(self, qs: QueryShape, original: str, size: int, tie: list[str], key: str,
                       head: tuple[list[str], list[tuple]] | None = None) -> tuple[list[str], list[tuple]] | None:
        """Pages by key ranges, one after the other: each asks for the rows whose ``?key`` is at least
        the last one received, in the order of the key and then the other tie-breakers, leaving out
        the rows holding that key which earlier pages gave. None when the answer cannot be paged so
        (the caller then pages by offsets).

        On Virtuoso each page then sorts only the rows past the last key, where an offset makes it
        sort the whole answer again (docs/benchmarks.md). A filter agrees with the order only over
        keys of one kind that ``>=`` compares as ORDER BY orders them: ``xsd:string`` literals,
        ``xsd:integer`` literals and, on Virtuoso, IRIs; unbound keys may come before those (as
        SPARQL orders them, and Oxigraph) or after (as Virtuoso does), and are then paged by
        ``FILTER(!BOUND(?k))``. Any other key, more rows holding one key than a page, or Virtuoso's
        sorted-row limit (SR353), and the answer is paged by offsets instead. A ``COUNT`` of the
        query, asked for beside the first page, must equal the rows received, or likewise.

        ``head``: rows already received in the order of the key (the server's capped answer to a
        query ordered by it): all its rows before its last key are the answer's first rows, and the
        pages start at that key, which saves sorting the whole answer once more.
        """
        families = {"string", "integer"} | ({"iri"} if self.kind() == "virtuoso" else set())
        with ThreadPoolExecutor(1) as pool:
            counting = pool.submit(self._count, qs)
            variables: list[str] = []
            rows: list[tuple] = []
            after, skip, family, tail = None, 0, None, False
            if head is not None and key in head[0] and head[1]:
                names, received = head
                i = names.index(key)
                last = received[-1][i]
                kinds = {_key_family(r[i]) for r in received}
                first = [r for r in received if r[i] != last]
                if len(kinds) == 1 and kinds <= families and first and first == received[:len(first)]:
                    variables, rows, after, family = names, first, term_to_sparql(last), kinds.pop()
            while True:
                want = size - skip
                try:
                    text = keyset_query(qs, key, after, tie, want, skip, unbound=tail)
                    names, page, cap = self._fetch_page(text, original, want)
                except QueryError as exc:
                    if _SORTED_TOP.search(getattr(exc, "server_message", "")):
                        return None
                    raise
                if cap is not None and cap < want:
                    return None
                if variables and names != variables:  # SELECT *: the head's columns in the pages' order
                    if sorted(names) != sorted(variables):
                        return None
                    order = [variables.index(v) for v in names]
                    rows = [tuple(r[j] for j in order) for r in rows]
                variables = names
                i = variables.index(key)
                for row in page:
                    kind = _key_family(row[i])
                    if kind is None:
                        tail = tail or family is not None  # unbound after the bound keys: the rest is unbound
                    elif tail or kind not in families or (family is not None and kind != family):
                        return None
                    else:
                        family = kind
                rows.extend(page)
                if len(page) < want:
                    break
                last = rows[-1][i]  # unbound: the next page skips the unbound rows received
                skip = 0
                while skip < len(rows) and rows[-1 - skip][i] == last:
                    skip += 1
                if skip >= size:
                    return None
                after = term_to_sparql(last) if last is not None else None
                if tail:  # count every unbound row received, not only those of the last page
                    skip = sum(r[i] is None for r in rows)
                    if skip >= size:
                        return None
            try:
                counted = counting.result()
            except QueryError:  # the count refused (a cost estimate, a timeout): page by offsets
                return None
            if counted != len(rows):
                return None
        return variables, rows

    def _select_paged(self, qs: QueryShape, original: str, size: int, tie: list[str] | None,
                      sample: tuple[list[str], list[tuple]] | None = None) -> tuple[list[str], list[tuple]]:
        """Pages of ``size`` rows over a stable order (``tie``: the projected variables, None while
        unknown for ``SELECT *``: learnt from the first page), ``parallel`` pages at a time; the
        tie-breakers are put in the order cheapest to sort by (:meth:`_tie_order`, from the rows of
        ``sample`` when given).

        The pages of a round are asked for together; the answer ends at the first page shorter than
        asked (the later ones of its round are dropped: they hold nothing). A page the server capped
        below what was asked makes the rest of its round wrong: it is kept, the rest dropped, and the
        pages get the server's size. Past Virtuoso's MaxSortedTopRows (SR353) a page is cut by an
        outer query instead (kept flat until then: Virtuoso drops the language tags of SAMPLE in a
        nested aggregate).
        """
        start = qs.offset or 0
        nested = False
        left = (lambda got: None) if qs.limit is None else (lambda got: qs.limit - got)
        if tie is None:  # SELECT *: one page first, to learn the variables (and maybe the whole answer)
            want = size if qs.limit is None else min(size, qs.limit)
            variables, rows, cap = self._page(qs, original, None, want, start, nested)
            if len(rows) < (cap or want):
                return variables, rows
            tie = variables
            sample = sample or (variables, rows)
        variables, rows = list(tie), []
        tie = self._tie_order(qs, original, tie, sample, start)
        columns = variables
        if self.keyset or (self.keyset is None and self.kind() == "virtuoso"):
            key = keyset_key(qs, tie)
            head = sample if qs.order_by else None  # rows in the query's order: the first page, less its last key
            whole = self._select_keyset(qs, original, size, tie, key, head) if key is not None else None
            if whole is not None:
                return whole
        with ThreadPoolExecutor(max(1, self.parallel)) as pool:
            while True:
                plan = []
                for k in range(max(1, self.parallel)):
                    offset = len(rows) + k * size
                    room = left(offset)
                    want = size if room is None else min(size, room)
                    if want <= 0:
                        break
                    plan.append((offset, want))
                if not plan:
                    return variables, rows
                futures = [pool.submit(self._page, qs, original, tie, want, start + offset, nested, columns)
                           for offset, want in plan]
                try:
                    pages = [f.result() for f in futures]
                except QueryError as exc:
                    if nested or not _SORTED_TOP.search(getattr(exc, "server_message", "")):
                        raise
                    nested = True
                    continue
                for (offset, want), (names, page_rows, cap) in zip(plan, pages):
                    variables = names
                    rows.extend(page_rows)
                    if cap is not None and cap < want:  # the server's pages are smaller: the rest of the round is off
                        size = cap
                        break
                    if len(page_rows) < want:
                        return variables, rows

    def _count(self, qs: QueryShape) -> int:
        res = self._parse_solutions(self._post(count_query(qs), RESULTS, True))
        try:
            return int(res.rows[0][0].value)
        except (IndexError, AttributeError, ValueError):
            raise TruncatedResult(f"{self.endpoint} gave no row count for the query") from None

    def ask(self, query: str, bindings: Mapping[str, Any] | None = None) -> bool:
        """The answer of an ASK query, with ``bindings`` bound by a ``VALUES`` block.

        Raises:
            QueryError: The query is malformed, not an ASK query, or the server refused it or did not
                answer with a boolean.
            EndpointError: The server cannot be reached or failed.
        """
        text, qs = self._prepare(query, bindings)
        if qs.form != "ASK":
            raise QueryError("not an ASK query")
        res = self._parse_solutions(self._post(text, RESULTS, True, query))
        if isinstance(res, _Solutions) and res.variables == ["__ASK_RETVAL"]:
            # Virtuoso 7 answers ASK with a one-column table: one row of 1 for true, no row for false
            return any(row[0] is not None and row[0].value not in ("0", "false") for row in res.rows)
        if not isinstance(res, ox.QueryBoolean):
            raise QueryError(f"{self.endpoint} did not answer an ASK query with a boolean")
        return bool(res)

    def construct(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query (a cut-off body is detected only mid-line)."""
        text, qs = self._prepare(query, bindings)
        if qs.form not in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError("not a CONSTRUCT or DESCRIBE query")
        resp = self._post(text, N_TRIPLES, True, query)
        body = resp.content
        if body and not body.endswith(b"\n"):
            raise TruncatedResult(f"incomplete answer from {self.endpoint}: the N-Triples body is cut off")
        if b"nodeID://" in body:
            body = re.sub(rb"<nodeID://(\w+)>", rb"_:\1", body)
        try:
            return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise TruncatedResult(f"incomplete answer from {self.endpoint}: {exc}") from None

    def __len__(self) -> int:
        """The number of quads in the server's named graphs."""
        return sum(self.graph_sizes().values())

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph on the server (grouped counts: on Virtuoso, ``SELECT DISTINCT ?g``
        over every quad runs into its transaction timeout on 100,000 quads, a grouped count does not)."""
        resp = self._post("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                          RESULTS, dataset=False)
        return {g.value: int(n.value) for g, n in self._parse_solutions(resp).rows if isinstance(g, ox.NamedNode)}


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _key_family(term: Any) -> str | None:
    """The kind of a keyset key: ``string``, ``integer``, ``iri``, ``other``; None when unbound."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return "iri"
    if isinstance(term, ox.Literal) and not term.language:
        if term.datatype.value == _XSD + "string":
            return "string"
        if term.datatype.value == _XSD + "integer":
            return "integer"
    return "other"


def _local_syntax_error(query: str) -> str | None:
    """Oxigraph's message for a malformed query (line and column), or None when it parses."""
    if has_service(query):
        return None  # parsing is safe, but never risk evaluating a SERVICE call here
    try:
        ox.Store().query(query, prefixes=PREFIXES)  # an empty store: parsing is all there is to do
    except SyntaxError as exc:
        return f"malformed SPARQL: {exc}"
    except (OSError, ValueError, RuntimeError):
        return None
    return None


@dataclass
class _Solutions:
    variables: list[str]
    rows: list[tuple]


# --- push -----------------------------------------------------------------------------------


@dataclass
class PushReport:
    """What ``push`` sent: triples per graph, requests, the method, graphs pruned."""

    graphs: dict[str, int]
    requests: int
    method: str
    pruned: list[str] = field(default_factory=list)

    @property
    def triples(self) -> int:
        """The number of triples sent, over every graph."""
        return sum(self.graphs.values())


def _curie(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _batches(triples: list[ox.Triple], size: int) -> list[list[ox.Triple]]:
    """Batches of at most ``size`` triples that never split the triples sharing a blank node
    (a blank node's label is scoped to one request, so splitting would break it in two)."""
    from networkx.utils import UnionFind

    find = UnionFind()
    for t in triples:
        bnodes = [x.value for x in (t.subject, t.object) if isinstance(x, ox.BlankNode)]
        if bnodes:
            find.union(*bnodes)
    groups: dict[Any, list[ox.Triple]] = {}
    for i, t in enumerate(triples):
        b = next((x.value for x in (t.subject, t.object) if isinstance(x, ox.BlankNode)), None)
        groups.setdefault(("b", find[b]) if b is not None else ("t", i), []).append(t)
    out: list[list[ox.Triple]] = []
    current: list[ox.Triple] = []
    for group in groups.values():
        if current and len(current) + len(group) > size:
            out.append(current)
            current = []
        current.extend(group)
    if current:
        out.append(current)
    return out


def _update_text(name: str | None, batch: list[ox.Triple], *, drop: bool) -> str:
    """The SPARQL Update that loads one batch into graph ``name`` (None: the default graph).

    Triples without blank nodes go in ``INSERT DATA``; those with blank nodes in
    ``INSERT { ... } WHERE {}``, which makes one fresh blank node per label and request exactly as
    ``INSERT DATA`` does, and which Virtuoso accepts (it refuses blank nodes in ``INSERT DATA``:
    "SP031: Blank node ... is not allowed in a constant clause"). With ``drop``, the graph is
    emptied first.
    """
    plain = [t for t in batch if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)]
    blank = [t for t in batch if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]

    def wrap(triples: list[ox.Triple]) -> str:
        inner = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        return f"{{ GRAPH <{name}> {{\n{inner}}} }}" if name else f"{{\n{inner}}}"

    parts = [f"DROP SILENT {f'GRAPH <{name}>' if name else 'DEFAULT'}"] if drop else []
    if plain or not blank:
        parts.append("INSERT DATA " + wrap(plain))
    if blank:
        parts.append(f"INSERT {wrap(blank)}\nWHERE {{}}")
    return " ;\n".join(parts)


def read_graphs(nquads: Path | str) -> dict[str | None, list[ox.Triple]]:
    """The triples of each graph of an N-Quads file (``None`` for the default graph)."""
    graphs: dict[str | None, dict[ox.Triple, None]] = {}
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        g = q.graph_name
        if isinstance(g, ox.DefaultGraph):
            key = None
        elif isinstance(g, ox.NamedNode):
            key = g.value
        else:
            raise PushError(f"{nquads}: a graph named by a blank node cannot be pushed")
        graphs.setdefault(key, {})[q.triple] = None  # a dict keeps the order and drops repeated quads
    return {k: list(v) for k, v in graphs.items()}


def push(
    nquads: Path | str,
    endpoint: str,
    *,
    graph_store: str | None = None,
    update_endpoint: str | None = None,
    batch_size: int = 10_000,
    prune: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    auth: Any = "env",
    timeout: float = 300.0,
) -> PushReport:
    """Load an N-Quads dataset into a SPARQL server, one named graph at a time, replacing each.

    With ``graph_store`` (a SPARQL 1.1 Graph Store Protocol URL) the first batch of a graph is
    PUT (which replaces the graph) and the others POSTed; otherwise SPARQL Update is sent to
    ``update_endpoint`` (default ``endpoint``): ``DROP SILENT GRAPH`` with the first
    ``INSERT DATA`` batch, then ``INSERT DATA``. A second push therefore replaces, never
    duplicates. With ``prune``, graphs under the project's graph namespace that the dataset no
    longer has are dropped. Afterwards the triple count of every graph is checked on ``endpoint``.

    Raises:
        PushError: a request failed, or the server does not hold what was sent.
    """
    if batch_size < 1:
        raise PushError("batch size must be positive")
    graphs = read_graphs(nquads)
    creds = credentials_from_env() if auth == "env" else auth
    total = sum(len(t) for t in graphs.values())
    done = 0
    requests = 0
    method = "graph-store" if graph_store else "update"
    target = graph_store or update_endpoint or endpoint
    report = (lambda d, m: progress(d, total, m)) if progress else (lambda d, m: None)

    def send(method_: str, url: str, *, params=None, content: bytes, content_type: str) -> None:
        nonlocal requests
        try:
            resp = http.request(method_, url, params=params, content=content, headers={"Content-Type": content_type})
        except httpx.HTTPError as exc:
            raise PushError(f"cannot reach {url}: {exc}") from None
        requests += 1
        if resp.status_code >= 300:
            raise PushError(f"{method_} {url} failed (HTTP {resp.status_code}): {_server_message(resp)}")

    update_limit = batch_size

    def send_update(name: str | None, batch: list[ox.Triple], drop: bool) -> None:
        """One batch by SPARQL Update; halved while the server finds the request too big to compile
        (Virtuoso turns each update into SQL, and refuses more than about 1,000 triples per request)."""
        nonlocal requests, update_limit
        if len(batch) > update_limit:  # the server refused a batch this big already: split it first
            parts = _batches(batch, update_limit)
            if len(parts) > 1:
                for j, part in enumerate(parts):
                    send_update(name, part, drop and j == 0)
                return
        update = _update_text(name, batch, drop=drop).encode("utf-8")
        try:
            resp = http.post(target, content=update, headers={"Content-Type": "application/sparql-update"})
        except httpx.HTTPError as exc:
            raise PushError(f"cannot reach {target}: {exc}") from None
        requests += 1
        if resp.status_code < 300:
            return
        halves = _batches(batch, max(1, len(batch) // 2)) if len(batch) > 1 else []
        if _TOO_BIG.search(resp.text) and len(halves) > 1:
            update_limit = min(update_limit, max(map(len, halves)))
            for j, half in enumerate(halves):
                send_update(name, half, drop and j == 0)
            return
        raise PushError(f"POST {target} failed (HTTP {resp.status_code}): {_server_message(resp)}")

    with _client(timeout, creds) as http:
        for name, triples in sorted(graphs.items(), key=lambda kv: kv[0] or ""):
            label = _curie(name) if name else "the default graph"
            batches = _batches(triples, batch_size)
            for i, batch in enumerate(batches):
                body = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
                if graph_store:
                    params = {"graph": name} if name else {"default": ""}
                    send("PUT" if i == 0 else "POST", graph_store, params=params, content=body,
                         content_type=N_TRIPLES)
                else:
                    send_update(name, batch, i == 0)
                done += len(batch)
                report(done, f"{label}: batch {i + 1}/{len(batches)}")
        store = RemoteStore(endpoint, default_graph="server", auth=creds, timeout=timeout)
        try:
            pruned: list[str] = []
            if prune:
                for g in sorted(set(store.graph_sizes()) - {k for k in graphs if k}):
                    if g.startswith(str(GRAPH)):
                        if graph_store:
                            try:
                                resp = http.delete(graph_store, params={"graph": g})
                            except httpx.HTTPError as exc:
                                raise PushError(f"cannot reach {graph_store}: {exc}") from None
                            requests += 1
                            if resp.status_code >= 300 and resp.status_code != 404:
                                raise PushError(f"DELETE {g} failed (HTTP {resp.status_code}): {_server_message(resp)}")
                        else:
                            send("POST", target, content=f"DROP SILENT GRAPH <{g}>".encode(),
                                 content_type="application/sparql-update")
                        pruned.append(g)
                        report(done, f"dropped {g}")
            sizes = store.graph_sizes()
        except QueryError as exc:
            raise PushError(f"pushed, but could not check the result on {endpoint}: {exc}") from None
        finally:
            store.close()
    wrong = [f"{g}: sent {len(t)}, server holds {sizes.get(g, 0)}" for g, t in graphs.items()
             if g is not None and sizes.get(g, 0) != len(t)]
    if wrong:
        raise PushMismatch("the server does not hold what was pushed:\n  " + "\n  ".join(wrong))
    return PushReport({g or "": len(t) for g, t in graphs.items()}, requests, method, pruned)


__all__ = ["RemoteStore", "TruncatedResult", "EndpointError", "PushError", "PushMismatch", "PushReport", "push",
           "credentials_from_env", "read_graphs"]
