"""Large maps in headless Chromium: the vis-network page and the WebGL page side by side.

For each size (projects), the organisation network of synthetic records (``graphkit synth
--seed 1``, built to N-Quads, projected in full: every link with its projects and roles) is
drawn three ways, and each page opened in headless Chromium (``graphkit.browser``):

- ``webgl``: the WebGL page (``graphkit.glmap``): every organisation, each one's 3 strongest links;
- ``vis``: the vis-network page (``graphkit.maps``) of the same nodes and links;
- ``vis top 5000`` (when there are more than 5,000 organisations): the vis-network page of the
  5,000 organisations of highest weighted degree with 3 links each, the map of 100,000 projects
  until now (``graphkit map --top 5000 --backbone 3``).

Figures per page: Python seconds to write it, bytes, seconds from navigation until the network is
drawn (vis: its first ``afterDrawing``; WebGL: both draws done, the GPU waited for), nodes and
links drawn, seconds for the fund filter and then the year filter to apply and the next frame to
be drawn. Ratios: vis / WebGL at the same size. With ``--sigma`` it also draws random graphs of
the same sizes with sigma.js 4 (``web-src``: ``npm ci && npm run build-sigma``, into
``build/vendor/``) and with the page's own WebGL drawing, for decision 0023.

The networks are kept in ``build/map-scale/n{N}/org.pickle`` (the 100,000-project projection
takes about 4 minutes here); ``--fresh`` builds them again. Run::

    .venv/bin/python bench/map_scale.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import json
import pickle
import platform
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BACKBONE = 3
TOP_VIS = 5000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def network(n: int, work: Path, fresh: bool) -> Any:
    """The full organisation network of ``n`` synthetic projects (seed 1), built once and kept."""
    from graphkit.builder import build
    from graphkit.network import organisation_network
    from graphkit.store import EmbeddedStore
    from graphkit.synth import synthesize

    folder = work / f"n{n}"
    kept = folder / "org.pickle"
    if kept.exists() and not fresh:
        with kept.open("rb") as f:
            return pickle.load(f)
    t = time.perf_counter()
    synthesize(n, 1, out_dir=folder / "records")
    build(folder / "records", folder / "graph", docs=False, store="none")
    store = EmbeddedStore()
    store.load_nquads(folder / "graph" / "dataset.nq")
    g = organisation_network(store)
    log(f"  built the network of {n:,} projects in {time.perf_counter() - t:.0f} s")
    with kept.open("wb") as f:
        pickle.dump(g, f, protocol=5)
    return g


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout()


def write(kind: str, g: Any, path: Path, timeout: int) -> dict[str, Any]:
    """Write one page; its seconds, bytes and what it holds (or the time limit it hit)."""
    from graphkit.glmap import write_glmap
    from graphkit.maps import reduce_network, write_map

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    t = time.perf_counter()
    try:
        if kind == "webgl":
            write_glmap(g, path, backbone=BACKBONE, index=False)
            nodes, edges = g.number_of_nodes(), None
        else:
            m = reduce_network(g, top=TOP_VIS if kind == "vis-top" else 0, backbone=BACKBONE)
            write_map(m, path, index=False)
            nodes, edges = m.number_of_nodes(), m.number_of_edges()
    except _Timeout:
        return {"write_s": None, "timeout": timeout}
    finally:
        signal.alarm(0)
    return {"write_s": time.perf_counter() - t, "bytes": path.stat().st_size, "nodes_in_page": nodes, "edges_in_page": edges}


# the options of a filter menu are matched by their text (the vis page's values are the names,
# the WebGL page's are indexes); the filter applies in the change handler, then two frames
SELECT = """(function (id, text) {
  var sel = document.getElementById(id);
  var opt = Array.prototype.filter.call(sel.options, function (o) { return o.textContent === text; })[0];
  if (!opt) { throw new Error("no option " + text + " in " + id); }
  sel.value = opt.value;
  sel.dispatchEvent(new Event("change"));
  return new Promise(function (done) { requestAnimationFrame(function () { requestAnimationFrame(function () { done(1); }); }); });
})"""
VIS_DRAWN = ("(function(){ if (typeof window.network !== 'object') { return false; } if (!window.__gkDrawn) { "
             "window.__gkDrawn = -1; network.once('afterDrawing', function(){ window.__gkDrawn = performance.now(); }); "
             "network.redraw(); } return window.__gkDrawn > 0; })()")


def open_page(kind: str, path: Path, fund: str, year: int, timeout: float, repeats: int = 3) -> dict[str, Any]:
    """Open a page ``repeats`` times in a fresh headless Chromium: the median of each figure."""
    runs = [_open_once(kind, path, fund, year, timeout, shots=i == 0) for i in range(repeats)]
    out = dict(runs[0])
    if any(r.get("open_s") is None for r in runs):
        return next(r for r in runs if r.get("open_s") is None)
    for key in ("open_s", "drawn_in_page_s", "fund_s", "year_s"):
        out[key] = statistics.median(r[key] for r in runs)
        out[key + "_runs"] = [round(r[key], 3) for r in runs]
    return out


def _open_once(kind: str, path: Path, fund: str, year: int, timeout: float, shots: bool) -> dict[str, Any]:
    """Open a page in headless Chromium: seconds until drawn, what is drawn, two filters."""
    from graphkit.browser import BrowserError, Chromium

    out: dict[str, Any] = {}
    with Chromium(timeout=timeout) as b:
        t = time.perf_counter()
        try:
            b.open(path, ready=None)
            b.wait_for("window.__gkDrawn > 0" if kind == "webgl" else VIS_DRAWN, timeout=timeout)
        except BrowserError as exc:
            return {"open_s": None, "error": str(exc)[:200], "timeout": timeout}
        out["open_s"] = time.perf_counter() - t
        out["drawn_in_page_s"] = b.evaluate("window.__gkDrawn") / 1000.0
        if shots:
            b.screenshot(path.with_suffix(".png"))
        if kind == "webgl":
            d = b.evaluate("graphkitGL.drawn()")
            out["nodes"], out["edges"] = d["points"], d["lines"]
        else:
            out["nodes"] = b.evaluate("network.body.data.nodes.length")
            out["edges"] = b.evaluate("network.body.data.edges.length")
        for facet, value in (("gk-fund", fund), ("gk-year", str(year))):
            t = time.perf_counter()
            b.evaluate(f"{SELECT}({json.dumps(facet)}, {json.dumps(value)})")
            out[f"{facet[3:]}_s"] = time.perf_counter() - t
        if kind == "webgl":
            d = b.evaluate("graphkitGL.drawn()")
            out["filtered"] = [d["points"], d["lines"]]
            if not shots:
                return out
            b.screenshot(path.with_name(path.stem + "-filtered.png"))
            # the ego view of the organisation drawn with the most partners on the links drawn
            hub = b.evaluate("(function () { var best = null, most = -1; graphkitGL.drawnNodes().forEach(function (k) {"
                             " graphkitGL.select(k); var n = document.querySelectorAll('#gk-info li button').length;"
                             " if (n > most) { most = n; best = k; } }); return best; })()") if d["points"] <= 2000 else None
            if hub:
                b.evaluate(f"graphkitGL.setEgo({json.dumps(hub)}, 2)")
                b.evaluate(f"graphkitGL.select({json.dumps(hub)})")
                b.screenshot(path.with_name(path.stem + "-ego.png"))
        else:
            out["filtered"] = [b.evaluate("network.body.data.nodes.get({filter: function (n) { return !n.hidden; }}).length"),
                               b.evaluate("network.body.data.edges.get({filter: function (e) { return !e.hidden; }}).length")]
        out["console_errors"] = b.console_errors[:3]
    return out


def probe_sigma(nodes: int, edges: int, timeout: float) -> dict[str, Any]:
    """Seconds to draw a random graph of this size with sigma.js 4 and with the page's own WebGL drawing."""
    from graphkit.browser import BrowserError, Chromium

    bundle = ROOT / "build" / "vendor" / "sigma.min.js"
    if not bundle.exists():
        return {"error": "no build/vendor/sigma.min.js: cd web-src && npm ci && npm run build-sigma"}
    make = (f"var N={nodes},M={edges},X=new Float32Array(N),Y=new Float32Array(N);"
            "for(var i=0;i<N;i++){X[i]=Math.cos(i)*Math.sqrt(i);Y[i]=Math.sin(i)*Math.sqrt(i);}"
            "function end(e){var a=e%N;return [a,(a+1+((e/N)|0)*7)%N];}")
    sigma_page = (f"<html><body style='margin:0'><div id='c' style='width:1000px;height:700px'></div>"
                  f"<script>{bundle.read_text(encoding='utf-8')}</script><script>{make}"
                  "var g=new gkSigma.Graph();for(var i=0;i<N;i++)g.addNode('n'+i,{x:X[i],y:Y[i],size:3,color:'#1f77b4',label:'N'+i});"
                  "for(var e=0;e<M;e++){var p=end(e);g.mergeEdge('n'+p[0],'n'+p[1],{size:1,color:'#c3cad3'});}"
                  "var r=new gkSigma.Sigma(g,document.getElementById('c'),{itemSizesReference:'screen'});window.__edges=g.size;"
                  "</script></body></html>")
    gl_page = (f"<html><body style='margin:0'><canvas id='c' width='1000' height='700'></canvas><script>{make}"
               "var gl=document.getElementById('c').getContext('webgl',{antialias:false});"
               "function sh(t,s){var x=gl.createShader(t);gl.shaderSource(x,s);gl.compileShader(x);return x;}"
               "function pr(v,f){var p=gl.createProgram();gl.attachShader(p,sh(gl.VERTEX_SHADER,v));gl.attachShader(p,sh(gl.FRAGMENT_SHADER,f));gl.linkProgram(p);return p;}"
               "var s=1/Math.sqrt(N),L=new Float32Array(4*M),P=new Float32Array(2*N);"
               "for(var i=0;i<N;i++){P[2*i]=X[i]*s;P[2*i+1]=Y[i]*s;}"
               "for(var e=0;e<M;e++){var q=end(e);L.set([P[2*q[0]],P[2*q[0]+1],P[2*q[1]],P[2*q[1]+1]],4*e);}"
               "gl.clearColor(1,1,1,1);gl.clear(gl.COLOR_BUFFER_BIT);"
               "function run(p,data,mode,count){gl.useProgram(p);var b=gl.createBuffer();gl.bindBuffer(gl.ARRAY_BUFFER,b);"
               "gl.bufferData(gl.ARRAY_BUFFER,data,gl.STATIC_DRAW);var l=gl.getAttribLocation(p,'a');gl.enableVertexAttribArray(l);"
               "gl.vertexAttribPointer(l,2,gl.FLOAT,false,0,0);gl.drawArrays(mode,0,count);}"
               "run(pr('attribute vec2 a;void main(){gl_Position=vec4(a,0,1);}','precision mediump float;void main(){gl_FragColor=vec4(.76,.79,.83,1);}'),L,gl.LINES,2*M);"
               "run(pr('attribute vec2 a;void main(){gl_Position=vec4(a,0,1);gl_PointSize=6.0;}','precision mediump float;void main(){vec2 d=gl_PointCoord-.5;if(dot(d,d)>.25)discard;gl_FragColor=vec4(.12,.47,.71,1);}'),P,gl.POINTS,N);"
               "gl.readPixels(0,0,1,1,gl.RGBA,gl.UNSIGNED_BYTE,new Uint8Array(4));window.__edges=M;"
               "</script></body></html>")
    out: dict[str, Any] = {"nodes": nodes, "edges": edges}
    folder = ROOT / "build" / "map-scale"
    folder.mkdir(parents=True, exist_ok=True)
    for name, page in (("sigma", sigma_page), ("webgl", gl_page)):
        path = folder / f"probe-{name}-{nodes}-{edges}.html"
        path.write_text(page, encoding="utf-8")
        times = []
        for _ in range(3):                    # the median of three (the machine is shared)
            with Chromium(timeout=timeout) as b:
                t = time.perf_counter()
                try:
                    b.open(path, ready=None)  # the page draws while it loads: the load event follows the drawing
                    times.append(time.perf_counter() - t)
                    out[f"{name}_edges"] = b.evaluate("window.__edges")
                except BrowserError as exc:
                    out[f"{name}_error"] = str(exc)[:200]
                    break
        out[f"{name}_s"] = statistics.median(times) if len(times) == 3 else None
    return out


def pick_filters(g: Any) -> tuple[str, int]:
    """The fund of most projects (a top-level scheme) and the median year of the projects' starts."""
    from graphkit.glmap import _all_funds

    counts: dict[str, int] = {}
    starts = []
    for p in g.graph.get("projects", {}).values():
        for f in _all_funds(p.get("funds", [])):
            if " / " not in f:
                counts[f] = counts.get(f, 0) + 1
        if p.get("start"):
            starts.append(int(p["start"][:4]))
    fund = sorted(counts, key=lambda f: (-counts[f], f))[0]
    return fund, int(statistics.median(starts))


def old_when(path: str) -> str:
    """When the results in ``path`` were measured."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["when"]


def fmt(x: Any, digits: int = 2) -> str:
    """A figure for the table: seconds to ``digits`` places, ``–`` when missing."""
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print one Markdown table (and the JSON figures to ``--json``)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="projects, comma-separated")
    ap.add_argument("--work", default=str(ROOT / "build" / "map-scale"))
    ap.add_argument("--fresh", action="store_true", help="build the networks again")
    ap.add_argument("--write-timeout", type=int, default=900, help="seconds allowed to write one page")
    ap.add_argument("--open-timeout", type=float, default=120, help="seconds allowed to open one page")
    ap.add_argument("--only", choices=["webgl", "vis", "vis-top"], action="append", help="only these pages")
    ap.add_argument("--sigma", action="store_true", help="also the sigma.js comparison on random graphs")
    ap.add_argument("--repeats", type=int, default=3, help="opens of each page (the median is shown)")
    ap.add_argument("--merge", help="a results.json whose pages not measured now are kept (with --only)")
    ap.add_argument("--json", default=str(ROOT / "build" / "map-scale" / "results.json"))
    a = ap.parse_args(argv)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                               "machine": f"{platform.machine()}, Python {platform.python_version()}", "sizes": []}
    for n in (int(x) for x in a.sizes.split(",")):
        log(f"N = {n:,} projects")
        g = network(n, work, a.fresh)
        fund, year = pick_filters(g)
        r: dict[str, Any] = {"projects": n, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
                             "fund": fund, "year": year, "pages": {}}
        kinds = a.only or ["webgl", "vis"] + (["vis-top"] if g.number_of_nodes() > TOP_VIS else [])
        for kind in kinds:
            path = work / f"n{n}" / f"map-{kind}.html"
            log(f"  {kind}: writing")
            page = write(kind, g, path, a.write_timeout)
            if page.get("write_s") is not None:
                log(f"  {kind}: written in {page['write_s']:.1f} s ({page['bytes'] / 1e6:.1f} MB); opening")
                page.update(open_page("webgl" if kind == "webgl" else "vis", path, fund, year, a.open_timeout, a.repeats))
            r["pages"][kind] = page
            log(f"  {kind}: {json.dumps(page)}")
        results["sizes"].append(r)
    if a.sigma:
        results["sigma"] = [probe_sigma(nodes, edges, a.open_timeout)
                            for nodes, edges in ((3000, 9000), (28000, 28000), (28000, 85000))]
    if a.merge:
        # the pages of an earlier run (same records, same seed) not measured again now
        before = {r["projects"]: r for r in json.loads(Path(a.merge).read_text(encoding="utf-8"))["sizes"]}
        for r in results["sizes"]:
            old = before.get(r["projects"], {}).get("pages", {})
            r["pages"] = {**{k: dict(v, measured=old_when(a.merge)) for k, v in old.items() if k not in r["pages"]},
                          **r["pages"]}
        if not a.sigma:
            results["sigma"] = json.loads(Path(a.merge).read_text(encoding="utf-8")).get("sigma")
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))


def table(results: dict[str, Any]) -> str:
    """The figures as Markdown: one row per page, the ratios vis / WebGL at the same size."""
    out = [f"Measured {results['when']} ({results['machine']}).", "",
           "| projects | page | nodes / links drawn | write s | MB | open s | fund filter s | year filter s | after the filters: nodes / links |",
           "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    ratios = []
    for r in results["sizes"]:
        for kind, p in r["pages"].items():
            drawn = f"{fmt(p.get('nodes'))} / {fmt(p.get('edges'))}" if p.get("open_s") is not None else "–"
            after = " / ".join(fmt(x) for x in p["filtered"]) if p.get("filtered") else "–"
            opened = fmt(p.get("open_s")) if p.get("write_s") is None or p.get("open_s") is not None else f"> {p['timeout']:.0f}"
            written = fmt(p.get("write_s"), 1) if p.get("write_s") is not None else f"> {p['timeout']}"
            label = kind + (f" (measured {p['measured']})" if p.get("measured") else "")
            out.append(f"| {r['projects']:,} | {label} | {drawn} | {written} | "
                       f"{fmt(p['bytes'] / 1e6, 1) if p.get('bytes') else '–'} | {opened} | {fmt(p.get('fund_s'))} | "
                       f"{fmt(p.get('year_s'))} | {after} |")
        w, v, top = r["pages"].get("webgl", {}), r["pages"].get("vis", {}), r["pages"].get("vis-top", {})
        if w.get("open_s") and top.get("open_s"):
            ratios.append(f"{r['projects']:,} projects: vis of the top {TOP_VIS:,} (the map until now) / WebGL of all "
                          f"{r['nodes']:,}: open ×{top['open_s'] / w['open_s']:.1f}, fund filter ×{top['fund_s'] / w['fund_s']:.1f}, "
                          f"year filter ×{top['year_s'] / w['year_s']:.1f}, write ×{top['write_s'] / w['write_s']:.1f}")
        if w.get("open_s") and v.get("open_s"):
            ratios.append(f"{r['projects']:,} projects ({r['nodes']:,} organisations, {r['edges']:,} links; filters: "
                          f"fund {r['fund']}, year {r['year']}): vis / WebGL open ×{v['open_s'] / w['open_s']:.1f}, "
                          f"fund filter ×{v['fund_s'] / w['fund_s']:.1f}, year filter ×{v['year_s'] / w['year_s']:.1f}, "
                          f"write ×{v['write_s'] / w['write_s']:.1f}")
        else:
            ratios.append(f"{r['projects']:,} projects ({r['nodes']:,} organisations, {r['edges']:,} links; filters: "
                          f"fund {r['fund']}, year {r['year']}): no ratio at the same size (the vis page was not "
                          f"written or opened within the time limits)")
    out += ["", *ratios]
    if results.get("sigma"):
        out += ["", "| random graph nodes / links | sigma.js 4.0.4 s | own WebGL s | × |", "| --- | ---: | ---: | ---: |"]
        for s in results["sigma"]:
            ratio = f"{s['sigma_s'] / s['webgl_s']:.1f}" if s.get("sigma_s") and s.get("webgl_s") else "–"
            out.append(f"| {s['nodes']:,} / {fmt(s.get('sigma_edges'))} | {fmt(s.get('sigma_s'))} | {fmt(s.get('webgl_s'))} | {ratio} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
