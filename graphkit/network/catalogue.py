"""What the projections say of each node: organisations, projects, places, roles and evidence,
read once per projection from the store (:class:`Catalogue`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from graphkit.network.filters import (
    PLACE_KIND, Filters, filtered_query, link_pattern, plain_value, role_labels, select_rows, slug_of,
)
from graphkit.store import GraphStore


@dataclass
class Catalogue:
    """Descriptions of organisations, projects and places, fetched once per projection."""

    store: GraphStore
    _orgs: dict[str, dict[str, Any]] | None = None
    _projects: dict[str, dict[str, Any]] | None = None
    _places: dict[str, dict[str, Any]] | None = None
    _evidence: dict[tuple[str, str, str], list[dict[str, Any]]] | None = None
    _roles: dict[str, str] | None = None

    def roles(self) -> dict[str, str]:
        """Every role of the role vocabulary: slug -> English label (fetched once)."""
        if self._roles is None:
            self._roles = role_labels(self.store)
        return self._roles

    def orgs(self) -> dict[str, dict[str, Any]]:
        """Every organisation by CURIE: label, acronym, type, country, base and its NUTS 2 region, parent
        and aliases (fetched once; an organisation with several types or countries keeps the first)."""
        if self._orgs is not None:
            return self._orgs
        orgs: dict[str, dict[str, Any]] = {}
        for r in select_rows(self.store, "organisations", {}):
            oid = plain_value(r["org"])
            if oid in orgs:          # a second type, country or region: keep the first (sorted)
                continue
            country = plain_value(r["country"])
            region = plain_value(r["region"])
            orgs[oid] = {
                "label": r["name"].value,
                "acronym": r["acronym"].value if r["acronym"] else None,
                "kind": "organisation",
                "type": slug_of(plain_value(r["type"])),
                "type_label": r["type_label"].value if r["type_label"] else slug_of(plain_value(r["type"])),
                "country": slug_of(country),
                "country_label": r["country_name"].value if r["country_name"] else slug_of(country),
                "based_in": plain_value(r["based_in"]),
                "based_in_label": r["based_in_name"].value if r["based_in_name"] else None,
                # the NUTS 2 region of the base; a base outside NUTS (Khouribga) counts as its
                # country; an unknown base leaves the region unknown
                "region": slug_of(region) if region else (slug_of(country) if r["based_in"] else None),
                "region_label": (r["region_name"].value if r["region_name"] else slug_of(region)) if region
                else ((r["country_name"].value if r["country_name"] else slug_of(country)) if r["based_in"] else None),
                "parent": plain_value(r["parent"]),
                "aliases": [],
            }
        for r in select_rows(self.store, "organisation-aliases", {}):
            oid = plain_value(r["org"])
            if oid in orgs and r["alias"].value not in orgs[oid]["aliases"] and r["alias"].value != orgs[oid]["label"]:
                orgs[oid]["aliases"].append(r["alias"].value)
        self._orgs = orgs
        return orgs

    def projects(self) -> dict[str, dict[str, Any]]:
        """Every project by CURIE: label, acronym, title, active dates, funding schemes (with their
        paths, the most specific first), places with labels, and the countries of those places (fetched once)."""
        if self._projects is not None:
            return self._projects
        projects: dict[str, dict[str, Any]] = {}
        for r in select_rows(self.store, "projects", {}):
            pid = plain_value(r["project"])
            if pid in projects:
                continue
            projects[pid] = {
                "label": r["label"].value,
                "acronym": r["acronym"].value if r["acronym"] else None,
                "title": r["title"].value if r["title"] else r["label"].value,
                "start": r["active_from"].value if r["active_from"] else None,
                "end": r["active_until"].value if r["active_until"] else None,
                "schemes": [], "funds": [], "places": [], "place_labels": [], "countries": [],
            }
        schemes: dict[str, dict[str, Any]] = {}
        links: list[tuple[str, str]] = []
        rows = sorted((plain_value(r["project"]), plain_value(r["scheme"]), (r["acronym"] or r["code"] or r["name"]).value,
                       r["name"].value, plain_value(r["parent"]) or "")
                      for r in select_rows(self.store, "project-schemes", {}))
        for pid, sid, short, name, parent in rows:
            schemes[sid] = {"short": short, "name": name, "parent": parent or None}
            links.append((pid, sid))

        def path(sid: str) -> str:
            parts, seen = [], set()
            while sid and sid in schemes and sid not in seen:
                seen.add(sid)
                parts.append(schemes[sid]["short"])
                sid = schemes[sid]["parent"]
            return " / ".join(reversed(parts))

        for pid, sid in links:
            if pid in projects and sid not in projects[pid]["schemes"]:
                projects[pid]["schemes"].append(sid)
                projects[pid]["funds"].append(path(sid))
        places = self.places()
        text = filtered_query("place-links", Filters(), (), {"place": link_pattern("place", "place", False)})[0]
        for pid, place in sorted((plain_value(r["project"]), plain_value(r["place"])) for r in select_rows(self.store, "place-links", {}, text)
                                 if r["place"] is not None):
            if pid in projects and place not in projects[pid]["places"]:
                projects[pid]["places"].append(place)
                projects[pid]["place_labels"].append(places.get(place, {}).get("label", place))
                country = places.get(place, {}).get("country")
                if country and country not in projects[pid]["countries"]:
                    projects[pid]["countries"].append(country)
        for p in projects.values():
            p["funds"].sort(key=lambda s: (-s.count(" / "), s))   # the most specific path first
            p["countries"].sort()
        self._projects = projects
        return projects

    def places(self) -> dict[str, dict[str, Any]]:
        """Every place by CURIE: label, kind of place, country and country label (fetched once; a place
        with several classes gets the first that names a kind)."""
        if self._places is not None:
            return self._places
        places: dict[str, dict[str, Any]] = {}
        for r in select_rows(self.store, "places", {}):
            pid = plain_value(r["place"])
            kind = PLACE_KIND.get(plain_value(r["class"]) or "", None)
            cur = places.get(pid)
            if cur is None:
                country = slug_of(plain_value(r["country"])) if r["country"] else None
                places[pid] = {
                    "label": r["name"].value if r["name"] else slug_of(pid),
                    "kind": "place",
                    "type": kind or "place",
                    "type_label": (kind or "place").replace("-", " "),
                    "country": country,
                    "country_label": r["country_name"].value if r["country_name"] else country,
                    "region": country,
                    "region_label": r["country_name"].value if r["country_name"] else country,
                    "aliases": [],
                }
            elif kind and cur["type"] == "place":
                cur["type"], cur["type_label"] = kind, kind.replace("-", " ")
        self._places = places
        return places

    def evidence(self) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
        """The evidence of every participation, keyed by (organisation, project, role slug): the
        distinct name as written, quote and source of each (fetched once)."""
        if self._evidence is not None:
            return self._evidence
        ev: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        rows = [((plain_value(r["org"]), plain_value(r["project"]), slug_of(plain_value(r["role"]))),
                 r["quote"].value if r["quote"] else None,
                 r["as_written"].value if r["as_written"] else None, plain_value(r["source"]))
                for r in select_rows(self.store, "participation-evidence", {})]
        rows.sort(key=lambda x: (x[0], x[1] or "", x[2] or "", x[3] or ""))
        for key, quote, as_written, source in rows:
            items = ev.setdefault(key, [])
            item = {"as_written": as_written, "quote": quote, "source": source}
            if item not in items:
                items.append(item)
        self._evidence = ev
        return ev


def span(projects: Iterable[str], catalogue: dict[str, dict[str, Any]]) -> tuple[str | None, str | None]:
    """The earliest start and the latest end of ``projects`` in ``catalogue`` (ISO dates), None where
    no project has one."""
    starts = [catalogue[p]["start"] for p in projects if p in catalogue and catalogue[p]["start"]]
    ends = [catalogue[p]["end"] for p in projects if p in catalogue and catalogue[p]["end"]]
    return (min(starts) if starts else None, max(ends) if ends else None)


_UNKNOWN_ORG: dict[str, Any] = {"label": None, "acronym": None, "kind": "organisation", "type": None,
                                "type_label": None, "country": None, "country_label": None, "region": None,
                                "region_label": None, "aliases": [], "based_in": None, "based_in_label": None,
                                "parent": None}


def org_description(oid: str, described: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """A fresh copy of an organisation's description (label, type, country, ...), or the
    description of an organisation the catalogue lacks."""
    base = dict(described.get(oid) or dict(_UNKNOWN_ORG, label=slug_of(oid)))
    base["aliases"] = list(base["aliases"])
    return base


def org_node(oid: str, cat: Catalogue, parts: list[tuple[str, str]]) -> dict[str, Any]:
    """The attributes of an organisation node, given its selected (project, role) pairs."""
    base = org_description(oid, cat.orgs())
    pcat = cat.projects()
    ev = cat.evidence()
    projects = sorted({p for p, _ in parts}, key=lambda p: (pcat.get(p, {}).get("start") or "", p))
    base["projects"] = projects
    base["project_labels"] = [pcat.get(p, {}).get("label", p) for p in projects]
    base["roles"] = sorted({r for _, r in parts})
    base["participations"] = [{"project": p, "role": r} for p, r in
                              sorted(parts, key=lambda x: (pcat.get(x[0], {}).get("start") or "", x[0], x[1]))]
    base["start"], base["end"] = span(projects, pcat)
    base["evidence"] = [dict(e, project=x["project"], role=x["role"]) for x in base["participations"]
                        for e in ev.get((oid, x["project"], x["role"]), []) if e.get("quote")]
    return base


# ---------------------------------------------------------------------------------------- projections

