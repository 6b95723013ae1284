"""The measured steps of the benchmark, each run in its own process by ``bench/run.py``.

Every task prints one JSON object (its figures) as the last line of its standard output, so the
runner can measure the process from outside (wall time, peak memory through ``os.wait4``) and
read what it measured inside (per step). Run one by hand to look at a single figure::

    .venv/bin/python bench/tasks.py queries --nq build/bench/n1000/graph/dataset.nq --data build/bench/n1000/records

Tasks: ``synth``, ``build``, ``load``, ``queries`` (Oxigraph, in memory or on disk), ``rdflib``
(the same queries on rdflib's engine, each cut at a timeout), ``network`` (organisation
projection, metrics, map) and ``browser`` (a map opened in headless Chromium).
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOP_MAP_NODES = 5000


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result), flush=True)


# ---------------------------------------------------------------------------------- parameters

def query_params(records: Path) -> dict[str, dict[str, str]]:
    """Parameters of every named query that takes some, chosen in the synthetic records: a hub
    organisation like COP (popularity rank 5), one project, the middle fund, Piemonte, a day."""
    with (records / "organisations.jsonl").open(encoding="utf-8") as fh:
        orgs = [json.loads(next(fh)) for _ in range(6)]
    hub = orgs[5]
    return {
        "network-members": {"network": "organisation:" + orgs[0]["id"]},
        "organisation-evidence": {"name": hub.get("acronym", hub["name"]).lower()},
        "organisation-projects": {"name": hub["name"].upper()},
        "project-participants": {"project": "project:syn-0000042"},
        "projects-active-on": {"date": "2017-06-01"},
        "projects-by-fund": {"fund": "fund:syn-fund-1"},
        "projects-in-place": {"place": "nuts:ITC1"},
    }


def named_queries() -> list:
    from graphkit.queries import list_queries

    return list_queries()


# ---------------------------------------------------------------------------------- tasks

def task_synth(a: argparse.Namespace) -> dict[str, Any]:
    from graphkit.synth import synthesize

    t = time.perf_counter()
    s = synthesize(a.projects, a.seed, out_dir=a.out)
    return {"seconds": time.perf_counter() - t, "projects": s.projects, "organisations": s.organisations,
            "participations": s.participations, "bytes": sum(p.stat().st_size for p in Path(a.out).iterdir())}


def task_build(a: argparse.Namespace) -> dict[str, Any]:
    from graphkit.builder import build

    t0 = time.perf_counter()
    phases: list[tuple[str, float]] = []

    def progress(message: str) -> None:
        if not message.startswith("  "):
            phases.append((message, time.perf_counter() - t0))

    s = build(a.data, a.out, add_data=a.add_data or (), docs=False, progress=progress, store=a.store,
              nquads=not a.no_nquads, store_checks=not a.no_store_checks)
    total = time.perf_counter() - t0
    steps = {}
    for (name, start), (_, end) in zip(phases, phases[1:] + [("end", total)]):
        steps[name] = round(end - start, 3)
    return {"seconds": total, "steps": steps, "triples": s.triples, "projects": s.projects,
            "store_checks": not a.no_store_checks,
            "organisations": s.organisations, "participations": s.participations,
            "nquads_bytes": (Path(a.out) / "dataset.nq").stat().st_size if not a.no_nquads else None,
            "store_bytes": sum(f.stat().st_size for f in (Path(a.out) / "store").rglob("*") if f.is_file())}


def _open(a: argparse.Namespace):
    from graphkit.store import EmbeddedStore

    t = time.perf_counter()
    if a.store_dir:
        store = EmbeddedStore.open_disk(a.store_dir)
    else:
        store = EmbeddedStore()
        store.load_nquads(a.nq)
    return store, time.perf_counter() - t


def task_load(a: argparse.Namespace) -> dict[str, Any]:
    store, seconds = _open(a)
    return {"seconds": seconds, "quads": len(store)}


def _median_run(fn, repeats: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def task_queries(a: argparse.Namespace) -> dict[str, Any]:
    from graphkit.queries import bind, plain_rows

    store, load = _open(a)
    params = query_params(Path(a.records))
    out: dict[str, Any] = {"load_seconds": load, "queries": {}}
    for q in named_queries():
        if a.only and q.name != a.only:
            continue
        binds = bind(q, params.get(q.name, {}))
        totals, engines = [], []
        for _ in range(a.repeats):
            # the same work as `graphkit query`: run (rows of terms), then turn the terms into plain values
            t0 = time.perf_counter()
            res = store.select(q.text, binds)
            t1 = time.perf_counter()
            rows = plain_rows(res)
            t2 = time.perf_counter()
            engines.append(t1 - t0)
            totals.append(t2 - t0)
        out["queries"][q.name] = {"seconds": statistics.median(totals), "rows": len(rows),
                                  "engine_seconds": statistics.median(engines)}
    return out


class _Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise _Timeout()


def task_rdflib(a: argparse.Namespace) -> dict[str, Any]:
    """The named queries on rdflib's own engine over an in-memory Dataset (default graph = union)."""
    from rdflib import Dataset, Literal, URIRef
    from rdflib.namespace import XSD

    from graphkit.namespaces import sparql_prologue
    from graphkit.queries import bind

    t = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(a.nq, format="nquads")
    load = time.perf_counter() - t
    params = query_params(Path(a.records))
    prologue = sparql_prologue()
    out: dict[str, Any] = {"load_seconds": load, "quads": len(ds), "queries": {}}
    signal.signal(signal.SIGALRM, _alarm)

    def to_rdflib(term):
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        dt = term.datatype.value if term.datatype else None
        return Literal(term.value, datatype=URIRef(dt) if dt and dt != str(XSD.string) else None)

    for q in named_queries():
        binds = {k: to_rdflib(v) for k, v in bind(q, params.get(q.name, {})).items()}
        signal.alarm(a.timeout)
        t = time.perf_counter()
        try:
            rows = len(list(ds.query(prologue + q.text, initBindings=binds)))
            seconds = time.perf_counter() - t
            out["queries"][q.name] = {"seconds": seconds, "rows": rows}
        except _Timeout:
            out["queries"][q.name] = {"seconds": None, "timeout": a.timeout}
        except Exception as exc:  # rdflib's engine cannot run some queries (engines differ, DESIGN §10)
            out["queries"][q.name] = {"seconds": None, "error": f"{type(exc).__name__}: {exc}"[:200]}
        finally:
            signal.alarm(0)
    return out


def task_network(a: argparse.Namespace) -> dict[str, Any]:
    from graphkit import metrics
    from graphkit.maps import reduce_network, write_map
    from graphkit.network import organisation_network

    store, load = _open(a)
    out: dict[str, Any] = {"load_seconds": load}
    # weights only (what the metrics need, and what `graphkit network` builds), then in full
    # (links with their projects, roles and dates: what the map shows)
    t = time.perf_counter()
    w = organisation_network(store, detail="weights")
    out["weights_seconds"] = time.perf_counter() - t
    t = time.perf_counter()
    g = organisation_network(store)
    out["projection_seconds"] = time.perf_counter() - t
    out["nodes"], out["edges"] = g.number_of_nodes(), g.number_of_edges()
    # the pair counts alone, aggregated in SPARQL: the query the projection runs without a role
    # filter (queries/network/organisation-pairs-any-role.rq)
    from graphkit.network.filters import Filters, filtered_query

    text, binds = filtered_query("organisation-pairs-any-role", Filters(), ("role_a", "role_b"))
    t = time.perf_counter()
    pairs = store.select(text, binds)
    out["pairs_query_seconds"] = time.perf_counter() - t
    out["pairs"] = len(pairs.rows)
    signal.signal(signal.SIGALRM, _alarm)
    out["metrics"] = {}
    out["betweenness_sources"] = metrics.betweenness_sample(w)
    for name in ("degree", "weighted-degree", "component", "community", "betweenness"):
        signal.alarm(a.timeout)
        t = time.perf_counter()
        try:
            metrics.compute(w, name, seed=0)
            out["metrics"][name] = time.perf_counter() - t
        except _Timeout:
            out["metrics"][name] = None
        finally:
            signal.alarm(0)
    # the map: the whole network up to TOP_MAP_NODES organisations; above, those of highest
    # weighted degree, and with --backbone each keeps only its strongest links (tooltips: 20 projects)
    t = time.perf_counter()
    m = reduce_network(g, TOP_MAP_NODES, a.backbone) if g.number_of_nodes() > TOP_MAP_NODES else g
    out["map_reduce_seconds"] = time.perf_counter() - t
    out["map_nodes"], out["map_edges"] = m.number_of_nodes(), m.number_of_edges()
    signal.alarm(a.timeout)
    t = time.perf_counter()
    try:
        path = write_map(m, Path(a.map_out), index=False)
        out["map_seconds"] = time.perf_counter() - t
        out["map_bytes"] = path.stat().st_size
        out["map_path"] = str(path)
    except _Timeout:
        out["map_seconds"] = None
    finally:
        signal.alarm(0)
    return out


def task_browser(a: argparse.Namespace) -> dict[str, Any]:
    """Open a map in headless Chromium: seconds until the network is drawn, then a search and a filter."""
    from graphkit.browser import Chromium

    out: dict[str, Any] = {}
    t = time.perf_counter()
    with Chromium() as b:
        b.timeout = a.timeout
        out["start_seconds"] = time.perf_counter() - t
        t = time.perf_counter()
        b.open(Path(a.map), ready="typeof window.network === 'object'")
        b.wait_for("(function(){ if (!window.__gkDrawn) { window.__gkDrawn = 0; "
                   "network.once('afterDrawing', function(){ window.__gkDrawn = 1; }); network.redraw(); } "
                   "return window.__gkDrawn === 1; })()", timeout=a.timeout)
        out["open_seconds"] = time.perf_counter() - t
        out["nodes"] = b.evaluate("network.body.data.nodes.length")
        out["edges"] = b.evaluate("network.body.data.edges.length")
        t = time.perf_counter()
        b.evaluate("graphkitMap.setRoles(['lead'])")
        out["filter_seconds"] = time.perf_counter() - t
        t = time.perf_counter()
        b.evaluate("network.fit(); network.redraw(); true")
        out["redraw_seconds"] = time.perf_counter() - t
        out["errors"] = list(getattr(b, "errors", []))[:5]
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="task", required=True)
    s = sub.add_parser("synth")
    s.add_argument("--projects", type=int, required=True)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--out", required=True)
    b = sub.add_parser("build")
    b.add_argument("--data", required=True)
    b.add_argument("--add-data", action="append")
    b.add_argument("--out", required=True)
    b.add_argument("--store", default="disk")
    b.add_argument("--no-nquads", action="store_true")
    b.add_argument("--no-store-checks", action="store_true")
    for name in ("load", "queries", "rdflib", "network"):
        p = sub.add_parser(name)
        p.add_argument("--nq")
        p.add_argument("--store-dir")
        p.add_argument("--records")
        p.add_argument("--repeats", type=int, default=3)
        p.add_argument("--timeout", type=int, default=120)
        p.add_argument("--map-out")
        p.add_argument("--backbone", type=int, default=0, help="links kept per organisation on the map (0: all)")
        p.add_argument("--only", help="queries: run only this named query")
    br = sub.add_parser("browser")
    br.add_argument("--map", required=True)
    br.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args(argv)
    emit(globals()[f"task_{a.task}"](a))


if __name__ == "__main__":
    sys.exit(main())
