"""Network metrics, one family per module; every function takes a graph and returns plain data.

- :mod:`~graphkit.metrics.centrality`: degree, weighted degree, betweenness (on ``1 / weight``)
- :mod:`~graphkit.metrics.brokers`: brokerage across countries or regions (open triads, Gould-Fernandez roles)
- :mod:`~graphkit.metrics.community`: Louvain communities with an explicit seed
- :mod:`~graphkit.metrics.connected`: connected components

:func:`node_table` puts the chosen metrics side by side, one row per node; :data:`METRICS` names
them as the CLI does (``graphkit network --metric ...``).

Example::

    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": 1})])
    >>> [(r["node"], r["degree"], r["weighted_degree"]) for r in node_table(g, ["degree", "weighted-degree"])]
    [('b', 2, 3), ('a', 1, 2), ('c', 1, 1)]
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Sequence

import networkx as nx

from graphkit.metrics.brokers import bridged_pairs, brokerage, brokerage_roles
from graphkit.metrics.centrality import betweenness, degree, distances, weighted_degree
from graphkit.metrics.community import communities, community_of, modularity
from graphkit.metrics.connected import component_of, components

# metric name (as on the command line) -> (column, function(graph, seed, group) -> {node: value}, sort descending)
METRICS: dict[str, tuple[str, Callable[[nx.Graph, int, str], dict[Hashable, Any]], bool]] = {
    "degree": ("degree", lambda g, seed, group: degree(g), True),
    "weighted-degree": ("weighted_degree", lambda g, seed, group: weighted_degree(g), True),
    "betweenness": ("betweenness", lambda g, seed, group: betweenness(g, k=betweenness_sample(g), seed=seed), True),
    "brokerage": ("brokerage", lambda g, seed, group: brokerage(g, group), True),
    "bridged-pairs": ("bridged_pairs", lambda g, seed, group: bridged_pairs(g, group), True),
    "community": ("community", lambda g, seed, group: community_of(g, seed), False),
    "component": ("component", lambda g, seed, group: component_of(g), False),
}
GROUPS = ("country", "region")
# Above this many nodes the table's betweenness is estimated from a seeded sample of sources
# (Brandes and Pich). Each source costs one shortest-path search over every link (measured here:
# about 2 µs per link weighted, 2.8 s per source at 1.4 million links), so the sample shrinks as
# the links grow, to keep the whole estimate near BETWEENNESS_LINK_BUDGET link visits: 200
# sources up to 75,000 links, 10 from 1.5 million (docs/networks.md says how rough that is).
# Exact took ~1 s at 300 organisations, 140 s at 1,549 (64,000 links).
BETWEENNESS_EXACT_MAX = 500
BETWEENNESS_SAMPLE = 200
BETWEENNESS_MIN_SAMPLE = 10
BETWEENNESS_LINK_BUDGET = 15_000_000


def betweenness_sample(g: nx.Graph) -> int | None:
    """``None`` (exact) for graphs up to BETWEENNESS_EXACT_MAX nodes; else the number of sources:
    BETWEENNESS_SAMPLE, fewer on graphs with many links (BETWEENNESS_LINK_BUDGET / links), at
    least BETWEENNESS_MIN_SAMPLE.

    >>> betweenness_sample(nx.path_graph(10)), betweenness_sample(nx.path_graph(1000))
    (None, 200)
    >>> betweenness_sample(nx.barabasi_albert_graph(2000, 100, seed=1))   # 190,000 links
    78
    """
    if g.number_of_nodes() <= BETWEENNESS_EXACT_MAX:
        return None
    by_links = BETWEENNESS_LINK_BUDGET // max(g.number_of_edges(), 1)
    return max(BETWEENNESS_MIN_SAMPLE, min(BETWEENNESS_SAMPLE, by_links))


def compute(g: nx.Graph, name: str, seed: int = 0, group: str = "country") -> dict[Hashable, Any]:
    """One metric by its CLI name, ``{node: value}``."""
    if name not in METRICS:
        raise ValueError(f"unknown metric {name!r} (choose {', '.join(METRICS)})")
    return METRICS[name][1](g, seed, group)


def node_table(g: nx.Graph, metrics: Sequence[str] | None = None, *, seed: int = 0,
               group: str = "country", digits: int | None = None) -> list[dict[str, Any]]:
    """One row per node: ``node``, ``label``, ``kind``, ``type``, ``country`` and the metrics.

    Rows are sorted by the first metric (descending; communities and components ascending),
    then by label and node id. ``digits`` rounds float values.
    """
    names = list(metrics or METRICS)
    values = {n: compute(g, n, seed, group) for n in names}
    rows = []
    for node, data in g.nodes(data=True):
        row: dict[str, Any] = {"node": node, "label": data.get("label", str(node)), "kind": data.get("kind"),
                               "type": data.get("type"), "country": data.get("country")}
        for n in names:
            v = values[n].get(node)
            if digits is not None and isinstance(v, float):
                v = round(v, digits)
            row[METRICS[n][0]] = v
        rows.append(row)
    if names:
        col, _, desc = METRICS[names[0]]
        rows.sort(key=lambda r: (-(r[col] or 0) if desc else (r[col] or 0), str(r["label"]).lower(), str(r["node"])))
    return rows


def edge_table(g: nx.Graph) -> list[dict[str, Any]]:
    """One row per edge: ``source``, ``target``, ``weight``, ``projects`` (labels) and ``roles``."""
    rows = []
    for u, v, d in g.edges(data=True):
        roles = d.get("roles")
        if isinstance(roles, dict):   # {project: {org: [roles]}}
            text = "; ".join(f"{g.graph.get('projects', {}).get(p, {}).get('label', p)}: "
                             + ", ".join(f"{g.nodes[o].get('label', o)} {'/'.join(rs)}" for o, rs in who.items())
                             for p, who in roles.items())
        elif isinstance(roles, list):
            text = ", ".join(roles)
        else:
            text = d.get("role") or ""
        rows.append({"source": u, "target": v, "source_label": g.nodes[u].get("label", u),
                     "target_label": g.nodes[v].get("label", v), "weight": d.get("weight", 1),
                     "projects": ", ".join(d.get("project_labels", [])), "roles": text})
    rows.sort(key=lambda r: (-r["weight"], str(r["source"]), str(r["target"])))
    return rows


__all__ = ["METRICS", "GROUPS", "BETWEENNESS_EXACT_MAX", "BETWEENNESS_SAMPLE", "BETWEENNESS_MIN_SAMPLE",
           "BETWEENNESS_LINK_BUDGET", "betweenness_sample", "compute", "node_table", "edge_table", "degree", "weighted_degree", "betweenness",
           "distances", "brokerage", "brokerage_roles", "bridged_pairs", "communities", "community_of",
           "modularity", "components", "component_of"]
