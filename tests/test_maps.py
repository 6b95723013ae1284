"""Maps: self-contained, deterministic HTML pages, opened in headless Chromium with the network cut.

The browser tests drive Debian's ``chromium`` over the DevTools protocol (graphkit.browser). They
check the counts an analyst sees against the projections computed in Python, that the page
loads nothing from the network and logs no error, and that names written as HTML or JavaScript
(tests/fixtures/network/data) are shown as text and run nothing. Screenshots go to
build/screenshots/.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import time
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from graphkit.browser import BrowserError, Chromium
from graphkit.builder import build
from graphkit.cli import main
from graphkit.maps import LARGE_GRAPH_EDGES, PHYSICS_MAX_NODES, MapHTML, map_data, render_map, write_map
from graphkit.network import Filters, organisation_network, project, resolve_filters
from graphkit.store import EmbeddedStore
from graphkit.style import layout

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "network" / "data"
PROJECTIONS = ("org", "bipartite", "place", "membership")
HOSTILE = ["<img src=x onerror=alert(1)>", '"><script>window.__pwned=1</script>', "<svg onload=alert(4)>",
           '<a href="javascript:window.__pwned=3">', "</script><script>window.__pwned=7</script>",
           "<script>window.__pwned=2</script>", "<img src=z onerror=alert(6)>"]
HOSTILE_TITLE = 'Map "><script>window.__pwned=9</script>'

COUNT = "[network.body.data.nodes.length, network.body.data.edges.length]"
VISIBLE = ("[network.body.data.nodes.get({filter: function (n) { return !n.hidden; }}).length,"
           " network.body.data.edges.get({filter: function (e) { return !e.hidden; }}).length]")
DOM_POS = ("(function (id) { var p = network.canvasToDOM(network.getPosition(id));"
           " var r = document.getElementById('gk-network').getBoundingClientRect();"
           " return [p.x + r.left, p.y + r.top]; })")
EDGE_POS = ("(function (id, f) { var e = network.body.data.edges.get(id); var a = network.getPosition(e.from),"
            " b = network.getPosition(e.to); var p = network.canvasToDOM({x: a.x + f * (b.x - a.x), y: a.y + f * (b.y - a.y)});"
            " var r = document.getElementById('gk-network').getBoundingClientRect();"
            " return [p.x + r.left, p.y + r.top]; })")
TOOLTIP = "(document.querySelector('div.vis-tooltip') || {}).textContent || ''"
CLEAR_TOOLTIP = "(function () { var t = document.querySelector('div.vis-tooltip'); if (t) { t.textContent = ''; } return true; })()"


@pytest.fixture(scope="module")
def browser():
    with Chromium() as b:
        yield b


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> EmbeddedStore:
    """The fixture dataset of hostile names, built like the real records."""
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(FIXTURE, data)
    build(data, root / "graph", docs=False)
    return EmbeddedStore.from_build(root / "graph")


@pytest.fixture(scope="module")
def hostile_maps(hostile_store, tmp_path_factory) -> dict[str, tuple[Path, nx.Graph]]:
    out = tmp_path_factory.mktemp("hostile-maps")
    maps = {}
    for name in PROJECTIONS:
        g = project(hostile_store, name)
        maps[name] = (write_map(g, out / f"{name}.html", title=HOSTILE_TITLE), g)
    return maps


def _clean(browser: Chromium) -> None:
    assert browser.console_errors == []
    assert browser.dialogs == []
    assert [u for u in browser.requests if not u.startswith(("file:", "data:", "about:"))] == []


def _hover_edge(browser: Chromium, edge: str) -> str:
    """The tooltip of a link, hovering along it (where links cross, another may be on top)."""
    for fraction in (0.35, 0.65, 0.2, 0.8):
        x, y = browser.evaluate(f"{EDGE_POS}({json.dumps(edge)}, {fraction})")
        browser.evaluate(CLEAR_TOOLTIP)
        browser.mouse_move(x, y)
        try:
            browser.wait_for(f"({TOOLTIP}).length > 0", timeout=1)
        except BrowserError:
            continue
        finally:
            browser.mouse_move(1, 1)
        return browser.evaluate(TOOLTIP)
    raise AssertionError(f"no tooltip for link {edge}")


def synthetic_network(n_orgs: int, n_projects: int, seed: int = 1) -> nx.Graph:
    """An organisation projection of graphkit's shape from random memberships (2-6 per project)."""
    rnd = random.Random(seed)
    g = nx.Graph()
    projects = {f"project:p{i}": {"label": f"P{i}", "title": f"Project {i}", "start": "2015-01-01",
                                  "end": "2016-12-31", "funds": ["FAMI"]} for i in range(n_projects)}
    g.graph.update(projection="org", filters_text="synthetic", roles={"lead": "lead", "partner": "partner"},
                   projects=projects)
    for o in range(n_orgs):
        g.add_node(f"organisation:o{o}", label=f"Organisation {o}", kind="organisation", type="ngo",
                   type_label="NGO", country="ITA", country_label="Italy", participations=[], roles=[])
    for p in projects:
        members = rnd.sample(range(n_orgs), rnd.randint(2, 6))
        for i, o in enumerate(members):
            g.nodes[f"organisation:o{o}"]["participations"].append({"project": p, "role": "lead" if i == 0 else "partner"})
        for a, b in combinations(sorted(members), 2):
            u, v = f"organisation:o{a}", f"organisation:o{b}"
            if not g.has_edge(u, v):
                g.add_edge(u, v, weight=0, projects=[], roles={})
            d = g.edges[u, v]
            d["weight"] += 1
            d["projects"].append(p)
            d["roles"][p] = {u: ["lead" if members[0] == a else "partner"], v: ["lead" if members[0] == b else "partner"]}
    for _, d in g.nodes(data=True):
        d["roles"] = sorted({x["role"] for x in d["participations"]})
    return g


# ------------------------------------------------------------------ the HTML itself


def test_a_map_is_one_self_contained_file(store):
    page = render_map(organisation_network(store))
    assert not re.search(r"""<(script|img|iframe|link)\b[^>]*\b(src|href)\s*=""", page, re.I)
    assert not re.search(r"""url\(\s*['"]?(https?:)?//""", page, re.I)
    assert "@import" not in page and "sourceMappingURL" not in page
    assert not re.search(r"cdnjs|jsdelivr|unpkg|bootstrap|tom-select", page, re.I)
    # the only URLs left are in vis-network's licence comments and the SVG namespace
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://almende.com", "http://opensource.org/licenses/MIT", "http://www.apache.org/licenses/LICENSE-2.0",
                    "http://www.w3.org/2000/svg", "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
                    "https://github.com/visjs", "https://github.com/zloirock/core-js",
                    "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE", "https://visjs.github.io/vis-network/"}


def test_a_map_is_the_same_every_time_and_its_layout_is_seeded(store):
    g = organisation_network(store, Filters.of_year(2014))
    assert render_map(g) == render_map(organisation_network(store, Filters.of_year(2014)))
    assert render_map(g, seed=1) != render_map(g, seed=0)
    data = map_data(g)
    pos = layout(g, 0)
    assert [(n["x"], n["y"]) for n in data["nodes"]] == [pos[k] for k in g.nodes]
    assert data["options"]["physics"]["enabled"] is False


def test_hostile_names_are_never_written_as_markup(hostile_maps):
    for name, (path, _) in hostile_maps.items():
        page = path.read_text(encoding="utf-8")
        for s in HOSTILE:
            assert s not in page, (name, s)
        data = json.loads(re.search(r'<script type="application/json" id="gk-data">(.*?)</script>', page, re.S).group(1))
        assert all(re.fullmatch(r"n\d+", n["id"]) for n in data["nodes"])
        assert "<title>Map &#34;&gt;&lt;script&gt;window.__pwned=9&lt;/script&gt;</title>" in page


def test_physics_only_for_small_maps_and_plain_edges_for_large_ones():
    small, large = synthetic_network(40, 12), synthetic_network(PHYSICS_MAX_NODES + 50, 400)
    assert map_data(small, physics=True)["options"]["physics"]["enabled"] is True
    assert map_data(large, physics=True)["options"]["physics"]["enabled"] is False
    assert large.number_of_edges() > LARGE_GRAPH_EDGES
    assert map_data(large)["options"]["edges"]["smooth"] is False


def test_index_lists_the_maps_with_escaped_titles(hostile_maps):
    folder = next(iter(hostile_maps.values()))[0].parent
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert index.count("<li><a href=") == 4
    assert "<script>window" not in index and "&lt;script&gt;window.__pwned=9" in index
    assert json.loads((folder / "maps.json").read_text(encoding="utf-8"))["org.html"]["nodes"] == 4


def test_notebook_display_is_an_escaped_sandboxed_frame(hostile_maps):
    page = MapHTML(hostile_maps["org"][0].read_text(encoding="utf-8"))
    frame = page._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in frame
    assert "<script" not in frame[:-len("</iframe>")].split('srcdoc="', 1)[1]


# ------------------------------------------------------------------ in the browser


@pytest.mark.parametrize("name", PROJECTIONS)
def test_seed_maps_open_offline_with_the_expected_counts(browser, store, tmp_path, name):
    g = project(store, name)
    path = write_map(g, tmp_path / f"{name}.html")
    browser.open(path)
    assert browser.evaluate(COUNT) == [g.number_of_nodes(), g.number_of_edges()]
    assert browser.evaluate("document.getElementById('gk-status').textContent") == (
        f"{g.number_of_nodes()} of {g.number_of_nodes()} nodes, {g.number_of_edges()} of {g.number_of_edges()} links shown")
    shot = browser.screenshot(SCREENSHOTS / f"{name}.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(shot.read_bytes()[16:20], "big") == 1400
    _clean(browser)


def test_an_analyst_finds_cicsene_its_projects_partners_fami_and_2017(browser, store, tmp_path):
    path = write_map(organisation_network(store), tmp_path / "org.html", title="Partnership network")
    browser.open(path)
    # search by an alias; the side panel shows the projects, roles, partners and evidence
    assert browser.evaluate("graphkitMap.keyOf(graphkitMap.search('Cicsene'))") == "organisation:cicsene"
    info = browser.evaluate("document.getElementById('gk-info').innerText")
    assert info.startswith("CICSENE – Cooperazione e Sviluppo Locale")
    for text in ("IMPRA (partner, 2013-09-30 – 2014-06-30)", "D.I.S.Co.R.S.I. (partner, 2017-05-15 – 2018-05-31)",
                 "(lead partner, 2010-01-01 – 2010-12-31)", "Partners (54)",
                 "Consorzio Ong Piemontesi – 3 shared projects", "con capofila Cicsene"):
        assert text in info
    browser.screenshot(SCREENSHOTS / "org-cicsene.png")
    # the page's filters give the same networks as the projections computed in Python
    cases = [({"fund": "FAMI"}, resolve_filters(store, fund="FAMI")),
             ({"year": 2017}, Filters.of_year(2017)),
             ({"roles": ["lead", "partner"]}, resolve_filters(store, roles="lead,partner")),
             ({"fund": "FAMI", "year": 2017, "roles": ["lead", "partner"]},
              resolve_filters(store, fund="FAMI", year=2017, roles="lead,partner"))]
    for page_filters, filters in cases:
        browser.evaluate("document.getElementById('gk-reset').click()")
        for facet in ("fund", "year"):
            if facet in page_filters:
                browser.evaluate(f"graphkitMap.setFilter({json.dumps(facet)}, {json.dumps(page_filters[facet])})")
        if "roles" in page_filters:
            browser.evaluate(f"graphkitMap.setRoles({json.dumps(page_filters['roles'])})")
        g = organisation_network(store, filters)
        assert browser.evaluate(VISIBLE) == [g.number_of_nodes(), g.number_of_edges()], page_filters
    # with FAMI, 2017, lead and partners, CICSENE's partners are DISCORSI's: COP, CCM, ENAIP
    browser.evaluate("graphkitMap.select(graphkitMap.idOf('organisation:cicsene'))")
    info = browser.evaluate("document.getElementById('gk-info').innerText")
    assert "Partners (3)" in info
    assert "Consorzio Ong Piemontesi – 1 shared project: D.I.S.Co.R.S.I." in info    # of the 3, the one kept
    browser.screenshot(SCREENSHOTS / "org-fami-2017.png")
    _clean(browser)


def test_type_and_country_menus_filter_nodes(browser, store, tmp_path):
    g = organisation_network(store)
    browser.open(write_map(g, tmp_path / "org.html"))
    # RESACOOP, CIEDEL, COSIM and Forum Réfugiés take part in projects (RESACOOP's other associates do not)
    french = [n for n, d in g.nodes(data=True) if d["country"] == "FRA"]
    nodes, _ = browser.evaluate("graphkitMap.setFilter('country', 'France'), " + VISIBLE)
    assert nodes == len(french) == 4
    ngos = [n for n, d in g.nodes(data=True) if d["country"] == "FRA" and d["type_label"] == "NGO network"]
    assert browser.evaluate("graphkitMap.setFilter('type', 'NGO network'), " + VISIBLE)[0] == len(ngos)
    options = browser.evaluate("Array.from(document.querySelectorAll('#gk-fund option')).map(o => o.textContent)")
    assert options[:3] == ["all funds", "FAMI", "FAMI / OS2"] and "FEI / Azione 8 / Annualità 2012" in options
    _clean(browser)


def test_hostile_names_are_shown_as_text_and_run_nothing(browser, hostile_maps):
    for name, (path, g) in hostile_maps.items():
        browser.open(path)
        assert browser.evaluate(COUNT) == [g.number_of_nodes(), g.number_of_edges()]
        assert browser.evaluate("document.querySelector('h1').textContent") == HOSTILE_TITLE
        assert browser.evaluate("document.title") == HOSTILE_TITLE
        tips, names = [], []
        for node in browser.evaluate("network.body.data.nodes.getIds()"):
            x, y = browser.evaluate(f"{DOM_POS}({json.dumps(node)})")
            browser.evaluate(CLEAR_TOOLTIP)
            browser.mouse_move(x, y)
            browser.wait_for(f"({TOOLTIP}).length > 0", timeout=5)
            tips.append(browser.evaluate(TOOLTIP))
            browser.click(x, y)
            names.append(browser.evaluate("document.querySelector('#gk-info h2').textContent"))
            browser.mouse_move(1, 1)
        for edge in browser.evaluate("network.body.data.edges.getIds()"):
            tips.append(_hover_edge(browser, edge))
        labels = {d.get("label") for _, d in g.nodes(data=True)}
        assert set(names) == labels
        for key in ("xss-img", "xss-script", "xss-href"):
            label = g.nodes.get(f"organisation:{key}", {}).get("label")
            if label:
                assert any(t.startswith(label) for t in tips), (name, label)
                assert browser.evaluate(f"graphkitMap.keyOf(graphkitMap.search({json.dumps(label)}))") == f"organisation:{key}"
        for facet in ("type", "country", "fund", "year"):
            for value in browser.evaluate(f"Array.from(document.querySelectorAll('#gk-{facet} option')).map(o => o.value)"):
                browser.evaluate(f"graphkitMap.setFilter({json.dumps(facet)}, {json.dumps(value)})")
            browser.evaluate(f"graphkitMap.setFilter({json.dumps(facet)}, '')")
        assert browser.evaluate("typeof window.__pwned") == "undefined", name
        assert browser.evaluate("document.querySelectorAll('#gk-info img, #gk-info script, #gk-info a, "
                                "div.vis-tooltip img, div.vis-tooltip script, div.vis-tooltip a').length") == 0
        _clean(browser)
    browser.screenshot(SCREENSHOTS / "hostile-names.png")


def test_the_layout_never_moves_and_physics_stops_after_stabilising(browser, store, tmp_path):
    g = organisation_network(store, Filters.of_year(2014))
    browser.open(write_map(g, tmp_path / "static.html"))
    before = browser.evaluate("network.getPositions()")
    time.sleep(0.5)
    assert browser.evaluate("network.getPositions()") == before
    assert browser.evaluate("network.physics.physicsEnabled") is False
    pos = layout(g, 0)
    first = json.dumps(browser.evaluate("graphkitMap.idOf('organisation:cop')"))
    assert browser.evaluate(f"[network.body.nodes[{first}].x, network.body.nodes[{first}].y]") == list(pos["organisation:cop"])
    browser.open(write_map(g, tmp_path / "physics.html", physics=True))
    browser.wait_for("network.physics.physicsEnabled === false", timeout=20)
    settled = browser.evaluate("network.getPositions()")
    time.sleep(0.5)
    assert browser.evaluate("network.getPositions()") == settled
    _clean(browser)


def test_a_large_map_loads_and_filters(browser, tmp_path):
    g = synthetic_network(600, 300)
    start = time.monotonic()
    browser.open(write_map(g, tmp_path / "large.html", physics=True))
    assert browser.evaluate(COUNT) == [600, g.number_of_edges()]
    assert browser.evaluate("network.physics.physicsEnabled") is False
    assert browser.evaluate("graphkitMap.setRoles(['lead'])")["edges"] == 0
    assert time.monotonic() - start < 60
    _clean(browser)


def test_map_command_writes_the_page_the_index_and_a_screenshot(built, tmp_path):
    out = tmp_path / "maps" / "fami-2017.html"
    shot = tmp_path / "fami-2017.png"
    res = CliRunner().invoke(main, ["map", "--build", str(built), "--fund", "FAMI", "--year", "2017",
                                    "--size-by", "betweenness", "--out", str(out), "--screenshot", str(shot)])
    assert res.exit_code == 0, res.output
    assert "50 nodes, 796 links" in res.output
    assert (tmp_path / "maps" / "index.html").read_text(encoding="utf-8").count('href="fami-2017.html"') == 1
    assert shot.read_bytes()[:4] == b"\x89PNG"
    res = CliRunner().invoke(main, ["map", "--build", str(built), "--out", str(tmp_path / "x.txt")])
    assert res.exit_code == 3


def test_a_reduced_map_keeps_the_top_nodes_and_their_strongest_links(built, store, tmp_path):
    from graphkit.maps import reduce_network

    g = organisation_network(store)
    m = reduce_network(g, top=4, backbone=1)
    # the four of highest weighted degree; each keeps its strongest link among the four
    # (ties broken by id), so 4 nodes and the union of their choices
    assert sorted(m.nodes) == ["organisation:cicsene", "organisation:cop", "organisation:iscos-piemonte",
                               "organisation:rete"]
    # all four are linked by 3 shared projects: CICSENE picks COP (first by id), the others CICSENE
    assert sorted(tuple(sorted((a, b))) + (w,) for a, b, w in m.edges(data="weight")) == [
        ("organisation:cicsene", "organisation:cop", 3),
        ("organisation:cicsene", "organisation:iscos-piemonte", 3),
        ("organisation:cicsene", "organisation:rete", 3)]
    assert m.graph["reduced"] == {"nodes": 4, "of_nodes": 73, "edges": 3, "of_edges": 972,
                                  "top": 4, "backbone": 1, "items": 20}
    page = render_map(m)
    assert "<b>Reduced</b>: 4 of 73 nodes (highest weighted degree); " in page
    res = CliRunner().invoke(main, ["map", "--build", str(built), "--top", "10", "--backbone", "2",
                                    "--out", str(tmp_path / "top.html")])
    assert res.exit_code == 0, res.output
    assert "reduced to 10 of 73 nodes and 16 of 972 links" in res.output
    assert "10 of 73 nodes (highest weighted degree); 16 of 972 links (each node&#x27;s 2 strongest)" in (
        tmp_path / "top.html").read_text(encoding="utf-8")
