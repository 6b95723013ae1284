"""Degree, weighted degree and betweenness.

Shared-project counts are strengths (more shared projects = a closer tie), while shortest-path
algorithms read edge weights as lengths. :func:`betweenness` therefore measures paths with the
distance ``1 / weight``: two organisations that share three projects are three times closer
than two that share one. Every function takes a graph and returns ``{node: value}``.
"""

from __future__ import annotations

from typing import Any, Hashable

import networkx as nx


def degree(g: nx.Graph) -> dict[Hashable, int]:
    """The number of neighbours of each node (in + out for a directed graph, self-loops ignored).

    >>> degree(nx.path_graph(3))
    {0: 1, 1: 2, 2: 1}
    """
    u = g.to_undirected(as_view=True) if g.is_directed() else g
    return {n: sum(1 for m in u.neighbors(n) if m != n) for n in g.nodes}


def weighted_degree(g: nx.Graph, weight: str = "weight") -> dict[Hashable, float]:
    """The sum of the weights of each node's edges (an edge without ``weight`` counts 1).

    In the organisation projection this is the number of (partner, shared project) pairs.

    >>> weighted_degree(nx.Graph([(0, 1, {"weight": 2}), (1, 2, {"weight": 3})]))
    {0: 2, 1: 5, 2: 3}
    """
    return {n: d for n, d in g.degree(weight=weight)}


def distances(g: nx.Graph, weight: str = "weight") -> dict[tuple[Any, Any], float]:
    """The length ``1 / weight`` of every edge (weight missing or not positive: length 1)."""
    out = {}
    for u, v, w in g.edges(data=weight, default=1):
        out[(u, v)] = 1.0 / w if w and w > 0 else 1.0
    return out


def betweenness(g: nx.Graph, weight: str | None = "weight", normalized: bool = True, *,
                k: int | None = None, seed: int = 0) -> dict[Hashable, float]:
    """Betweenness centrality: the share of shortest paths between other nodes that pass through a node.

    With ``weight`` set, path lengths are ``1 / weight`` (:func:`distances`); with ``None`` every
    edge has length 1. ``normalized`` divides by the number of pairs of other nodes,
    ``(n-1)(n-2)/2`` undirected or ``(n-1)(n-2)`` directed. Exact by default (paths from every
    node); with ``k``, estimated from paths from ``k`` source nodes drawn with ``seed`` (Brandes
    and Pich), for large graphs: exact weighted betweenness took 140 s on 1,549 organisations and
    64,000 links here.

    >>> betweenness(nx.path_graph(3))
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    if k is not None and k >= g.number_of_nodes():
        k = None
    if weight is None:
        return nx.betweenness_centrality(g, normalized=normalized, k=k, seed=seed if k else None)
    h = g.copy()
    nx.set_edge_attributes(h, distances(g, weight), "_distance")
    return nx.betweenness_centrality(h, weight="_distance", normalized=normalized, k=k, seed=seed if k else None)
