"""Interactive maps: a projection as one self-contained HTML page (pyvis, vis-network inlined).

A map opens offline and in a notebook: vis-network's JavaScript and CSS are copied into the page
(pyvis's ``in_line`` resources, without its CDN-hosted Bootstrap), and no URL is loaded.

How strings are kept harmless: the page heading, legend and index are static HTML whose every
string is escaped here (Jinja autoescape, :func:`html.escape`); the graph itself is JSON in a
``<script type="application/json">`` element with ``<``, ``>``, ``&`` and ``'`` written as
``\\u`` escapes, parsed by ``JSON.parse`` and put into the page only through ``textContent``
and DOM properties (tooltips are DOM elements, never HTML strings). Node ids in the page are
``n0``, ``n1``, ...; pyvis's heading, select and filter menus (which insert names as HTML) are
not used: the search box, filter menus and side panel are the page's own small script
(``graphkit/templates/map.js``) on vis-network's DataSet API.

The layout is computed here with a seed (:func:`graphkit.style.layout`) and physics is off, so
the picture is the same every time and never moves. ``physics=True`` lets vis-network relax the
layout once and then stops it, on graphs of at most :data:`PHYSICS_MAX_NODES` nodes.

Example::

    from graphkit.store import EmbeddedStore
    from graphkit.network import Filters, organisation_network
    from graphkit.maps import write_map
    g = organisation_network(EmbeddedStore.from_build(), Filters.of_year(2017))
    write_map(g, "build/maps/org-2017.html", title="Partnerships active in 2017")
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import paths, style
from graphkit.errors import EXIT_RUNTIME, GraphkitError
from graphkit.metrics import compute
from graphkit.network.filters import scheme_prefixes

TEMPLATES = Path(__file__).resolve().parent / "templates"
MANIFEST = "maps.json"
SIZE_METRICS = ("degree", "weighted-degree", "betweenness", "brokerage", "bridged-pairs")
# Measured in headless Chromium on this machine (docs/networks.md): with physics off a map of
# 2,000 nodes and 6,000 links draws in about a second and stays responsive; vis-network's
# stabilisation grows to several seconds beyond a few hundred nodes.
PHYSICS_MAX_NODES = 300
LARGE_GRAPH_EDGES = 1500        # above this: straight edges, edges hidden while dragging or zooming
NEIGHBOUR_HEADING = {"org": "Partners", "bipartite": "Linked projects and organisations",
                     "place": "Linked places", "membership": "Networks and members"}
# tooltip lines the page fills in from the current filters (projects kept, their span, metrics)
DYNAMIC = {"projects": "@projects", "active": "@active", "metrics": "@metrics", "evidence": "@evidence"}
AGGREGATES = ("country", "community", "none")
AGGREGATE_LABELS = {"country": "by country", "community": "by community", "none": "none (every node)"}
METRIC_LABELS = {"degree": "degree", "weighted-degree": "weighted degree", "betweenness": "betweenness",
                 "brokerage": "brokerage", "bridged-pairs": "country pairs bridged"}


class MapHTML(str):
    """A map's HTML; shown in a notebook as an isolated frame (``srcdoc``, escaped)."""

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self, quote=True)}" style="width:100%;height:720px;border:0" '
                'sandbox="allow-scripts"></iframe>')


def page_css() -> str:
    """The CSS every map page starts with (templates/page.css): header, controls row, side panel."""
    return (TEMPLATES / "page.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class _Assets:
    vis_js: str
    vis_css: str
    map_js: str
    map_css: str
    template: str


def _assets() -> _Assets:
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
    vis_js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    vis_js = re.sub(r"//# sourceMappingURL=\S+", "", vis_js)       # no reference to a file we do not ship
    vis_css = (lib / "vis-network.css").read_text(encoding="utf-8")
    map_js = (TEMPLATES / "map.js").read_text(encoding="utf-8")
    map_css = page_css() + (TEMPLATES / "map.css").read_text(encoding="utf-8")
    for name, text in (("vis-network.min.js", vis_js), ("map.js", map_js)):
        if re.search(r"</script", text, re.I):
            raise RuntimeError(f"{name} contains '</script' and cannot be inlined")
    for name, text in (("vis-network.css", vis_css), ("map.css", map_css)):
        if re.search(r"</style", text, re.I):
            raise RuntimeError(f"{name} contains '</style' and cannot be inlined")
    return _Assets(vis_js, vis_css, map_js, map_css, (TEMPLATES / "map.html").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------- data

def _years(start: str | None, end: str | None) -> list[int]:
    if not start or not end:
        return []
    return list(range(date.fromisoformat(start).year, date.fromisoformat(end).year + 1))


def _period(start: str | None, end: str | None) -> str:
    if not start and not end:
        return "unknown"
    return f"{start or '?'} – {end or '?'}"


def _short(text: str, n: int = 30) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _display_label(d: dict[str, Any]) -> str:
    if d.get("kind") == "organisation":
        return d.get("acronym") or _short(d.get("label", ""))
    if d.get("kind") == "project":
        return d.get("acronym") or _short(d.get("label", ""))
    return _short(d.get("label", ""))


def map_data(g: nx.Graph, *, size_by: str = "weighted-degree", seed: int = 0, physics: bool = False,
             aggregate: str = "none") -> dict[str, Any]:
    """Everything the page needs, as plain JSON-able data (vis nodes and edges, facets, options).

    With ``aggregate`` ``country`` or ``community`` the page opens with one node per country (or
    community) and can switch between the groupings (:func:`_aggregates`). Nodes with a ``sources``
    attribute (a list of source names) get a Source filter and a "source" colouring; projects of
    ``g.graph["projects"]`` with ``sources`` show them.
    """
    from pyvis.network import Network

    if size_by not in SIZE_METRICS:
        raise ValueError(f"cannot size nodes by {size_by!r} (choose {', '.join(SIZE_METRICS)})")
    if aggregate not in AGGREGATES:
        raise ValueError(f"cannot aggregate by {aggregate!r} (choose {', '.join(AGGREGATES)})")
    projection = g.graph.get("projection", "org")
    role_labels: dict[str, str] = g.graph.get("roles", {})
    pcat: dict[str, dict[str, Any]] = g.graph.get("projects", {})
    metric = compute(g, size_by, seed)
    size = style.sizes({n: float(metric.get(n, 0)) for n in g.nodes})
    metrics = {m: (metric if m == size_by else compute(g, m, seed)) for m in dict.fromkeys(("degree", "weighted-degree", size_by))}
    community = compute(g, "community", seed)
    pos = style.layout(g, seed)
    ids = {n: f"n{i}" for i, n in enumerate(g.nodes)}

    projects = sorted(pcat, key=lambda p: (pcat[p].get("start") or "", p))
    pidx = {p: i for i, p in enumerate(projects)}
    roles_present = sorted({r for _, d in g.nodes(data=True) for r in d.get("roles", [])}
                           | {r for *_, d in g.edges(data=True) for r in (d.get("roles") if isinstance(d.get("roles"), list) else [])},
                           key=lambda r: (style.ROLE_TIERS.get(r, 2), r))
    ridx = {r: i for i, r in enumerate(roles_present)}

    def role_label(r: str) -> str:
        return role_labels.get(r, r)

    def project_label(p: str) -> str:
        return pcat.get(p, {}).get("label", p)

    heavy = g.number_of_edges() > LARGE_GRAPH_EDGES
    physics_on = bool(physics) and g.number_of_nodes() <= PHYSICS_MAX_NODES and aggregate == "none"
    country_names = {d["country"]: d["country_label"] for _, d in g.nodes(data=True)
                     if d.get("country") and d.get("country_label")}
    net = Network(height="100%", width="100%", directed=g.is_directed(), cdn_resources="in_line")
    for n, d in g.nodes(data=True):
        kind = d.get("kind") or "organisation"
        country_labels = ([d["country_label"]] if d.get("country_label") else
                          [c for c in (d.get("countries") or [])])
        if kind == "project":
            country_labels = [country_names.get(c, c) for c in d.get("countries", [])]
        tip = [["", d.get("label", str(n))]]
        if kind == "organisation":
            if d.get("aliases"):
                tip.append(["Also called", "; ".join(d["aliases"])])
            tip.append(["Type", d.get("type_label") or "unknown"])
            where = d.get("country_label") or "unknown"
            if d.get("based_in_label"):
                where += f" (based in {d['based_in_label']})"
            tip.append(["Country", where])
            if d.get("sources") is not None:
                tip.append(["Sources", ", ".join(d["sources"]) or "none"])
            if d.get("participations"):
                tip.append([DYNAMIC["projects"]])       # the page lists the projects the filters keep
        elif kind == "project":
            if d.get("title") and d.get("title") != d.get("label"):
                tip.append(["Title", d["title"]])
            tip.append(["Funded under", d["funds"][0] if d.get("funds") else "no scheme recorded"])
            tip.append(["Active", _period(d.get("start"), d.get("end"))])
            if d.get("place_labels"):
                tip.append(["Places", ", ".join(d["place_labels"])])
            tip.append(["Participants", str(d.get("participants", g.degree(n)))])
        else:
            tip.append(["Kind", d.get("type_label") or "place"])
            if d.get("country_label") and d.get("type") != "country":
                tip.append(["Country", d["country_label"]])
            tip.append([DYNAMIC["projects"]])
            if d.get("relations"):
                tip.append(["Linked as", " and ".join({"action": "place of action", "origin": "country of origin"}.get(r, r)
                                                       for r in d["relations"])])
        if kind != "project":
            tip.append([DYNAMIC["active"]])            # the span of the projects the filters keep
        tip.append([DYNAMIC["metrics"]])               # recomputed on the network shown
        evidence = [[e["quote"], ", ".join(x for x in (project_label(e["project"]) if e.get("project") else "",
                                                        role_label(e["role"]) if e.get("role") else "",
                                                        e.get("source") or "") if x),
                     pidx.get(e.get("project"), -1), ridx.get(e.get("role"), -1)]
                    for e in d.get("evidence", []) if e.get("quote")]
        if evidence:
            tip.append([DYNAMIC["evidence"]])          # the quotes of the projects and roles kept
        if kind == "project":
            parts_js = [[pidx[n], -1]] if n in pidx else []
        elif kind == "place":
            parts_js = [[pidx[p], -1] for p in d.get("projects", []) if p in pidx]
        else:
            parts_js = [[pidx[x["project"]], ridx.get(x["role"], -1)] for x in d.get("participations", [])
                        if x["project"] in pidx]
        names = [d.get("label", "")] + ([d["acronym"]] if d.get("acronym") else []) + list(d.get("aliases", []))
        x, y = pos[n]
        values = {m: metrics[m].get(n, 0) for m in metrics}
        cats = {"type": d.get("type_label") or d.get("type") or "unknown",
                "country": d.get("country_label") or d.get("country") or "unknown",
                "region": d.get("region_label") or d.get("region") or "unknown",
                "community": f"community {community.get(n, 0) + 1}", "kind": kind}
        extra = {}
        if d.get("sources") is not None:
            cats["source"] = " + ".join(d["sources"]) or "none"
            extra["sources"] = list(d["sources"])
        net.add_node(
            ids[n], label=_display_label(d), shape=style.node_shape(d), color=style.node_colour(d),
            size=size.get(n, style.SIZE_MIN), x=x, y=y, borderWidth=1,
            key=str(n), name=d.get("label", str(n)), kind=kind,
            typeLabel=d.get("type_label") if kind != "project" else None,
            countries=country_labels, names=sorted({s.lower() for s in names if s}),
            parts=parts_js, degree=g.degree(n), evidence=evidence, tip=tip,
            place_group=d.get("country"), m=values, cat=cats, **extra,
        )
    edges_js = []
    for i, (u, v, d) in enumerate(g.edges(data=True)):
        w = d.get("weight", 1)
        tier = style.edge_tier(g, u, v)
        e: dict[str, Any] = {"id": f"e{i}", "from": ids[u], "to": ids[v], "width": style.edge_width(w),
                             "weight": w, "tier": tier}
        if tier:
            e["dashes"] = style.TIER_DASHES[tier]
        if projection == "org":
            rmap = d.get("roles", {})
            e["via"] = [[pidx[p], [ridx[r] for r in rmap.get(p, {}).get(u, []) if r in ridx],
                         [ridx[r] for r in rmap.get(p, {}).get(v, []) if r in ridx]]
                        for p in d.get("projects", []) if p in pidx]
        elif projection == "bipartite":
            proj = v if g.nodes[v].get("kind") == "project" else u
            e["via"] = [[pidx[proj], [ridx[r] for r in d.get("roles", []) if r in ridx], []]] if proj in pidx else []
            e["written"] = list(d.get("as_written", []))
            e["ev"] = [[x["quote"], x.get("source") or ""] for x in d.get("evidence", []) if x.get("quote")]
        elif projection == "membership":
            e["via"] = None
            e["rl"] = ", ".join(role_label(r) for r in d.get("roles", []))
            e["ev"] = [[x["quote"], x.get("source") or ""] for x in d.get("evidence", []) if x.get("quote")]
        else:
            e["via"] = [[pidx[p], [], []] for p in d.get("projects", []) if p in pidx]
        edges_js.append(e)
    # pyvis's add_edge checks every existing edge (quadratic); the edges are unique already
    net.edges.extend(edges_js)
    if g.is_directed():
        for e in net.edges:
            e["arrows"] = "to"

    options = {
        "autoResize": True,
        "physics": {"enabled": physics_on, "solver": "barnesHut",
                    "stabilization": {"enabled": physics_on, "iterations": 300, "fit": True}},
        "layout": {"improvedLayout": False, "randomSeed": seed},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": heavy, "hideEdgesOnZoom": heavy,
                        "navigationButtons": False, "keyboard": False},
        "nodes": {"font": {"size": 13, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"enabled": False, "drawThreshold": 6}}},
        "edges": {"smooth": False if heavy else {"enabled": True, "type": "continuous", "roundness": 0.2},
                  "color": {"color": "#9aa5b1", "highlight": "#d62728", "hover": "#4d4d4d", "opacity": 0.75},
                  "selectionWidth": 2, "hoverWidth": 1},
    }
    net.options = options
    vis_nodes, vis_edges, _heading, _h, _w, options_json = net.get_network_data()

    facet_types = sorted({d.get("type_label") for _, d in g.nodes(data=True)
                          if d.get("kind") != "project" and d.get("type_label")})
    facet_countries = sorted({c for n in vis_nodes for c in n["countries"] if c})
    facet_funds = sorted({f for p in projects for f in pcat[p].get("funds", [])})
    facet_years = sorted({y for p in projects for y in _years(pcat[p].get("start"), pcat[p].get("end"))})
    facet_sources = sorted({s for _, d in g.nodes(data=True) for s in d.get("sources") or []})
    if any(len(d.get("sources") or []) > 1 for _, d in g.nodes(data=True)):
        facet_sources.append(SEVERAL_SOURCES)
    project_sources = {p: list(pcat[p]["sources"]) for p in projects if pcat[p].get("sources") is not None}
    return {
        "projection": projection,
        "directed": g.is_directed(),
        "nodes": vis_nodes,
        "edges": vis_edges,
        "options": json.loads(options_json),
        "stabilize": physics_on,
        "projects": [{"key": p, "label": project_label(p), "funds": scheme_prefixes(pcat[p].get("funds", [])),
                      "years": _years(pcat[p].get("start"), pcat[p].get("end")),
                      "period": _period(pcat[p].get("start"), pcat[p].get("end")),
                      "start": pcat[p].get("start"), "end": pcat[p].get("end"),
                      **({"sources": project_sources[p]} if p in project_sources else {})} for p in projects],
        "timeline": list(range(facet_years[0], facet_years[-1] + 1)) if facet_years else [],
        "colourBy": _colour_options(g, projection, seed),
        "metricLabels": METRIC_LABELS,
        "seed": seed,
        "roles": [{"slug": r, "label": role_label(r)} for r in roles_present],
        "facets": {"type": facet_types, "country": facet_countries, "fund": facet_funds, "year": facet_years,
                   "source": facet_sources},
        "aggregate": _aggregates(g, aggregate, vis_nodes, seed),
        "neighbourHeading": NEIGHBOUR_HEADING.get(projection, "Links"),
        "sizeBy": size_by,
    }


def _colour_options(g: nx.Graph, projection: str, seed: int) -> list[list[str]]:
    """The page's "Colour by" menu: ``[key, label]`` for the attributes the nodes have."""
    kinds = {d.get("kind") for _, d in g.nodes(data=True)}
    out = [["type", "organisation type" if "organisation" in kinds else "kind of place"],
           ["community", f"community (Louvain on the whole map, seed {seed})"]]
    if any(d.get("country_label") or d.get("country") for _, d in g.nodes(data=True)):
        out.append(["country", "country"])
    if any(d.get("region_label") for _, d in g.nodes(data=True)) and projection != "place":
        out.append(["region", "region"])
    if len(kinds) > 1:
        out.append(["kind", "kind"])
    if any(d.get("sources") is not None for _, d in g.nodes(data=True)):
        out.append(["source", "source (or sources)"])
    out.append(["component", "component (of the network shown)"])
    for m in SIZE_METRICS:
        out.append([f"metric:{m}", f"{METRIC_LABELS[m]} (of the network shown)"])
    return out


SEVERAL_SOURCES = "in several sources"


def _aggregates(g: nx.Graph, default: str, vis_nodes: list[dict[str, Any]], seed: int) -> dict[str, Any] | None:
    """The groupings the page offers when the map opens aggregated: for each (``country`` when the
    nodes have countries, ``community``), the groups ``[name, x, y, radius]`` and each node's group
    and position in :func:`graphkit.style.grouped_layout`; ``none`` keeps the map's own layout.
    None when the map opens with every node (``default`` ``none``): no grouping is offered."""
    if default == "none":
        return None
    modes = [m for m in ("country", "community")
             if m != "country" or any(d.get("country_label") or d.get("country") for _, d in g.nodes(data=True))]
    if default not in modes:
        raise MapError(f"cannot aggregate by {default}: no node of this map has a {default}")
    keys = list(g.nodes)
    layouts: dict[str, Any] = {}
    for m in modes:
        group_of = {n: v["cat"][m] if v["cat"][m] != "unknown" else f"{m} unknown" for n, v in zip(keys, vis_nodes)}
        pos, groups = style.grouped_layout(g, group_of, seed)
        names = list(groups)
        index = {k: i for i, k in enumerate(names)}
        layouts[m] = {"groups": [[k, *groups[k]] for k in names],
                      "of": [index[group_of[n]] for n in keys],
                      "pos": [list(pos[n]) for n in keys]}
    return {"default": default, "modes": [[m, AGGREGATE_LABELS[m]] for m in modes + ["none"]], "layouts": layouts}



# ---------------------------------------------------------------------------------------- page

def reduce_network(g: nx.Graph, top: int = 0, backbone: int = 0, items: int = 20) -> nx.Graph:
    """A network a browser can draw: its ``top`` nodes of highest weighted degree (0: all; ties by
    id) and, with ``backbone`` > 0, only each one's ``backbone`` strongest links (ties by id; a link
    stays if it is among the strongest of either end), each node and link keeping at most
    ``items`` projects and participations for its tooltip and side panel.

    Measured in headless Chromium (docs/benchmarks.md): 5,000 organisations with 3 links each
    (14,994 links) open in about 4 s, where 2,938 organisations with all their 128,321 links take
    14 s. ``graph["reduced"]`` records what was kept, and the map's legend says it. The full
    network stays available to ``graphkit export``.
    """
    wd = dict(g.degree(weight="weight"))
    keep = sorted(g.nodes, key=lambda n: (-wd[n], str(n)))[:top] if top else list(g.nodes)
    sub = g.subgraph(keep)
    if backbone:
        edges: set[tuple] = set()
        for n in keep:
            best = sorted(sub[n].items(), key=lambda kv: (-kv[1].get("weight", 1), str(kv[0])))[:backbone]
            edges.update(tuple(sorted((n, other), key=str)) for other, _ in best)
    else:
        edges = {tuple(sorted(e, key=str)) for e in sub.edges}
    m = g.__class__()
    m.graph.update(g.graph)
    used: set[str] = set()
    for n in keep:
        d = dict(g.nodes[n])
        for key in ("participations", "evidence", "projects", "project_labels"):
            if key in d:
                d[key] = list(d[key])[:items]
        used.update(d.get("projects", []))
        m.add_node(n, **d)
    for a, b in sorted(edges, key=lambda e: (str(e[0]), str(e[1]))):
        d = dict(g.edges[a, b])
        if "projects" in d:
            d["projects"] = list(d["projects"])[:items]
            d["project_labels"] = list(d.get("project_labels", []))[:items]
            d["roles"] = {p: r for p, r in d.get("roles", {}).items() if p in d["projects"]}
            used.update(d["projects"])
        m.add_edge(a, b, **d)
    m.graph["projects"] = {p: v for p, v in g.graph.get("projects", {}).items() if p in used}
    m.graph["reduced"] = {"nodes": m.number_of_nodes(), "of_nodes": g.number_of_nodes(),
                          "edges": m.number_of_edges(), "of_edges": g.number_of_edges(),
                          "top": top, "backbone": backbone, "items": items}
    return m


def _legend(g: nx.Graph, data: dict[str, Any]) -> str:
    e = html.escape
    rows: list[str] = ["<h3>Legend</h3>"]
    red = g.graph.get("reduced")
    if red:
        shown = [f"{red['nodes']:,} of {red['of_nodes']:,} nodes"
                 + (" (highest weighted degree)" if red["top"] and red["nodes"] < red["of_nodes"] else ""),
                 f"{red['edges']:,} of {red['of_edges']:,} links"
                 + (f" (each node's {red['backbone']} strongest)" if red["backbone"] else "")]
        rows.append(f'<div class="gk-hint"><b>Reduced</b>: {e("; ".join(shown))}; at most {red["items"]} '
                    "projects per tooltip. The whole network: graphkit export.</div>")
    kinds = sorted({d.get("kind") or "organisation" for _, d in g.nodes(data=True)})
    types: dict[tuple[str, str], int] = {}
    for _, d in g.nodes(data=True):
        if d.get("kind") == "project":
            continue
        key = (d.get("type_label") or d.get("type") or "unknown", style.node_colour(d))
        types[key] = types.get(key, 0) + 1
    rows.append('<div id="gk-legend-type"><div><b>Colour</b>: '
                + ("organisation type" if "organisation" in kinds else "kind of place") + "</div><table>")
    for (label, colour), count in sorted(types.items(), key=lambda x: (-x[1], x[0][0])):
        rows.append(f'<tr><td><span class="gk-swatch" style="background:{e(colour)}"></span></td>'
                    f"<td>{e(label)}</td><td>{count}</td></tr>")
    rows.append('</table></div><div id="gk-legend-colour" hidden></div><div><b>Shape</b>: kind</div><table>')
    glyph = {"organisation": "●", "project": "■", "place": "▲"}
    for k in kinds:
        rows.append(f'<tr><td><span class="gk-shape">{e(glyph.get(k, "●"))}</span></td><td>{e(k)}</td></tr>')
    rows.append("</table>")
    tiers = sorted({x["tier"] for x in data["edges"]})
    if data["projection"] in ("org", "bipartite", "membership") and tiers:
        rows.append("<div><b>Line</b>: role</div><table>")
        if data["projection"] == "org":
            names = tuple(f"both sides {style.TIER_NAMES[0]}" if t == 0 else f"one side at best {name}"
                          for t, name in enumerate(style.TIER_NAMES))
        elif data["projection"] == "membership":
            names = ("member", "associate", "associate")
        else:
            names = style.TIER_NAMES
        for t in tiers:
            rows.append(f'<tr><td><span class="gk-dash d{t}"></span></td><td>{e(names[t])}</td></tr>')
        rows.append("</table>")
    width_text = {"org": "number of shared projects", "place": "number of linking projects"}.get(data["projection"])
    if width_text:
        rows.append(f"<div><b>Line width</b>: {e(width_text)}</div>")
    rows.append(f"<div><b>Size</b>: {e(METRIC_LABELS[data['sizeBy']])}</div>")
    if data.get("aggregate"):
        rows.append("<div><b>Groups</b>: a node with a dark ring stands for a group (the Group menu: by country or "
                    "by community); its size grows with the nodes it holds, its colour is that of most of them, "
                    "its links sum theirs. Double-click it to draw its nodes.</div>")
    rows.append("<div class=\"gk-hint\">Positions: seeded spring layout; drag to move a node, scroll to zoom.</div>")
    return "\n".join(rows)


def render_map(g: nx.Graph, *, title: str | None = None, size_by: str = "weighted-degree", seed: int = 0,
               physics: bool = False, aggregate: str = "none") -> MapHTML:
    """The map of a projection as one self-contained HTML page (``aggregate``: see :func:`map_data`)."""
    from jinja2 import Environment
    from markupsafe import Markup

    import graphkit
    import pyvis

    data = map_data(g, size_by=size_by, seed=seed, physics=physics, aggregate=aggregate)
    a = _assets()
    projection = g.graph.get("projection", "org")
    title = title or {"org": "Partnership network", "bipartite": "Organisations and projects",
                      "place": "Places linked by projects", "membership": "Network membership"}.get(projection, "Network")
    kind_counts: dict[str, int] = {}
    for _, d in g.nodes(data=True):
        kind_counts[d.get("kind") or "node"] = kind_counts.get(d.get("kind") or "node", 0) + 1
    counts = ", ".join(f"{v} {k}{'s' if v != 1 else ''}" for k, v in sorted(kind_counts.items()))
    subtitle = (f"{counts}; {g.number_of_edges()} links · {g.graph.get('filters_text', 'all projects, all roles')}"
                f" · size: {METRIC_LABELS[size_by]} · layout seed {seed}")
    env = Environment(autoescape=True)
    page = env.from_string(a.template).render(
        title=title, subtitle=subtitle, data=data, legend=Markup(_legend(g, data)),
        vis_js=Markup(a.vis_js), vis_css=Markup(a.vis_css), map_js=Markup(a.map_js), map_css=Markup(a.map_css),
        version=graphkit.__version__, pyvis_version=getattr(pyvis, "__version__", "0.3.2"),
    )
    return MapHTML(page)


class MapError(GraphkitError, ValueError):
    """The map cannot be written where asked (not an ``.html`` file; exit code 3)."""

    exit_code = EXIT_RUNTIME


def write_map(g: nx.Graph, path: str | Path, *, title: str | None = None, size_by: str = "weighted-degree",
              seed: int = 0, physics: bool = False, index: bool = True, aggregate: str = "none") -> Path:
    """Write the map to ``path`` (an ``.html`` file) and, with ``index``, refresh the folder's index.html
    (``aggregate``: the grouping the page opens with, see :func:`map_data`)."""
    path = Path(path)
    if path.suffix.lower() != ".html":
        raise MapError(f"{path}: a map is written to an .html file")
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render_map(g, title=title, size_by=size_by, seed=seed, physics=physics, aggregate=aggregate)
    path.write_text(page, encoding="utf-8")
    if index:
        add_to_index(path, page, projection=g.graph.get("projection", "org"), filters=g.graph.get("filters_text", ""),
                     nodes=g.number_of_nodes(), edges=g.number_of_edges(), size_by=size_by)
    return path


def add_to_index(path: Path, page: str, **info: Any) -> None:
    """Record the map written to ``path`` in its folder's maps.json manifest (its page title and
    ``info``: projection, filters, nodes, edges, size_by, ...) and refresh the folder's index.html."""
    manifest_path = path.parent / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    m = re.search(r"<title>(.*?)</title>", page, re.S)
    manifest[path.name] = {"title": html.unescape(m.group(1)) if m else path.stem, **info}
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    write_index(path.parent)


def write_index(maps_dir: str | Path | None = None) -> Path:
    """Write ``index.html`` listing the maps of ``maps_dir`` (from its maps.json manifest;
    default: ``build/maps`` of the working folder)."""
    maps_dir = Path(maps_dir) if maps_dir is not None else paths.maps_dir()
    try:
        manifest = json.loads((maps_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    e = html.escape
    items = []
    for name, info in sorted(manifest.items()):
        if not (maps_dir / name).exists():
            continue
        if info.get("summary"):         # a map that is not a projection (the geographic view) says what it holds
            what = e(str(info["summary"]))
        else:
            what = (f'{e(str(info.get("projection", "")))} projection, {e(str(info.get("nodes", "?")))} nodes, '
                    f'{e(str(info.get("edges", "?")))} links')
        items.append(f'<li><a href="{e(name)}">{e(str(info.get("title", name)))}</a> – '
                     f'{what}; {e(str(info.get("filters", "")))}; '
                     f'size: {e(str(METRIC_LABELS.get(info.get("size_by", ""), info.get("size_by", ""))))}</li>')
    body = "\n".join(items) or "<li>No maps yet: run <code>graphkit map</code>.</li>"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>graphkit maps</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;margin:2em;max-width:60em}}li{{margin:.3em 0}}</style></head>
<body><h1>graphkit maps</h1>
<p>Each map is one self-contained page: it opens offline. Search a name, filter by type, role, fund,
country or year, click a node for its projects, partners and the source evidence.</p>
<ul>
{body}
</ul></body></html>
"""
    out = maps_dir / "index.html"
    maps_dir.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def default_name(projection: str, filters_dict: dict[str, Any]) -> str:
    """A file name that says what the map shows: ``org``, ``org-fami-2017``, ``place-country-mar``."""
    parts = [projection]
    for key in ("fund", "period", "roles", "place"):
        v = filters_dict.get(key)
        if not v:
            continue
        if key == "period":
            start, end = v.split("..")
            v = start[:4] if start[:4] == end[:4] and start.endswith("-01-01") and end.endswith("-12-31") else f"{start}-{end}"
        if isinstance(v, list):
            v = "-".join(v)
        parts.append(re.sub(r"[^a-z0-9]+", "-", str(v).split(":")[-1].lower()).strip("-"))
    return "-".join(p for p in parts if p) + ".html"


__all__ = ["render_map", "write_map", "write_index", "add_to_index", "map_data", "default_name", "MapHTML", "SIZE_METRICS",
           "PHYSICS_MAX_NODES", "AGGREGATES"]
