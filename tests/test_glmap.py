"""The WebGL map (graphkit.glmap) in headless Chromium: what it draws, its filters, timeline,
ego view and search, and hostile names kept inert.

Every node and link list the page reports is compared with the projection computed in Python on
the same filters (what ``graphkit network`` lists) or with the backbone computed here. Screenshot:
docs/img/map-webgl.png (the seed network) and build/screenshots/.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from graphkit.browser import Chromium
from graphkit.builder import build
from graphkit.cli import main
from graphkit.glmap import (AUTO_WEBGL_EDGES, AUTO_WEBGL_NODES, backbone_edges, choose_renderer, glmap_data,
                            write_glmap)
from graphkit.network import organisation_network, resolve_filters
from graphkit.store import EmbeddedStore
from graphkit.synth import synthesize

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "network" / "data"
READY = "!!window.graphkitGL"


def _pairs(g: nx.Graph, edges=None) -> list[list[str]]:
    return sorted(sorted([str(a), str(b)]) for a, b in (g.edges if edges is None else edges))


def _clean(b: Chromium) -> None:
    assert b.console_errors == []
    assert b.dialogs == []
    assert [u for u in b.requests if not u.startswith(("file:", "data:", "about:"))] == []


@pytest.fixture(scope="module")
def browser():
    with Chromium() as b:
        yield b


@pytest.fixture(scope="module")
def seed(store) -> nx.Graph:
    return organisation_network(store)


@pytest.fixture(scope="module")
def seed_page(seed, tmp_path_factory) -> Path:
    return write_glmap(seed, tmp_path_factory.mktemp("glmap") / "org.html", backbone=0, index=False)


# ------------------------------------------------------------------------------- without a browser

def test_the_backbone_keeps_each_nodes_strongest_links_by_weight_then_id():
    g = nx.Graph()
    g.add_weighted_edges_from([("a", "b", 5), ("a", "c", 4), ("a", "d", 1), ("b", "c", 1), ("c", "d", 2),
                               ("d", "e", 1), ("e", "f", 1), ("e", "g", 1)])
    # a: b 5, c 4 | b: a 5, c 1 | c: a 4, d 2 | d: c 2, then a/e 1 -> a (id) | e: d, f, g all 1 -> d, f
    # f: e | g: e
    assert backbone_edges(g, 2) == [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("c", "d"), ("d", "e"),
                                    ("e", "f"), ("e", "g")]
    assert backbone_edges(g, 1) == [("a", "b"), ("a", "c"), ("c", "d"), ("d", "e"), ("e", "f"), ("e", "g")]
    assert backbone_edges(g, 0) == sorted(tuple(sorted(e)) for e in g.edges)


def test_auto_picks_webgl_above_the_measured_thresholds():
    small = nx.path_graph(AUTO_WEBGL_NODES)
    assert (AUTO_WEBGL_NODES, AUTO_WEBGL_EDGES) == (1000, 5000)
    assert choose_renderer(small) == "vis"
    assert choose_renderer(nx.path_graph(AUTO_WEBGL_NODES + 1)) == "webgl"
    dense = nx.gnm_random_graph(200, AUTO_WEBGL_EDGES + 1, seed=1)
    assert choose_renderer(dense) == "webgl"
    assert choose_renderer(dense, "vis") == "vis" and choose_renderer(small, "webgl") == "webgl"
    with pytest.raises(ValueError, match="unknown renderer 'gl'"):
        choose_renderer(small, "gl")


def test_the_page_data_are_columns_with_role_masks(seed):
    data = glmap_data(seed, backbone=0)
    nodes = data["nodes"]
    assert len(nodes["key"]) == len(nodes["x"]) == len(nodes["parts"]) == seed.number_of_nodes() == 73
    i = nodes["key"].index("organisation:cicsene")
    roles = [r["slug"] for r in data["roles"]]
    projects = data["projects"]["label"]
    # CICSENE's participations, each [project, role mask], the same as the projection's
    parts = nodes["parts"][i]
    got = sorted((projects[parts[j]], [r for k, r in enumerate(roles) if parts[j + 1] >> k & 1]) for j in range(0, len(parts), 2))
    want: dict[str, list[str]] = {}
    for x in seed.nodes["organisation:cicsene"]["participations"]:
        label = seed.graph["projects"][x["project"]]["label"]
        want.setdefault(label, []).append(x["role"])
    assert got == sorted((k, sorted(v, key=roles.index)) for k, v in want.items())
    assert data["backbone"] == {"k": 0, "edges": 972, "of_edges": 972}


def test_the_map_command_picks_the_renderer(built, tmp_path):
    res = CliRunner().invoke(main, ["map", "--build", str(built), "--out", str(tmp_path / "auto.html")])
    assert res.exit_code == 0, res.output
    assert "vis-network 9.1.2" in (tmp_path / "auto.html").read_text(encoding="utf-8")     # 73 nodes, 972 links
    res = CliRunner().invoke(main, ["map", "--build", str(built), "--renderer", "webgl", "--backbone", "2",
                                    "--out", str(tmp_path / "gl.html")])
    assert res.exit_code == 0, res.output
    assert "WebGL: 73 nodes, each one's 2 strongest links of 972" in res.output
    page = (tmp_path / "gl.html").read_text(encoding="utf-8")
    assert "graphkitGL" in page and "vis-network" not in page
    res = CliRunner().invoke(main, ["map", "--build", str(built), "--projection", "place", "--renderer", "webgl"])
    assert res.exit_code == 2 and "draws the organisation network" in res.output


def test_auto_draws_a_network_of_over_5000_links_with_webgl_and_its_backbone(tmp_path):
    synthesize(1000, 1, out_dir=tmp_path / "records")
    build(tmp_path / "records", tmp_path / "graph", docs=False)
    g = organisation_network(EmbeddedStore.from_build(tmp_path / "graph"))
    assert (g.number_of_nodes(), g.number_of_edges()) == (299, 10537)        # docs/benchmarks.md, 1,000 projects
    res = CliRunner().invoke(main, ["map", "--build", str(tmp_path / "graph"), "--out", str(tmp_path / "m.html")])
    assert res.exit_code == 0, res.output
    kept = len(backbone_edges(g, 3))
    assert f"wrote {tmp_path / 'm.html'} (WebGL: 299 nodes, each one's 3 strongest links of 10537)" in res.output
    page = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert "every organisation (299); each organisation&#x27;s 3 strongest links" in page
    assert f"{kept:,} of 10,537 links" in page
    res = CliRunner().invoke(main, ["map", "--build", str(tmp_path / "graph"), "--renderer", "webgl", "--top", "100",
                                    "--out", str(tmp_path / "top.html")])
    assert res.exit_code == 0, res.output
    assert "the 100 of 299 organisations of highest weighted degree" in (tmp_path / "top.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------- in Chromium

def test_the_page_draws_every_node_and_link(browser, seed, seed_page):
    browser.open(seed_page, ready=READY)
    assert browser.evaluate("graphkitGL.drawn()") == {"points": 73, "lines": 972}
    assert browser.evaluate("graphkitGL.drawnNodes()") == sorted(seed.nodes)
    assert browser.evaluate("graphkitGL.drawnEdges()") == _pairs(seed)
    assert browser.evaluate("document.getElementById('gk-status').textContent") == "73 of 73 organisations, 972 of 972 links drawn"
    # the drawing is on the canvas: pixels other than white
    png = browser.evaluate("graphkitGL.png()")
    assert png.startswith("data:image/png;base64,")
    raw = base64.b64decode(png.split(",", 1)[1])
    assert raw[:8] == b"\x89PNG\r\n\x1a\n" and len(raw) > 20_000
    shutil.copy(browser.screenshot(SCREENSHOTS / "map-webgl.png"), ROOT / "docs" / "img" / "map-webgl.png")
    # colour by community and by country: the legend lists each with its organisations
    data = glmap_data(seed, backbone=0)
    rows = "Array.prototype.map.call(document.querySelectorAll('#gk-colour-legend tr'), function (r) { return r.textContent; })"
    for key, values, names in (("community", data["nodes"]["community"], None), ("country", data["nodes"]["country"], data["facets"]["country"])):
        browser.evaluate(f"(function () {{ var s = document.getElementById('gk-colour'); s.value = '{key}'; s.dispatchEvent(new Event('change')); }})()")
        counts: dict[int, int] = {}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        order = sorted(counts, key=lambda v: (-counts[v], v))
        want = [(f"community {v + 1}" if names is None else names[v]) + str(counts[v]) for v in order[:18]]
        if len(order) > 18:
            want.append(f"{len(order) - 18} more{sum(counts[v] for v in order[18:])}")
        assert browser.evaluate(rows) == want
    _clean(browser)


@pytest.mark.parametrize("facet,value,filters", [
    ("fund", "FAMI", {"fund": "FAMI"}),
    ("year", 2017, {"year": 2017}),
    ("country", "Morocco", None),
    ("type", "NGO", None),
])
def test_a_filter_draws_the_same_organisations_and_links_as_the_projection(browser, store, seed, seed_page, facet, value, filters):
    browser.open(seed_page, ready=READY)
    browser.evaluate(f"graphkitGL.setFacet({json.dumps(facet)}, {json.dumps(value)})")
    if filters:
        f = organisation_network(store, resolve_filters(store, **filters))
        want_nodes, want_edges = sorted(f.nodes), _pairs(f)
    else:
        attr = "country_label" if facet == "country" else "type_label"
        keep = [n for n, d in seed.nodes(data=True) if d.get(attr) == value]
        want_nodes, want_edges = sorted(keep), _pairs(seed.subgraph(keep))
    assert browser.evaluate("graphkitGL.drawnNodes()") == want_nodes
    assert browser.evaluate("graphkitGL.drawnEdges()") == want_edges
    assert 0 < len(want_nodes) < 73
    _clean(browser)


def test_fund_and_year_together_and_roles(browser, store, seed_page):
    browser.open(seed_page, ready=READY)
    browser.evaluate("graphkitGL.setFacet('fund', 'FAMI')")
    browser.evaluate("graphkitGL.setFacet('year', 2017)")
    f = organisation_network(store, resolve_filters(store, fund="FAMI", year=2017))
    assert (len(browser.evaluate("graphkitGL.drawnNodes()")), len(browser.evaluate("graphkitGL.drawnEdges()"))) == (50, 796)
    assert browser.evaluate("graphkitGL.drawnNodes()") == sorted(f.nodes)
    assert browser.evaluate("graphkitGL.drawnEdges()") == _pairs(f)
    # CICSENE keeps one project, D.I.S.Co.R.S.I. (as in the vis map's test)
    assert browser.evaluate("graphkitGL.kept('organisation:cicsene')") == 1
    browser.evaluate("graphkitGL.select('organisation:cicsene')")
    info = browser.evaluate("document.getElementById('gk-info').innerText")
    assert "Projects kept by the filters: 1" in info and "D.I.S.Co.R.S.I. (2017\u20132018)" in info
    browser.evaluate("graphkitGL.setFacet('fund', '')")
    browser.evaluate("graphkitGL.setFacet('year', '')")
    browser.evaluate("graphkitGL.setRoles(['lead', 'partner'])")
    r = organisation_network(store, resolve_filters(store, roles="lead,partner"))
    assert browser.evaluate("graphkitGL.drawnNodes()") == sorted(r.nodes)
    assert browser.evaluate("graphkitGL.drawnEdges()") == _pairs(r)
    _clean(browser)


def test_the_timeline_active_in_and_as_of_a_year(browser, store, seed, seed_page):
    browser.open(seed_page, ready=READY)
    browser.evaluate("graphkitGL.setYear(2014, 'active')")
    f = organisation_network(store, resolve_filters(store, year=2014))
    assert browser.evaluate("graphkitGL.drawnNodes()") == sorted(f.nodes)
    assert browser.evaluate("document.getElementById('gk-time-label').textContent") == "2014"
    browser.evaluate("graphkitGL.setYear(2014, 'asof')")
    # as of 2014: the organisations of a project started by the end of 2014
    cat = seed.graph["projects"]
    started = {p for p, d in cat.items() if d.get("start") and int(d["start"][:4]) <= 2014}
    want = sorted(n for n, d in seed.nodes(data=True) if any(x["project"] in started for x in d["participations"]))
    assert browser.evaluate("graphkitGL.drawnNodes()") == want
    assert len(want) > len(f.nodes)
    assert browser.evaluate("document.getElementById('gk-time-label').textContent") == "by 2014"
    _clean(browser)


def test_the_ego_view_keeps_a_node_its_partners_and_theirs(browser, seed, tmp_path):
    page = write_glmap(seed, tmp_path / "bb.html", backbone=2, index=False)
    browser.open(page, ready=READY)
    bb = nx.Graph(backbone_edges(seed, 2))
    bb.add_nodes_from(seed.nodes)
    assert browser.evaluate("graphkitGL.drawnEdges()") == _pairs(bb)
    key = "organisation:cicsene"
    assert browser.evaluate(f"graphkitGL.setEgo({json.dumps(key)}, 2)") == nx.ego_graph(bb, key, radius=2).number_of_nodes()
    assert browser.evaluate("graphkitGL.egoNodes()") == sorted(nx.ego_graph(bb, key, radius=2).nodes)
    assert browser.evaluate("graphkitGL.dimmedNodes()") == sorted(set(seed.nodes) - set(nx.ego_graph(bb, key, radius=2).nodes))
    browser.evaluate(f"graphkitGL.setEgo({json.dumps(key)}, 1)")
    assert browser.evaluate("graphkitGL.egoNodes()") == sorted([key, *bb[key]])
    browser.evaluate(f"graphkitGL.select({json.dumps(key)})")
    shutil.copy(browser.screenshot(SCREENSHOTS / "map-webgl-ego.png"), ROOT / "docs" / "img" / "map-webgl-ego.png")
    browser.evaluate("graphkitGL.setEgo(null)")
    assert browser.evaluate("graphkitGL.dimmedNodes()") == []
    _clean(browser)


def test_the_mouse_hovers_and_clicks_a_node_and_drags_the_view(browser, seed, seed_page):
    browser.open(seed_page, ready=READY)
    key = "organisation:cicsene"
    x, y = browser.evaluate(f"graphkitGL.screenOf({json.dumps(key)})")
    browser.mouse_move(x, y)
    assert browser.evaluate("graphkitGL.hovered()") == key
    browser.click(x, y)
    assert browser.evaluate("document.querySelector('#gk-info h2').textContent") == seed.nodes[key]["label"]
    # a drag moves the view: the node follows the mouse
    browser.send("Input.dispatchMouseEvent", {"type": "mousePressed", "x": x, "y": y, "button": "left", "clickCount": 1})
    browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x + 60, "y": y + 40, "button": "left"})
    browser.send("Input.dispatchMouseEvent", {"type": "mouseReleased", "x": x + 60, "y": y + 40, "button": "left", "clickCount": 1})
    assert browser.evaluate(f"graphkitGL.screenOf({json.dumps(key)})") == pytest.approx([x + 60, y + 40], abs=0.5)
    _clean(browser)


def test_search_finds_names_acronyms_and_aliases(browser, seed, seed_page):
    browser.open(seed_page, ready=READY)
    assert browser.evaluate("graphkitGL.search('cicsene')")[0] == "organisation:cicsene"
    found = browser.evaluate("graphkitGL.search('piemonte')")
    want = [n for n, d in seed.nodes(data=True)
            if any("piemonte" in s.lower() for s in [d["label"], d.get("acronym") or "", *d.get("aliases", [])])]
    assert sorted(found) == sorted(want) and len(want) > 1
    browser.evaluate("graphkitGL.setFacet('country', 'Morocco')")
    assert browser.evaluate("graphkitGL.search('cicsene')") == []      # only what is drawn
    _clean(browser)


def test_hostile_names_stay_text(browser, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-gl")
    shutil.copytree(FIXTURE, root / "data")
    build(root / "data", root / "graph", docs=False)
    g = organisation_network(EmbeddedStore.from_build(root / "graph"))
    title = 'Map "><script>window.__pwned=9</script>'
    page = write_glmap(g, root / "org.html", title=title, backbone=0, index=False)
    text = page.read_text(encoding="utf-8")
    assert "<img src=x" not in text and "</script><script>window.__pwned" not in text
    browser.open(page, ready=READY)
    names = {n: d["label"] for n, d in g.nodes(data=True) if "<" in d["label"]}
    assert names
    for key, name in names.items():
        browser.evaluate(f"graphkitGL.select({json.dumps(key)})")
        assert browser.evaluate("document.querySelector('#gk-info h2').textContent") == name
    browser.evaluate("graphkitGL.setLabels(10)")
    assert browser.evaluate("document.title") == title
    assert browser.evaluate("document.querySelectorAll('img, svg, iframe, a[href^=javascript]').length") == 0
    assert browser.evaluate("window.__pwned === undefined")
    _clean(browser)


def test_a_synthetic_network_draws_its_backbone_and_filters_exactly(browser, tmp_path):
    synthesize(300, 1, out_dir=tmp_path / "records")
    build(tmp_path / "records", tmp_path / "graph", docs=False)
    store = EmbeddedStore.from_build(tmp_path / "graph")
    g = organisation_network(store)
    page = write_glmap(g, tmp_path / "syn.html", backbone=3, index=False)
    browser.open(page, ready=READY)
    assert browser.evaluate("graphkitGL.drawnNodes()") == sorted(g.nodes)
    assert browser.evaluate("graphkitGL.drawnEdges()") == _pairs(g, backbone_edges(g, 3))
    assert browser.evaluate("graphkitGL.drawn()")["lines"] == len(backbone_edges(g, 3)) < g.number_of_edges()
    fund = browser.evaluate("document.getElementById('gk-fund').options[1].textContent")
    browser.evaluate(f"graphkitGL.setFacet('fund', {json.dumps(fund)})")
    f = organisation_network(store, resolve_filters(store, fund=fund))
    assert browser.evaluate("graphkitGL.drawnNodes()") == sorted(f.nodes)
    # the links drawn: the backbone's links whose two ends share a project of the fund
    assert browser.evaluate("graphkitGL.drawnEdges()") == _pairs(g, [e for e in backbone_edges(g, 3) if f.has_edge(*e)])
    browser.screenshot(SCREENSHOTS / "map-webgl-synthetic.png")
    _clean(browser)
