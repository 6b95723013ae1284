"""WebGL maps: every node of a large network and a backbone of its links, drawn by sigma.js.

The vis-network page of :mod:`graphkit.maps` draws a few thousand nodes and links; past that a
browser takes tens of seconds. This page draws with WebGL (sigma.js 4 on a graphology graph,
bundled from the npm registry into ``graphkit/web/vendor/sigma.min.js``), so a network of 28,680
organisations opens in seconds. Decision 0023 says why and what was measured.

What is drawn: every node, and a **backbone** of the links: each node's ``backbone`` strongest
links (by shared projects; ties by the other node's id), a link kept when it is among the
strongest of either end (:func:`backbone_edges`). Every organisation thus keeps at least its
strongest partner, hubs keep many. The legend says how many links of how many are drawn.
``backbone=0`` draws every link (a small network).

What the page does: search; filters by type, country, fund, year (a timeline with play) and
roles, which recompute the nodes and links drawn and node sizes (the projects each node keeps);
colour by type, community or country; an ego view (a node, its partners and their partners over
the links drawn; the rest dimmed); a side panel; hover labels and a label density control; PNG
export. The filters are exact: a node is drawn when one of its participations passes (the same
organisations as ``graphkit network`` with the same filters), a link when a project the two
share passes for both.

The data is compact: columns of numbers (a node's participations as ``[project, role mask, ...]``)
rather than one object per node. Positions are computed here (:func:`community_layout`) so the
page never runs a layout. Strings reach the page only as JSON in a ``<script
type="application/json">`` element (``<``, ``>``, ``&``, ``'`` as ``\\u`` escapes) and the DOM
only through ``textContent``; labels are drawn on a canvas.

Example::

    from graphkit.store import EmbeddedStore
    from graphkit.network import organisation_network
    from graphkit.glmap import write_glmap
    g = organisation_network(EmbeddedStore.from_build())
    write_glmap(g, "build/maps/org-webgl.html", backbone=3)
"""

from __future__ import annotations

import heapq
import html
import math
import re
from datetime import date
from pathlib import Path
from typing import Any, Hashable

import networkx as nx

from graphkit import style
from graphkit.maps import MapError, MapHTML, add_to_index, page_css as maps_page_css
from graphkit.metrics import compute
from graphkit.network.filters import scheme_prefixes

TEMPLATES = Path(__file__).resolve().parent / "templates"
RENDERERS = ("vis", "webgl", "auto")
# `--renderer auto` draws with WebGL above these (measured by bench/map_scale.py, docs/benchmarks.md):
# vis-network opens 299 organisations with 10,537 links in about 1.5 s and 2,938 with 128,321 in
# 12 s; the WebGL page opens both in about a second, and 28,680 organisations in a few seconds.
AUTO_WEBGL_NODES = 1000
AUTO_WEBGL_EDGES = 5000
DEFAULT_BACKBONE = 3               # links kept per node by the WebGL page when the network is large
SPACING = 30.0                     # about this many units between neighbours
MAX_DISCS = 200                    # communities laid out as discs of their own; the rest share one
REST = -2                          # the disc of the small communities


def choose_renderer(g: nx.Graph, renderer: str = "auto") -> str:
    """``"vis"`` or ``"webgl"``: the renderer asked for, or with ``"auto"`` WebGL for a network of
    more than :data:`AUTO_WEBGL_NODES` nodes or :data:`AUTO_WEBGL_EDGES` links.

    Raises:
        ValueError: an unknown renderer.
    """
    if renderer not in RENDERERS:
        raise ValueError(f"unknown renderer {renderer!r} (choose {', '.join(RENDERERS)})")
    if renderer != "auto":
        return renderer
    big = g.number_of_nodes() > AUTO_WEBGL_NODES or g.number_of_edges() > AUTO_WEBGL_EDGES
    return "webgl" if big else "vis"


def backbone_edges(g: nx.Graph, k: int) -> list[tuple[Hashable, Hashable]]:
    """The links of ``g`` kept by a backbone of ``k``: each node's ``k`` strongest links (highest
    ``weight``, ties by the other node's id as text), a link kept if it is among the strongest of
    either end; ``k = 0`` keeps every link. Sorted, each as ``(a, b)`` with ``str(a) <= str(b)``.

    The same rule as :func:`graphkit.maps.reduce_network` with ``top=0``.

    Example::

        >>> g = nx.Graph()
        >>> g.add_weighted_edges_from([("a", "b", 3), ("a", "c", 1), ("c", "d", 1)])
        >>> backbone_edges(g, 1)
        [('a', 'b'), ('c', 'd')]
    """
    if k <= 0:
        edges = {tuple(sorted(e, key=str)) for e in g.edges}
    else:
        edges = set()
        for n in g.nodes:
            best = heapq.nsmallest(k, g[n].items(), key=lambda kv: (-kv[1].get("weight", 1), str(kv[0])))
            edges.update(tuple(sorted((n, other), key=str)) for other, _ in best)
    return sorted(edges, key=lambda e: (str(e[0]), str(e[1])))


# ---------------------------------------------------------------------------------------- layout

def _sunflower(count: int, spacing: float) -> list[tuple[float, float]]:
    """``count`` points on Vogel's sunflower spiral, the first at the centre, about ``spacing`` apart."""
    golden = math.pi * (3.0 - math.sqrt(5.0))
    return [(spacing * 0.55 * math.sqrt(i) * math.cos(i * golden), spacing * 0.55 * math.sqrt(i) * math.sin(i * golden))
            for i in range(count)]


def community_layout(g: nx.Graph, community: dict[Hashable, int], edges: list[tuple[Hashable, Hashable]],
                     seed: int = 0, *, spacing: float = SPACING) -> dict[Hashable, tuple[float, float]]:
    """Seeded positions for a large network, from its communities: fast at tens of thousands of nodes.

    Each community is a disc whose area grows with its number of nodes. The discs are placed by a
    seeded spring layout of the community graph (communities joined by the links between them,
    weighted by shared projects) and pushed apart until none overlap. Inside a disc, a community
    of at most 300 nodes is laid out by a seeded spring layout of its ``edges`` (the backbone);
    a larger one on a sunflower spiral, its nodes of highest weighted degree at the centre.
    Communities of fewer than 3 nodes, and those beyond the :data:`MAX_DISCS` largest, share one
    more disc (a spiral, community by community), so a network of many small pieces stays fast.
    Positions are rounded to one decimal, so the page is byte-for-byte stable.
    """
    if g.number_of_nodes() == 0:
        return {}
    wd = dict(g.degree(weight="weight"))
    members: dict[int, list[Hashable]] = {}
    for n in g.nodes:
        members.setdefault(community.get(n, -1), []).append(n)
    order = sorted(members, key=lambda c: (-len(members[c]), c))
    discs = [c for c in order if len(members[c]) >= 3][:MAX_DISCS]
    small = [c for c in order if c not in set(discs)]
    group = {n: c for c in discs for n in members[c]}
    if small:                                # one more disc: the small communities, one after the other
        members[REST] = [n for c in sorted(small) for n in sorted(members[c], key=lambda n: (-wd[n], str(n)))]
        group.update((n, REST) for n in members[REST])
        discs.append(REST)
    radius = {c: spacing * 0.55 * math.sqrt(len(members[c])) + spacing for c in discs}
    between: dict[tuple[int, int], float] = {}
    for a, b, w in g.edges(data="weight", default=1):
        ca, cb = group[a], group[b]
        if ca != cb:
            key = (ca, cb) if ca < cb else (cb, ca)
            between[key] = between.get(key, 0) + w
    cg = nx.Graph()
    cg.add_nodes_from(discs)
    cg.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(between.items()))
    centres = nx.spring_layout(cg, seed=seed, weight="weight", iterations=100) if len(discs) > 1 else {discs[0]: (0.0, 0.0)}
    total = math.sqrt(sum(r * r for r in radius.values()))
    xy = _push_apart([(float(centres[c][0]) * total, float(centres[c][1]) * total) for c in discs],
                     [radius[c] for c in discs])
    local_edges: dict[int, list[tuple[Hashable, Hashable]]] = {}
    for a, b in edges:
        if group[a] == group[b] != REST:
            local_edges.setdefault(group[a], []).append((a, b))
    pos: dict[Hashable, tuple[float, float]] = {}
    for c, (cx, cy) in zip(discs, xy):
        nodes = members[c] if c == REST else sorted(members[c], key=lambda n: (-wd[n], str(n)))
        if c != REST and len(nodes) <= 300:
            sub = nx.Graph()
            sub.add_nodes_from(nodes)
            sub.add_edges_from(local_edges.get(c, []))
            p = nx.spring_layout(sub, seed=seed, iterations=50)
            r = radius[c] - spacing
            for n in nodes:
                pos[n] = (round(cx + float(p[n][0]) * r, 1), round(cy + float(p[n][1]) * r, 1))
        else:
            for n, (x, y) in zip(nodes, _sunflower(len(nodes), spacing)):
                pos[n] = (round(cx + x, 1), round(cy + y, 1))
    return pos


def _push_apart(centres: list[tuple[float, float]], radii: list[float], rounds: int = 300) -> list[tuple[float, float]]:
    """The discs' centres moved until no two discs overlap (every pair at once, each round)."""
    import numpy as np

    p = np.array(centres, dtype=float).reshape(-1, 2)
    r = np.array(radii, dtype=float)
    n = len(r)
    need = r[:, None] + r[None, :]
    # coincident centres part along a fixed direction per pair (by index), so the result is deterministic
    tie = np.sign(np.arange(n)[None, :] - np.arange(n)[:, None]).astype(float)
    for _ in range(rounds):
        d = p[None, :, :] - p[:, None, :]                  # d[i, j]: from disc i to disc j
        dist = np.hypot(d[..., 0], d[..., 1])
        over = need - dist
        np.fill_diagonal(over, 0.0)
        over = np.clip(over, 0.0, None)
        if not over.any():
            break
        same = dist < 1e-9
        ux = np.where(same, tie, d[..., 0] / np.where(same, 1.0, dist))
        uy = np.where(same, 0.0, d[..., 1] / np.where(same, 1.0, dist))
        # each disc moves away from every disc it overlaps, by half the overlap (a little more: it converges)
        p[:, 0] -= (ux * over).sum(axis=1) * 0.51
        p[:, 1] -= (uy * over).sum(axis=1) * 0.51
    return [(float(x), float(y)) for x, y in p]


# ---------------------------------------------------------------------------------------- data

def _year(day: str | None) -> int | None:
    return date.fromisoformat(day).year if day else None



def glmap_data(g: nx.Graph, *, backbone: int = DEFAULT_BACKBONE, seed: int = 0) -> dict[str, Any]:
    """Everything the WebGL page needs, as compact JSON-able columns.

    ``nodes``: one list per attribute (``key``, ``name``, ``label``, ``type`` and ``country`` as
    indexes into ``facets``, ``x``, ``y``, ``community``, ``parts``: the participations as a flat
    ``[project, role mask, ...]`` list, ``names``: lower-case names for the search). ``edges``:
    ``src``, ``dst`` (node indexes), ``weight`` (shared projects), ``via`` (flat ``[project, role
    mask of src, role mask of dst, ...]``). ``projects``: ``label``, ``y0``/``y1`` (first and last
    year, -1 unknown), ``funds`` (an index into ``fundSets``, each a list of indexes into
    ``facets.fund``). Role masks have bit ``i`` for ``roles[i]``.
    """
    projection = g.graph.get("projection", "org")
    if projection != "org":
        raise ValueError(f"the WebGL map draws the organisation network (this is the {projection!r} projection)")
    role_labels: dict[str, str] = g.graph.get("roles", {})
    pcat: dict[str, dict[str, Any]] = g.graph.get("projects", {})
    nodes = list(g.nodes)
    nidx = {n: i for i, n in enumerate(nodes)}
    kept = backbone_edges(g, backbone)
    # communities of the links drawn: Louvain on 1.37 million links takes over a minute, on the
    # backbone of 3 links per node (85,352) a few seconds, and the map shows the backbone
    bb = nx.Graph()
    bb.add_nodes_from(nodes)
    bb.add_weighted_edges_from((a, b, g.edges[a, b].get("weight", 1)) for a, b in kept)
    community = compute(bb, "community", seed)
    pos = community_layout(g, community, kept, seed)

    roles = sorted({r for _, d in g.nodes(data=True) for x in d.get("participations", []) for r in [x.get("role")] if r},
                   key=lambda r: (style.ROLE_TIERS.get(r, 2), r))
    if len(roles) > 30:
        raise ValueError(f"{len(roles)} roles: the page's role masks hold at most 30")
    ridx = {r: i for i, r in enumerate(roles)}
    projects = sorted(pcat, key=lambda p: (pcat[p].get("start") or "", p))
    pidx = {p: i for i, p in enumerate(projects)}
    types = sorted({d.get("type_label") or "unknown" for _, d in g.nodes(data=True)})
    countries = sorted({d.get("country_label") or "unknown" for _, d in g.nodes(data=True)})
    tidx, cidx = {t: i for i, t in enumerate(types)}, {c: i for i, c in enumerate(countries)}
    funds = sorted({f for p in projects for f in scheme_prefixes(pcat[p].get("funds", []))})
    fidx = {f: i for i, f in enumerate(funds)}
    fund_sets: dict[tuple[int, ...], int] = {}
    pfund = []
    for p in projects:
        key = tuple(fidx[f] for f in scheme_prefixes(pcat[p].get("funds", [])))
        pfund.append(fund_sets.setdefault(key, len(fund_sets)))
    y0 = [_year(pcat[p].get("start")) for p in projects]
    y1 = [_year(pcat[p].get("end")) for p in projects]
    years = sorted({y for a, b in zip(y0, y1) if a is not None and b is not None for y in range(a, b + 1)})

    def mask(rs: Any) -> int:
        m = 0
        for r in rs or ():
            if r in ridx:
                m |= 1 << ridx[r]
        return m

    parts, names, labels = [], [], []
    for n in nodes:
        d = g.nodes[n]
        by_project: dict[int, int] = {}
        for x in d.get("participations", []):
            if x["project"] in pidx:
                i = pidx[x["project"]]
                by_project[i] = by_project.get(i, 0) | mask([x.get("role")])
        parts.append([v for i in sorted(by_project) for v in (i, by_project[i])])
        label = d.get("label", str(n))
        labels.append(d.get("acronym") or label)
        names.append(sorted({s.lower() for s in [label, d.get("acronym"), *d.get("aliases", [])] if s}))
    src, dst, weight, via = [], [], [], []
    for a, b in kept:
        d = g.edges[a, b]
        src.append(nidx[a])
        dst.append(nidx[b])
        weight.append(d.get("weight", 1))
        rmap = d.get("roles", {})
        via.append([v for p in d.get("projects", []) if p in pidx
                    for v in (pidx[p], mask(rmap.get(p, {}).get(a)), mask(rmap.get(p, {}).get(b)))])
    type_slug: dict[str, str] = {}
    for _, d in g.nodes(data=True):
        type_slug.setdefault(d.get("type_label") or "unknown", d.get("type") or "")
    palette_type = {t: style.node_colour({"type": type_slug[t], "kind": "organisation"}) for t in types}
    return {
        "projection": projection,
        "nodes": {"key": [str(n) for n in nodes], "name": [g.nodes[n].get("label", str(n)) for n in nodes],
                  "label": labels, "names": names,
                  "type": [tidx[g.nodes[n].get("type_label") or "unknown"] for n in nodes],
                  "country": [cidx[g.nodes[n].get("country_label") or "unknown"] for n in nodes],
                  "x": [pos[n][0] for n in nodes], "y": [pos[n][1] for n in nodes],
                  "community": [community.get(n, 0) for n in nodes], "parts": parts},
        "edges": {"src": src, "dst": dst, "weight": weight, "via": via},
        "projects": {"label": [pcat[p].get("label", p) for p in projects],
                     "y0": [-1 if y is None else y for y in y0], "y1": [-1 if y is None else y for y in y1],
                     "funds": pfund},
        "fundSets": [list(k) for k in fund_sets],
        "roles": [{"slug": r, "label": role_labels.get(r, r)} for r in roles],
        "facets": {"type": types, "country": countries, "fund": funds, "year": years},
        "typeColours": [palette_type[t] for t in types],
        "timeline": list(range(years[0], years[-1] + 1)) if years else [],
        "backbone": {"k": backbone, "edges": len(kept), "of_edges": g.number_of_edges()},
        "seed": seed,
    }


# ---------------------------------------------------------------------------------------- page

def _legend(data: dict[str, Any], g: nx.Graph) -> str:
    e = html.escape
    bb = data["backbone"]
    links = (f"each organisation's {bb['k']} strongest links (by shared projects; a link kept if it is among "
             f"the strongest of either end): {bb['edges']:,} of {bb['of_edges']:,} links"
             if bb["k"] else f"every link: {bb['edges']:,}")
    red = g.graph.get("reduced") or {}
    nodes = (f"the {red['nodes']:,} of {red['of_nodes']:,} organisations of highest weighted degree"
             if red.get("top") and red["nodes"] < red["of_nodes"] else f"every organisation ({g.number_of_nodes():,})")
    return "\n".join([
        "<h3>Legend</h3>",
        f'<div id="gk-backbone"><b>Drawn</b>: {e(nodes)}; {e(links)}. '
        "Filters hide the links with no kept project. The whole network: graphkit export.</div>",
        "<div><b>Size</b>: projects kept by the filters (logarithmic)</div>",
        f"<div><b>Positions</b>: communities of the links drawn (Louvain, seed {data['seed']}) as discs placed by a spring "
        "layout; inside, a spring layout or a spiral, hubs at the centre.</div>",
        '<div id="gk-colour-legend"></div>',
    ])


def render_glmap(g: nx.Graph, *, title: str | None = None, backbone: int = DEFAULT_BACKBONE, seed: int = 0) -> MapHTML:
    """The WebGL map of an organisation network as one self-contained HTML page."""
    return _page(g, glmap_data(g, backbone=backbone, seed=seed), title)


def _page(g: nx.Graph, data: dict[str, Any], title: str | None) -> MapHTML:
    from jinja2 import Environment
    from markupsafe import Markup

    import graphkit

    seed = data["seed"]
    page_js = (TEMPLATES / "glmap.js").read_text(encoding="utf-8")
    page_css = maps_page_css() + (TEMPLATES / "glmap.css").read_text(encoding="utf-8")
    if re.search(r"</script", page_js, re.I):
        raise RuntimeError("glmap.js contains '</script' and cannot be inlined")
    if re.search(r"</style", page_css, re.I):
        raise RuntimeError("glmap.css contains '</style' and cannot be inlined")
    title = title or "Partnership network"
    bb = data["backbone"]
    subtitle = (f"{g.number_of_nodes():,} organisations; {bb['edges']:,} of {bb['of_edges']:,} links drawn"
                f" · {g.graph.get('filters_text', 'all projects, all roles')} · layout seed {seed}")
    env = Environment(autoescape=True)
    page = env.from_string((TEMPLATES / "glmap.html").read_text(encoding="utf-8")).render(
        title=title, subtitle=subtitle, data=data, legend=Markup(_legend(data, g)),
        page_js=Markup(page_js), page_css=Markup(page_css), version=graphkit.__version__)
    return MapHTML(page)


def write_glmap(g: nx.Graph, path: str | Path, *, title: str | None = None, backbone: int = DEFAULT_BACKBONE,
                seed: int = 0, index: bool = True) -> Path:
    """Write the WebGL map to ``path`` (an ``.html`` file) and, with ``index``, refresh the folder's index.html.

    Raises:
        MapError: ``path`` is not an ``.html`` file.
    """
    path = Path(path)
    if path.suffix.lower() != ".html":
        raise MapError(f"{path}: a map is written to an .html file")
    path.parent.mkdir(parents=True, exist_ok=True)
    data = glmap_data(g, backbone=backbone, seed=seed)
    page = _page(g, data, title)
    path.write_text(page, encoding="utf-8")
    if index:
        add_to_index(path, page, projection="org", filters=g.graph.get("filters_text", ""), nodes=g.number_of_nodes(),
                     edges=data["backbone"]["edges"], size_by="projects", renderer="webgl")
    return path


__all__ = ["render_glmap", "write_glmap", "glmap_data", "backbone_edges", "community_layout", "choose_renderer",
           "RENDERERS", "AUTO_WEBGL_NODES", "AUTO_WEBGL_EDGES", "DEFAULT_BACKBONE"]
