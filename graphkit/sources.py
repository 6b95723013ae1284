"""Questions across sources: the curated pages ("seeds") and the imported datasets (eutf, crs).

Every source is one or more named graphs: the seeds are ``graph/source/*`` (what each curated page
states), each dataset is ``graph/dataset/{name}``. :func:`graphkit.store.sources.open_sources` gives a store holding only
the sources asked for (with the registry, reference and ontology graphs every question needs), so
any named query and any network projection can be filtered by source without changing it:

    >>> from graphkit.store.sources import open_sources      # doctest: +SKIP
    >>> store = open_sources(sources=["seeds", "crs"])       # doctest: +SKIP

:func:`italian_ngo_network` is the organisation network across sources restricted to the Italian
NGOs and the organisations they share projects with; :func:`write_ngo_map` writes it as a map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence


from graphkit.store import EmbeddedStore
from graphkit.store.sources import open_sources, source_of_graph, sources_in

ITALIAN_NGO_TYPES = ("orgtype:ngo", "orgtype:ngo-network")


def _sources_by_subject(store: EmbeddedStore, pattern: str) -> dict[str, list[str]]:
    """CURIE of ``?x`` -> the sources whose named graphs hold ``pattern`` for it."""
    from graphkit.queries import shorten

    rows = store.select(f"SELECT DISTINCT ?x ?g WHERE {{ GRAPH ?g {{ {pattern} }} }}")
    out: dict[str, set[str]] = {}
    for x, g in rows.rows:
        s = source_of_graph(g.value)
        if s:
            out.setdefault(shorten(x), set()).add(s)
    return {k: sorted(v) for k, v in out.items()}


def _node_sources(store: EmbeddedStore) -> dict[str, list[str]]:
    """Organisation CURIE -> the sources it takes part in a project of."""
    return _sources_by_subject(store, "?part a mcn:Participation ; mcn:participant ?x .")


def _project_sources(store: EmbeddedStore) -> dict[str, list[str]]:
    """Project CURIE -> the sources that describe it (one, as a rule)."""
    return _sources_by_subject(store, "?x a mcn:Project .")


def italian_ngo_network(store: EmbeddedStore, *, neighbours: bool = True):
    """The organisation network across the sources the store holds, restricted to the Italian NGOs
    (organisation type ``ngo`` or ``ngo-network``, country Italy) and, with ``neighbours``, the
    organisations that share a project with one of them.

    Node attribute ``sources`` lists the sources an organisation takes part in (``seeds``, ``eutf``,
    ``crs``) and ``italian_ngo`` says whether it is one of the Italian NGOs; each project of the graph
    attribute ``projects`` has ``sources`` too (the sources that describe it), and the graph
    attribute ``sources`` lists the sources of the store.
    """
    from graphkit.network import Filters, organisation_network

    g = organisation_network(store, Filters())
    italian = {n for n, d in g.nodes(data=True)
               if d.get("country") == "ITA" and d.get("type") in ("ngo", "ngo-network")}
    keep = set(italian)
    if neighbours:
        for n in italian:
            keep.update(g.neighbors(n))
    sub = g.subgraph(sorted(keep)).copy()
    sources = _node_sources(store)
    for n, d in sub.nodes(data=True):
        d["sources"] = sources.get(n, [])
        d["italian_ngo"] = n in italian
    sub.graph.update(g.graph)
    described = _project_sources(store)
    sub.graph["projects"] = {p: {**v, "sources": described.get(p, [])} for p, v in g.graph.get("projects", {}).items()}
    sub.graph["sources"] = list(sources_in(store))
    sub.graph["filters_text"] = ("Italian NGOs and the organisations they share projects with, across "
                                 + ", ".join(sub.graph["sources"]))
    return sub


def write_ngo_map(path: Path | str, *, out_dir: Path | str | None = None, sources: Sequence[str] | None = None,
                  seed: int = 0, title: str | None = None, aggregate: str = "country") -> Path:
    """Write the map of the Italian NGOs' network across ``sources`` to ``path`` (an .html file).

    The page opens with one node per country (``aggregate``; ``community`` or ``none`` also work),
    each expanding into its organisations; every organisation lists its sources, which the Source
    filter and the "source" colouring use.
    """
    from graphkit.maps import write_map

    store = open_sources(out_dir, sources)
    g = italian_ngo_network(store)
    shown = ", ".join(g.graph["sources"])
    return write_map(g, path, title=title or f"Italian NGOs across sources ({shown})", seed=seed, aggregate=aggregate)


def italian_ngo_geo_network(store: EmbeddedStore, *, region: str | None = "Africa"):
    """The geographic projection (:func:`graphkit.network.geo.geo_network`) of the sources the store
    holds, restricted to the Italian NGOs (as :func:`italian_ngo_network`) and their projects: where
    the Italian NGOs are and the countries they work in.

    With ``region`` (a UN M49 region: ``Africa``, the default, ``Americas``, ``Asia``, ``Europe``,
    ``Oceania``; None for all), only the projects linked to a place in that region, and of each
    only the places in it."""
    from graphkit.geo import world_region
    from graphkit.network.geo import geo_network

    g = geo_network(store)
    places = g.graph["places"]

    def inside(pl: str) -> bool:
        country = places.get(pl, {}).get("country")
        return region is None or bool(country and world_region(country.split(":", 1)[1]) == region)

    for _, d in g.nodes(data=True):
        if d.get("kind") == "project":
            d["links"] = [x for x in d.get("links", []) if inside(x[0])]
    italian = {n for n, d in g.nodes(data=True)
               if d.get("kind") != "project" and d.get("country") == "ITA" and d.get("type") in ("ngo", "ngo-network")}
    projects = {p for n in italian for p in g.neighbors(n) if g.nodes[p].get("links")}
    italian = {n for n in italian if any(p in projects for p in g.neighbors(n))}
    sub = g.subgraph(sorted(italian | projects)).copy()
    sub.graph.update(g.graph)
    used = {pl for p in projects for pl, _ in sub.nodes[p].get("links", [])} | \
           {d["base"] for n, d in sub.nodes(data=True) if d.get("base")}
    sub.graph["places"] = {k: v for k, v in g.graph["places"].items() if k in used}
    sub.graph["projects"] = {k: v for k, v in g.graph.get("projects", {}).items() if k in projects}
    sub.graph["sources"] = list(sources_in(store))
    sub.graph["region"] = region
    sub.graph["filters_text"] = (f"Italian NGOs and the places of their projects{' in ' + region if region else ''}, "
                                 "across " + ", ".join(sub.graph["sources"]))
    return sub


def write_ngo_geo_map(path: Path | str, *, out_dir: Path | str | None = None,
                      sources: Sequence[str] | None = ("eutf", "crs"), region: str | None = "Africa",
                      title: str | None = None) -> Path:
    """Write the geographic map of the Italian NGOs of ``sources`` (default: the imported datasets,
    EUTF and CRS; None: every source of the build) and the places of their projects in ``region``
    (default Africa; None: everywhere) to ``path``."""
    from graphkit.geomap import write_geo_map

    store = open_sources(out_dir, sources)
    g = italian_ngo_geo_network(store, region=region)
    shown = ", ".join(g.graph["sources"])
    where = f" in {region}" if region else ""
    return write_geo_map(g, path, title=title or f"Italian NGOs and where they work{where} ({shown})")
