"""The analyst's explorer in headless Chromium: filters and the timeline recompute sizes, metrics
and the side panel; colour by community or any attribute; the ego view; labels that do not pile
up; the view saved as PNG and SVG; hostile names stay inert through all of it.

Every count and value the page shows is compared with the projection or the metric computed in
Python on the same filters. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from graphkit import style
from graphkit.browser import Chromium
from graphkit.maps import write_map
from graphkit.metrics import betweenness, bridged_pairs, brokerage, community_of, degree, weighted_degree
from graphkit.network import networks_by_period, organisation_network, project, resolve_filters

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
VISIBLE = ("[network.body.data.nodes.get({filter: function (n) { return !n.hidden; }}).length,"
           " network.body.data.edges.get({filter: function (e) { return !e.hidden; }}).length]")
INFO = "document.getElementById('gk-info').innerText"
SVG = "{http://www.w3.org/2000/svg}"
CORE = "lead,partner,promoter,foreign-adherent"


@pytest.fixture(scope="module")
def browser():
    with Chromium() as b:
        yield b


def _clean(browser: Chromium) -> None:
    assert browser.console_errors == []
    assert browser.dialogs == []
    assert [u for u in browser.requests if not u.startswith(("file:", "data:", "about:"))] == []


def _tooltip(browser: Chromium, key: str, name: str = "CICSENE") -> str:
    """Hover a node and read its tooltip (the tooltip element of a node stays, refilled by the filters)."""
    node = json.dumps(browser.evaluate(f"graphkitMap.idOf({json.dumps(key)})"))
    browser.evaluate(f"network.focus({node}, {{scale: 1.5, animation: false}})")
    x, y = browser.evaluate(f"(function (id) {{ var p = network.canvasToDOM(network.getPosition(id)); var r = "
                            f"document.getElementById('gk-network').getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }})({node})")
    browser.mouse_move(x, y)
    browser.wait_for("((document.querySelector('div.vis-tooltip') || {}).textContent || '').indexOf(" + json.dumps(name) + ") === 0", timeout=5)
    text = browser.evaluate("document.querySelector('div.vis-tooltip').textContent")
    browser.mouse_move(1, 1)
    return text


def _metric_lines(info: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in info.splitlines()
                if line.split(": ", 1)[0] in ("Degree", "Weighted degree", "Betweenness", "Brokerage", "Projects", "Active"))


def test_fami_2017_recomputes_cicsenes_panel_and_every_size(browser, store, tmp_path):
    browser.open(write_map(organisation_network(store), tmp_path / "org.html"))
    assert "Weighted degree: 64" in _tooltip(browser, "organisation:cicsene")
    browser.evaluate("graphkitMap.select(graphkitMap.idOf('organisation:cicsene'))")
    before = _metric_lines(browser.evaluate(INFO))
    assert (before["Degree"], before["Weighted degree"]) == ("54", "64")
    assert before["Projects"].startswith("Khouribga") and "IMPRA" in before["Projects"]
    browser.evaluate("graphkitMap.setFilter('fund', 'FAMI')")
    browser.evaluate("graphkitMap.setYear(2017)")
    f = organisation_network(store, resolve_filters(store, fund="FAMI", year=2017))
    assert browser.evaluate(VISIBLE) == [f.number_of_nodes(), f.number_of_edges()] == [50, 796]
    info = browser.evaluate(INFO)
    after = _metric_lines(info)
    cicsene = "organisation:cicsene"
    assert (after["Degree"], after["Weighted degree"]) == (str(degree(f)[cicsene]), str(weighted_degree(f)[cicsene])) == ("38", "38")
    assert after["Projects"] == "D.I.S.Co.R.S.I. (partner, 2017-05-15 – 2018-05-31)"
    assert after["Active"] == "2017-05-15 – 2018-05-31"
    assert "Khouribga" not in info and "IMPRA" not in info        # not in projects, evidence or partners
    assert "Measured on: the network shown (50 of 73 nodes, 796 of 972 links shown)" in info
    # sizes: graphkit.style.sizes of the weighted degree of the network shown
    expected = style.sizes({n: float(v) for n, v in weighted_degree(f).items()})
    sizes = browser.evaluate("graphkitMap.sizes()")
    assert set(sizes) == set(f.nodes)
    assert all(sizes[n] == pytest.approx(expected[n], abs=0.051) for n in f)
    assert len(set(sizes.values())) > 1
    # the tooltip, made again on hover, says the same
    tip = _tooltip(browser, cicsene)
    assert "Weighted degree: 38" in tip and "IMPRA" not in tip and "Khouribga" not in tip
    browser.evaluate("graphkitMap.setFilter('fund', '')")
    assert _metric_lines(browser.evaluate(INFO))["Degree"] == str(degree(organisation_network(store, resolve_filters(
        store, year=2017)))[cicsene])
    browser.screenshot(SCREENSHOTS / "explorer-2017-cicsene.png")
    _clean(browser)


def test_metrics_in_the_page_are_those_of_graphkit_metrics(browser, store, tmp_path):
    g = organisation_network(store, resolve_filters(store, roles=CORE))
    browser.open(write_map(g, tmp_path / "core.html", size_by="betweenness"))
    for year in (None, 2013, 2017):
        browser.evaluate(f"graphkitMap.setYear({json.dumps(year)})")
        h = organisation_network(store, resolve_filters(store, roles=CORE, year=year))
        for name, fn in (("degree", degree), ("weighted-degree", weighted_degree), ("brokerage", brokerage),
                         ("bridged-pairs", bridged_pairs)):
            assert browser.evaluate(f"graphkitMap.metric({json.dumps(name)})") == fn(h), (year, name)
        page = browser.evaluate("graphkitMap.metric('betweenness')")
        assert page == pytest.approx(betweenness(h), abs=1e-12), year
    browser.evaluate("graphkitMap.setYear(null)")
    assert browser.evaluate("graphkitMap.metric('brokerage')")["organisation:cop"] == 39     # docs/networks.md
    _clean(browser)


def test_the_timeline_plays_the_years_active_in_and_as_of(browser, store, tmp_path):
    g = organisation_network(store)
    browser.open(write_map(g, tmp_path / "org.html"))
    assert browser.evaluate("[document.getElementById('gk-time').min, document.getElementById('gk-time').max]") == ["0", "14"]
    for year in range(2010, 2024):
        browser.evaluate(f"graphkitMap.setYear({year})")
        h = organisation_network(store, resolve_filters(store, year=year))
        assert browser.evaluate(VISIBLE) == [h.number_of_nodes(), h.number_of_edges()], year
        assert browser.evaluate("document.getElementById('gk-time-label').textContent") == f"active in {year}"
    browser.evaluate("graphkitMap.setMode('asof')")
    for year, h in networks_by_period(g, [2010, 2012, 2013, 2017, 2023], cumulative=True).items():
        browser.evaluate(f"graphkitMap.setYear({year})")
        assert browser.evaluate(VISIBLE) == [h.number_of_nodes(), h.number_of_edges()], year
        assert browser.evaluate("graphkitMap.metric('degree')") == degree(h)
    assert browser.evaluate(VISIBLE) == [73, 972]      # as of 2023 every project has started
    # play: one step per year from the first, then it stops at the last
    browser.evaluate("graphkitMap.setMode('active'); graphkitMap.setYear(null); graphkitMap.play(30)")
    browser.wait_for("document.getElementById('gk-play').textContent.indexOf('Play') >= 0", timeout=10)
    assert browser.evaluate("document.getElementById('gk-time').value") == "14"
    assert browser.evaluate("document.getElementById('gk-time-label').textContent") == "active in 2023"
    browser.evaluate("graphkitMap.setYear(2013)")
    assert browser.evaluate("graphkitMap.step(), document.getElementById('gk-time-label').textContent") == "active in 2014"
    browser.evaluate("graphkitMap.setYear(2013); graphkitMap.search('Cicsene')")
    browser.screenshot(SCREENSHOTS / "explorer-timeline-2013.png")
    browser.evaluate("document.getElementById('gk-reset').click()")
    assert browser.evaluate(VISIBLE) == [73, 972]
    assert browser.evaluate("document.getElementById('gk-time-label').textContent") == "all years"
    _clean(browser)


def test_colour_by_community_is_seeded_and_stays_put_through_time(browser, store, tmp_path):
    g = organisation_network(store)
    browser.open(write_map(g, tmp_path / "org.html", seed=0))
    colours = browser.evaluate("graphkitMap.colourBy('community')")
    community = community_of(g, seed=0)
    by_community: dict[int, set[str]] = {}
    for n, c in community.items():
        by_community.setdefault(c, set()).add(colours[n])
    assert all(len(v) == 1 for v in by_community.values())
    assert len({next(iter(v)) for v in by_community.values()}) == len(by_community)
    browser.evaluate("graphkitMap.setYear(2017)")
    assert browser.evaluate("graphkitMap.colourBy('community')") == colours
    legend = browser.evaluate("document.getElementById('gk-legend-colour').innerText")
    assert legend.startswith("Colour: community (Louvain on the whole map, seed 0)")
    assert browser.evaluate("document.getElementById('gk-legend-type').hidden") is True
    countries = browser.evaluate("graphkitMap.colourBy('country')")
    assert len({countries[n] for n, d in g.nodes(data=True) if d["country"] == "ITA"}) == 1
    assert countries["organisation:resacoop"] != countries["organisation:cop"]
    options = browser.evaluate("Array.from(document.querySelectorAll('#gk-colour option')).map(o => o.value)")
    assert options == ["type", "community", "country", "region", "component", "metric:degree", "metric:weighted-degree",
                       "metric:betweenness", "metric:brokerage", "metric:bridged-pairs"]
    browser.screenshot(SCREENSHOTS / "explorer-community-2017.png")
    types = browser.evaluate("graphkitMap.colourBy('type')")
    assert types["organisation:cop"] == style.TYPE_COLOURS["ngo-network"]
    _clean(browser)


def test_the_ego_view_of_cop_dims_everything_beyond_partners_of_partners(browser, store, tmp_path):
    g = organisation_network(store, resolve_filters(store, roles=CORE))
    browser.open(write_map(g, tmp_path / "core.html"))
    for key, radius in (("organisation:cop", 1), ("organisation:resacoop", 1), ("organisation:cop", 2)):
        count = browser.evaluate(f"graphkitMap.ego(graphkitMap.idOf({json.dumps(key)}), {radius})")
        expected = sorted(nx.ego_graph(g, key, radius=radius))
        assert browser.evaluate("graphkitMap.egoNodes()") == expected and count == len(expected)
    dim = browser.evaluate("network.body.data.nodes.get().filter(function (n) { return n.color && n.color.background === '#eeeeee'; }).length")
    assert dim == g.number_of_nodes() - len(nx.ego_graph(g, "organisation:cop", radius=2))
    browser.evaluate("graphkitMap.select(graphkitMap.idOf('organisation:cop'))")
    assert "Leave the ego view" in browser.evaluate(INFO)
    # within a year: the ego network of the network shown
    browser.evaluate("graphkitMap.setYear(2013)")
    h = organisation_network(store, resolve_filters(store, roles=CORE, year=2013))
    assert browser.evaluate("graphkitMap.egoNodes()") == sorted(nx.ego_graph(h, "organisation:cop", radius=2))
    browser.evaluate("graphkitMap.setYear(null); graphkitMap.ego(graphkitMap.idOf('organisation:resacoop'), 1)")
    browser.evaluate("graphkitMap.select(graphkitMap.idOf('organisation:resacoop'))")
    browser.screenshot(SCREENSHOTS / "explorer-ego-resacoop.png")
    browser.evaluate("document.getElementById('gk-ego').click()")
    assert browser.evaluate("graphkitMap.egoNodes()") == []
    _clean(browser)


def test_labels_in_a_dense_clique_never_overlap(browser, store, tmp_path):
    g = organisation_network(store)
    browser.open(write_map(g, tmp_path / "org.html"))
    labels = browser.evaluate("graphkitMap.labels()")
    boxes = [x["box"] for x in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    keys = [x["key"] for x in labels]
    assert 10 < len(keys) < g.number_of_nodes()          # the 39 of D.I.S.Co.R.S.I. cannot all be read
    # the largest first: COP and CICSENE (weighted degree 64) sit side by side, so one is labelled
    assert keys[0] in ("organisation:cicsene", "organisation:cop")
    drawn = browser.evaluate("network.body.data.nodes.get().filter(function (n) { return n.label; }).length")
    assert drawn == len(keys)
    # zoomed in, more labels fit
    more = browser.evaluate("network.moveTo({scale: network.getScale() * 3}), graphkitMap.labels().length")
    assert more > len(keys)
    _clean(browser)


def test_the_view_saves_as_png_and_svg(browser, store, tmp_path):
    g = organisation_network(store, resolve_filters(store, roles=CORE))
    browser.open(write_map(g, tmp_path / "core.html"))
    url = browser.evaluate("graphkitMap.png()")
    assert url.startswith("data:image/png;base64,")
    png = base64.b64decode(url.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == browser.evaluate("document.querySelector('#gk-network canvas').width")
    browser.evaluate("graphkitMap.setYear(2017)")
    h = organisation_network(store, resolve_filters(store, roles=CORE, year=2017))
    root = ET.fromstring(browser.evaluate("graphkitMap.svg()"))
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f".//{SVG}circle")) == h.number_of_nodes()
    assert len(root.findall(f".//{SVG}line")) == h.number_of_edges()
    texts = {t.text for t in root.iter(f"{SVG}text")}
    drawn = browser.evaluate("network.body.data.nodes.get().filter(function (n) { return n.label && !n.hidden; })"
                             ".map(function (n) { return n.label; })")
    assert "COP" in texts and texts == set(drawn)           # the labels drawn on the canvas
    # the buttons make downloads of the same images
    assert browser.evaluate("document.getElementById('gk-png').textContent + document.getElementById('gk-svg').textContent") == "PNGSVG"
    _clean(browser)


def test_hostile_names_stay_text_through_time_colour_ego_and_svg(browser, hostile_graphs, tmp_path):
    for name, g in hostile_graphs.items():
        browser.open(write_map(g, tmp_path / f"{name}.html", title='x"><script>window.__pwned=5</script>'))
        options = browser.evaluate("Array.from(document.querySelectorAll('#gk-colour option')).map(o => o.value)")
        for key in options:
            browser.evaluate(f"graphkitMap.colourBy({json.dumps(key)})")
        for node in browser.evaluate("network.body.data.nodes.getIds()"):
            browser.evaluate(f"graphkitMap.ego({json.dumps(node)}, 2); graphkitMap.select({json.dumps(node)})")
        browser.evaluate("graphkitMap.ego(null); graphkitMap.play(10)")
        browser.wait_for("document.getElementById('gk-play').textContent.indexOf('Play') >= 0", timeout=10)
        svg = browser.evaluate("graphkitMap.svg()")
        root = ET.fromstring(svg)
        assert not list(root.iter(f"{SVG}script")) and "<script" not in svg and "<img" not in svg
        labels = {t.text for t in root.iter(f"{SVG}text")}
        assert browser.evaluate("typeof window.__pwned") == "undefined", name
        assert browser.evaluate("document.querySelectorAll('#gk-info img, #gk-info script, #gk-legend img, "
                                "#gk-legend script').length") == 0
        if name == "org":
            assert any("<" in t for t in labels if t)            # a hostile label, drawn as text
        _clean(browser)


@pytest.fixture(scope="module")
def hostile_graphs(tmp_path_factory):
    import shutil

    from graphkit.builder import build
    from graphkit.store import EmbeddedStore

    root = tmp_path_factory.mktemp("hostile-explorer")
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "network" / "data", root / "data")
    build(root / "data", root / "graph", docs=False)
    store = EmbeddedStore.from_build(root / "graph")
    return {name: project(store, name) for name in ("org", "bipartite", "place", "membership")}
