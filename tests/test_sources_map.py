"""The cross-source map: each organisation's sources on the page (tooltip, side panel, Source filter,
colour by source), the aggregated first screen (one node per country or community, expandable), and a
colour of its own for every organisation type.

The map is the one `graphkit sources map` writes from the real build with both datasets imported
(data/external/); the expected values are computed from the network in Python and, for the first
screen, also written out as an analyst reads them. Screenshots go to build/screenshots/ (the two in
docs/img/ were taken there).
"""

from __future__ import annotations

import itertools
import json
import math
import re
import shutil
import time
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
import yaml
from click.testing import CliRunner

from graphkit import style
from graphkit.browser import Chromium
from graphkit.builder import build
from graphkit.cli import main
from graphkit.maps import MapError, map_data, write_map
from graphkit.metrics import compute
from graphkit.network import organisation_network
from graphkit.rdf.datasets import IATI_ORG_TYPE, KIND_PRIORITY, crs_channel_kind
from graphkit.sources import italian_ngo_network
from graphkit.store import EmbeddedStore
from graphkit.store.sources import open_sources

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "network" / "data"
VOCABULARY = ROOT / "graphkit" / "resources" / "ontology" / "vocabularies" / "organisation-types.ttl"
VISIBLE = ("[network.body.data.nodes.get({filter: function (n) { return !n.hidden; }}).length,"
           " network.body.data.edges.get({filter: function (e) { return !e.hidden; }}).length]")
HOSTILE_SOURCE = "<img src=x onerror=alert(8)>"


def _clean(browser: Chromium) -> None:
    assert browser.console_errors == []
    assert browser.dialogs == []
    assert [u for u in browser.requests if not u.startswith(("file:", "data:", "about:"))] == []


def _page_data(path: Path) -> dict:
    page = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="gk-data">(.*?)</script>', page, re.S).group(1))


# ------------------------------------------------------------------ colours


def _lin(c: int) -> float:
    c = c / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _luminance(colour: str) -> float:
    r, g, b = (_lin(x) for x in style.hex_to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _lab(colour: str) -> tuple[float, float, float]:
    r, g, b = (_lin(x) for x in style.hex_to_rgb(colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_every_organisation_type_has_a_colour_of_its_own_readable_on_white():
    vocabulary = set(re.findall(r'skos:notation "([a-z-]+)"', VOCABULARY.read_text(encoding="utf-8")))
    registry = {o["type"] for o in yaml.safe_load((ROOT / "data" / "organisations.yaml").read_text(encoding="utf-8"))
                if o.get("type")}
    imported = set(IATI_ORG_TYPE.values()) | set(KIND_PRIORITY) | {
        crs_channel_kind(str(code))[0] for code in range(10000, 70000, 1000)} - {""}
    assert len(vocabulary) == 33 and registry <= vocabulary and imported <= vocabulary
    assert set(style.TYPE_COLOURS) == vocabulary
    colours = list(style.TYPE_COLOURS.values()) + [style.UNKNOWN_TYPE_COLOUR]
    assert len(set(colours)) == len(colours) == 34
    # WCAG's 3:1 for graphics against the white page, and at least 13 apart in CIELAB (Delta E 1976)
    assert min(1.05 / (_luminance(c) + 0.05) for c in colours) >= 3.0
    assert min(math.dist(_lab(a), _lab(b)) for a, b in itertools.combinations(colours, 2)) >= 13.0
    assert style.node_colour({"kind": "organisation", "type": "public-authority"}) != style.node_colour(
        {"kind": "organisation", "type": "eu-institution"}) != style.node_colour(
        {"kind": "organisation", "type": "education-and-research"})
    assert style.node_colour({"kind": "organisation"}) == style.UNKNOWN_TYPE_COLOUR


# ------------------------------------------------------------------ the grouped layout


def test_grouped_layout_puts_each_group_in_a_disc_apart_from_the_others():
    g = nx.Graph()
    g.add_edges_from([("a1", "a2"), ("a2", "a3"), ("a1", "a3"), ("b1", "b2"), ("a1", "b1"), ("c1", "a2")])
    group = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C"}
    pos, discs = style.grouped_layout(g, group, seed=0)
    assert list(discs) == ["A", "B", "C"]                     # largest first, then by name
    assert (pos, discs) == style.grouped_layout(g, group, seed=0)
    for n, (x, y) in pos.items():                             # every member inside its group's disc
        cx, cy, r = discs[group[n]]
        assert math.dist((x, y), (cx, cy)) <= r
    for a, b in itertools.combinations(discs.values(), 2):    # no two discs overlap
        assert math.dist(a[:2], b[:2]) >= a[2] + b[2] - 1.0
    assert discs["C"][2] == 45.0                              # one node: half the spacing


def test_map_data_offers_the_groupings_only_when_asked(store):
    g = organisation_network(store)
    assert map_data(g)["aggregate"] is None
    agg = map_data(g, aggregate="country")["aggregate"]
    assert agg["default"] == "country"
    assert agg["modes"] == [["country", "by country"], ["community", "by community"], ["none", "none (every node)"]]
    countries = Counter(d["country_label"] for _, d in g.nodes(data=True))
    groups = agg["layouts"]["country"]["groups"]
    assert {x[0]: Counter(agg["layouts"]["country"]["of"])[i] for i, x in enumerate(groups)} == dict(countries)
    community = compute(g, "community", 0)
    assert len(agg["layouts"]["community"]["groups"]) == len(set(community.values()))
    with pytest.raises(ValueError, match="cannot aggregate by 'region'"):
        map_data(g, aggregate="region")
    for _, d in g.nodes(data=True):
        d.pop("country", None), d.pop("country_label", None)
    with pytest.raises(MapError, match="no node of this map has a country"):
        map_data(g, aggregate="country")


# ------------------------------------------------------------------ the map from the real datasets


@pytest.fixture(scope="module")
def ngo_network(combined_build) -> nx.Graph:
    return italian_ngo_network(open_sources(combined_build))


@pytest.fixture(scope="module")
def ngo_map(combined_build, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xsource-map") / "italian-ngos-across-sources.html"
    result = CliRunner().invoke(main, ["sources", "map", "--build", str(combined_build), "--map", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser():
    with Chromium() as b:
        yield b


def _country(d: dict) -> str:
    return d.get("country_label") or "country unknown"


def test_the_cross_source_map_opens_with_one_node_per_country(browser, ngo_network, ngo_map):
    g = ngo_network
    assert (g.number_of_nodes(), g.number_of_edges()) == (517, 1985)
    browser.open(ngo_map)
    # what an analyst reads on the first screen: seven countries, the organisations each holds
    first = [["Italy", 436], ["country unknown", 69], ["France", 4], ["Morocco", 4], ["Spain", 2], ["Belgium", 1],
             ["Switzerland", 1]]
    assert browser.evaluate("graphkitMap.aggregates()") == first
    counts = Counter(_country(d) for _, d in g.nodes(data=True))
    assert sorted(map(tuple, first)) == sorted(counts.items())
    # the links between countries: the links between their organisations, and their shared projects, summed
    between: dict[tuple[str, str], list[int]] = {}
    for u, v, w in g.edges(data="weight"):
        a, b = sorted((_country(g.nodes[u]), _country(g.nodes[v])))
        if a != b:
            s = between.setdefault((a, b), [0, 0])
            s[0] += 1
            s[1] += w
    links = browser.evaluate("graphkitMap.aggregateLinks()")
    assert {tuple(sorted(x[:2])): x[2:] for x in links} == between
    assert browser.evaluate(VISIBLE) == [7, len(between)] == [7, 10]
    labels = browser.evaluate("network.body.data.nodes.get({filter: function (n) { return !n.hidden; }})"
                              ".map(function (n) { return n.label; })")
    assert labels == [f"{name} ({n})" for name, n in first]
    assert browser.evaluate("document.getElementById('gk-status').textContent") == (
        "517 of 517 nodes, 1985 of 1985 links shown")
    assert browser.evaluate("document.getElementById('gk-agg-status').textContent") == "7 collapsed, 0 expanded"
    browser.screenshot(SCREENSHOTS / "cross-source-map-countries.png")
    # the side panel of an aggregate: its members split by type and by source, its links
    browser.evaluate("graphkitMap.select('g0')")
    info = browser.evaluate("document.getElementById('gk-info').innerText")
    italy = [d for _, d in g.nodes(data=True) if _country(d) == "Italy"]
    by_source = Counter(" + ".join(d["sources"]) for d in italy)
    assert info.startswith("Italy\nGrouped: by country\nNodes: 436\nLinks to other groups: 6 groups, 404 links")
    assert f"crs: {by_source['crs']}\nseeds: {by_source['seeds']}" in info and by_source["crs"] == 369
    assert "France – 150 links, 160 shared projects" in info and "Members (436)" in info
    _clean(browser)


def test_expanding_italy_draws_exactly_its_organisations_and_collapsing_it_again(browser, ngo_network, ngo_map):
    g = ngo_network
    browser.open(ngo_map)
    italy = sorted(n for n, d in g.nodes(data=True) if _country(d) == "Italy")
    assert browser.evaluate("graphkitMap.expand('Italy')") == italy
    assert browser.evaluate("graphkitMap.drawn()") == italy
    assert [x[0] for x in browser.evaluate("graphkitMap.aggregates()")] == [
        "country unknown", "France", "Morocco", "Spain", "Belgium", "Switzerland"]
    inside = sum(1 for u, v in g.edges if u in italy and v in italy)
    # Italy's own links, and one link from each Italian organisation to each other country it works with
    reach = {(n, _country(g.nodes[m])) for n in italy for m in g[n] if m not in italy}
    assert browser.evaluate(VISIBLE) == [len(italy) + 6, inside + len(reach) + 4]
    browser.evaluate("graphkitMap.colourBy('source')")
    browser.evaluate("document.getElementById('gk-fit').click()")
    time.sleep(0.2)                                           # the labels are culled 50 ms after a zoom
    browser.screenshot(SCREENSHOTS / "cross-source-map-italy.png")
    assert browser.evaluate("graphkitMap.collapse('Italy')") == 7
    assert browser.evaluate("graphkitMap.drawn()") == []
    assert browser.evaluate(VISIBLE) == [7, 10]
    _clean(browser)


def test_search_inside_a_collapsed_country_expands_it_and_shows_the_sources(browser, ngo_map):
    browser.open(ngo_map)
    assert browser.evaluate("graphkitMap.keyOf(graphkitMap.search('COP'))") == "organisation:cop"
    assert "Italy" not in [x[0] for x in browser.evaluate("graphkitMap.aggregates()")]
    cop = browser.evaluate("graphkitMap.idOf('organisation:cop')")
    assert browser.evaluate("network.getSelectedNodes()") == [cop]
    info = browser.evaluate("document.getElementById('gk-info').innerText")
    assert info.startswith("Consorzio Ong Piemontesi\n")
    assert "\nSources: crs, seeds\n" in info
    # each project says its source
    assert "IMPRA (lead partner, 2013-09-30 – 2014-06-30, seeds)" in info
    assert ("Projects promoted by local bodies and Regional Parks of Piedmont involved in the regional Programme "
            "for Food Security and fight against poverty (implementing organisation, 2010-11-30 – 2014-12-31, crs)") in info
    # the ego view opens the groups of the partners and their partners, so that they are drawn
    assert browser.evaluate(f"graphkitMap.ego({json.dumps(cop)}, 2)") == len(browser.evaluate("graphkitMap.egoNodes()"))
    ego = browser.evaluate("graphkitMap.egoNodes()")
    assert set(ego) <= set(browser.evaluate("graphkitMap.drawn()")) and "organisation:cisv" in ego
    browser.evaluate("graphkitMap.ego(null)")
    browser.evaluate("graphkitMap.collapseAll()")
    browser.evaluate(f"graphkitMap.select({json.dumps(cop)})")
    # the panel collapses Italy again, and selects its aggregate
    browser.evaluate("document.getElementById('gk-collapse-group').click()")
    assert browser.evaluate("graphkitMap.aggregates()")[0] == ["Italy", 436]
    assert browser.evaluate("document.querySelector('#gk-info h2').textContent") == "Italy"
    _clean(browser)


def test_the_source_filter_gives_the_organisations_of_each_source(browser, ngo_network, ngo_map):
    g = ngo_network
    browser.open(ngo_map)
    options = browser.evaluate("Array.from(document.querySelectorAll('#gk-source option')).map(o => o.textContent)")
    assert options == ["all sources", "crs", "eutf", "seeds", "in several sources"]
    projects = g.graph["projects"]
    expected = {"seeds": (66, 951), "eutf": (88, 583), "crs": (397, 457)}
    total = Counter(_country(d) for _, d in g.nodes(data=True))
    order = sorted(total, key=lambda c: (-total[c], c))
    for source, (n_nodes, n_edges) in expected.items():
        keys = sorted(n for n, d in g.nodes(data=True) if source in d["sources"])
        # a link stays when the two share a project of that source
        links = [e for e in g.edges(data=True) if any(source in projects[p]["sources"] for p in e[2]["projects"])]
        assert browser.evaluate(f"graphkitMap.setFilter('source', {json.dumps(source)})") == {
            "nodes": len(keys), "edges": len(links)} == {"nodes": n_nodes, "edges": n_edges}
        assert browser.evaluate("graphkitMap.shownKeys()") == keys
        kept = Counter(_country(g.nodes[k]) for k in keys)       # in the order of the whole map's countries
        assert browser.evaluate("graphkitMap.aggregates()") == [[c, kept[c]] for c in order if kept[c]]
    several = sorted(n for n, d in g.nodes(data=True) if len(d["sources"]) > 1)
    among = [e for e in g.edges if e[0] in several and e[1] in several]
    assert browser.evaluate("graphkitMap.setFilter('source', 'in several sources')") == {
        "nodes": len(several), "edges": len(among)} == {"nodes": 28, "edges": 71}
    assert browser.evaluate("graphkitMap.shownKeys()") == several
    assert "organisation:cisv" in several and "organisation:lvia" in several
    assert browser.evaluate("graphkitMap.setFilter('source', '')") == {"nodes": 517, "edges": 1985}
    _clean(browser)


def test_colour_by_source_has_one_colour_per_combination_with_exact_counts(browser, ngo_network, ngo_map):
    g = ngo_network
    browser.open(ngo_map)
    colours = browser.evaluate("graphkitMap.colourBy('source')")
    rows = browser.evaluate("Array.from(document.querySelectorAll('#gk-legend-colour tr'))"
                            ".map(tr => [tr.children[1].textContent, Number(tr.children[2].textContent)])")
    combos = Counter(" + ".join(d["sources"]) for _, d in g.nodes(data=True))
    assert rows == sorted(map(list, combos.items()), key=lambda x: (-x[1], x[0])) == [
        ["crs", 369], ["eutf", 69], ["seeds", 51], ["crs + eutf", 13], ["crs + seeds", 9], ["crs + eutf + seeds", 6]]
    by_combo = {}
    for key, colour in colours.items():
        by_combo.setdefault(" + ".join(g.nodes[key]["sources"]), set()).add(colour)
    assert all(len(c) == 1 for c in by_combo.values()) and len({next(iter(c)) for c in by_combo.values()}) == 6
    # an aggregate takes the colour most of its members have: Italy is mostly crs
    assert browser.evaluate("network.body.data.nodes.get('g0').color.background") == next(iter(by_combo["crs"]))
    # the type legend lists each type of the map with its own colour
    types = browser.evaluate("Array.from(document.querySelectorAll('#gk-legend-type tr'))"
                             ".map(tr => [tr.children[1].textContent, tr.querySelector('.gk-swatch').style.background])")
    labels = {d.get("type_label") or "unknown" for _, d in g.nodes(data=True)}
    assert len(types) == len({t[0] for t in types}) == len({t[1] for t in types}) == len(labels) == 27
    assert {"public authority", "EU institution", "education and research body", "unknown"} <= {t[0] for t in types}
    _clean(browser)


def test_the_groupings_switch_between_country_community_and_none(browser, ngo_network, ngo_map):
    g = ngo_network
    browser.open(ngo_map)
    community = compute(g, "community", 0)
    sizes = sorted(Counter(community.values()).values(), reverse=True)
    assert browser.evaluate("graphkitMap.aggregate('community')") == len(sizes) == 23
    assert [x[1] for x in browser.evaluate("graphkitMap.aggregates()")] == sizes
    assert browser.evaluate("graphkitMap.aggregate('none')") == 0
    assert browser.evaluate(VISIBLE) == [517, 1985]
    assert browser.evaluate("graphkitMap.aggregate('country')") == 7
    # a filter on the aggregated map: the aggregates count the organisations kept
    browser.evaluate("graphkitMap.setFilter('type', 'NGO network')")
    ngo_networks = Counter(_country(d) for _, d in g.nodes(data=True) if d.get("type_label") == "NGO network")
    assert dict(map(tuple, browser.evaluate("graphkitMap.aggregates()"))) == dict(ngo_networks)
    browser.evaluate("graphkitMap.setFilter('type', '')")
    # a year of the timeline: the organisations with a project active in 2014, counted per country
    projects = g.graph["projects"]

    def active(p: str) -> bool:
        start, end = projects[p].get("start"), projects[p].get("end")
        return bool(start and end) and int(start[:4]) <= 2014 <= int(end[:4])

    in_2014 = Counter(_country(d) for _, d in g.nodes(data=True) if any(active(x["project"]) for x in d["participations"]))
    shown = browser.evaluate("graphkitMap.setYear(2014)")["nodes"]
    assert dict(map(tuple, browser.evaluate("graphkitMap.aggregates()"))) == dict(in_2014)
    assert shown == sum(in_2014.values())
    browser.evaluate("document.getElementById('gk-reset').click()")
    assert browser.evaluate("graphkitMap.aggregates()")[0] == ["Italy", 436]
    svg = browser.evaluate("graphkitMap.svg()")
    assert svg.count("<circle") == 7 and ">Italy (436)</text>" in svg
    _clean(browser)


def test_maps_open_aggregated_from_the_command_line(built, combined_build, tmp_path):
    res = CliRunner().invoke(main, ["map", "--build", str(built), "--aggregate", "country",
                                    "--out", str(tmp_path / "org.html")])
    assert res.exit_code == 0, res.output
    assert _page_data(tmp_path / "org.html")["aggregate"]["default"] == "country"
    res = CliRunner().invoke(main, ["map", "--build", str(built), "--out", str(tmp_path / "plain.html")])
    assert _page_data(tmp_path / "plain.html")["aggregate"] is None
    res = CliRunner().invoke(main, ["sources", "map", "--build", str(combined_build), "--source", "seeds",
                                    "--aggregate", "none", "--map", str(tmp_path / "seeds.html")])
    assert res.exit_code == 0, res.output
    data = _page_data(tmp_path / "seeds.html")
    assert data["aggregate"] is None and data["facets"]["source"] == ["seeds"]
    res = CliRunner().invoke(main, ["map", "--build", str(built), "--aggregate", "region"])
    assert res.exit_code == 2 and "'region' is not one of 'country', 'community', 'none'" in res.output


# ------------------------------------------------------------------ hostile names


@pytest.fixture(scope="module")
def hostile_network(tmp_path_factory) -> nx.Graph:
    """The fixture of hostile names as an organisation network whose nodes and projects carry
    sources, one of them a hostile name too."""
    root = tmp_path_factory.mktemp("hostile-sources")
    shutil.copytree(FIXTURE, root / "data")
    build(root / "data", root / "graph", docs=False)
    g = organisation_network(EmbeddedStore.from_build(root / "graph"))
    for i, (_, d) in enumerate(sorted(g.nodes(data=True))):
        d["sources"] = ["seeds", HOSTILE_SOURCE] if i % 2 else ["seeds"]
    for p in g.graph["projects"].values():
        p["sources"] = [HOSTILE_SOURCE]
    return g


@pytest.mark.parametrize("aggregate", ["country", "community"])
def test_hostile_names_in_aggregates_and_sources_are_inert(browser, hostile_network, tmp_path, aggregate):
    g = hostile_network
    path = write_map(g, tmp_path / "hostile.html", aggregate=aggregate)
    page = path.read_text(encoding="utf-8")
    assert HOSTILE_SOURCE not in page and "<script>window.__pwned" not in page
    browser.open(path)
    groups = browser.evaluate("graphkitMap.aggregates()")
    assert sum(n for _, n in groups) == g.number_of_nodes()
    options = browser.evaluate("Array.from(document.querySelectorAll('#gk-source option')).map(o => o.textContent)")
    assert options == ["all sources", HOSTILE_SOURCE, "seeds", "in several sources"]
    browser.evaluate(f"graphkitMap.setFilter('source', {json.dumps(HOSTILE_SOURCE)})")
    browser.evaluate("graphkitMap.colourBy('source')")
    legend = browser.evaluate("document.getElementById('gk-legend-colour').textContent")
    assert f"seeds + {HOSTILE_SOURCE}" in legend
    for i in range(len(groups)):
        browser.evaluate(f"graphkitMap.select('g{i}')")
        assert browser.evaluate("document.querySelector('#gk-info h2').textContent") == groups[i][0]
        tip = browser.evaluate(f"network.body.data.nodes.get('g{i}').title.textContent")
        assert tip.startswith(groups[i][0])
    for key in sorted(g.nodes):
        browser.evaluate(f"graphkitMap.select(graphkitMap.idOf({json.dumps(key)}))")
        info = browser.evaluate("document.getElementById('gk-info').textContent")
        assert g.nodes[key]["label"] in info
        if HOSTILE_SOURCE in g.nodes[key]["sources"]:
            assert f"Sources: seeds, {HOSTILE_SOURCE}" in info
    browser.evaluate("graphkitMap.expandAll()")
    assert browser.evaluate("graphkitMap.drawn()") == browser.evaluate("graphkitMap.shownKeys()")
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert browser.evaluate("document.querySelectorAll('#gk-info img, #gk-info script, #gk-info a, #gk-legend img, "
                            "#gk-controls img, div.vis-tooltip img').length") == 0
    _clean(browser)
