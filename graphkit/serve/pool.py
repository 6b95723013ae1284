"""Worker processes that run SPARQL queries for ``graphkit serve``, each killable on timeout.

An Oxigraph query running in a process cannot be cancelled, so each query runs in a worker
process holding its own in-memory copy of the dataset; a worker whose query outlives the timeout
is killed and replaced while the others go on serving. Measured (docs/decisions/0005): in memory,
queries run 3-7x faster than on Oxigraph's read-only on-disk store, and loading is paid once per
worker, off the request path.

A worker receives a :class:`Job` and answers with an :class:`Answer`: the serialised body in the
negotiated format (results are written inside the worker, capped at ``max_rows``), or an HTTP
status and message.
"""

from __future__ import annotations

import logging
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphkit.errors import GraphkitError

log = logging.getLogger("graphkit.serve")


@dataclass
class Job:
    """A query for a worker: the text, the Accept header or format name, the row cap (None: none), the
    parameters (graphkit's ``$name=value``) and the protocol's default and named graph IRIs."""

    query: str
    accept: str | None = None
    format: str | None = None
    max_rows: int | None = None
    params: dict[str, str] = field(default_factory=dict)  # graphkit extension: $name=value
    default_graphs: list[str] = field(default_factory=list)  # protocol: default-graph-uri
    named_graphs: list[str] = field(default_factory=list)  # protocol: named-graph-uri


@dataclass
class Answer:
    """A worker's answer: the HTTP status, the media type and body, the rows written and whether they
    were capped."""

    status: int
    media_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False


class QueryTimeout(GraphkitError):
    """The query ran longer than the timeout; its worker was killed (exit code 3)."""


class PoolBusy(GraphkitError):
    """No worker became free within the timeout (exit code 3)."""


class WorkerFailed(GraphkitError):
    """A worker died while running a query (out of memory, a crash; exit code 3)."""


class PoolStartFailed(GraphkitError, RuntimeError):
    """A query worker could not load the dataset, so the pool cannot start (exit code 3)."""


@dataclass
class DatasetInfo:
    """What a worker loaded: the number of triples, the triples of each named graph and the seconds it took."""

    triples: int
    graphs: dict[str, int]
    load_seconds: float


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


def execute(store: Any, job: Job) -> Answer:
    """Run one job on a pyoxigraph store and serialise its result (runs inside a worker)."""
    import pyoxigraph as ox

    from graphkit.namespaces import PREFIXES
    from graphkit.queries import bind, parse_header
    from graphkit.results import CannotSerialise, NotAcceptable, negotiate, write_boolean, write_select, write_triples
    from graphkit.store.sparqltext import has_service
    from graphkit.store import QueryError

    if has_service(job.query):
        return _error(400, "federated queries (SERVICE) are not allowed on this endpoint: it reads only the local graph")
    kwargs: dict[str, Any] = {"prefixes": PREFIXES}
    if job.default_graphs or job.named_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs] or ox.DefaultGraph()
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    try:
        if job.params:
            nq = parse_header(job.query, "query")
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in bind(nq, job.params).items()}
        result = store.query(job.query, **kwargs)
        if isinstance(result, ox.QuerySolutions):
            fmt = negotiate("results", job.accept, job.format)
            variables = [v.value for v in result.variables]
            rows = (tuple(sol) for sol in result)   # values in the order of the variables
            w = write_select(variables, rows, fmt, job.max_rows)
        elif isinstance(result, ox.QueryBoolean):
            w = write_boolean(bool(result), negotiate("results", job.accept, job.format))
        else:
            w = write_triples(result, negotiate("rdf", job.accept, job.format), job.max_rows)
    except SyntaxError as exc:
        return _error(400, f"malformed SPARQL: {exc}")
    except QueryError as exc:
        return _error(400, str(exc))
    except NotAcceptable as exc:
        return _error(406, str(exc))
    except CannotSerialise as exc:
        return _error(406, str(exc))
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        return _error(400, f"query failed: {exc}")
    return Answer(200, w.media_type, w.body, w.rows, w.truncated)


def _child() -> None:  # pragma: no cover - runs in a child process
    """Entry point of a worker process: ``python -c 'from graphkit.serve.pool import _child; _child()' FD NQUADS``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    _worker_main(Connection(int(sys.argv[1])), sys.argv[2])


def _worker_main(conn: Any, nquads: str) -> None:  # pragma: no cover - runs in a child process
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store()
    try:
        store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError, ValueError) as exc:
        conn.send(f"{type(exc).__name__}: {exc}")
        return
    sizes: dict[str, int] = {}
    for sol in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
        sizes[sol["g"].value] = int(sol["n"].value)
    conn.send(DatasetInfo(len(store), sizes, time.perf_counter() - start))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = execute(store, job)
        except Exception as exc:  # noqa: BLE001 - a worker must answer, whatever happens
            answer = _error(500, f"internal error: {type(exc).__name__}: {exc}")
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any


class WorkerPool:
    """``workers`` processes, each with the dataset in memory; ``run`` is thread-safe.

    Args:
        nquads: the dataset (``build/graph/dataset.nq``).
        workers: how many queries run at once.
        timeout: seconds a query may run (and may wait for a free worker).
        load_timeout: seconds a worker may take to load the dataset.
    """

    def __init__(self, nquads: Path | str, workers: int = 2, timeout: float = 30.0, load_timeout: float = 600.0):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.nquads = str(nquads)
        self.size = workers
        self.timeout = timeout
        self.load_timeout = load_timeout
        self.info: DatasetInfo | None = None
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()  # type: ignore[type-var]
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0  # workers killed on timeout (for tests and logs)

    def _spawn(self) -> _Worker:
        # a plain subprocess rather than multiprocessing's spawn, which would re-import the caller's
        # __main__ (a notebook, pytest) in every worker
        mine, theirs = socket.socketpair()
        p = subprocess.Popen(
            [sys.executable, "-c", "from graphkit.serve.pool import _child; _child()", str(theirs.fileno()), self.nquads],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
        )
        theirs.close()
        parent = Connection(mine.detach())
        if not parent.poll(self.load_timeout):
            p.kill()
            p.wait()
            parent.close()
            raise PoolStartFailed(f"a query worker did not load {self.nquads} within {self.load_timeout:g} s")
        try:
            info = parent.recv()
        except (EOFError, OSError):
            parent.close()
            raise PoolStartFailed(f"a query worker failed to load {self.nquads} (exit code {p.wait()})") from None
        if isinstance(info, str):  # the worker's own report of why it could not load
            parent.close()
            p.wait()
            raise PoolStartFailed(f"a query worker could not load {self.nquads}: {info}")
        self.info = info
        w = _Worker(p, parent)
        with self._lock:
            self._all.add(w)
        return w

    def start(self) -> "WorkerPool":
        """Start the workers and wait until each has loaded the dataset."""
        threads = []
        errors: list[Exception] = []

        def one() -> None:
            try:
                self._idle.put(self._spawn())
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        for _ in range(self.size):
            t = threading.Thread(target=one, daemon=True)
            t.start()
            threads.append(t)
        for t in threads:
            t.join()
        if errors:
            self.close()
            raise errors[0]
        return self

    def _discard(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
        try:
            w.process.kill()
            w.process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        w.conn.close()

    def _replace(self) -> None:
        def go() -> None:
            if self._closed:
                return
            try:
                w = self._spawn()
            except Exception as exc:  # noqa: BLE001
                log.error("could not replace a query worker: %s", exc)
                return
            if self._closed:
                self._discard(w)
            else:
                self._idle.put(w)

        threading.Thread(target=go, daemon=True).start()

    def run(self, job: Job) -> Answer:
        """Run a job on a free worker.

        Raises:
            PoolBusy: no worker was free within the timeout.
            QueryTimeout: the query ran longer than the timeout (its worker is killed and replaced).
            WorkerFailed: the worker died (it is replaced).
        """
        if self._closed:
            raise WorkerFailed("the server is shutting down")
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                w = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise PoolBusy(f"every query worker stayed busy for {self.timeout:g} s") from None
            if w.process.poll() is None:
                break
            self._discard(w)  # died while idle (killed from outside): replace it, take another
            self._replace()
        healthy = False
        try:
            started = time.monotonic()
            w.conn.send(job)  # the query gets the whole timeout, whatever it waited for a worker
            if not w.conn.poll(self.timeout):
                log.warning("query timed out after %.1f s; killing its worker", time.monotonic() - started)
                self.killed += 1
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
            answer = w.conn.recv()
            healthy = True
            return answer
        except (EOFError, OSError, BrokenPipeError):
            raise WorkerFailed("the query stopped its worker (out of memory?); it was restarted") from None
        finally:
            if healthy:
                self._idle.put(w)
            else:
                self._discard(w)
                self._replace()

    def close(self) -> None:
        """Stop the pool: no worker is replaced any more, and every worker is killed."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for w in workers:
            self._discard(w)
