"""Network metrics: exact values on small graphs computed by hand, then on the seed network
(checked by hand against the five projects' participant lists)."""

from __future__ import annotations

import networkx as nx
import pytest

from graphkit.metrics import (
    betweenness,
    bridged_pairs,
    brokerage,
    brokerage_roles,
    communities,
    community_of,
    component_of,
    components,
    degree,
    edge_table,
    modularity,
    node_table,
    weighted_degree,
)
from graphkit.network import Filters, organisation_network, resolve_filters

# ------------------------------------------------------------------ small graphs, by hand


@pytest.fixture()
def weighted_square() -> nx.Graph:
    """a-b and b-c share 3 projects, a-d and d-c one: the strong route from a to c is through b."""
    g = nx.Graph()
    g.add_edge("a", "b", weight=3)
    g.add_edge("b", "c", weight=3)
    g.add_edge("a", "d", weight=1)
    g.add_edge("d", "c", weight=1)
    return g


def test_degree_counts_neighbours_and_weighted_degree_sums_shared_projects(weighted_square):
    assert degree(weighted_square) == {"a": 2, "b": 2, "c": 2, "d": 2}
    # a: 3 + 1, b: 3 + 3, c: 3 + 1, d: 1 + 1
    assert weighted_degree(weighted_square) == {"a": 4, "b": 6, "c": 4, "d": 2}


def test_betweenness_reads_shared_projects_as_closeness_not_as_distance(weighted_square):
    # Lengths are 1/weight: a-b = b-c = 1/3, a-d = d-c = 1.
    # Pairs of the other nodes and their shortest paths:
    #   b: (a,c) a-b-c = 2/3 < a-d-c = 2 -> through b; (a,d) direct 1 < 5/3; (c,d) direct -> b = 1
    #   a: (b,d) b-a-d = 1/3 + 1 = b-c-d: two shortest paths, one through a -> a = 1/2
    #   c: (b,d) the other of the two -> c = 1/2;  d: (a,c) goes through b -> d = 0
    # normalised by (n-1)(n-2)/2 = 3 pairs: a = c = 1/6, b = 1/3, d = 0
    assert betweenness(weighted_square) == pytest.approx({"a": 1 / 6, "b": 1 / 3, "c": 1 / 6, "d": 0.0})
    assert betweenness(weighted_square, normalized=False) == pytest.approx({"a": 0.5, "b": 1.0, "c": 0.5, "d": 0.0})
    # unweighted, the square is symmetric: every node lies on one of the two paths of one pair
    assert betweenness(weighted_square, weight=None) == pytest.approx({n: 1 / 6 for n in "abcd"})
    # had the counts been read as distances, a-c would go through d (1 + 1 < 3 + 3)
    assert nx.betweenness_centrality(weighted_square, weight="weight")["d"] == pytest.approx(1 / 3)


@pytest.fixture()
def broker_star() -> nx.Graph:
    """v (Italy) and its partners; only a and b know each other; g's country is unknown."""
    g = nx.Graph()
    countries = {"v": "ITA", "a": "ITA", "b": "ITA", "f": "ITA", "c": "FRA", "d": "FRA", "e": "ESP", "g": None}
    for n, c in countries.items():
        g.add_node(n, country=c)
    for n in "abcdefg":
        g.add_edge("v", n)
    g.add_edge("a", "b")
    return g


def test_brokerage_classifies_every_open_pair_of_partners(broker_star):
    # 7 partners -> 21 pairs, a-b closed -> 20 open; 6 involve g (unknown country) -> 14 classified:
    #   coordinator (all ITA): a-f, b-f                                  = 2
    #   itinerant (both FRA, v ITA): c-d                                 = 1
    #   representative (one ITA, one not): {a,b,f} x {c,d,e}            = 9
    #   liaison (FRA-ESP, v ITA): c-e, d-e                               = 2
    r = brokerage_roles(broker_star)["v"]
    assert r == {"open_pairs": 20, "coordinator": 2, "itinerant": 1, "representative": 9, "liaison": 2,
                 "brokerage": 11, "bridged_pairs": 3, "groups_bridged": ["ESP-FRA", "ESP-ITA", "FRA-ITA"]}
    # a's partners v and b know each other: a brokers nothing
    assert brokerage(broker_star)["a"] == 0
    assert bridged_pairs(broker_star)["v"] == 3


def test_brokerage_can_group_by_any_attribute(broker_star):
    nx.set_node_attributes(broker_star, {n: "one" for n in broker_star}, "region")
    # everyone in one region: all 20 open pairs are coordination, none crosses regions
    r = brokerage_roles(broker_star, group="region")["v"]
    assert (r["coordinator"], r["brokerage"], r["bridged_pairs"]) == (20, 0, 0)


def test_louvain_is_reproducible_with_a_seed_and_finds_two_triangles():
    # two triangles joined by the bridge 2-3; m = 7 edges, each side has 3 inner edges and degree
    # sum 7: Q = 2 * (3/7 - (7/14)^2) = 5/14
    g = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    for seed in range(5):
        assert communities(g, seed=seed) == [[0, 1, 2], [3, 4, 5]]
    assert community_of(g, seed=3) == {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert modularity(g, communities(g, seed=0)) == pytest.approx(5 / 14)


def test_components_are_sorted_largest_first_and_weak_for_directed_graphs():
    g = nx.Graph([(0, 1), (2, 3), (3, 4)])
    g.add_node(5)
    assert components(g) == [[2, 3, 4], [0, 1], [5]]
    assert component_of(g) == {2: 0, 3: 0, 4: 0, 0: 1, 1: 1, 5: 2}
    d = nx.DiGraph([("m1", "net"), ("m2", "net"), ("x", "y")])
    assert components(d) == [["m1", "m2", "net"], ["x", "y"]]
    assert degree(d) == {"m1": 1, "net": 2, "m2": 1, "x": 1, "y": 1}


def test_node_table_sorts_by_the_first_metric_and_rounds(weighted_square):
    rows = node_table(weighted_square, ["betweenness", "degree"], digits=4)
    assert [(r["node"], r["betweenness"], r["degree"]) for r in rows] == [
        ("b", 0.3333, 2), ("a", 0.1667, 2), ("c", 0.1667, 2), ("d", 0.0, 2)]
    rows = node_table(weighted_square, ["component"])
    assert [r["component"] for r in rows] == [0, 0, 0, 0]


# ------------------------------------------------------------------ the seed network


def test_cop_and_cicsene_share_impra_discorsi_and_khouribga(store):
    g = organisation_network(store)
    cop, cicsene = "organisation:cop", "organisation:cicsene"
    assert [(p["project"], p["role"]) for p in g.nodes[cop]["participations"]] == [
        ("project:khouribga", "promoter"), ("project:impra", "lead"), ("project:discorsi", "lead")]
    assert g.nodes[cicsene]["projects"] == ["project:khouribga", "project:impra", "project:discorsi"]
    edge = g.edges[cop, cicsene]
    assert edge["weight"] == 3
    assert edge["roles"] == {
        "project:khouribga": {cicsene: ["lead"], cop: ["promoter"]},
        "project:impra": {cicsene: ["partner"], cop: ["lead"]},
        "project:discorsi": {cicsene: ["partner"], cop: ["lead"]},
    }


def test_seed_network_sizes_and_degrees(store):
    g = organisation_network(store)
    # participants: DISCORSI 39, IMPRA 16, Khouribga 12, IPOCAD 11, SO.MI.C.I.S. 7 = 85 participations of
    # 73 organisations. Pairs: C(39,2)+C(16,2)+C(12,2)+C(11,2)+C(7,2) = 741+120+66+55+21 = 1003, minus
    # pairs counted twice: IMPRA&DISCORSI share 7 organisations (21 pairs), IMPRA&Khouribga 4 (6),
    # DISCORSI&Khouribga 5 (10); the 4 in all three (6 pairs) were taken off three times: +6 -> 972.
    assert (g.number_of_nodes(), g.number_of_edges()) == (73, 972)
    # COP: IMPRA, DISCORSI, Khouribga; union 16+39+12-7-4-5+4 = 55 organisations, 54 besides COP;
    # weighted: 15 + 38 + 11 = 64 (partner, project) pairs
    assert degree(g)["organisation:cop"] == 54
    assert weighted_degree(g)["organisation:cop"] == 64
    # COP's open pairs: IMPRA-only 9, DISCORSI-only 31, Khouribga-only 7 organisations;
    # 9*31 + 9*7 + 31*7 + 3 (IMPRA&DISCORSI only) * 7 + 1 (DISCORSI&Khouribga only) * 9 = 589
    assert brokerage_roles(g)["organisation:cop"]["open_pairs"] == 589


def test_seed_core_partnership_brokerage(store):
    # lead, partner, promoter and foreign adherents: COP's partners are IMPRA-only {CISV, Provincia di
    # Torino, Ufficio Pastorale} (ITA), RESACOOP (IMPRA and DISCORSI, FRA), DISCORSI-only {CCM, ENAIP}
    # (ITA), {CIEDEL, COSIM, Forum Réfugiés} (FRA), {LaFede.cat, SOS Racisme} (ESP), Khouribga-only
    # {Aibi, ISCOS, RETE, ProgettoMondo} (ITA), and CICSENE (all three).
    # Open pairs: 3*7 + 3*4 + 7*4 + 1*4 = 65. Cross-country, COP being Italian: ITA x foreign =
    # 3*5 (IMPRA x DISCORSI) + 5*4 (DISCORSI x Khouribga) + 4 (RESACOOP x Khouribga) = 39
    # representative; the other 26 are Italian on both sides (coordinator).
    g = organisation_network(store, resolve_filters(store, roles="lead,partner,promoter,foreign-adherent"))
    r = brokerage_roles(g)
    expected = {"open_pairs": 65, "coordinator": 26, "itinerant": 0, "representative": 39, "liaison": 0,
                "brokerage": 39, "bridged_pairs": 2, "groups_bridged": ["ESP-ITA", "FRA-ITA"]}
    assert r["organisation:cop"] == expected
    assert r["organisation:cicsene"] == expected
    # RESACOOP (FRA) joins IMPRA-only {3 ITA} to DISCORSI-only {2 ITA, 3 FRA, 2 ESP}: 3*7 = 21 open pairs;
    # ITA-ITA 6 itinerant, ITA-FRA 9 representative, ITA-ESP 6 liaison
    assert r["organisation:resacoop"] == {"open_pairs": 21, "coordinator": 0, "itinerant": 6, "representative": 9,
                                          "liaison": 6, "brokerage": 15, "bridged_pairs": 2,
                                          "groups_bridged": ["ESP-ITA", "FRA-ITA"]}


def test_seed_betweenness_of_the_two_brokers(store):
    # lead, partner, promoter: component {COP, CICSENE} + IMPRA {CISV, Provincia, Ufficio} + DISCORSI
    # {CCM, ENAIP} + Khouribga {Aibi, ISCOS, RETE, ProgettoMondo}, then IPOCAD (8) and SO.MI.C.I.S. (5).
    # Every pair across the three groups (3*2 + 3*4 + 2*4 = 26) has two shortest paths of length 2,
    # one through COP and one through CICSENE: 13 each; normalised by C(23,2) = 253 (24 nodes).
    g = organisation_network(store, resolve_filters(store, roles="lead,partner,promoter"))
    assert g.number_of_nodes() == 24
    b = betweenness(g)
    assert b["organisation:cop"] == pytest.approx(13 / 253)
    assert b["organisation:cicsene"] == pytest.approx(13 / 253)
    assert sum(1 for v in b.values() if v) == 2
    assert [len(c) for c in components(g)] == [11, 8, 5]


def test_seed_network_of_2017_is_two_projects(store):
    # active in 2017: DISCORSI (2017-05-15..2018-05-31) and IPOCAD (2017-04-01..2018-09-30), no
    # shared organisation: two cliques, C(39,2) + C(11,2) = 796 links; Louvain finds exactly them
    g = organisation_network(store, Filters.of_year(2017))
    assert (g.number_of_nodes(), g.number_of_edges()) == (50, 796)
    parts = communities(g, seed=0)
    assert [len(c) for c in parts] == [39, 11]
    assert "organisation:regione-lazio-direzione-lavoro" in parts[1]
    assert components(g) == parts
    # Q = sum over the cliques of L/m - (d/2m)^2: 741/796 - (1482/1592)^2 + 55/796 - (110/1592)^2
    assert modularity(g, parts) == pytest.approx(741 / 796 - (1482 / 1592) ** 2 + 55 / 796 - (110 / 1592) ** 2)


def test_edge_table_lists_shared_projects_and_roles(store):
    g = organisation_network(store, resolve_filters(store, roles="lead,partner,promoter"))
    top = edge_table(g)[0]
    assert (top["source"], top["target"], top["weight"]) == ("organisation:cicsene", "organisation:cop", 3)
    assert top["projects"].endswith("IMPRA, D.I.S.Co.R.S.I.")


def test_docstring_examples_run():
    import doctest

    import graphkit.metrics
    import graphkit.metrics.brokers
    import graphkit.metrics.centrality
    import graphkit.metrics.community
    import graphkit.metrics.connected
    import graphkit.style

    for module in (graphkit.metrics, graphkit.metrics.brokers, graphkit.metrics.centrality,
                   graphkit.metrics.community, graphkit.metrics.connected, graphkit.style):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def _naive_brokerage(g: nx.Graph, group: str) -> dict:
    """The definition, pair by pair: the reference the counting implementation must match."""
    from itertools import combinations

    out = {}
    for v in g:
        gv = g.nodes[v].get(group)
        r = {"open_pairs": 0, "coordinator": 0, "itinerant": 0, "representative": 0, "liaison": 0}
        pairs = set()
        for a, b in combinations([n for n in g[v] if n != v], 2):
            if g.has_edge(a, b):
                continue
            r["open_pairs"] += 1
            ga, gb = g.nodes[a].get(group), g.nodes[b].get(group)
            if None in (ga, gb, gv):
                continue
            if ga == gb:
                r["coordinator" if ga == gv else "itinerant"] += 1
            else:
                r["representative" if gv in (ga, gb) else "liaison"] += 1
                pairs.add(tuple(sorted((ga, gb))))
        out[v] = dict(r, brokerage=r["representative"] + r["liaison"], bridged_pairs=len(pairs),
                      groups_bridged=sorted(f"{a}-{b}" for a, b in pairs))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_brokerage_counts_agree_with_the_pair_by_pair_definition(seed):
    import random

    rnd = random.Random(seed)
    g = nx.gnp_random_graph(40, 0.15, seed=seed)
    g.add_edge(3, 3)                       # a self-loop is not a partner
    for n in g:
        g.nodes[n]["country"] = rnd.choice(["ITA", "FRA", "ESP", "MAR", None])
    assert brokerage_roles(g) == _naive_brokerage(g, "country")


def test_brokerage_counts_each_partner_once_in_a_multigraph_or_a_directed_graph():
    import random

    rnd = random.Random(7)
    g = nx.gnp_random_graph(60, 0.2, seed=7)
    for n in g:
        g.nodes[n]["country"] = rnd.choice(["ITA", "FRA", "ESP", None])
    multi = nx.MultiGraph(g)
    multi.add_edges_from(list(g.edges)[::3])           # some pairs linked twice
    directed = nx.DiGraph()
    directed.add_nodes_from(g.nodes(data=True))
    directed.add_edges_from((a, b) if rnd.random() < 0.5 else (b, a) for a, b in g.edges)
    expected = _naive_brokerage(g, "country")
    assert brokerage_roles(multi) == expected
    assert brokerage_roles(directed) == expected
    assert brokerage_roles(nx.Graph()) == {}
