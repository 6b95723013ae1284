"""Time in the networks: the network of a period computed from one projection is the SPARQL
projection with that period filter, and the GEXF's spells and dynamic weights say, day by day,
exactly what ``graphkit network --from DAY --to DAY`` (and over a year, ``--year``) says."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.export import export
from graphkit.network import (
    Filters, NetworkError, metrics_by_period, network_in_period, networks_by_period, organisation_network,
    resolve_filters, spells, weight_spells, year_range,
)
from graphkit.network.periods import project_periods

GEXF = "{http://www.gexf.net/1.2draft}"
ROLES = (None, "lead,partner")


def _same(a, b):
    """Nodes, links, weights, participations, link projects and roles of two projections."""
    assert sorted(a.nodes) == sorted(b.nodes)
    assert {frozenset(e): w for *e, w in a.edges(data="weight")} == {frozenset(e): w for *e, w in b.edges(data="weight")}
    for n in a:
        for key in ("participations", "projects", "roles", "evidence", "start", "end"):
            assert a.nodes[n][key] == b.nodes[n][key], (n, key)
    for u, v in a.edges:
        for key in ("projects", "roles", "start", "end"):
            assert a.edges[u, v][key] == b.edges[u, v][key], (u, v, key)
    assert a.graph["projects"] == b.graph["projects"]


@pytest.mark.parametrize("roles", ROLES)
def test_the_network_of_each_year_is_the_projection_with_that_year(store, roles):
    g = organisation_network(store, resolve_filters(store, roles=roles))
    assert year_range(g) == list(range(2010, 2024))
    for y, h in networks_by_period(g, range(2009, 2025)).items():
        _same(h, organisation_network(store, resolve_filters(store, roles=roles, year=y)))


def test_a_period_of_days_and_the_network_as_of_a_year(store):
    g = organisation_network(store)
    for start, end in (("2014-06-30", "2017-04-01"), ("2014-07-01", "2017-03-31"), ("2018-05-31", "2018-06-01")):
        _same(network_in_period(g, start, end),
              organisation_network(store, Filters(start=date.fromisoformat(start), end=date.fromisoformat(end))))
    as_of = networks_by_period(g, [2013], cumulative=True)[2013]
    assert (as_of.number_of_nodes(), as_of.number_of_edges()) == (24, 180)     # Khouribga and IMPRA
    assert as_of.edges["organisation:cop", "organisation:cicsene"]["weight"] == 2
    with pytest.raises(NetworkError, match="ends .* before it starts"):
        network_in_period(g, "2018-01-01", "2017-01-01")
    with pytest.raises(NetworkError, match="needs the organisation projection"):
        network_in_period(organisation_network(store, detail="weights"), 2017, 2017)


def test_spells_merge_and_weights_count_the_active_projects():
    d = date.fromisoformat
    periods = {"ipocad": (d("2017-04-01"), d("2018-09-30")), "discorsi": (d("2017-05-15"), d("2018-05-31")),
               "impra": (d("2013-09-30"), d("2014-06-30")), "next": (d("2014-07-01"), d("2014-12-31"))}
    assert spells(["discorsi", "ipocad", "impra", "next", "undated"], periods) == [
        (d("2013-09-30"), d("2014-12-31")), (d("2017-04-01"), d("2018-09-30"))]
    assert weight_spells(["discorsi", "ipocad", "impra", "next"], periods) == [
        (1, d("2013-09-30"), d("2014-12-31")), (1, d("2017-04-01"), d("2017-05-14")),
        (2, d("2017-05-15"), d("2018-05-31")), (1, d("2018-06-01"), d("2018-09-30"))]


def _gexf_alive(path):
    """Per node and link (a frozenset of its ends): its spells and its weight per period, read back."""
    root = ET.parse(path).getroot()
    graph = root.find(f"{GEXF}graph")
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    dyn = [a for a in graph.iter(f"{GEXF}attributes") if a.get("class") == "edge" and a.get("mode") == "dynamic"]
    assert [(x.get("id"), x.get("title"), x.get("type")) for x in dyn[0]] == [("weight", "weight", "double")]

    def spans(el):
        return [(date.fromisoformat(s.get("start")), date.fromisoformat(s.get("end"))) for s in el.iter(f"{GEXF}spell")]

    nodes = {n.get("id"): spans(n) for n in graph.iter(f"{GEXF}node")}
    edges = {}
    for e in graph.iter(f"{GEXF}edge"):
        weights = [(float(v.get("value")), date.fromisoformat(v.get("start")), date.fromisoformat(v.get("end")))
                   for v in e.iter(f"{GEXF}attvalue") if v.get("for") == "weight"]
        edges[frozenset((e.get("source"), e.get("target")))] = (spans(e), weights)
    return nodes, edges


def _on(periods, day_from, day_to):
    return any(s <= day_to and e >= day_from for s, e in periods)


@pytest.mark.parametrize("roles", ROLES)
def test_gephi_timeline_is_the_network_of_each_day_and_each_year(store, tmp_path, roles):
    g = organisation_network(store, resolve_filters(store, roles=roles))
    nodes, edges = _gexf_alive(export(g, "gexf", tmp_path / "org.gexf")[0])
    assert set(nodes) == set(g.nodes) and all(nodes.values()) and all(s for s, _ in edges.values())
    # spells never overlap (Gephi refuses overlapping intervals)
    for periods in [*nodes.values(), *(s for s, _ in edges.values())]:
        assert all(a[1] < b[0] for a, b in zip(periods, periods[1:]))

    def check(first, last, expected):
        alive_nodes = {n for n, p in nodes.items() if _on(p, first, last)}
        alive_edges = {e for e, (p, _) in edges.items() if _on(p, first, last)}
        assert alive_nodes == set(expected.nodes), (first, last)
        assert alive_edges == {frozenset(e) for e in expected.edges}, (first, last)
        if first == last:       # on one day: the weight is the number of shared projects active that day
            for e, (_, weights) in edges.items():
                w = [c for c, s, t in weights if s <= first <= t]
                assert w == ([expected.edges[tuple(e)]["weight"]] if e in alive_edges else []), (first, e)
        return len(alive_nodes), len(alive_edges)

    # days asked of the store itself: the day the issue names, the first and last days of projects
    counts = {}
    for day in ("2015-06-01", "2010-06-30", "2013-09-29", "2013-09-30", "2014-06-30", "2014-07-01", "2017-04-01",
                "2017-05-14", "2017-05-15", "2018-05-31", "2018-06-01", "2018-09-30", "2018-10-01", "2022-06-01"):
        d = date.fromisoformat(day)
        counts[day] = check(d, d, organisation_network(store, resolve_filters(store, roles=roles, start=day, end=day)))
    # a window of a year in Gephi's timeline is graphkit network --year
    for y in (2010, 2013, 2014, 2015, 2017, 2018):
        check(date(y, 1, 1), date(y, 12, 31), organisation_network(store, resolve_filters(store, roles=roles, year=y)))
    # and every day from 2009 to 2023 against the network of that day computed from the projection
    day = date(2009, 1, 1)
    while day <= date(2023, 12, 31):
        check(day, day, network_in_period(g, day, day))
        day += timedelta(days=1)
    if roles is None:
        assert counts["2015-06-01"] == (0, 0)          # no project ran: Gephi showed 8 and 25 before
        assert counts["2017-04-01"] == (11, 55)        # IPOCAD alone
        assert counts["2017-05-15"] == (50, 796)       # IPOCAD and D.I.S.Co.R.S.I.
        cop_cicsene = edges[frozenset(("organisation:cop", "organisation:cicsene"))][1]
        assert [(c, s.isoformat(), e.isoformat()) for c, s, e in cop_cicsene] == [
            (1.0, "2010-01-01", "2010-12-31"), (1.0, "2013-09-30", "2014-06-30"), (1.0, "2017-05-15", "2018-05-31")]


def test_metrics_by_year_from_python_and_the_command_line(store, built):
    g = organisation_network(store)
    rows = metrics_by_period(g, ["degree", "brokerage"], [2013, 2017])
    cop = {r["year"]: (r["degree"], r["brokerage"]) for r in rows if r["node"] == "organisation:cop"}
    assert cop == {2013: (15, 0), 2017: (38, 0)}       # one project each year: a clique, no broker
    assert len([r for r in rows if r["year"] == 2017]) == 50
    as_of = {r["year"]: (r["degree"], r["brokerage"]) for r in metrics_by_period(g, ["degree", "brokerage"], [2013, 2017],
                                                                              cumulative=True)
             if r["node"] == "organisation:cop"}
    assert as_of == {2013: (23, 66), 2017: (54, 263)}       # as docs/networks.md says of the whole network
    res = CliRunner().invoke(main, ["network", "--build", str(built), "--per-year", "--from", "2013", "--to", "2014",
                                    "--metric", "degree", "--format", "csv"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[0].startswith("year,node,label") and len(lines) == 1 + 16 + 16
    assert any(x.startswith("2014,organisation:cop,") and x.endswith(",15") for x in lines)
    assert project_periods(g)["project:impra"] == (date(2013, 9, 30), date(2014, 6, 30))
