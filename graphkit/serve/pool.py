"""Worker processes that run SPARQL queries for ``graphkit serve``: killable, memory-capped, in two lanes.

An Oxigraph query running in a process cannot be cancelled, so each query runs in a worker
process holding its own in-memory copy of the dataset; a worker whose query outlives the timeout
is killed and replaced while the others go on serving (decision 0007). Measured there: in memory,
queries run 3-7x faster than on Oxigraph's read-only on-disk store, and loading is paid once per
worker, off the request path.

Light and heavy queries are kept apart (decision 0021). Every query starts in the *light lane*,
which has one worker per core. A query that runs longer than the light budget (``light_budget``
seconds) is *demoted*: its worker process moves, query and all, to the *heavy lane* and is given
a low CPU priority (nice 10), and a spare worker, already loaded, takes its place in the light
lane at once. The heavy lane runs at most ``heavy`` queries at once; a query that would exceed it
is stopped with :class:`HeavyBusy`. A query text once demoted is remembered and goes straight to
the heavy lane the next time, so a client repeating a heavy query never holds a light worker
again. Each worker's address space is capped (``RLIMIT_AS``) at what it needed to load the dataset
plus ``memory_limit_mb``; a query that needs more is stopped by the kernel's refusal to allocate,
and reported as :class:`MemoryLimitExceeded`.

A worker receives a :class:`Job` and answers with an :class:`Answer`: the serialised body in the
negotiated format (results are written inside the worker, capped at ``max_rows``), or an HTTP
status and message.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from graphkit.errors import GraphkitError

log = logging.getLogger("graphkit.serve")

HEAVY_NICE = 10  # a heavy query yields the CPU to light ones (CFS weight 110 against 1024), yet goes on
RDF_FORMAT_NAMES = {"xml": "rdfxml", "json": "jsonld"}  # format= names of result formats, for graphs
REMEMBERED_HEAVY = 1024
MIN_QUEUE_WAIT = 10.0  # seconds a query may wait for a light worker, at least (a short --timeout bounds runs, not waits)  # query texts remembered as heavy (least recently seen forgotten first)


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

    def key(self) -> str:
        """What identifies the query for the heavy lane's memory: its text and graphs, whitespace folded."""
        text = " ".join(self.query.split()) + "\x00" + "\x00".join(self.default_graphs + ["|"] + self.named_graphs)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


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


class HeavyBusy(PoolBusy):
    """The query outran the light budget while the heavy lane was full; it was stopped (exit code 3)."""


class WorkerFailed(GraphkitError):
    """A worker died while running a query (a crash; exit code 3)."""


class MemoryLimitExceeded(WorkerFailed):
    """The query needed more memory than a worker may take; its worker was stopped (exit code 3)."""


class PoolStartFailed(GraphkitError, RuntimeError):
    """A query worker could not load the dataset, so the pool cannot start (exit code 3)."""


@dataclass
class DatasetInfo:
    """What a worker loaded: the number of triples, the triples of each named graph and the seconds it took."""

    triples: int
    graphs: dict[str, int]
    load_seconds: float


def machine_cores() -> int:
    """The cores this process may run on (its CPU affinity; ``os.cpu_count()`` where that is unknown)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


MAX_DEFAULT_WORKERS = 8  # each worker holds the graph in memory: more cores do not mean more copies by default
MAX_DEFAULT_HEAVY = 4


def default_workers() -> int:
    """Light queries run at once by default: one per core, at most ``MAX_DEFAULT_WORKERS``."""
    return min(machine_cores(), MAX_DEFAULT_WORKERS)


def default_heavy() -> int:
    """Heavy queries run at once by default: half the cores, at least one, at most ``MAX_DEFAULT_HEAVY``."""
    return max(1, min(MAX_DEFAULT_HEAVY, machine_cores() // 2))


def machine_memory_mb() -> int | None:
    """The machine's memory in MiB, or None where it cannot be read."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (AttributeError, OSError, ValueError):
        return None


def default_memory_limit_mb(processes: int) -> int:
    """Memory a query may take in each worker by default: half the machine shared among the worker
    processes, between 256 MiB and 4 GiB (1 GiB when the machine's memory is unknown)."""
    total = machine_memory_mb()
    if total is None:
        return 1024
    return max(256, min(4096, total // 2 // max(1, processes)))


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
    try:
        if job.default_graphs or job.named_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs] or ox.DefaultGraph()
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
    except ValueError as exc:
        return _error(400, f"a default-graph-uri or named-graph-uri is not an IRI: {exc}")
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
            # SPARQLWrapper asks for CONSTRUCT and DESCRIBE answers with format=xml (RDF/XML) or json (JSON-LD)
            fmt_name = RDF_FORMAT_NAMES.get((job.format or "").lower(), job.format)
            w = write_triples(result, negotiate("rdf", job.accept, fmt_name), job.max_rows)
    except SyntaxError as exc:
        return _error(400, f"malformed SPARQL: {exc}")
    except QueryError as exc:
        return _error(400, str(exc))
    except NotAcceptable as exc:
        return _error(406, str(exc))
    except CannotSerialise as exc:
        return _error(406, str(exc))
    except MemoryError:
        return _error(503, "the query needed more memory than a query may take on this server and was stopped")
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        return _error(400, f"query failed: {exc}")
    return Answer(200, w.media_type, w.body, w.rows, w.truncated)


def _exit_with_parent(every: float = 0.5) -> None:  # pragma: no cover - runs in a child process
    """Exit as soon as the server that started this worker is gone, even mid-query (pyoxigraph lets
    other threads run while it evaluates), so no query outlives a server that was killed."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="graphkit-parent-watch").start()


def _child() -> None:  # pragma: no cover - runs in a child process
    """Entry point of a worker process: ``python -c 'from graphkit.serve.pool import _child; _child()' FD NQUADS MB``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    _exit_with_parent()
    _worker_main(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux), 0 where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(extra_mb: int) -> None:  # pragma: no cover - runs in a child process
    """Cap this process's address space at its size now plus ``extra_mb`` MiB (0: no cap)."""
    import resource

    size = _address_space()
    if extra_mb <= 0 or size == 0:
        return
    limit = size + extra_mb * 2**20
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError) as exc:
        log.warning("could not cap a query worker's memory: %s", exc)


def _worker_main(conn: Any, nquads: str, memory_limit_mb: int = 0) -> None:  # pragma: no cover - in a child
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
    # import what answering needs before capping the memory, so the cap is left to the queries
    execute(store, Job("ASK {}", format="json"))
    _limit_memory(memory_limit_mb)
    conn.send(DatasetInfo(len(store), sizes, time.perf_counter() - start))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = execute(store, job)
        except MemoryError:
            answer = _error(503, "the query needed more memory than a query may take on this server and was stopped")
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
    heavy: bool = False


class WorkerPool:
    """Worker processes with the dataset in memory, in a light and a heavy lane; ``run`` is thread-safe.

    Args:
        nquads: the dataset (``build/graph/dataset.nq``).
        workers: queries that run at once in the light lane (default: one per core, at most 8).
        timeout: seconds a query may run (and may wait for a free worker).
        load_timeout: seconds a worker may take to load the dataset.
        heavy: heavy queries that run at once (default: half the cores, at least one, at most 4).
        light_budget: seconds a query may run in the light lane before it is moved to the heavy lane.
        memory_limit_mb: memory a query may take in a worker, beyond the loaded dataset (default:
            half the machine's memory shared among the workers; 0: no limit).
        spares: loaded workers kept ready to replace a demoted one at once.
        queue_wait: seconds a query may wait for a free light worker (default: the timeout, at least
            10 s: many clients at once may have to wait longer than a short timeout lets a query run).
    """

    def __init__(self, nquads: Path | str, workers: int | None = None, timeout: float = 30.0,
                 load_timeout: float = 600.0, *, heavy: int | None = None, light_budget: float = 1.0,
                 memory_limit_mb: int | None = None, spares: int = 1, queue_wait: float | None = None):
        workers = default_workers() if workers is None else workers
        heavy = default_heavy() if heavy is None else heavy
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if heavy < 0 or spares < 0:
            raise ValueError("heavy and spares must not be negative")
        if light_budget <= 0:
            raise ValueError("the light budget must be positive")
        self.nquads = str(nquads)
        self.size = workers
        self.heavy = heavy
        self.spares = spares
        self.timeout = timeout
        self.light_budget = light_budget
        self.queue_wait = max(timeout, MIN_QUEUE_WAIT) if queue_wait is None else queue_wait
        self.load_timeout = load_timeout
        processes = workers + heavy + spares
        self.memory_limit_mb = default_memory_limit_mb(processes) if memory_limit_mb is None else memory_limit_mb
        self.info: DatasetInfo | None = None
        self._idle: queue.Queue[_Worker] = queue.Queue()        # the light lane's free workers
        self._heavy_idle: queue.Queue[_Worker] = queue.Queue()  # the heavy lane's free workers
        self._spare: queue.Queue[_Worker] = queue.Queue()       # loaded, waiting to join the light lane
        self._heavy_slots = threading.BoundedSemaphore(heavy) if heavy else None
        self._heavy_keys: OrderedDict[str, None] = OrderedDict()
        self._all: set[_Worker] = set()  # type: ignore[type-var]
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0      # workers killed on timeout (for tests and logs)
        self.demoted = 0     # queries moved to the heavy lane
        self.refused_heavy = 0  # queries stopped because the heavy lane was full

    # --- processes --------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        # a plain subprocess rather than multiprocessing's spawn, which would re-import the caller's
        # __main__ (a notebook, pytest) in every worker
        mine, theirs = socket.socketpair()
        p = subprocess.Popen(
            [sys.executable, "-c", "from graphkit.serve.pool import _child; _child()", str(theirs.fileno()),
             self.nquads, str(self.memory_limit_mb)],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env={**os.environ, "RUST_BACKTRACE": "0"},
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
        """Start the light lane's workers and the spares, and wait until each has loaded the dataset."""
        threads = []
        errors: list[Exception] = []

        def one(target: queue.Queue) -> None:
            try:
                target.put(self._spawn())
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        for target in [self._idle] * self.size + [self._spare] * self.spares:
            t = threading.Thread(target=one, args=(target,), daemon=True)
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

    def _in_background(self, target: queue.Queue) -> None:
        """Start a worker in the background and put it in ``target`` once loaded."""
        def go() -> None:
            if self._closed:
                return
            try:
                w = self._spawn()
            except Exception as exc:  # noqa: BLE001
                log.error("could not start a query worker: %s", exc)
                return
            if self._closed:
                self._discard(w)
            else:
                target.put(w)

        threading.Thread(target=go, daemon=True).start()

    def _replace(self) -> None:
        """A light worker was lost: a spare takes its place at once if one is ready, else a new one is started."""
        try:
            w = self._spare.get_nowait()
        except queue.Empty:
            self._in_background(self._idle)
            return
        self._idle.put(w)
        self._in_background(self._spare)

    @staticmethod
    def _renice(w: _Worker) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, w.process.pid, HEAVY_NICE)
        except (AttributeError, OSError) as exc:
            log.warning("could not lower a heavy query's priority: %s", exc)

    # --- queries -------------------------------------------------------------------------------

    def is_heavy(self, job: Job) -> bool:
        """Whether this query was demoted before (it then goes straight to the heavy lane)."""
        with self._lock:
            return job.key() in self._heavy_keys

    def _remember_heavy(self, job: Job) -> None:
        with self._lock:
            self._heavy_keys[job.key()] = None
            self._heavy_keys.move_to_end(job.key())
            while len(self._heavy_keys) > REMEMBERED_HEAVY:
                self._heavy_keys.popitem(last=False)

    def _take(self, lane: queue.Queue, deadline: float, busy: str) -> _Worker:
        while True:
            try:
                w = lane.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise PoolBusy(busy) from None
            if w.process.poll() is None:
                return w
            self._discard(w)  # died while idle (killed from outside): replace it, take another
            if not w.heavy:
                self._replace()

    def _lost(self, w: _Worker) -> WorkerFailed:
        """The error for a worker that died during a query (its exit tells out of memory from a crash)."""
        try:
            code = w.process.wait(5)
        except subprocess.TimeoutExpired:
            code = None
        if code == -signal.SIGABRT or code == -signal.SIGKILL:  # Rust aborts when an allocation is refused
            return MemoryLimitExceeded(
                f"the query needed more than the {self.memory_limit_mb} MiB of memory a query may take on this "
                "server and was stopped (graphkit serve --memory-limit)")
        return WorkerFailed(f"the query stopped its worker (exit code {code}); the worker was restarted")

    def run(self, job: Job) -> Answer:
        """Run a job: in the light lane, moved to the heavy lane if it outruns the light budget.

        Raises:
            PoolBusy: no worker was free within the timeout.
            HeavyBusy: the query outran the light budget while the heavy lane was full.
            QueryTimeout: the query ran longer than the timeout (its worker is killed and replaced).
            MemoryLimitExceeded: the query needed more memory than a worker may take.
            WorkerFailed: the worker died (it is replaced).
        """
        if self._closed:
            raise WorkerFailed("the server is shutting down")
        if self._heavy_slots is not None and self.is_heavy(job):
            return self._run_heavy(job)
        deadline = time.monotonic() + self.queue_wait
        w = self._take(self._idle, deadline, f"every query worker stayed busy for {self.queue_wait:g} s")
        healthy = False
        demoted = False
        try:
            started = time.monotonic()
            w.conn.send(job)  # the query gets the whole timeout, whatever it waited for a worker
            budget = min(self.light_budget, self.timeout)
            if not w.conn.poll(budget) and self._heavy_slots is not None and self.timeout > budget:
                self._remember_heavy(job)
                if not self._heavy_slots.acquire(blocking=False):
                    self.refused_heavy += 1
                    raise HeavyBusy(f"the server is already running {self.heavy} heavy quer"
                                    f"{'y' if self.heavy == 1 else 'ies'}, and this one ran longer than the "
                                    f"{self.light_budget:g} s of a light query, so it was stopped; try again later")
                demoted = True
                self.demoted += 1
                w.heavy = True
                self._renice(w)
                self._replace()  # a spare takes the light lane's place at once
                remaining = self.timeout - (time.monotonic() - started)
            else:
                remaining = self.timeout - (time.monotonic() - started)
            answer = self._answer(w, remaining, started, "query")
            healthy = True
            return answer
        except (EOFError, OSError, BrokenPipeError):
            raise self._lost(w) from None
        finally:
            if demoted:
                assert self._heavy_slots is not None
                self._heavy_slots.release()
                self._settle_heavy(w, healthy)
            elif healthy:
                self._idle.put(w)
            else:
                self._discard(w)
                self._replace()

    def _answer(self, w: _Worker, wait: float, started: float, what: str) -> Answer:
        """The worker's answer within ``wait`` seconds; past it, a :class:`QueryTimeout` (the caller
        discards the worker, which kills it)."""
        if not w.conn.poll(max(0.0, wait)):
            log.warning("%s timed out after %.1f s; killing its worker", what, time.monotonic() - started)
            self.killed += 1
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
        return w.conn.recv()

    def _settle_heavy(self, w: _Worker, healthy: bool) -> None:
        """A heavy worker finished: keep it for the next heavy query, unless the lane has enough."""
        if healthy and self._heavy_idle.qsize() < self.heavy:
            self._heavy_idle.put(w)
        else:
            self._discard(w)

    def _run_heavy(self, job: Job) -> Answer:
        """Run a query known to be heavy in the heavy lane (waiting, up to the timeout, for a place)."""
        assert self._heavy_slots is not None
        if not self._heavy_slots.acquire(timeout=self.timeout):
            raise HeavyBusy(f"the heavy queries' lane stayed busy for {self.timeout:g} s; try again later")
        healthy = False
        w: _Worker | None = None
        try:
            try:
                w = self._heavy_idle.get_nowait()
                if w.process.poll() is not None:
                    self._discard(w)
                    w = None
            except queue.Empty:
                w = None
            if w is None:
                try:
                    w = self._spare.get_nowait()
                    self._in_background(self._spare)
                except queue.Empty:
                    w = self._spawn()
                w.heavy = True
                self._renice(w)
            started = time.monotonic()
            w.conn.send(job)
            answer = self._answer(w, self.timeout, started, "heavy query")
            healthy = True
            return answer
        except (EOFError, OSError, BrokenPipeError):
            raise self._lost(w) from None  # type: ignore[arg-type]
        finally:
            self._heavy_slots.release()
            if w is not None:
                self._settle_heavy(w, healthy)

    def close(self) -> None:
        """Stop the pool: no worker is replaced any more, and every worker is killed."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for w in workers:
            self._discard(w)
