"""Exports read back with networkx (GEXF, GraphML) and the csv module give the projection back:
the same nodes, links, weights, attributes, metrics and time intervals."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from click.testing import CliRunner

from graphkit import style
from graphkit.cli import main
from graphkit.export import export, flat_graph
from graphkit.metrics import betweenness, community_of, weighted_degree
from graphkit.network import Filters, membership_network, organisation_network, resolve_filters

GEXF = "{http://www.gexf.net/1.2draft}"
VIZ = "{http://www.gexf.net/1.2draft/viz}"


@pytest.fixture(scope="module")
def org(store):
    return organisation_network(store, resolve_filters(store, roles="lead,partner,promoter,foreign-adherent"))


def test_gexf_reads_back_as_the_projection_with_metrics_and_dates(org, tmp_path):
    path = export(org, "gexf", tmp_path / "org.gexf")[0]
    back = nx.read_gexf(path)
    assert set(back.nodes) == set(org.nodes)
    assert {tuple(sorted(e)) for e in back.edges} == {tuple(sorted(e)) for e in org.edges}
    for u, v, w in org.edges(data="weight"):
        assert back.edges[u, v]["weight"] == w
    cop = back.nodes["organisation:cop"]
    assert (cop["label"], cop["type"], cop["country"], cop["roles"]) == (
        "Consorzio Ong Piemontesi", "ngo-network", "ITA", "lead; promoter")
    # alive during its three projects, not from the first to the last
    assert cop["spells"] == [("2010-01-01", "2010-12-31"), ("2013-09-30", "2014-06-30"), ("2017-05-15", "2018-05-31")]
    assert cop["weighted_degree"] == weighted_degree(org)["organisation:cop"]
    assert cop["betweenness"] == pytest.approx(betweenness(org)["organisation:cop"])
    assert cop["community"] == community_of(org, seed=0)["organisation:cop"]
    edge = back.edges["organisation:cop", "organisation:resacoop"]
    # IMPRA (2013-09-30..2014-06-30) and DISCORSI (2017-05-15..2018-05-31)
    assert (edge["spells"], edge["weight"]) == ([("2013-09-30", "2014-06-30"), ("2017-05-15", "2018-05-31")], 2)


def test_gexf_is_dynamic_with_dates_and_carries_the_look(org, tmp_path):
    path = export(org, "gexf", tmp_path / "org.gexf", size_by="betweenness")[0]
    root = ET.parse(path).getroot()
    graph = root.find(f"{GEXF}graph")
    assert (graph.get("mode"), graph.get("timeformat"), graph.get("defaultedgetype")) == ("dynamic", "date", "undirected")
    nodes = {n.get("id"): n for n in graph.iter(f"{GEXF}node")}
    cop = nodes["organisation:cop"]
    assert [(s.get("start"), s.get("end")) for s in cop.iter(f"{GEXF}spell")] == [
        ("2010-01-01", "2010-12-31"), ("2013-09-30", "2014-06-30"), ("2017-05-15", "2018-05-31")]
    colour = cop.find(f"{VIZ}color")
    assert tuple(int(colour.get(c)) for c in "rgb") == style.hex_to_rgb(style.TYPE_COLOURS["ngo-network"])
    assert cop.find(f"{VIZ}shape").get("value") == "disc"
    assert float(cop.find(f"{VIZ}size").get("value")) == style.SIZE_MAX     # COP and CICSENE lead betweenness
    assert float(nodes["organisation:cisv"].find(f"{VIZ}size").get("value")) == style.SIZE_MIN
    shapes = {e.find(f"{VIZ}shape").get("value") for e in graph.iter(f"{GEXF}edge")}
    assert shapes == {"solid", "dashed"}          # foreign adherents' links are dashed
    thick = [float(e.find(f"{VIZ}thickness").get("value")) for e in graph.iter(f"{GEXF}edge")
             if {e.get("source"), e.get("target")} == {"organisation:cop", "organisation:cicsene"}]
    assert thick == [style.edge_width(3)] == [5.0]


def test_graphml_reads_back_with_typed_attributes(org, tmp_path):
    path = export(org, "graphml", tmp_path / "org.graphml")[0]
    back = nx.read_graphml(path)
    assert back.number_of_nodes() == org.number_of_nodes() and back.number_of_edges() == org.number_of_edges()
    cop = back.nodes["organisation:cop"]
    assert isinstance(cop["degree"], int) and cop["degree"] == org.degree("organisation:cop")
    assert cop["betweenness"] == pytest.approx(betweenness(org)["organisation:cop"])
    assert cop["color"] == style.TYPE_COLOURS["ngo-network"]
    assert back.edges["organisation:cop", "organisation:cicsene"]["weight"] == 3
    assert "project:khouribga" in back.edges["organisation:cop", "organisation:cicsene"]["roles"]


def test_csv_nodes_and_edges_read_back(org, tmp_path):
    nodes_path, edges_path = export(org, "csv", tmp_path / "org.csv")
    assert (nodes_path.name, edges_path.name) == ("org-nodes.csv", "org-edges.csv")
    with nodes_path.open(encoding="utf-8") as fh:
        nodes = {r["id"]: r for r in csv.DictReader(fh)}
    with edges_path.open(encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    assert set(nodes) == set(org.nodes)
    assert nodes["organisation:cicsene"]["label"] == "CICSENE – Cooperazione e Sviluppo Locale"
    assert nodes["organisation:cicsene"]["projects"] == "project:khouribga; project:impra; project:discorsi"
    assert len(edges) == org.number_of_edges()
    assert {(min(e["source"], e["target"]), max(e["source"], e["target"])): int(e["weight"]) for e in edges} == {
        tuple(sorted((u, v))): w for u, v, w in org.edges(data="weight")}


def test_directed_membership_export_keeps_direction(store, tmp_path):
    g = membership_network(store)
    back = nx.read_gexf(export(g, "gexf", tmp_path / "m.gexf")[0])
    assert back.is_directed()
    assert back.has_edge("organisation:cicsene", "organisation:cop")
    assert not back.has_edge("organisation:cop", "organisation:cicsene")
    assert back.edges["organisation:cicsene", "organisation:cop"]["role"] == "member"


def test_flat_graph_has_only_scalar_attributes(store):
    h = flat_graph(organisation_network(store, Filters.of_year(2014)))
    for _, d in h.nodes(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in d.values()), d
    for *_, d in h.edges(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in d.values()), d


def test_export_command(built, tmp_path):
    out = tmp_path / "fami.graphml"
    res = CliRunner().invoke(main, ["export", "--build", str(built), "--format", "graphml", "--fund", "FAMI",
                                    "--roles", "lead,partner", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert nx.read_graphml(out).number_of_edges() == 44
    res = CliRunner().invoke(main, ["export", "--build", str(built), "--format", "csv", "--year", "2014",
                                    "--out", str(tmp_path / "impra.csv")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "impra-edges.csv").read_text(encoding="utf-8").count("\n") == 1 + 120
