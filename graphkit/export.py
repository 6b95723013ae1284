"""Exports of a projection for other tools: GEXF (Gephi), GraphML, CSV nodes and edges.

Every export carries the node and edge attributes of the projection plus the metrics
(degree, weighted degree, betweenness, brokerage, bridged pairs, community, component). Lists
of names become ``"; "``-joined strings; structured values (participations, evidence, the
roles of each side per project) become JSON strings; missing values are left out.

GEXF also carries the look of the map (:mod:`graphkit.style`): ``viz:color`` by organisation
type, ``viz:size`` by the chosen metric, ``viz:position`` from the seeded layout,
``viz:shape`` by kind (disc, square, triangle), and edge ``viz:thickness`` by weight and
``viz:shape`` (solid, dashed, dotted) by role.

Time, in GEXF's dynamic mode (``timeformat="date"``): each node and link has ``spells``, the
periods of the projects that make it (:func:`graphkit.network.spells`: an organisation is alive
while one of its selected projects is active, a link while one of its shared projects is), and
each link a dynamic ``weight`` attribute, the number of its shared projects active on each day
(:func:`graphkit.network.weight_spells`). So Gephi's timeline shows on any day the network of
the projects active that day, and over a window the network ``graphkit network --from --to``
gives for it (``tests/test_export.py`` checks both, day by day). The static ``weight`` stays the
number of shared projects in the whole selection. Without project dates (``--detail weights``,
or undated projects) an element keeps the ``start``/``end`` span it has, if any.

Example::

    from graphkit.store import EmbeddedStore
    from graphkit.network import organisation_network
    from graphkit.export import export
    export(organisation_network(EmbeddedStore.from_build()), "gexf", "build/exports/org.gexf")
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import style
from graphkit.metrics import METRICS, compute
from graphkit.network.periods import project_periods, spells, weight_spells

FORMATS = ("gexf", "graphml", "csv")
GEXF_SHAPES = {"dot": "disc", "square": "square", "triangle": "triangle"}
GEXF_EDGE_SHAPES = ("solid", "dashed", "dotted")
GEXF_NS = "http://www.gexf.net/1.2draft"
DYNAMIC_WEIGHT = "weight_by_day"      # the dynamic weight's key until the file is written, then "weight"
EXPORT_METRICS = ("degree", "weighted-degree", "betweenness", "brokerage", "bridged-pairs", "community", "component")


def _flat(value: Any) -> Any:
    """A value GEXF, GraphML and CSV can hold: str, int, float or bool (None stays None)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set)):
        items = list(value)
        if all(isinstance(x, (str, int, float)) for x in items):
            return "; ".join(str(x) for x in items)
        return json.dumps(items, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _node_projects(g: nx.Graph, n: Any) -> list[str]:
    d = g.nodes[n]
    return [n] if d.get("kind") == "project" else list(d.get("projects") or [])


def _edge_projects(g: nx.Graph, u: Any, v: Any) -> list[str]:
    d = g.edges[u, v]
    if "projects" in d:
        return list(d["projects"])
    for n in (u, v):
        if g.nodes[n].get("kind") == "project":
            return [n]
    return []


def flat_graph(g: nx.Graph, *, size_by: str = "weighted-degree", seed: int = 0, viz: bool = False) -> nx.Graph:
    """A copy of ``g`` whose attributes are all scalars, with the metrics added.

    With ``viz``, nodes and edges also get GEXF ``viz`` dictionaries (colour, size, position,
    shape, thickness) and, where their projects are dated, ``spells`` (the periods of those
    projects, merged) instead of ``start``/``end``, and links a dynamic weight (a list of
    ``(active projects, first day, last day)`` under :data:`DYNAMIC_WEIGHT`); otherwise the look
    is kept as plain ``color`` (hex), ``size``, ``x`` and ``y`` attributes, which GraphML and CSV
    readers understand.
    """
    h = g.__class__()
    h.graph.update({k: _flat(v) for k, v in g.graph.items() if k in ("projection", "filters_text", "level", "origins")})
    values = {m: compute(g, m, seed) for m in EXPORT_METRICS}
    by = values[size_by] if size_by in values else compute(g, size_by, seed)
    sizes = style.sizes({n: float(by.get(n, 0)) for n in g.nodes})
    pos = style.layout(g, seed)
    periods = project_periods(g) if viz else {}
    for n, d in g.nodes(data=True):
        attrs = {k: _flat(v) for k, v in d.items() if v is not None and k not in ("start", "end")}
        attrs = {k: v for k, v in attrs.items() if v is not None and v != ""}
        for m in EXPORT_METRICS:
            attrs[METRICS[m][0]] = values[m].get(n)
        alive = spells(_node_projects(g, n), periods) if periods else []
        if alive:
            attrs["spells"] = [(s.isoformat(), e.isoformat()) for s, e in alive]
        else:
            if d.get("start"):
                attrs["start"] = d["start"]
            if d.get("end"):
                attrs["end"] = d["end"]
        colour = style.node_colour(d)
        if viz:
            r, gg, b = style.hex_to_rgb(colour)
            attrs["viz"] = {"color": {"r": r, "g": gg, "b": b, "a": 1.0}, "size": sizes.get(n, style.SIZE_MIN),
                            "position": {"x": pos[n][0], "y": -pos[n][1], "z": 0.0},
                            "shape": GEXF_SHAPES.get(style.node_shape(d), "disc")}
        else:
            attrs.update(color=colour, size=sizes.get(n, style.SIZE_MIN), x=pos[n][0], y=pos[n][1])
        h.add_node(n, **attrs)
    for u, v, d in g.edges(data=True):
        attrs = {k: _flat(val) for k, val in d.items() if val is not None and k not in ("start", "end")}
        attrs = {k: val for k, val in attrs.items() if val is not None and val != ""}
        attrs["weight"] = d.get("weight", 1)
        tier = style.edge_tier(g, u, v)
        attrs["role_tier"] = tier
        shared = _edge_projects(g, u, v) if periods else []
        alive = spells(shared, periods)
        if alive:
            attrs["spells"] = [(s.isoformat(), e.isoformat()) for s, e in alive]
            attrs[DYNAMIC_WEIGHT] = [(float(c), s.isoformat(), e.isoformat()) for c, s, e in weight_spells(shared, periods)]
        else:
            if d.get("start"):
                attrs["start"] = d["start"]
            if d.get("end"):
                attrs["end"] = d["end"]
        if viz:
            attrs["viz"] = {"thickness": style.edge_width(attrs["weight"]), "shape": GEXF_EDGE_SHAPES[tier]}
        else:
            attrs["width"] = style.edge_width(attrs["weight"])
        h.add_edge(u, v, **attrs)
    return h


def write_gexf(g: nx.Graph, path: str | Path, *, size_by: str = "weighted-degree", seed: int = 0) -> Path:
    """GEXF 1.2 with attributes, colours, sizes, positions and, in dynamic mode, the spells of
    every node and link and each link's weight per period.

    The dynamic weight is written as the edge attribute ``weight`` (id and title), the name by
    which GEXF readers such as Gephi take an attribute as the edge weight."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(nx.generate_gexf(flat_graph(g, size_by=size_by, seed=seed, viz=True), version="1.2draft"))
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", GEXF_NS + "/viz")
    ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root = ET.fromstring(text)
    ns = "{" + GEXF_NS + "}"
    old = None
    for attrs in root.iter(ns + "attributes"):
        for a in attrs.findall(ns + "attribute"):
            if attrs.get("class") == "edge" and a.get("title") == DYNAMIC_WEIGHT:
                old = a.get("id")
                a.set("id", "weight")
                a.set("title", "weight")
    if old is not None:
        for v in root.iter(ns + "attvalue"):
            if v.get("for") == old and v.get("start") is not None:
                v.set("for", "weight")
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def write_graphml(g: nx.Graph, path: str | Path, *, size_by: str = "weighted-degree", seed: int = 0) -> Path:
    """GraphML with every attribute typed (string, int, double, boolean)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(flat_graph(g, size_by=size_by, seed=seed), path, named_key_ids=True)
    return path


def write_csv(g: nx.Graph, path: str | Path, *, size_by: str = "weighted-degree", seed: int = 0) -> list[Path]:
    """Two files, ``NAME-nodes.csv`` (``id`` + attributes) and ``NAME-edges.csv`` (``source``,
    ``target`` + attributes), next to ``path`` (``build/exports/org.csv`` -> ``org-nodes.csv``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.name[:-4] if path.name.endswith(".csv") else path.name
    h = flat_graph(g, size_by=size_by, seed=seed)
    node_cols = _columns(d for _, d in h.nodes(data=True))
    edge_cols = _columns(d for *_, d in h.edges(data=True))
    nodes_path, edges_path = path.parent / f"{stem}-nodes.csv", path.parent / f"{stem}-edges.csv"
    with nodes_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", *node_cols])
        for n, d in h.nodes(data=True):
            w.writerow([n, *("" if d.get(c) is None else d[c] for c in node_cols)])
    with edges_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "target", *edge_cols])
        for u, v, d in h.edges(data=True):
            w.writerow([u, v, *("" if d.get(c) is None else d[c] for c in edge_cols)])
    return [nodes_path, edges_path]


def _columns(dicts) -> list[str]:
    first = ["label", "kind", "type", "type_label", "acronym", "country", "country_label", "region", "region_label",
             "weight", "start", "end"]
    seen: dict[str, None] = {}
    for d in dicts:
        for k in d:
            seen.setdefault(k, None)
    return [c for c in first if c in seen] + sorted(c for c in seen if c not in first)


def export(g: nx.Graph, fmt: str, path: str | Path, *, size_by: str = "weighted-degree", seed: int = 0) -> list[Path]:
    """Write ``g`` as ``gexf``, ``graphml`` or ``csv``; return the files written."""
    if fmt == "gexf":
        return [write_gexf(g, path, size_by=size_by, seed=seed)]
    if fmt == "graphml":
        return [write_graphml(g, path, size_by=size_by, seed=seed)]
    if fmt == "csv":
        return write_csv(g, path, size_by=size_by, seed=seed)
    raise ValueError(f"unknown export format {fmt!r} (choose {', '.join(FORMATS)})")


__all__ = ["FORMATS", "export", "flat_graph", "write_gexf", "write_graphml", "write_csv"]
