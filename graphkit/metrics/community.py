"""Communities: Louvain modularity optimisation with an explicit seed, so results reproduce.

Louvain visits nodes in a random order; with the same graph (nodes and edges inserted in the
same order, as the projections do) and the same ``seed`` it returns the same partition. A
directed graph is read as undirected.
"""

from __future__ import annotations

from typing import Hashable

import networkx as nx


def communities(g: nx.Graph, seed: int = 0, weight: str | None = "weight",
                resolution: float = 1.0) -> list[list[Hashable]]:
    """Louvain communities, each sorted, largest first (ties: by smallest member).

    >>> two_triangles = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> communities(two_triangles, seed=1)
    [[0, 1, 2], [3, 4, 5]]
    """
    u = g.to_undirected(as_view=True) if g.is_directed() else g
    if u.number_of_nodes() == 0:
        return []
    parts = nx.community.louvain_communities(u, weight=weight, resolution=resolution, seed=seed)
    groups = [sorted(c, key=str) for c in parts]
    return sorted(groups, key=lambda c: (-len(c), str(c[0])))


def community_of(g: nx.Graph, seed: int = 0, weight: str | None = "weight",
                 resolution: float = 1.0) -> dict[Hashable, int]:
    """The index of each node's community in :func:`communities` (0 = the largest)."""
    return {n: i for i, c in enumerate(communities(g, seed, weight, resolution)) for n in c}


def modularity(g: nx.Graph, parts: list[list[Hashable]], weight: str | None = "weight",
               resolution: float = 1.0) -> float:
    """The modularity of a partition (as returned by :func:`communities`)."""
    u = g.to_undirected(as_view=True) if g.is_directed() else g
    if u.number_of_edges() == 0:
        return 0.0
    return nx.community.modularity(u, [set(c) for c in parts], weight=weight, resolution=resolution)
