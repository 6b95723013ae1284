"""Brokerage across countries or regions: who connects partners that are not connected.

For an undirected co-partnership graph and a node attribute that puts each node in a group
(``country``, or ``region``: the NUTS 2 region of the base, else the country), a node ``v``
*brokers* an unordered pair of its neighbours ``{u, w}`` when ``u`` and ``w`` are not adjacent
(the open triad ``u - v - w``: without ``v`` they have no direct tie). Each brokered pair is
classified by the groups, after Gould and Fernandez (1989) with the two directed roles
representative and gatekeeper merged, since co-partnership has no direction:

==============  ===========================================  ==============================
role            groups of u, v, w                            reading
==============  ===========================================  ==============================
coordinator     g(u) = g(v) = g(w)                           brokers within its own group
itinerant       g(u) = g(w) != g(v)                          brokers inside another group
representative  g(v) is g(u) or g(w), and g(u) != g(w)       links its group to another
liaison         g(u), g(v), g(w) all different               links two groups, neither its own
==============  ===========================================  ==============================

``brokerage`` is the number of brokered pairs whose ends are in different groups
(representative + liaison): the partners from different countries that the node alone joins.
``bridged_pairs`` is the number of distinct unordered pairs of groups ``{g(u), g(w)}`` among
them. Pairs with a node whose group is unknown (None) count in ``open_pairs`` only.
"""

from __future__ import annotations

from typing import Any, Hashable

import networkx as nx

ROLES = ("coordinator", "itinerant", "representative", "liaison")


def brokerage_roles(g: nx.Graph, group: str = "country") -> dict[Hashable, dict[str, Any]]:
    """For each node: ``open_pairs``, the four role counts, ``brokerage`` and ``bridged_pairs``.

    Counted without listing the pairs: for a node ``v`` the pairs of its neighbours per pair of
    groups follow from how many neighbours each group has; the closed pairs (``u - w`` linked, a
    triangle through ``v``) are found by intersecting neighbour sets and subtracted.

    >>> g = nx.Graph([("it1", "fr1"), ("it1", "es1")])
    >>> nx.set_node_attributes(g, {"it1": "ITA", "fr1": "FRA", "es1": "ESP"}, "country")
    >>> brokerage_roles(g)["it1"]["liaison"], brokerage_roles(g)["it1"]["bridged_pairs"]
    (1, 1)
    """
    u = g.to_undirected(as_view=True) if g.is_directed() else g
    adj = {n: set(u.adj[n]) - {n} for n in u.nodes}
    grp = {n: u.nodes[n].get(group) for n in u.nodes}
    out: dict[Hashable, dict[str, Any]] = {}
    for v, nbrs in adj.items():
        gv = grp[v]
        d = len(nbrs)
        sizes: dict[Any, int] = {}
        for n in nbrs:
            sizes[grp[n]] = sizes.get(grp[n], 0) + 1
        closed: dict[tuple, int] = {}
        closed_total = 0
        for a in nbrs:
            common = adj[a] & nbrs
            closed_total += len(common)
            ga = grp[a]
            for b in common:
                key = (ga, grp[b]) if str(ga) <= str(grp[b]) else (grp[b], ga)
                closed[key] = closed.get(key, 0) + 1
        closed_total //= 2                              # each closed pair was seen from both ends
        closed = {k: c // 2 for k, c in closed.items()}
        counts = dict.fromkeys(ROLES, 0)
        pairs: set[tuple[str, str]] = set()
        known = sorted((k for k in sizes if k is not None), key=str)
        if gv is not None:
            for i, ga in enumerate(known):
                for gb in known[i:]:
                    total = sizes[ga] * (sizes[ga] - 1) // 2 if ga == gb else sizes[ga] * sizes[gb]
                    key = (ga, gb) if str(ga) <= str(gb) else (gb, ga)
                    n_open = total - closed.get(key, 0)
                    if n_open <= 0:
                        continue
                    if ga == gb:
                        counts["coordinator" if ga == gv else "itinerant"] += n_open
                    else:
                        counts["representative" if gv in (ga, gb) else "liaison"] += n_open
                        pairs.add(tuple(sorted((str(ga), str(gb)))))
        out[v] = {"open_pairs": d * (d - 1) // 2 - closed_total, **counts,
                  "brokerage": counts["representative"] + counts["liaison"],
                  "bridged_pairs": len(pairs), "groups_bridged": sorted(f"{a}-{b}" for a, b in pairs)}
    return out


def brokerage(g: nx.Graph, group: str = "country") -> dict[Hashable, int]:
    """The number of pairs of partners from different groups that only the node joins."""
    return {n: r["brokerage"] for n, r in brokerage_roles(g, group).items()}


def bridged_pairs(g: nx.Graph, group: str = "country") -> dict[Hashable, int]:
    """The number of distinct pairs of groups (countries, regions) the node bridges."""
    return {n: r["bridged_pairs"] for n, r in brokerage_roles(g, group).items()}
