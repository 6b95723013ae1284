"""The geographic view: organisations, projects and places on a base map, one self-contained page.

:func:`render_geo_map` draws a :func:`graphkit.network.geo.geo_network` graph on the Natural Earth
countries (1:50m, bundled in ``graphkit/web/vendor/geo/`` with d3-geo and topojson-client, all
inlined: the page loads no URL). Places are drawn at the points of :mod:`graphkit.geo`:

- a place's symbol says what it is: a circle for a city or municipality, a square for a region
  (NUTS or a region of the registry), a diamond for a country; a dashed outline when the point is
  approximate (a larger place's, the place's own being unknown);
- its fill says how projects use it: filled orange for a place of action (or an imported dataset's
  recipient country), a purple ring for a country of origin, both for a place that is both;
- organisations are small dots coloured by type, around the place they are based in (a spiral,
  so several at one place stay apart); an organisation whose base is not recorded sits around its
  country's point, drawn hollow (approximate);
- arcs join each organisation's base to the places of action of its projects, one arc per pair of
  points, its width the number of projects linking them; a selected organisation's own arcs are
  drawn red.

The page has the network maps' filters (type, country, fund, year with the timeline and its play
button, roles), a search box, pan and zoom, "Fit" (the extent of what is shown), and a side
panel. Strings reach the page as JSON in ``<script type="application/json">`` (``<>&'`` escaped)
and the DOM through ``textContent`` only (decision 0010).

Example::

    from graphkit.store.sources import open_sources
    from graphkit.network.geo import geo_network
    from graphkit.geomap import write_geo_map
    write_geo_map(geo_network(open_sources(sources=["seeds"])), "build/maps/geo-seeds.html")
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import style
from graphkit.errors import EXIT_RUNTIME, GraphkitError
from graphkit.maps import add_to_index, page_css
from graphkit.network.filters import scheme_prefixes

TEMPLATES = Path(__file__).resolve().parent / "templates"
VENDOR = Path(__file__).resolve().parent / "web" / "vendor" / "geo"
BASE_MAP = "countries-50m.json"
ACTION_COLOUR, ORIGIN_COLOUR = "#e6550d", "#6a51a3"


class GeoMapError(GraphkitError, ValueError):
    """The geographic map cannot be written where asked (not an ``.html`` file; exit code 3)."""

    exit_code = EXIT_RUNTIME


def _years(start: str | None, end: str | None) -> list[int]:
    if not start or not end:
        return []
    return list(range(int(start[:4]), int(end[:4]) + 1))



def _shape(place: dict[str, Any]) -> str:
    if place["type"] == "country":
        return "country"
    if place["type"] in ("city", "municipality"):
        return "city"
    return "region"


def geo_data(g: nx.Graph) -> dict[str, Any]:
    """Everything the page needs, as plain JSON-able data: places with their points, organisations
    with their base and participations, projects with their places, roles and facets."""
    places_in: dict[str, dict[str, Any]] = g.graph.get("places", {})
    role_labels: dict[str, str] = g.graph.get("roles", {})
    pcat: dict[str, dict[str, Any]] = g.graph.get("projects", {})
    located = [p for p in sorted(places_in) if places_in[p].get("point")]
    pidx = {p: i for i, p in enumerate(located)}
    places = []
    for p in located:
        d, pt = places_in[p], places_in[p]["point"]
        places.append({"key": p, "name": d["label"], "type": d["type"], "shape": _shape(d),
                       "level": d.get("nuts_level"), "lon": pt["lon"], "lat": pt["lat"],
                       "precision": pt["precision"], "source": pt["source"], "approx": bool(pt["approximate"]),
                       "country": places_in.get(d.get("country") or "", {}).get("label")})
    projects = sorted((n for n, d in g.nodes(data=True) if d.get("kind") == "project"),
                      key=lambda p: (g.nodes[p].get("start") or "", p))
    prj = {p: i for i, p in enumerate(projects)}
    roles = sorted({r for _, d in g.nodes(data=True) if d.get("kind") != "project" for r in d.get("roles", [])},
                   key=lambda r: (style.ROLE_TIERS.get(r, 2), r))
    ridx = {r: i for i, r in enumerate(roles)}
    unplaced: dict[str, str] = {}
    projects_js = []
    for p in projects:
        d = g.nodes[p]
        links = {"action": [], "recipient": [], "origin": []}
        for place, relation in d.get("links", []):
            if place in pidx:
                links[relation].append(pidx[place])
            else:
                unplaced[place] = places_in.get(place, {}).get("label", place)
        projects_js.append({"key": p, "name": d.get("label", p), "title": d.get("title") or d.get("label", p),
                            "funds": scheme_prefixes(pcat.get(p, {}).get("funds", d.get("funds", []))),
                            "years": _years(d.get("start"), d.get("end")),
                            "start": d.get("start"), "end": d.get("end"),
                            "action": links["action"], "recipient": links["recipient"], "origin": links["origin"],
                            "unplaced": sorted(places_in.get(x, {}).get("label", x) for x, _ in d.get("links", [])
                                               if x not in pidx)})
    orgs = []
    for n, d in sorted(g.nodes(data=True), key=lambda x: str(x[0])):
        if d.get("kind") == "project":
            continue
        names = [d.get("label") or "", d.get("acronym") or "", *d.get("aliases", [])]
        orgs.append({"key": n, "name": d.get("label") or n, "acronym": d.get("acronym"),
                     "names": sorted({s.lower() for s in names if s}),
                     "type": d.get("type_label") or d.get("type") or "unknown",
                     "country": d.get("country_label") or d.get("country") or "unknown",
                     "colour": style.node_colour(d),
                     "base": pidx.get(d.get("base")) if d.get("base") else None,
                     "approx": bool(d.get("base_approximate")),
                     "based": d.get("based_in_label"),
                     "parts": [[prj[x["project"]], ridx[x["role"]]] for x in d.get("participations", [])
                               if x["project"] in prj and x["role"] in ridx]})
    facet_years = sorted({y for p in projects_js for y in p["years"]})
    return {
        "places": places, "orgs": orgs, "projects": projects_js,
        "roles": [{"slug": r, "label": role_labels.get(r, r)} for r in roles],
        "facets": {"type": sorted({o["type"] for o in orgs}), "country": sorted({o["country"] for o in orgs}),
                   "fund": sorted({f for p in projects_js for f in p["funds"]}), "year": facet_years},
        "timeline": list(range(facet_years[0], facet_years[-1] + 1)) if facet_years else [],
        "unplaced": sorted(unplaced.values()),
        "colours": {"action": ACTION_COLOUR, "origin": ORIGIN_COLOUR},
    }


def _inline(name: str, text: str, tag: str) -> str:
    if re.search(rf"</{tag}", text, re.I):
        raise RuntimeError(f"{name} contains '</{tag}' and cannot be inlined")
    return text


def _legend(data: dict[str, Any]) -> str:
    e = html.escape
    a, o = data["colours"]["action"], data["colours"]["origin"]
    sym = {
        "city": '<circle cx="9" cy="9" r="5" fill="{f}" stroke="{s}" stroke-width="{w}"{d}/>',
        "region": '<rect x="3" y="3" width="12" height="12" fill="{f}" stroke="{s}" stroke-width="{w}"{d}/>',
        "country": '<path d="M9 1 L17 9 L9 17 L1 9 Z" fill="{f}" stroke="{s}" stroke-width="{w}"{d}/>',
    }

    def svg(shape: str, fill: str, stroke: str, width: float = 1.5, dash: bool = False) -> str:
        d = ' stroke-dasharray="3 2"' if dash else ""
        return ('<svg width="18" height="18" aria-hidden="true">'
                + sym[shape].format(f=e(fill), s=e(stroke), w=width, d=d) + "</svg>")

    rows = ["<h3>Legend</h3>", "<table>",
            f"<tr><td>{svg('city', a, '#5a2a00')}</td><td>city or municipality</td></tr>",
            f"<tr><td>{svg('region', a, '#5a2a00')}</td><td>region (NUTS, or a region abroad)</td></tr>",
            f"<tr><td>{svg('country', a, '#5a2a00')}</td><td>country</td></tr>",
            f"<tr><td>{svg('region', a, '#5a2a00')}</td><td>filled orange: place of action (or recipient country)</td></tr>",
            f"<tr><td>{svg('country', 'none', o, 3)}</td><td>purple ring: country of origin of the people a project works with</td></tr>",
            f"<tr><td>{svg('country', a, o, 3)}</td><td>both</td></tr>",
            f"<tr><td>{svg('city', '#ffffff', '#555555', 1.2)}</td><td>white: a place where organisations are based, and no project</td></tr>",
            f"<tr><td>{svg('city', '#ffffff', '#555555', 1.5, True)}</td><td>dashed: approximate point (a larger place's)</td></tr>",
            "</table><div><b>Organisations</b>: small dots by type, around their base</div><table>"]
    types: dict[tuple[str, str], int] = {}
    for org in data["orgs"]:
        types[(org["type"], org["colour"])] = types.get((org["type"], org["colour"]), 0) + 1
    for (label, colour), count in sorted(types.items(), key=lambda x: (-x[1], x[0][0])):
        rows.append(f'<tr><td><span class="gk-swatch" style="background:{e(colour)}"></span></td>'
                    f"<td>{e(label)}</td><td>{count}</td></tr>")
    rows.append("</table>")
    rows.append('<div class="gk-hint">A hollow dot: base not recorded, drawn around its country. Arcs: from an '
                "organisation's base to its projects' places of action; width: projects.</div>")
    if data["unplaced"]:
        rows.append(f'<div class="gk-hint">Not on the map (no point): {e("; ".join(data["unplaced"]))}</div>')
    rows.append('<div class="gk-hint">Base map: Natural Earth (public domain). Regions: © EuroGeographics for '
                "the administrative boundaries (GISCO). Places: GeoNames (CC BY 4.0), ISTAT.</div>")
    return "\n".join(rows)


def render_geo_map(g: nx.Graph, *, title: str | None = None) -> str:
    """The geographic map of ``g`` (a :func:`graphkit.network.geo.geo_network` graph) as one
    self-contained HTML page."""
    from jinja2 import Environment
    from markupsafe import Markup

    import graphkit

    data = geo_data(g)
    title = title or "Organisations, projects and places"
    n_orgs, n_projects = len(data["orgs"]), len(data["projects"])
    subtitle = (f"{n_orgs} organisations, {n_projects} projects, {len(data['places'])} places · "
                f"{g.graph.get('filters_text', 'all projects, all roles')}")
    geo_js = _inline("geo.min.js", (VENDOR / "geo.min.js").read_text(encoding="utf-8"), "script")
    page_js = _inline("geomap.js", (TEMPLATES / "geomap.js").read_text(encoding="utf-8"), "script")
    css = _inline("geomap.css", page_css() + (TEMPLATES / "geomap.css").read_text(encoding="utf-8"), "style")
    world = json.loads((VENDOR / BASE_MAP).read_text(encoding="utf-8"))
    env = Environment(autoescape=True)
    return env.from_string((TEMPLATES / "geomap.html").read_text(encoding="utf-8")).render(
        title=title, subtitle=subtitle, data=data, world=world, legend=Markup(_legend(data)),
        geo_js=Markup(geo_js), page_js=Markup(page_js), css=Markup(css), version=graphkit.__version__)


def write_geo_map(g: nx.Graph, path: str | Path, *, title: str | None = None, index: bool = True) -> Path:
    """Write the geographic map of ``g`` to ``path`` (an ``.html`` file) and, with ``index``, list it
    in the folder's index.html beside the network maps."""
    path = Path(path)
    if path.suffix.lower() != ".html":
        raise GeoMapError(f"{path}: a map is written to an .html file")
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render_geo_map(g, title=title)
    path.write_text(page, encoding="utf-8")
    if index:
        n_projects = sum(1 for _, d in g.nodes(data=True) if d.get("kind") == "project")
        n_orgs, n_places = g.number_of_nodes() - n_projects, len(g.graph.get("places", {}))
        add_to_index(path, page, projection="geographic", filters=g.graph.get("filters_text", ""),
                     summary=f"geographic view, {n_orgs} organisations, {n_projects} projects, {n_places} places",
                     nodes=n_orgs, size_by="projects")
    return path


def seeds_geo_map(path: str | Path, *, out_dir: str | Path | None = None, title: str | None = None) -> Path:
    """Write the geographic map of the curated projects (the seeds) to ``path``."""
    from graphkit.network.geo import geo_network
    from graphkit.store.sources import open_sources

    g = geo_network(open_sources(out_dir, ["seeds"]))
    return write_geo_map(g, path, title=title or "The curated projects on the map")


__all__ = ["geo_data", "render_geo_map", "write_geo_map", "seeds_geo_map", "GeoMapError"]
