"""Remote answers at the speed of the server: time graphkit's remote store against the Oxigraph
server and Virtuoso 7, side by side in one run, and print the A/B ratios (issue 17, deliverable 2).

    .venv/bin/python bench/servers.py --rows 100000 --repeats 3 [--only paging]

Starts, on loopback and in a temporary folder, an Oxigraph server with ``--union-default-graph``,
a plain Oxigraph server, Virtuoso with its stock cap (``ResultSetMaxRows`` 10,000) and Virtuoso with
the cap raised above the answer; loads the curated build and ``--rows`` synthetic labels into each,
then times (median of ``--repeats``, the runs of A and B alternating):

1. ``paged / one request``: the whole label table (``--rows`` rows, ordered and not) fetched by
   ``RemoteStore`` in pages of the server's cap (Virtuoso as installed: by key ranges, the default,
   and by offsets) against one request (the raised cap); and on Oxigraph, forced pages of 10,000
   rows (by offsets, the default there, and by key ranges) against one request.
2. ``named-graphs / server``: the fund and place look-ups and the other named queries with
   parameters in the two default-graph modes, on each server.
3. the push of the build, by the Graph Store protocol and by SPARQL Update.

Needs ``virtuoso-t`` and ``isql-vt`` (``./setup.sh --tests``) and the ``oxigraph`` binary of the dev
extras. Nothing is kept.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphkit.builder import build  # noqa: E402
from graphkit.queries import list_queries, run_query  # noqa: E402
from graphkit.store.remote import RemoteStore, push  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from conftest import start_oxigraph, start_virtuoso  # noqa: E402  (the servers the tests start)

BIG = "http://example.org/bench/big"
LABEL = "http://example.org/bench/label"
EXAMPLES = {"project": "project:impra", "name": "Cicsene", "fund": "fund:fami", "place": "country:FRA",
            "date": "2017-06-01", "network": "organisation:cop"}
def oxigraph(folder: Path | None, *args: str) -> tuple[subprocess.Popen, dict]:
    """An Oxigraph server (the tests' launcher): its process and its URLs."""
    location = ["--location", str(folder)] if folder else []
    proc, base = start_oxigraph(*location, *args)
    return proc, {"query": f"{base}/query", "store": f"{base}/store", "update": f"{base}/update"}


def virtuoso(folder: Path, cap: int) -> tuple[subprocess.Popen, dict]:
    """A Virtuoso server (the tests' launcher) with ``ResultSetMaxRows = cap``, more memory and a
    longer time limit than the tests give it; Update and Graph Store opened to SPARQL."""
    proc, base = start_virtuoso(folder, cap, buffers=100_000, max_seconds=300)
    return proc, {"query": f"{base}/sparql", "store": f"{base}/sparql-graph-crud", "update": f"{base}/sparql"}


def timed(fn, repeats: int) -> tuple[float, object]:
    """The median wall time of ``fn()`` over ``repeats`` runs, and its last result."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def ab(label: str, a, b, repeats: int) -> float:
    """Time A and B alternating; print both medians and B/A."""
    ta, tb = [], []
    ra = rb = None
    for _ in range(repeats):
        t, ra = timed(a, 1)
        ta.append(t)
        t, rb = timed(b, 1)
        tb.append(t)
    if ra != rb:
        raise AssertionError(f"{label}: A and B give different answers ({ra} / {rb})")
    ma, mb = statistics.median(ta), statistics.median(tb)
    print(f"| {label} | {ma:.3f} | {mb:.3f} | {mb / ma:.2f} |", flush=True)
    return mb / ma


def rows_of(endpoint: str, query: str, **options) -> int:
    """The number of rows (the answer is fetched whole)."""
    with RemoteStore(endpoint, default_graph="server", **options) as remote:
        return len(remote.select(query).rows)


def main() -> None:
    """Run the benchmark and print its tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", choices=["push", "paging", "modes"], action="append",
                    help="run only these tables (repeatable; default: all)")
    args = ap.parse_args()
    parts = set(args.only or ["push", "paging", "modes"])
    for tool in ("virtuoso-t", "isql-vt"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed: run ./setup.sh --tests")
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        try:
            out = tmp / "build" / "graph"
            build(ROOT / "data", out)
            nq = out / "dataset.nq"
            big = "".join(f'<http://example.org/bench/t{i:06d}> <{LABEL}> "label {i:06d}" .\n'
                          for i in range(args.rows)).encode()
            servers = {}
            for name, start in [("oxigraph-union", lambda: oxigraph(tmp / "ox-union", "--union-default-graph")),
                                ("oxigraph-plain", lambda: oxigraph(tmp / "ox-plain")),
                                ("virtuoso", lambda: virtuoso(tmp / "virtuoso", 10_000)),
                                ("virtuoso-uncapped", lambda: virtuoso(tmp / "virtuoso-uncapped", 10 * args.rows))]:
                proc, urls = start()
                procs.append(proc)
                servers[name] = urls

            if "push" in parts:
                print("\n### Push of the build (seconds)\n")
                print("| server | Graph Store | SPARQL Update | Update / Graph Store |")
                print("| --- | --- | --- | --- |")
            for name in ("oxigraph-union", "virtuoso") if "push" in parts else ():
                u = servers[name]
                t_gsp, _ = timed(lambda: push(nq, u["query"], graph_store=u["store"]), 1)
                t_upd, _ = timed(lambda: push(nq, u["query"], update_endpoint=u["update"]), 1)
                push(nq, u["query"], graph_store=u["store"])
                print(f"| {name} | {t_gsp:.2f} | {t_upd:.2f} | {t_upd / t_gsp:.1f} |", flush=True)
            for name in ("oxigraph-plain", "virtuoso-uncapped") if "push" in parts else servers:
                push(nq, servers[name]["query"], graph_store=servers[name]["store"])
            for name, u in servers.items():
                r = httpx.put(u["store"], params={"graph": BIG}, content=big, timeout=600, trust_env=False,
                              headers={"Content-Type": "application/n-triples"})
                r.raise_for_status()

            plain = f"SELECT ?s ?l WHERE {{ GRAPH <{BIG}> {{ ?s <{LABEL}> ?l }} }}"
            ordered = plain + " ORDER BY ?l"
            print(f"\n### {args.rows:,} rows: paged (B) against one request (A), median seconds\n")
            print("| answer | A: one request | B: paged | B / A |")
            print("| --- | --- | --- | --- |")
            vu, vc = servers["virtuoso-uncapped"]["query"], servers["virtuoso"]["query"]
            ox_q = servers["oxigraph-union"]["query"]
            for label, q in (("unordered", plain), ("ORDER BY", ordered)) if "paging" in parts else ():
                ab(f"Virtuoso, {label}: pages of its cap (10,000) / cap raised",
                   lambda: rows_of(vu, q), lambda: rows_of(vc, q), args.repeats)
                ab(f"Virtuoso, {label}: offset pages of its cap (`keyset=False`) / cap raised",
                   lambda: rows_of(vu, q), lambda: rows_of(vc, q, keyset=False), args.repeats)
                ab(f"Oxigraph, {label}: pages of 10,000 / one request",
                   lambda: rows_of(ox_q, q), lambda: rows_of(ox_q, q, page_size=10_000), args.repeats)
                ab(f"Oxigraph, {label}: key-range pages of 10,000 (`keyset=True`) / one request",
                   lambda: rows_of(ox_q, q), lambda: rows_of(ox_q, q, page_size=10_000, keyset=True), args.repeats)

            print("\n### Named queries: `named-graphs` mode (B) against `server` mode (A), median seconds\n")
            print("| server, query | A: server | B: named-graphs | B / A |")
            print("| --- | --- | --- | --- |")
            worst = 0.0
            for server, a_url, b_url in () if "modes" not in parts else (("Oxigraph", servers["oxigraph-union"]["query"],
                                          servers["oxigraph-plain"]["query"]),
                                         ("Virtuoso", vc, vc)):
                for q in list_queries():
                    if not q.params:
                        continue
                    params = {p.name: EXAMPLES[p.name] for p in q.params}

                    def run(url, mode, q=q, params=params):
                        with RemoteStore(url, default_graph=mode) as remote:
                            return len(run_query(remote, q, params).rows)

                    worst = max(worst, ab(f"{server}, {q.name}", lambda: run(a_url, "server"),
                                          lambda: run(b_url, "named-graphs"), args.repeats))
            print(f"\nworst named-graphs / server: {worst:.2f}")
        finally:
            for proc in procs:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()


if __name__ == "__main__":
    main()
