"""How a projection looks: colours by organisation type, shapes by kind, sizes by a metric,
edge widths by weight, edge dashes by role, and a seeded layout.

Shared by the HTML maps (:mod:`graphkit.maps`) and the GEXF export (:mod:`graphkit.export`) so
a network looks the same in a browser and in Gephi. Plain functions of a graph; no RDF here.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any, Hashable, Iterable

import networkx as nx

# Organisation types (graphkit/resources/ontology/vocabularies/organisation-types.ttl: the registry's
# types and those the importers give, graphkit.rdf.datasets), one colour each, grouped by family:
# civil society in blues and purples (associations in reds), networks in indigo, teal and brown,
# public bodies in oranges (state) and golds (local), economy in greens, knowledge in teals,
# international bodies in dark blues. Every colour has a contrast of at least 3:1 on white (WCAG's
# threshold for graphics) and any two differ by at least 13 in CIELAB (Delta E 1976);
# tests/test_sources_map.py checks both.
TYPE_COLOURS: dict[str, str] = {
    "civil-society-organisation": "#5179ae",
    "ngo": "#1f82ad",
    "ngo-network": "#07306e",
    "association": "#c2185b",
    "migrant-association": "#d62728",
    "religious-organisation": "#6a3d9a",
    "foundation": "#9c4dcc",
    "trade-union-body": "#8b1a1a",
    "network": "#3a4ea8",
    "municipal-network": "#786000",
    "third-sector-network": "#0195ac",
    "public-authority": "#e9520c",
    "ministry": "#a63703",
    "government-department": "#db782f",
    "prefecture": "#6e2a0b",
    "public-agency": "#ea7012",
    "health-authority": "#e7298a",
    "social-district": "#ae5708",
    "region": "#c07a0c",
    "province": "#906426",
    "metropolitan-city": "#ba8c00",
    "municipality": "#957d01",
    "enterprise": "#507810",
    "company": "#637939",
    "cooperative": "#2da12c",
    "social-cooperative": "#1b7837",
    "chamber-of-commerce": "#7d8c00",
    "education-and-research": "#007c68",
    "university": "#008486",
    "research-centre": "#27a49a",
    "training-body": "#519430",
    "international-organisation": "#3b4272",
    "eu-institution": "#004aba",
}
UNKNOWN_TYPE_COLOUR = "#7f7f7f"     # an organisation whose type no source states
PLACE_COLOURS: dict[str, str] = {
    "country": "#4d4d4d", "nuts-region": "#2b8cbe", "city": "#31a354", "municipality": "#74c476", "place": "#969696",
}
PROJECT_COLOUR = "#3c3c3c"
FALLBACK_COLOURS = ("#9e9e9e", "#c49c94", "#dbdb8d", "#c5b0d5", "#aec7e8", "#ffbb78", "#bc80bd", "#80b1d3")
SHAPES = {"organisation": "dot", "project": "square", "place": "triangle"}

# Role tiers for edge styles: 0 solid (lead, partner, promoter), 1 dashed (adherents, members,
# associates), 2 dotted (funders, managing authorities, local counterparts, collaborators).
ROLE_TIERS: dict[str, int] = {
    "lead": 0, "partner": 0, "promoter": 0,
    "adherent": 1, "foreign-adherent": 1, "associate": 1, "member": 1,
    "funder": 2, "co-funder": 2, "managing-authority": 2, "local-counterpart": 2, "collaborator": 2,
}
TIER_NAMES = ("lead, partner or promoter", "adherent, member or associate",
              "funder, authority, counterpart or collaborator")
TIER_DASHES: tuple[Any, ...] = (False, [8, 5], [2, 4])
SIZE_MIN, SIZE_MAX = 8.0, 28.0
KAMADA_KAWAI_MAX = 120          # Kamada-Kawai takes ~1 s at 100 nodes, ~3 s at 300 (measured)


def _fallback(key: str) -> str:
    return FALLBACK_COLOURS[int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % len(FALLBACK_COLOURS)]


def node_colour(data: dict[str, Any]) -> str:
    """The colour of a node: by organisation type, by kind of place, or the project grey."""
    kind, typ = data.get("kind"), data.get("type") or ""
    if kind == "project":
        return PROJECT_COLOUR
    if kind == "place":
        return PLACE_COLOURS.get(typ, PLACE_COLOURS["place"])
    if not typ:
        return UNKNOWN_TYPE_COLOUR
    return TYPE_COLOURS.get(typ) or _fallback(typ)


def node_shape(data: dict[str, Any]) -> str:
    """The vis.js shape of a node by its kind: ``square`` for a project, ``triangle`` for a place, else ``dot``."""
    return SHAPES.get(data.get("kind") or "", "dot")


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """The red, green and blue values (0-255) of a colour written ``#rrggbb``."""
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def sizes(values: dict[Hashable, float]) -> dict[Hashable, float]:
    """Node sizes from metric values: area grows with the value, between SIZE_MIN and SIZE_MAX.

    >>> sizes({"a": 0, "b": 4, "c": 1})
    {'a': 8.0, 'b': 28.0, 'c': 18.0}
    """
    if not values:
        return {}
    lo, hi = min(values.values()), max(values.values())
    if hi == lo:
        return {n: round((SIZE_MIN + SIZE_MAX) / 3, 1) for n in values}
    span = math.sqrt(hi - lo)
    return {n: round(SIZE_MIN + (SIZE_MAX - SIZE_MIN) * math.sqrt(v - lo) / span, 1) for n, v in values.items()}


def edge_width(weight: float) -> float:
    """1 for one shared project, +2 for each more, at most 12."""
    return float(min(12.0, 1.0 + 2.0 * (max(1.0, float(weight)) - 1.0)))


def role_tier(roles: Iterable[str]) -> int:
    """The strongest tier among a side's roles (unknown roles count as tier 2)."""
    tiers = [ROLE_TIERS.get(r, 2) for r in roles]
    return min(tiers) if tiers else 0


def edge_tier(g: nx.Graph, u: Hashable, v: Hashable) -> int:
    """0 when some shared project has both sides in tier 0, 1 ..., 2 otherwise.

    Organisation edges read ``roles`` ({project: {org: [roles]}}); bipartite edges a list of
    the organisation's roles; membership edges are 0 for members and 1 for associates.
    """
    d = g.edges[u, v]
    roles = d.get("roles")
    if g.graph.get("projection") == "membership":           # members solid, associates dashed
        return 0 if not roles or "member" in roles else 1
    if isinstance(roles, dict):
        per_project = [max(role_tier(who.get(u, [])), role_tier(who.get(v, []))) for who in roles.values()]
        return min(per_project) if per_project else 0
    if isinstance(roles, list):
        return role_tier(roles)
    return 0


def separate(pos: dict[Hashable, tuple[float, float]], min_dist: float,
             rounds: int = 100) -> dict[Hashable, tuple[float, float]]:
    """Push apart points closer than ``min_dist``: each round, both points of every close pair
    move half the gap apart (averaged over a point's close pairs). Close pairs come from a k-d
    tree, so a round costs about n log n; coincident points move along fixed golden-angle
    directions, so the result is deterministic.

    >>> p = separate({"a": (0.0, 0.0), "b": (0.0, 0.0)}, 10.0)
    >>> round(math.dist(p["a"], p["b"]), 6)
    10.0
    """
    import numpy as np
    from scipy.spatial import cKDTree

    nodes = list(pos)
    n = len(nodes)
    if n < 2:
        return dict(pos)
    pts = np.array([pos[x] for x in nodes], dtype=float)
    for _ in range(rounds):
        pairs = cKDTree(pts).query_pairs(min_dist - 1e-9, output_type="ndarray")
        if len(pairs) == 0:
            break
        i, j = pairs[:, 0], pairs[:, 1]
        delta = pts[i] - pts[j]
        dist = np.hypot(delta[:, 0], delta[:, 1])
        coincident = dist < 1e-9
        angle = i * 2.399963229728653 + j * 0.7
        fixed = np.stack([np.cos(angle), np.sin(angle)], axis=1)
        unit = np.where(coincident[:, None], fixed, delta / np.where(coincident, 1.0, dist)[:, None])
        push = ((min_dist - np.where(coincident, 0.0, dist)) / 2.0)[:, None] * unit
        move = np.zeros_like(pts)
        np.add.at(move, i, push)
        np.add.at(move, j, -push)
        close = np.bincount(i, minlength=n) + np.bincount(j, minlength=n)
        pts += move / np.maximum(close, 1)[:, None]
    return {x: (float(a), float(b)) for x, (a, b) in zip(nodes, pts)}


def layout(g: nx.Graph, seed: int = 0, *, spacing: float = 90.0) -> dict[Hashable, tuple[float, float]]:
    """Seeded positions in pixels: the same graph and seed give the same layout, every time.

    Each connected component is laid out on its own, in a square whose area grows with its
    number of nodes (about ``spacing`` pixels between neighbours): up to ``KAMADA_KAWAI_MAX``
    nodes by Kamada-Kawai on edge lengths ``1 / weight`` (so organisations sharing more projects
    sit closer) started from a seeded spring layout, above that by Fruchterman-Reingold
    (``spring_layout``) from seeded random starting points. Nodes closer than ``0.6 * spacing``
    are then pushed apart (:func:`separate`; organisations with the same partners would
    otherwise sit on top of each other), and the squares are packed in rows, largest first, so
    separate groups neither overlap nor fly apart.
    Positions are rounded to whole pixels (vis-network reads them with parseInt), so the HTML
    is byte-for-byte stable.
    """
    if g.number_of_nodes() == 0:
        return {}
    u = g.to_undirected(as_view=True) if g.is_directed() else g
    order = {n: i for i, n in enumerate(u.nodes)}
    comps = sorted((sorted(c, key=order.__getitem__) for c in nx.connected_components(u)),
                   key=lambda c: (-len(c), order[c[0]]))
    boxes = []
    for comp in comps:
        n = len(comp)
        radius = spacing * math.sqrt(n) / 2.0 if n > 1 else 0.0
        if n == 1:
            local = {comp[0]: (0.0, 0.0)}
        else:
            sub = nx.Graph()
            sub.add_nodes_from(comp)
            sub.add_edges_from((a, b, {"length": 1.0 / w if w and w > 0 else 1.0})
                               for a, b, w in u.subgraph(comp).edges(data="weight", default=1))
            if n <= KAMADA_KAWAI_MAX:
                start = nx.spring_layout(sub, seed=seed, iterations=30)
                pos = nx.kamada_kawai_layout(sub, weight="length", pos=start)
            else:
                pos = nx.spring_layout(sub, seed=seed, weight=None, iterations=100 if n <= 500 else 50 if n <= 1500 else 30)
            xs = [p[0] for p in pos.values()]
            ys = [p[1] for p in pos.values()]
            half = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) / 2.0
            mx, my = (max(xs) + min(xs)) / 2.0, (max(ys) + min(ys)) / 2.0
            local = {node: ((float(x) - mx) / half * radius, (float(y) - my) / half * radius)
                     for node, (x, y) in pos.items()}
            local = separate(local, spacing * 0.6)
        extent = max((max(abs(px), abs(py)) for px, py in local.values()), default=0.0)
        side = 2.0 * extent + spacing
        boxes.append((local, side))
    total = sum(side * side for _, side in boxes)
    row_width = max(max(side for _, side in boxes), math.sqrt(total) * 1.6)
    out: dict[Hashable, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for local, side in boxes:
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        cx, cy = x + side / 2.0, y + side / 2.0
        for node, (px, py) in local.items():
            out[node] = (float(round(cx + px)), float(round(cy + py)))   # vis-network keeps whole pixels
        x += side
        row_height = max(row_height, side)
    return {node: out[node] for node in g.nodes}


def place_discs(centres: dict[Hashable, tuple[float, float]], radii: dict[Hashable, float], gap: float = 40.0,
                rounds: int = 400) -> dict[Hashable, tuple[float, float]]:
    """Move discs (a centre and a radius each) apart until no two overlap (``gap`` pixels between
    them), each pair moving by what it overlaps, the smaller disc the more; coincident centres move
    along fixed golden-angle directions, so the result is deterministic.

    >>> p = place_discs({"a": (0.0, 0.0), "b": (1.0, 0.0)}, {"a": 10.0, "b": 10.0}, gap=0.0)
    >>> round(math.dist(p["a"], p["b"]), 6) >= 20.0 - 1e-6
    True
    """
    import numpy as np

    keys = list(centres)
    n = len(keys)
    if n < 2:
        return dict(centres)
    pts = np.array([centres[k] for k in keys], dtype=float)
    r = np.array([radii[k] for k in keys], dtype=float)
    i, j = np.triu_indices(n, 1)
    need = r[i] + r[j] + gap
    for _ in range(rounds):
        delta = pts[i] - pts[j]
        dist = np.hypot(delta[:, 0], delta[:, 1])
        over = dist < need - 1e-6
        if not over.any():
            break
        ii, jj, d, dl = i[over], j[over], dist[over], delta[over]
        coincident = d < 1e-9
        angle = ii * 2.399963229728653 + jj * 0.7
        fixed = np.stack([np.cos(angle), np.sin(angle)], axis=1)
        unit = np.where(coincident[:, None], fixed, dl / np.where(coincident, 1.0, d)[:, None])
        push = (need[over] - np.where(coincident, 0.0, d))[:, None] * unit
        share = r[jj] / (r[ii] + r[jj])           # the larger disc moves the less
        move = np.zeros_like(pts)
        np.add.at(move, ii, push * share[:, None])
        np.add.at(move, jj, -push * (1.0 - share)[:, None])
        pts += move * 0.5
    return {k: (float(a), float(b)) for k, (a, b) in zip(keys, pts)}


def grouped_layout(g: nx.Graph, group_of: dict[Hashable, str], seed: int = 0, *, spacing: float = 90.0
                   ) -> tuple[dict[Hashable, tuple[float, float]], dict[str, tuple[float, float, float]]]:
    """A layout in which each group (a country, a community) is a disc: its members laid out on
    their own by :func:`layout` inside it, the discs placed by a seeded layout of the network of
    groups (linked by the links between their members, weighted by their weights), then moved
    apart so that none overlaps another (:func:`place_discs`).

    Returns the positions of the nodes (whole pixels) and, for each group, its centre and radius;
    a map drawn aggregated shows one node per group at its centre, and a group expanded shows its
    members in the same disc, without covering the others.
    """
    members: dict[str, list[Hashable]] = {}
    for n in g.nodes:
        members.setdefault(group_of[n], []).append(n)
    if not members:
        return {}, {}
    names = sorted(members, key=lambda k: (-len(members[k]), k))
    local: dict[str, dict[Hashable, tuple[float, float]]] = {}
    radius: dict[str, float] = {}
    for k in names:
        pos = layout(g.subgraph(members[k]), seed, spacing=spacing)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        cx, cy = (max(xs) + min(xs)) / 2.0, (max(ys) + min(ys)) / 2.0
        local[k] = {n: (x - cx, y - cy) for n, (x, y) in pos.items()}
        radius[k] = max(math.hypot(x, y) for x, y in local[k].values()) + spacing / 2.0
    q = nx.Graph()
    q.add_nodes_from(names)
    for u, v, w in g.edges(data="weight", default=1):
        a, b = group_of[u], group_of[v]
        if a != b:
            q.add_edge(a, b, weight=(q.edges[a, b]["weight"] if q.has_edge(a, b) else 0) + (w or 1))
    if len(names) == 1:
        start = {names[0]: (0.0, 0.0)}
    else:
        raw = nx.spring_layout(q, seed=seed, weight="weight", iterations=100)
        scale = math.sqrt(sum(r * r for r in radius.values()))
        start = {k: (float(x) * scale, float(y) * scale) for k, (x, y) in raw.items()}
    centre = place_discs(start, radius)
    out: dict[Hashable, tuple[float, float]] = {}
    for k in names:
        cx, cy = centre[k]
        for n, (x, y) in local[k].items():
            out[n] = (float(round(cx + x)), float(round(cy + y)))
    groups = {k: (float(round(centre[k][0])), float(round(centre[k][1])), float(round(radius[k]))) for k in names}
    return {n: out[n] for n in g.nodes}, groups
