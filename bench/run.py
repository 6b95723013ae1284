"""The scale benchmark: how graphkit's cost grows with the number of projects.

One command::

    .venv/bin/python bench/run.py                       # N = 1,000, 10,000 and 100,000 projects
    .venv/bin/python bench/run.py --sizes 1000 --no-browser        # a quick look
    .venv/bin/python bench/run.py --with-1m             # also 1,000,000 projects (about an hour)

For each N it generates synthetic records (``graphkit synth``), then measures, each step in its
own process (wall time, and peak memory from the operating system through ``os.wait4``):

- build: records -> validated -> N-Quads -> the on-disk Oxigraph store (the streaming build;
  from ``--store-checks-max`` projects on without the whole-store checks, which are then timed
  with the named queries);
- load: the built N-Quads into an in-memory Oxigraph store;
- every named query (median of ``--repeats`` runs, rows turned into plain values as
  ``graphkit query`` does) on the in-memory store and on the on-disk store;
- the organisation-organisation projection, with weights only (pairs by a sparse product) and
  in full (pair counts aggregated in SPARQL, every link's details), the metrics, the map (the
  whole network, or its 5,000 organisations of highest weighted degree), and the
  map opened in headless Chromium (seconds until drawn, then a filter);
- the same named queries on rdflib's in-memory engine, for N up to ``--rdflib-max``, each cut
  at ``--rdflib-timeout`` seconds (reported as "> T s"), with the ratio to Oxigraph.

Results go to ``build/bench/results.json`` and ``results.md`` after every size (a partial run
keeps what it measured) and the table to ``docs/benchmarks.md`` between its markers. Not run by
the test suite: the machine is shared and the large sizes take long.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TASKS = Path(__file__).resolve().parent / "tasks.py"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
GIB = 1024 ** 3
LOOKUP_TARGET, WHOLE_TARGET, MAP_TARGET = 1.0, 10.0, 5.0


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run_task(args: list[str], timeout: float | None = None) -> dict[str, Any]:
    """Run ``bench/tasks.py ARGS`` in a child process: its JSON, wall seconds, peak RSS (bytes)."""
    cmd = [sys.executable, str(TASKS), *args]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return {"error": f"killed after {timeout:.0f} s", "wall": time.perf_counter() - t,
                    "peak_rss": usage.ru_maxrss * 1024, "timeout": True}
        time.sleep(0.05)
    wall = time.perf_counter() - t
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    result: dict[str, Any] = {"wall": wall, "peak_rss": usage.ru_maxrss * 1024,
                              "cpu": usage.ru_utime + usage.ru_stime}
    if proc.returncode != 0:
        result["error"] = (err.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        log(f"  task {args[0]} failed: {result['error']}")
        return result
    lines = [x for x in out.splitlines() if x.startswith("{")]
    result.update(json.loads(lines[-1]) if lines else {"error": "no result"})
    return result


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine() -> dict[str, Any]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 ** 2:.1f} GiB"
    except (OSError, StopIteration):
        pass
    versions = {p: metadata.version(p) for p in ("pyoxigraph", "rdflib", "networkx", "pyvis", "pydantic")}
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chrome_version = ""
    if chromium:
        try:
            chrome_version = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", "versions": versions, "chromium": chrome_version,
            "date": time.strftime("%Y-%m-%d %H:%M")}


# ---------------------------------------------------------------------------------------- one size

def measure(n: int, a: argparse.Namespace) -> dict[str, Any]:
    work = Path(a.work) / f"n{n}"
    records, graph = work / "records", work / "graph"
    r: dict[str, Any] = {"projects": n, "loadavg": {"start": loadavg()}}
    log(f"N = {n:,}: generating records")
    r["synth"] = run_task(["synth", "--projects", str(n), "--seed", str(a.seed), "--out", str(records)])
    log(f"  synth {r['synth'].get('seconds', 0):.1f} s; building")
    huge = n >= a.huge
    r["build"] = run_task(["build", "--data", str(records), "--out", str(graph), "--store", "disk",
                           *(["--no-nquads"] if huge else []),
                           *(["--no-store-checks"] if n >= a.store_checks_max else [])])
    b = r["build"]
    if "error" in b:
        return r
    log(f"  build {b['wall']:.1f} s, {b['peak_rss'] / GIB:.2f} GiB, {b['triples']:,} quads")
    nq = str(graph / "dataset.nq")
    memory = not (a.skip_memory or huge)
    if memory:
        r["load_memory"] = run_task(["load", "--nq", nq])
        log(f"  load in memory {r['load_memory'].get('seconds', 0):.1f} s ({r['load_memory']['peak_rss'] / GIB:.2f} GiB); "
            "named queries in memory")
        r["queries_memory"] = run_task(["queries", "--nq", nq, "--records", str(records), "--repeats", str(a.repeats)])
    r["load_disk"] = run_task(["load", "--store-dir", str(graph / "store")])
    log("  named queries on disk")
    store_args = ["--store-dir", str(graph / "store"), "--records", str(records), "--repeats", str(a.repeats)]
    if huge:   # one process per query, each cut at --query-timeout
        r["queries_disk"] = queries_one_by_one(store_args, a)
    else:
        r["queries_disk"] = run_task(["queries", *store_args])
    if huge:   # the projection's Python part already takes minutes at 100,000 projects
        r["loadavg"]["end"] = loadavg()
        return r
    log("  network projection, metrics, map")
    source = ["--nq", nq] if memory else ["--store-dir", str(graph / "store")]
    r["network"] = run_task(["network", *source, "--timeout", str(a.metric_timeout),
                             "--map-out", str(work / "map.html"), "--backbone", str(a.backbone)],
                            timeout=a.network_timeout)
    if not a.no_browser and r["network"].get("map_path") and shutil.which("chromium"):
        log("  map in headless Chromium")
        r["browser"] = run_task(["browser", "--map", r["network"]["map_path"], "--timeout", "120"], timeout=300)
    if n <= a.rdflib_max and not huge:
        log("  the same queries on rdflib")
        r["rdflib"] = run_task(["rdflib", "--nq", nq, "--records", str(records), "--timeout", str(a.rdflib_timeout)],
                               timeout=a.rdflib_budget)
    r["loadavg"]["end"] = loadavg()
    if not a.keep:
        shutil.rmtree(records, ignore_errors=True)
        (graph / "dataset.nq").unlink(missing_ok=True)
        shutil.rmtree(graph / "store", ignore_errors=True)
    return r


# ---------------------------------------------------------------------------------------- report

def _s(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}" if x >= 0.01 else f"{x:.3f}"


def _cpu(task: dict[str, Any]) -> str:
    """CPU seconds of a task (user and system) and how many cores they kept busy on average."""
    if task.get("cpu") is None or not task.get("wall"):
        return "–"
    return f"{_s(task['cpu'])} ({task['cpu'] / task['wall']:.2f})"


def _gib(x: float | None) -> str:
    return "–" if x is None else f"{x / GIB:.2f}"


def is_lookup(name: str, params: set[str]) -> bool:
    return name in params


def markdown(results: dict[str, Any]) -> str:
    sizes = results["sizes"]
    m = results["machine"]
    out = [f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['system']}, Python "
           f"{m['python']}, " + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
           + (f", {m['chromium']}" if m.get("chromium") else "") + ". The machine is shared: load average "
           "at start and end of each size is shown.", ""]
    out += ["### Build and load", "",
            "| projects | quads | N-Quads | synth s | build s | build CPU s (cores busy) | build peak GiB | load in memory s | memory peak GiB | open on disk s | load avg |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in sizes:
        b, lm, ld = r.get("build", {}), r.get("load_memory", {}), r.get("load_disk", {})
        nqb = b.get("nquads_bytes")
        out.append(f"| {r['projects']:,} | {b.get('triples', 0):,} | {(f'{nqb / 1e9:.2f} GB' if nqb else 'not kept')} "
                   f"| {_s(r.get('synth', {}).get('seconds'))} | {_s(b.get('wall'))} | {_cpu(b)} | {_gib(b.get('peak_rss'))} "
                   f"| {_s(lm.get('seconds'))} | {_gib(lm.get('peak_rss'))} | {_s(ld.get('seconds'))} "
                   f"| {r['loadavg'].get('start')} → {r['loadavg'].get('end', '?')} |")
    out += ["", "Build steps (seconds): " + "; ".join(
        f"{r['projects']:,}: " + ", ".join(f"{k} {v:.1f}" for k, v in r.get("build", {}).get("steps", {}).items())
        for r in sizes), ""]
    names = sorted({q for r in sizes for key in ("queries_memory", "queries_disk") for q in r.get(key, {}).get("queries", {})})
    params = set(results.get("lookup_queries", []))
    out += ["### Named queries (median seconds; rows)", "",
            "Oxigraph in memory / on disk (the query and turning its rows into plain values, as `graphkit query` "
            "does); rdflib in memory where measured (the query and its rows), and how many times slower it is "
            "than Oxigraph's engine in memory (the query and its rows of terms). "
            "Lookups (queries with parameters) have a 1 s target; whole-graph listings and checks 10 s.", "",
            "| query | kind | " + " | ".join(f"{r['projects']:,}: memory | disk | rdflib | × | rows" for r in sizes) + " |",
            "| --- | --- | " + " | ".join("---: | ---: | ---: | ---: | ---:" for _ in sizes) + " |"]
    for q in names:
        cells = []
        for r in sizes:
            mem = r.get("queries_memory", {}).get("queries", {}).get(q, {})
            disk = r.get("queries_disk", {}).get("queries", {}).get(q, {})
            rd = r.get("rdflib", {}).get("queries", {}).get(q)
            if rd is None:
                rds, ratio = "–", "–"
            elif rd.get("error"):
                rds, ratio = "fails", "–"
            elif rd.get("seconds") is None:
                rds = f"> {rd.get('timeout')}"
                ratio = f"> {rd['timeout'] / mem['engine_seconds']:,.0f}" if mem.get("engine_seconds") else "–"
            else:
                rds = _s(rd["seconds"])
                ratio = f"{rd['seconds'] / mem['engine_seconds']:,.0f}" if mem.get("engine_seconds") else "–"
            disk_s = f"> {disk['timeout']}" if disk.get("timeout") else _s(disk.get("seconds"))
            cells.append(f"{_s(mem.get('seconds'))} | {disk_s} | {rds} | {ratio} | "
                         f"{mem.get('rows', disk.get('rows', '–'))}")
        out.append(f"| `{q}` | {'lookup' if is_lookup(q, params) else 'whole'} | " + " | ".join(cells) + " |")
    out += ["", "### Networks and maps", "",
            "| projects | org nodes | org edges | weights-only projection s | pairs query s | full projection s | degree s | weighted s | components s | communities s | betweenness s | map nodes / edges | map s | map MB | Chromium open s | filter s |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |"]
    for r in sizes:
        nw, br = r.get("network", {}), r.get("browser", {})
        mt = nw.get("metrics", {})
        bt = mt.get("betweenness")
        out.append(f"| {r['projects']:,} | {nw.get('nodes', '–'):,} | {nw.get('edges', 0):,} | {_s(nw.get('weights_seconds'))} | {_s(nw.get('pairs_query_seconds'))} "
                   f"| {_s(nw.get('projection_seconds'))} | {_s(mt.get('degree'))} | {_s(mt.get('weighted-degree'))} "
                   f"| {_s(mt.get('component'))} | {_s(mt.get('community'))} "
                   f"| {_s(bt) if bt is not None else ('> ' + str(results['options']['metric_timeout']) if 'betweenness' in mt else '–')}"
                   f"{' (' + str(nw['betweenness_sources']) + ' sources)' if nw.get('betweenness_sources') else ''} "
                   f"| {nw.get('map_nodes', '–')} / {nw.get('map_edges', '–')} | {_s(nw.get('map_seconds'))} "
                   f"| {nw.get('map_bytes', 0) / 1e6:.1f} | {_s(br.get('open_seconds'))} | {_s(br.get('filter_seconds'))} |"
                   if "nodes" in nw else f"| {r['projects']:,} | {nw.get('error', '–')} |")
    again = [f"the network steps of {r['projects']:,} on {r['network_measured']}" for r in sizes
             if r.get("network_measured")]
    again += [f"the queries on disk of {r['projects']:,} on {r['disk_queries_measured']}" for r in sizes
              if r.get("disk_queries_measured")]
    if again:
        out += ["", "Measured again with `--only` (same records): " + "; ".join(again) + "."]
    out += ["", "### How the cost grows", "",
            "Between each measured size and the next: how many times the cost grew, and the exponent *k* "
            "of N^k that fits it (k = 1: linear in the number of projects; below 1, fixed costs still "
            "weigh; above 1, faster than the data). Queries: the median over the named queries measured "
            "at both sizes of each query's ratio.", "", *growth(results), ""]
    out += ["### Targets", "", *targets(results), ""]
    return "\n".join(out)


def _query_ratios(a: dict[str, Any], b: dict[str, Any], key: str) -> list[float]:
    """Each named query's time at size ``b`` over its time at size ``a`` (queries answered at both)."""
    qa, qb = a.get(key, {}).get("queries", {}), b.get(key, {}).get("queries", {})
    return [qb[q]["seconds"] / qa[q]["seconds"] for q in qa
            if q in qb and qa[q].get("seconds") and qb[q].get("seconds") is not None]


def growth(results: dict[str, Any]) -> list[str]:
    """The growth table: each cost at one size over the same cost at the previous size, and the
    exponent k with cost ~ N^k (log of the cost ratio over log of the size ratio)."""
    measures: list[tuple[str, Any]] = [
        ("quads", lambda r: r.get("build", {}).get("triples")),
        ("build s", lambda r: r.get("build", {}).get("wall")),
        ("build peak memory", lambda r: r.get("build", {}).get("peak_rss")),
        ("load in memory s", lambda r: r.get("load_memory", {}).get("seconds")),
        ("in-memory store memory", lambda r: r.get("load_memory", {}).get("peak_rss")),
        ("weights-only projection s", lambda r: r.get("network", {}).get("weights_seconds")),
        ("full projection s", lambda r: r.get("network", {}).get("projection_seconds")),
    ]
    sizes = [r for r in results["sizes"] if r.get("build", {}).get("wall")]
    lines = ["| from → to projects | × projects | " + " | ".join(m for m, _ in measures)
             + " | queries in memory | queries on disk |",
             "| --- | ---: | " + " | ".join("---:" for _ in measures) + " | ---: | ---: |"]

    def cell(ratio: float | None, n_ratio: float) -> str:
        if not ratio or ratio <= 0:
            return "–"
        return f"×{ratio:,.1f} (k {math.log(ratio) / math.log(n_ratio):.2f})"

    for a, b in zip(sizes, sizes[1:]):
        n_ratio = b["projects"] / a["projects"]
        cells = []
        for _label, get in measures:
            va, vb = get(a), get(b)
            cells.append(cell(vb / va if va and vb else None, n_ratio))
        for key in ("queries_memory", "queries_disk"):
            ratios = _query_ratios(a, b, key)
            cells.append(cell(statistics.median(ratios), n_ratio) + f" over {len(ratios)}" if ratios else "–")
        lines.append(f"| {a['projects']:,} → {b['projects']:,} | {n_ratio:,.2f} | " + " | ".join(cells) + " |")
    return lines


FIVE_MILLION = 5_000_000   # "100k projects (about 5M triples)"


def targets(results: dict[str, Any]) -> list[str]:
    by_n = {r["projects"]: r for r in results["sizes"]}
    params = set(results.get("lookup_queries", []))
    lines = ["| target | measured | met |", "| --- | --- | --- |"]

    def row(target: str, measured: str, ok: bool | None) -> None:
        lines.append(f"| {target} | {measured} | {'yes' if ok else ('no' if ok is not None else 'not measured')} |")

    # the targets of "100k projects (about 5M triples)": at 100,000 of our projects, and at the size
    # nearest 5 million quads (our projects carry 2.7 times the triples the issue assumed)
    sized = [(by_n.get(100_000), "100k projects", "100k")]
    near = min((x for x in results["sizes"] if "triples" in x.get("build", {})),
               key=lambda x: abs(x["build"]["triples"] - FIVE_MILLION), default=None)
    if near and near["projects"] != 100_000 and abs(near["build"]["triples"] - FIVE_MILLION) < 0.2 * FIVE_MILLION:
        label = f"5M quads ({near['projects']:,} projects)"
        sized.append((near, label, label))
    for r, what, short in sized:
        if not (r and "wall" in r.get("build", {})):
            row(f"{what} targets", "–", None)
            continue
        b = r["build"]
        row(f"{what}: build + load under 60 s (build writes and loads the on-disk store)",
            f"{b['wall']:.0f} s ({b['triples'] / 1e6:.1f}M quads"
            + (f"; {b['cpu']:.0f} s of CPU on {results['machine']['cores']} cores" if b.get("cpu") else "")
            + f"); + in-memory load {r['load_memory'].get('seconds', 0):.0f} s",
            b["wall"] < 60)
        row(f"{what}: peak memory under 4 GiB", f"build {_gib(b['peak_rss'])} GiB; in-memory store "
            f"{_gib(r['load_memory'].get('peak_rss'))} GiB", b["peak_rss"] < 4 * GIB)
        for key, label in (("queries_memory", "in memory"), ("queries_disk", "on disk")):
            qs = r.get(key, {}).get("queries", {})
            if not qs:
                continue
            look = {q: v["seconds"] for q, v in qs.items() if is_lookup(q, params)}
            whole = {q: v["seconds"] for q, v in qs.items() if not is_lookup(q, params)}
            slow_l = [q for q, s in look.items() if s >= LOOKUP_TARGET]
            slow_w = [q for q, s in whole.items() if s >= WHOLE_TARGET]
            row(f"{short}: every lookup query under 1 s ({label})", f"max {max(look.values()):.2f} s"
                + (f"; over: {', '.join(slow_l)}" if slow_l else ""), not slow_l)
            row(f"{short}: whole-graph queries under 10 s ({label})", f"max {max(whole.values()):.2f} s"
                + (f"; over: {', '.join(slow_w)}" if slow_w else ""), not slow_w)
        nw = r.get("network", {})
        if "weights_seconds" in nw:
            row(f"{short}: organisation-organisation projection under 10 s",
                f"weights only {nw['weights_seconds']:.1f} s (what the metrics use); with every link's projects, "
                f"roles and dates {nw['projection_seconds']:.1f} s (pair counts in SPARQL {nw['pairs_query_seconds']:.1f} s)",
                nw["weights_seconds"] < 10)
        elif "projection_seconds" in nw:
            row(f"{short}: organisation-organisation projection under 10 s", f"{nw['projection_seconds']:.1f} s "
                f"(pair counts {nw['pairs_query_seconds']:.1f} s)", nw["projection_seconds"] < 10)
    small = [r for r in results["sizes"] if "rdflib" in r and r["rdflib"].get("queries")]
    if small:
        r = min(small, key=lambda x: abs(x["build"].get("triples", 0) - 100_000))
        ratios = []
        for q, v in r["rdflib"]["queries"].items():
            mem = r.get("queries_memory", {}).get("queries", {}).get(q, {}).get("engine_seconds")
            if mem and not v.get("error"):
                ratios.append((v["seconds"] or v.get("timeout", 0)) / mem)
        ratios.sort()
        med = ratios[len(ratios) // 2] if ratios else 0
        row(f"at least 50x faster than rdflib on the named queries at about 100k triples "
            f"({r['build']['triples']:,} quads, {r['projects']:,} projects)",
            f"median {med:,.0f}x, lowest {ratios[0]:,.0f}x over {len(ratios)} queries" if ratios else "–",
            bool(ratios) and ratios[0] >= 50)
    r = by_n.get(1_000_000)
    if r and "wall" in r.get("build", {}):
        b = r["build"]
        skipped = " without the whole-store checks (--no-store-checks)" if b.get("store_checks") is False else ""
        wall, extra = b["wall"], ""
        if b.get("compact_seconds_apart"):    # a build made before the build compacted its store
            wall += b["compact_seconds_apart"]
            extra = (f"; {b['wall'] / 60:.1f} min building + {b['compact_seconds_apart'] / 60:.1f} min compacting "
                     "the store (Store.optimize, measured apart)")
        row("1M projects: build into the on-disk store under 15 min", f"{wall / 60:.1f} min "
            f"({b['triples'] / 1e6:.0f}M quads){skipped}{extra}", wall < 900)
        row("1M projects: peak memory under 12 GiB", f"{_gib(b['peak_rss'])} GiB{skipped}", b["peak_rss"] < 12 * GIB)
        qs = r.get("queries_disk", {}).get("queries", {})
        done = [v["seconds"] for v in qs.values() if v.get("seconds") is not None]
        limit = max((v["timeout"] for v in qs.values() if v.get("timeout")), default=results["options"]["query_timeout"])
        row("1M projects: the named queries still answer (on disk)",
            f"{len(done)} of {len(qs)} within {limit} s; slowest {max(done, default=0):.1f} s",
            bool(qs) and len(done) == len(qs))
    else:
        row("1M projects targets", "not run (use --with-1m)", None)
    maps = [r for r in results["sizes"] if r.get("browser", {}).get("open_seconds") is not None]
    if maps:
        r = max(maps, key=lambda x: x["browser"].get("nodes", 0))
        br = r["browser"]
        row("a map of 5,000 organisations opens and is usable in headless Chromium within 5 s",
            f"{br['nodes']:,} nodes, {br['edges']:,} edges: drawn in {br['open_seconds']:.1f} s, filter {br['filter_seconds']:.2f} s",
            br["nodes"] >= 5000 and br["open_seconds"] < MAP_TARGET)
    return lines


def write_results(results: dict[str, Any], out: Path, doc: Path | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    md = markdown(results)
    (out / "results.md").write_text("# Benchmark results\n\n" + md + "\n", encoding="utf-8")
    if doc is not None and doc.exists():
        text = doc.read_text(encoding="utf-8")
        if START in text and END in text:
            head, rest = text.split(START, 1)
            _, tail = rest.split(END, 1)
            doc.write_text(f"{head}{START}\n{md}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="graphkit scale benchmark (see docs/benchmarks.md)")
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated numbers of projects")
    ap.add_argument("--with-1m", action="store_true", help="also 1,000,000 projects")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3, help="runs of each query (the median is reported)")
    ap.add_argument("--rdflib-max", type=int, default=10_000, help="largest N run on rdflib too")
    ap.add_argument("--rdflib-timeout", type=int, default=60, help="seconds per rdflib query")
    ap.add_argument("--rdflib-budget", type=int, default=3600, help="seconds for the whole rdflib step of one size")
    ap.add_argument("--metric-timeout", type=int, default=300, help="seconds per metric and for the map")
    ap.add_argument("--skip-memory", action="store_true", help="no in-memory queries (for sizes too big for RAM)")
    ap.add_argument("--huge", type=int, default=500_000,
                    help="from this N on: no dataset.nq (store only), no in-memory store, one process per query")
    ap.add_argument("--query-timeout", type=int, default=600, help="seconds per query from --huge on")
    ap.add_argument("--network-timeout", type=int, default=3600, help="seconds for the network step of one size")
    ap.add_argument("--backbone", type=int, default=3,
                    help="above 5,000 organisations the map keeps each one's K strongest links (0: all)")
    ap.add_argument("--no-browser", action="store_true", help="do not open the map in Chromium")
    ap.add_argument("--only", choices=["network", "disk-queries"],
                    help="measure again only one step of --sizes, keeping the other figures of the --include "
                         "results: the network and map steps (after a change to the projection or the metrics), "
                         "or the named queries on a kept on-disk store")
    ap.add_argument("--store-checks-max", type=int, default=500_000,
                    help="from this N on, build with --no-store-checks (the checks are then timed as named queries)")
    ap.add_argument("--work", default=str(ROOT / "build" / "bench"), help="working folder")
    ap.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    ap.add_argument("--keep", action="store_true", help="keep the records, N-Quads and stores")
    ap.add_argument("--include", action="append", default=[], metavar="RESULTS_JSON",
                    help="sizes measured by an earlier run (its results.json) to report in the same tables "
                         "(repeatable; a size in several files: the last one's figures)")
    a = ap.parse_args(argv)
    sizes = [int(x) for x in a.sizes.split(",") if x.strip() and int(x) > 0] + ([1_000_000] if a.with_1m else [])
    results: dict[str, Any] = {"machine": machine(), "sizes": [], "options": vars(a),
                               "lookup_queries": _lookup_names()}
    kept: dict[int, dict[str, Any]] = {}
    for path in a.include:    # a size given by several files: the last file's figures
        earlier = json.loads(Path(path).read_text(encoding="utf-8"))
        kept.update({r["projects"]: r for r in earlier["sizes"] if r["projects"] not in sizes or a.only})
        results.setdefault("earlier_runs", []).append({"file": path, "machine": earlier["machine"]})
    results["sizes"] += list(kept.values())
    results["sizes"].sort(key=lambda r: r["projects"])
    log(f"machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, {results['machine']['memory']}")
    if not sizes:
        write_results(results, Path(a.work), None if a.no_docs else DOC)
    if a.only:
        by_n = {r["projects"]: r for r in results["sizes"]}
        for n in sizes:
            if n not in by_n:
                ap.error(f"--only {a.only}: no earlier result for {n:,} projects (give it with --include)")
        for n in sizes:
            (measure_network if a.only == "network" else measure_disk_queries)(n, a, by_n[n])
            write_results(results, Path(a.work), None if a.no_docs else DOC)
        print(markdown(results), flush=True)
        return 0
    for n in sizes:
        results["sizes"].append(measure(n, a))
        results["sizes"].sort(key=lambda r: r["projects"])
        write_results(results, Path(a.work), None if a.no_docs else DOC)
        print(markdown(results), flush=True)
    return 0


def queries_one_by_one(store_args: list[str], a: argparse.Namespace) -> dict[str, Any]:
    """Every named query in its own process, each cut at ``--query-timeout`` seconds."""
    out: dict[str, Any] = {"queries": {}}
    for name in _query_names():
        one = run_task(["queries", *store_args, "--only", name], timeout=a.query_timeout)
        out["queries"][name] = (one.get("queries", {}).get(name) if "queries" in one
                                else {"seconds": None, "timeout": a.query_timeout, "rows": "–"})
        log(f"    {name}: {out['queries'][name].get('seconds')}")
    return out


def measure_network(n: int, a: argparse.Namespace, r: dict[str, Any]) -> dict[str, Any]:
    """Measure again only the network and browser steps of size ``n`` (``--only network``), on the
    same records (same seed), built without a store; the other figures of ``r`` are kept."""
    work = Path(a.work) / f"n{n}"
    records, graph = work / "records", work / "graph-nq"
    log(f"N = {n:,}: the network steps again (records and N-Quads only)")
    run_task(["synth", "--projects", str(n), "--seed", str(a.seed), "--out", str(records)])
    b = run_task(["build", "--data", str(records), "--out", str(graph), "--store", "none"])
    if "error" in b:
        r["network"] = {"error": b["error"]}
        return r
    r["network"] = run_task(["network", "--nq", str(graph / "dataset.nq"), "--timeout", str(a.metric_timeout),
                             "--map-out", str(work / "map.html"), "--backbone", str(a.backbone)],
                            timeout=a.network_timeout)
    r.pop("browser", None)
    if not a.no_browser and r["network"].get("map_path") and shutil.which("chromium"):
        r["browser"] = run_task(["browser", "--map", r["network"]["map_path"], "--timeout", "120"], timeout=300)
    r["network_measured"] = time.strftime("%Y-%m-%d %H:%M")
    if not a.keep:
        shutil.rmtree(records, ignore_errors=True)
        shutil.rmtree(graph, ignore_errors=True)
    return r


def measure_disk_queries(n: int, a: argparse.Namespace, r: dict[str, Any]) -> dict[str, Any]:
    """Measure again only the named queries on the on-disk store of size ``n`` (``--only
    disk-queries``), on the store an earlier run kept under --work (``--keep``, or the store of a
    --huge size); the other figures of ``r`` are kept."""
    work = Path(a.work) / f"n{n}"
    records, store = work / "records", work / "graph" / "store"
    if not store.is_dir():
        raise SystemExit(f"--only disk-queries: no store at {store} (run that size with --keep first)")
    log(f"N = {n:,}: the named queries on disk again")
    if not (records / "organisations.jsonl").exists():
        run_task(["synth", "--projects", str(n), "--seed", str(a.seed), "--out", str(records)])
    store_args = ["--store-dir", str(store), "--records", str(records), "--repeats", str(a.repeats)]
    r["queries_disk"] = queries_one_by_one(store_args, a)
    r["disk_queries_measured"] = time.strftime("%Y-%m-%d %H:%M")
    return r


def _query_names() -> list[str]:
    from graphkit.queries import list_queries

    return [q.name for q in list_queries()]


def _lookup_names() -> list[str]:
    from graphkit.queries import list_queries

    return [q.name for q in list_queries() if q.params]


if __name__ == "__main__":
    sys.exit(main())
