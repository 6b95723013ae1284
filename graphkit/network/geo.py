"""The geographic projection: organisations, projects and places with a point on the map each.

:func:`geo_network` is the bipartite network (organisations and the projects they take part in,
with roles, funds and dates) plus, for the map:

- graph attribute ``places``: every place a project or organisation refers to, by CURIE, with its
  label, ``type`` (country, nuts-region, city, municipality, place), country, ``nuts_level`` and
  ``point`` (a :class:`graphkit.geo.Point` as a dict: lon, lat, precision, source, approximate),
  or ``point`` None when nothing locates it (a DAC recipient region such as "Africa, regional");
- project nodes: ``links``, the project's places as ``[place, relation]`` pairs, where relation
  is ``action`` (takes place in), ``recipient`` (an imported dataset's recipient country) or
  ``origin`` (a country of origin it targets);
- organisation nodes: ``base`` (the place the organisation is drawn at: its ``basedIn`` when that
  is located, else its country) and ``base_approximate`` (True when the base is the country only).

A place is located by, in order: its NUTS code (an IRI under ``nuts:``, or a registry place's
notation with its NUTS version), its country code, its ISTAT code (``place:comune-...``), the
coordinates the graph gives (registry places: typed or the gazetteer's, decision 0018), its
GeoNames id, and last the point of the place it lies within, marked approximate.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graphkit import geo
from graphkit.network.filters import PLACE_KIND, Filters, plain_value, select_rows, slug_of
from graphkit.network.projections import bipartite_network
from graphkit.store import GraphStore

RELATIONS = ("action", "recipient", "origin")


def _locate(pid: str, info: dict[str, Any], places: dict[str, dict[str, Any]], depth: int = 0) -> dict[str, Any] | None:
    """The point of place ``pid`` (see the module's docstring for the order), as a dict."""
    kind, _, key = pid.partition(":")
    try:
        if kind == "nuts":
            return geo.nuts_point(key, info.get("nuts_version")).as_dict()
        if kind == "country":
            return geo.country_point(key).as_dict()
        if kind == "place" and key.startswith("comune-"):
            return geo.comune_point(key[len("comune-"):]).as_dict()
        if info.get("notation") and info.get("nuts_version"):
            return geo.nuts_point(info["notation"], info["nuts_version"]).as_dict()
    except geo.UnknownPlace:
        pass
    precision = "municipality" if info.get("type") == "municipality" else "city"
    if info.get("lat") is not None:
        source = f"GeoNames {info['geonames']}" if info.get("geonames") else "places registry"
        return geo.point(info["lat"], info["long"], precision=precision, source=source).as_dict()
    if info.get("geonames"):
        try:
            return geo.geonames_point(info["geonames"]).as_dict()
        except geo.UnknownPlace:
            pass
    parent = info.get("within")
    if parent and depth < 10:
        up = _locate(parent, places.get(parent, {}), places, depth + 1)
        if up is not None:
            return dict(up, approximate=True, source=f"{up['source']}, the point of {parent}")
    return None


def located_places(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Every place projects and organisations refer to, by CURIE: label, type, NUTS level, the place
    it lies within and its point (None when nothing locates it)."""
    places: dict[str, dict[str, Any]] = {}
    for r in select_rows(store, "geo-places", {}):
        pid = plain_value(r["place"])
        kind = PLACE_KIND.get(plain_value(r["class"]) or "", None)
        cur = places.get(pid)
        if cur is None:
            cur = places[pid] = {
                "label": r["name"].value if r["name"] else slug_of(pid), "type": kind or "place",
                "lat": float(r["lat"].value) if r["lat"] else None,
                "long": float(r["long"].value) if r["long"] else None,
                "geonames": r["geonames"].value if r["geonames"] else None,
                "notation": r["notation"].value if r["notation"] else None,
                "nuts_version": r["nuts_version"].value if r["nuts_version"] else None,
                "within": plain_value(r["within"]),
            }
        elif kind and cur["type"] == "place":
            cur["type"] = kind
    for pid, info in places.items():
        kind, _, key = pid.partition(":")
        if kind == "nuts":
            info["type"] = "nuts-region"
        elif kind == "country":
            info["type"] = "country"
        elif key.startswith("comune-"):
            info["type"] = "municipality"
    out: dict[str, dict[str, Any]] = {}
    for pid, info in sorted(places.items()):
        pt = _locate(pid, info, places)
        level = None
        if pid.startswith("nuts:"):
            level = len(pid[5:]) - 2
        elif info.get("notation") and info.get("nuts_version"):
            level = len(info["notation"]) - 2
        out[pid] = {"label": info["label"], "type": info["type"], "nuts_level": level,
                    "within": info["within"], "point": pt}
    return out


def geo_network(store: GraphStore, filters: Filters | None = None) -> nx.Graph:
    """The bipartite network of the selected projects with the places of each project and a located
    base for each organisation (see the module's docstring)."""
    g = bipartite_network(store, filters)
    places = located_places(store)
    links: dict[str, set[tuple[str, str]]] = {}
    for r in select_rows(store, "geo-place-links", {}):
        links.setdefault(plain_value(r["project"]), set()).add((plain_value(r["place"]), r["relation"].value))
    for n, d in g.nodes(data=True):
        if d.get("kind") == "project":
            d["links"] = [list(x) for x in sorted(links.get(n, ()), key=lambda x: (RELATIONS.index(x[1]), x[0]))]
        else:
            based = d.get("based_in")
            country = f"country:{d['country']}" if d.get("country") else None
            if based and places.get(based, {}).get("point"):
                d["base"], d["base_approximate"] = based, bool(places[based]["point"]["approximate"])
            elif country and places.get(country, {}).get("point"):
                d["base"], d["base_approximate"] = country, True
            else:
                d["base"], d["base_approximate"] = None, True
    used = {p for _, d in g.nodes(data=True) for p, _ in d.get("links", [])} | \
           {d["base"] for _, d in g.nodes(data=True) if d.get("base")}
    # the country of each place: itself, or up its within chain
    def country_of(pid: str, depth: int = 0) -> str | None:
        if pid.startswith("country:"):
            return pid
        if pid.startswith("place:comune-"):
            return "country:ITA"
        if pid.startswith("nuts:"):
            iso3 = geo.nuts_country(pid[5:])
            return f"country:{iso3}" if iso3 else None
        parent = places.get(pid, {}).get("within")
        return country_of(parent, depth + 1) if parent and depth < 10 else None

    g.graph["places"] = {p: dict(places[p], country=country_of(p)) for p in sorted(used) if p in places}
    g.graph["projection"] = "geo"
    return g


__all__ = ["geo_network", "located_places", "RELATIONS"]
