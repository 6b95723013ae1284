"""Connected components (weakly connected for a directed graph)."""

from __future__ import annotations

from typing import Hashable

import networkx as nx


def components(g: nx.Graph) -> list[list[Hashable]]:
    """The connected components, each sorted, largest first (ties: by smallest member).

    >>> components(nx.Graph([(0, 1), (2, 3), (3, 4)]))
    [[2, 3, 4], [0, 1]]
    """
    parts = nx.weakly_connected_components(g) if g.is_directed() else nx.connected_components(g)
    return sorted((sorted(c, key=str) for c in parts), key=lambda c: (-len(c), str(c[0])))


def component_of(g: nx.Graph) -> dict[Hashable, int]:
    """The index of each node's component in :func:`components` (0 = the largest)."""
    return {n: i for i, c in enumerate(components(g)) for n in c}
