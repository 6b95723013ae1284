"""Network projections: the knowledge graph, read through SPARQL, as networkx graphs.

Four projections, each a function of a store and :class:`Filters`:

``org`` (:func:`organisation_network`)
    Organisations; an edge joins two organisations that take part in the same selected project,
    weighted by the number of projects they share, with the projects and each side's roles.
    The pair counts are aggregated in SPARQL (``graphkit/resources/queries/network/organisation-pairs.rq``), never
    by networkx's bipartite projection (51 s against 1.3 s at 1M triples, DESIGN §10).
``bipartite`` (:func:`bipartite_network`)
    Organisations and projects; an edge joins an organisation to a project it takes part in,
    with its role(s) and the evidence.
``place`` (:func:`place_network`)
    Places; an edge joins two places linked by a selected project (it takes place in both, or
    with ``origins=True`` takes place in one and targets the other as country of origin),
    weighted by the number of such projects. ``level="country"`` lifts every place to its country.
``membership`` (:func:`membership_network`)
    Organisations; a directed edge goes from a member to the network it is a member or
    associate of (``org:Membership``), with the evidence.

Filters select projects (fund or scheme including its sub-schemes, active period overlapping a
year or two dates, place or country including the places within it) and participations
(roles). The store is only read through ``store.select(query, bindings)``, so a projection
works the same on the embedded store and on a remote SPARQL server. The queries are the
``.rq`` files in ``graphkit/resources/queries/network/``; a filter inserts one of a few fixed SPARQL patterns at a
marker comment, and its values are bound as RDF terms, never written into the query text.
Bound variables are also projected (``#%PARAMS%``): pyoxigraph substitutes only variables of the
SELECT clause.

Node ids are CURIEs (``organisation:cicsene``, ``project:impra``, ``nuts:ITC1``). Node
attributes: ``label``, ``kind`` (organisation, project, place), ``type`` (organisation type
slug, or the kind of place), ``type_label``, ``country`` (ISO 3166 alpha-3) and
``country_label``, ``region`` (NUTS 2 code of the base; the country for a base outside NUTS;
unknown without a base), ``aliases``,
``roles``, ``projects`` and ``project_labels``, ``participations`` (project and role),
``start`` and ``end`` (ISO dates: the span of the node's selected projects), ``evidence``
(the source quotes). The graph attribute ``projects`` describes every selected project
(label, title, dates, funding schemes, places), ``roles`` and ``types`` give labels.

Example (offline, on the built graph)::

    from graphkit.store import EmbeddedStore
    from graphkit.network import Filters, organisation_network
    g = organisation_network(EmbeddedStore.from_build(), Filters(roles=("role:lead", "role:partner")))
    g.edges["organisation:cop", "organisation:cicsene"]["weight"]   # 2 (IMPRA, DISCORSI)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

import networkx as nx

from graphkit import dates as _dates
from graphkit.queries import QUERY_DIR, expand_iri, shorten, to_term
from graphkit.store import GraphStore, QueryError

NETWORK_QUERY_DIR = QUERY_DIR / "network"
PROJECTIONS = ("org", "bipartite", "place", "membership")
PLACE_LEVELS = ("place", "country")
DETAILS = ("full", "weights")
ROLE_SCHEME = "https://w3id.org/graphkit/vocab/role/"
_EARLIEST, _LATEST = date(1, 1, 1), date(9999, 12, 31)
_PLACE_KIND = {"mcn:Country": "country", "mcn:NUTSRegion": "nuts-region", "mcn:City": "city",
               "mcn:Municipality": "municipality", "mcn:Place": "place"}


class NetworkError(QueryError):
    """A filter names nothing in the graph, or a projection cannot be built; the message says why."""


# ---------------------------------------------------------------------------------------- filters

@dataclass(frozen=True)
class Filters:
    """What a projection keeps. Every field is optional; an empty ``Filters()`` keeps everything.

    Attributes:
        fund: IRI or CURIE of a fund or scheme; a project counts when it is funded under the
            scheme or any scheme below it (``fund:fami`` keeps FAMI, OS2, ON3 and call projects).
        start, end: a period; a project is kept when its active period
            (``mcn:activeFrom`` .. ``mcn:activeUntil``) overlaps it. Either end may be open.
        roles: role IRIs or CURIEs (``role:lead``); participations in other roles are dropped.
        place: IRI or CURIE of a place or country; a project is kept when it takes place there
            or in a place within it (``mcn:within*``).
    """

    fund: str | None = None
    start: date | None = None
    end: date | None = None
    roles: tuple[str, ...] = ()
    place: str | None = None

    def __post_init__(self) -> None:
        if self.fund:
            object.__setattr__(self, "fund", expand_iri(self.fund))
        if self.place:
            object.__setattr__(self, "place", expand_iri(self.place))
        object.__setattr__(self, "roles", tuple(expand_iri(r) for r in self.roles))
        if self.start and self.end and self.end < self.start:
            raise NetworkError(f"the period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def of_year(cls, year: int, **kwargs: Any) -> "Filters":
        """The filters for the projects active at some time in ``year``."""
        return cls(start=date(year, 1, 1), end=date(year, 12, 31), **kwargs)

    @property
    def active(self) -> bool:
        return bool(self.fund or self.start or self.end or self.roles or self.place)

    def as_dict(self) -> dict[str, Any]:
        """The filters as plain values (CURIEs, ISO dates), only those that are set."""
        out: dict[str, Any] = {}
        if self.fund:
            out["fund"] = shorten_iri(self.fund)
        if self.start or self.end:
            out["period"] = f"{(self.start or _EARLIEST).isoformat()}..{(self.end or _LATEST).isoformat()}"
        if self.roles:
            out["roles"] = [_slug(shorten_iri(r)) for r in self.roles]
        if self.place:
            out["place"] = shorten_iri(self.place)
        return out

    def describe(self) -> str:
        d = self.as_dict()
        if not d:
            return "all projects, all roles"
        return "; ".join(f"{k} {', '.join(v) if isinstance(v, list) else v}" for k, v in d.items())


def shorten_iri(iri: str) -> str:
    import pyoxigraph as ox

    return shorten(ox.NamedNode(iri))


def _slug(curie: str | None) -> str | None:
    """``role:lead`` -> ``lead``; a full IRI -> its last path segment."""
    if curie is None:
        return None
    if re.match(r"^[a-z][a-z0-9+.-]*://", curie):
        return re.split(r"[/#]", curie.rstrip("/"))[-1]
    return curie.split(":", 1)[1] if ":" in curie else curie


def parse_date(text: str, *, end: bool = False) -> date:
    """``2017`` / ``2017-06`` / ``2017-06-15`` -> the first (or with ``end`` the last) day it covers."""
    text = str(text).strip()
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise NetworkError(f"{text!r} is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)")
    try:
        first, last = _dates.bounds(text)
    except ValueError as exc:
        raise NetworkError(f"{text!r} is not a date: {exc}") from None
    return last if end else first


def resolve_filters(
    store: GraphStore,
    *,
    fund: str | None = None,
    year: int | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    roles: str | Sequence[str] | None = None,
    place: str | None = None,
) -> Filters:
    """Filters from what a person types: a scheme by id, acronym, code or alias (``FAMI``,
    ``ON3``), a year or dates (``2017``, ``2017-06``, ``2017-06-15``), roles by slug
    (``lead,partner``), a place by CURIE, code or name (``country:MAR``, ``ITC1``, ``Piemonte``).

    Raises:
        NetworkError: a name matches nothing or several things (the message lists candidates).
    """
    if year is not None and (start or end):
        raise NetworkError("give a year or a period (--from/--to), not both")
    s = parse_date(start) if isinstance(start, str) else start
    e = parse_date(end, end=True) if isinstance(end, str) else end
    if year is not None:
        s, e = date(int(year), 1, 1), date(int(year), 12, 31)
    return Filters(
        fund=resolve_scheme(store, fund) if fund else None,
        start=s,
        end=e,
        roles=tuple(resolve_roles(store, roles)) if roles else (),
        place=resolve_place(store, place) if place else None,
    )


def resolve_scheme(store: GraphStore, text: str) -> str:
    """The IRI of the funding scheme named ``text`` (id, CURIE, IRI, acronym, code or alias)."""
    import pyoxigraph as ox

    key = text.strip()
    if key.startswith("fund:"):
        key = key[5:]
    elif "/id/fund/" in key:
        key = key.split("/id/fund/", 1)[1].rstrip(">")
    rows = _select(store, "find-scheme", {"text": ox.Literal(key)})
    found = sorted({r["scheme"].value: r["name"].value for r in rows}.items())
    if len(found) == 1:
        return found[0][0]
    if not found:
        known = _select(store, "project-schemes", {})
        names = ", ".join(sorted({_slug(shorten(r["scheme"])) for r in known})) or "none"
        raise NetworkError(f"no funding scheme is called {text!r} (known: {names})")
    raise NetworkError(f"{text!r} names several schemes: " + "; ".join(f"{shorten_iri(i)} ({n})" for i, n in found))


def resolve_place(store: GraphStore, text: str) -> str:
    """The IRI of the place named ``text`` (CURIE or IRI, code, name or alias in any language)."""
    import pyoxigraph as ox

    key = text.strip()
    if re.match(r"^(nuts|country|place):\S+$|^<?https?://", key):
        iri = expand_iri(key)
        rows = _select(store, "place-exists", {"place": ox.NamedNode(iri)})
        if not rows:
            raise NetworkError(f"no project or organisation refers to {text!r} or a place within it")
        return iri
    rows = _select(store, "find-place", {"text": ox.Literal(key)})
    found = sorted({r["place"].value: (r["name"].value if r["name"] else "") for r in rows}.items())
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise NetworkError(f"no place called {text!r} is, or contains, a place of a project or organisation "
                           "(try a CURIE such as nuts:ITC1 or country:MAR)")
    raise NetworkError(f"{text!r} names several places: " + "; ".join(f"{shorten_iri(i)} ({n})" for i, n in found))


def role_labels(store: GraphStore) -> dict[str, str]:
    """Every role of the role vocabulary: slug -> English label."""
    return {_slug(shorten(r["role"])): (r["label"].value if r["label"] else _slug(shorten(r["role"])))
            for r in _select(store, "roles", {})}


def resolve_roles(store: GraphStore, roles: str | Sequence[str]) -> list[str]:
    """Role IRIs from slugs or CURIEs (``"lead,partner"`` or ``["role:lead"]``), checked against the vocabulary."""
    items = [r.strip() for r in (roles.split(",") if isinstance(roles, str) else roles) if r and r.strip()]
    known = role_labels(store)
    out = []
    for item in items:
        slug = _slug(shorten_iri(expand_iri(item))) if ":" in item else item
        if slug not in known:
            raise NetworkError(f"unknown role {item!r} (known: {', '.join(sorted(known))})")
        out.append(ROLE_SCHEME + slug)
    return out


# ---------------------------------------------------------------------------------------- queries

def _query_text(name: str) -> str:
    path = NETWORK_QUERY_DIR / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NetworkError(f"cannot read the network query {path}: {exc}") from None


def _result(store: GraphStore, name: str, bindings: Mapping[str, Any], text: str | None = None):
    """The answer of a network query (rows of terms); a failure names the query."""
    try:
        return store.select(text if text is not None else _query_text(name), dict(bindings))
    except QueryError as exc:
        raise NetworkError(f"network query {name}: {exc}") from None


def _columns(result, names: Sequence[str]) -> list[tuple[Any, ...]]:
    """A result's rows reduced to the columns ``names``, in that order (a query projects its
    bound filter variables too)."""
    if result.variables == list(names):
        return result.rows
    cols = [result.variables.index(v) for v in names]
    return [tuple(row[c] for c in cols) for row in result.rows]


def _select(store: GraphStore, name: str, bindings: Mapping[str, Any], text: str | None = None) -> list[dict[str, Any]]:
    return _result(store, name, bindings, text).dicts()


def _filter_patterns(filters: Filters, role_vars: Sequence[str] = ("role",),
                     project_var: str = "project") -> tuple[str, dict[str, Any]]:
    """Fixed SPARQL patterns for the active filters, and the RDF terms to bind.

    The patterns sit in the top-level group (never in a sub-SELECT or a nested FILTER), so the
    variables are bound alike by Oxigraph's substitution and by a remote store's ``VALUES``
    block; the queries count and select DISTINCT, so a project reached twice counts once.
    """
    import pyoxigraph as ox

    p = "?" + project_var
    clauses: list[str] = []
    binds: dict[str, Any] = {}
    if filters.fund:
        clauses.append(f"{p} mcn:fundedUnder/mcn:partOfScheme* ?filter_fund .")
        binds["filter_fund"] = ox.NamedNode(filters.fund)
    if filters.start or filters.end:
        clauses.append(f"{p} mcn:activeFrom ?filter_af ; mcn:activeUntil ?filter_au .\n  "
                       "FILTER(?filter_af <= ?filter_to && ?filter_au >= ?filter_from)")
        binds["filter_from"] = to_term((filters.start or _EARLIEST).isoformat(), "date")
        binds["filter_to"] = to_term((filters.end or _LATEST).isoformat(), "date")
    if filters.roles and role_vars:
        names = [f"filter_role_{i}" for i in range(len(filters.roles))]
        for var in role_vars:
            clauses.append(f"FILTER(?{var} IN ({', '.join('?' + n for n in names)}))")
        binds.update({n: ox.NamedNode(r) for n, r in zip(names, filters.roles)})
    if filters.place:
        clauses.append(f"{p} mcn:takesPlaceIn/mcn:within* ?filter_place .")
        binds["filter_place"] = ox.NamedNode(filters.place)
    return "\n  ".join(clauses), binds


def _filtered(name: str, filters: Filters, role_vars: Sequence[str] = ("role",),
              links: Mapping[str, str] | None = None) -> tuple[str, dict[str, Any]]:
    text = _query_text(name)
    patterns, binds = _filter_patterns(filters, role_vars)
    for marker in ("#%FILTERS%", "#%PARAMS%"):
        if marker not in text:
            raise NetworkError(f"network query {name} lacks the marker {marker}")
    text = text.replace("#%FILTERS%", patterns)
    text = text.replace("#%PARAMS%", " ".join("?" + k for k in binds))
    for var, pattern in (links or {}).items():
        text = text.replace(f"#%LINK_{var}%", pattern)
    return text, binds


def _link_pattern(var: str, level: str, origins: bool) -> str:
    if level == "country":
        action = f"{{ ?project mcn:takesPlaceIn/mcn:within* ?{var} . ?{var} a mcn:Country . }}"
    else:
        action = f"{{ ?project mcn:takesPlaceIn ?{var} . }}"
    if not origins:
        return action
    return f"{action} UNION {{ ?project mcn:targetsOriginCountry ?{var} . }}"


_SHORT: dict[str, str] = {}


def _value(term: Any) -> Any:
    """A term as a plain value (IRIs as CURIEs, memoised: the same IRIs come back in every row)."""
    if term is None:
        return None
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        iri = term.value
        short = _SHORT.get(iri)
        if short is None:
            if len(_SHORT) > 200_000:
                _SHORT.clear()
            short = _SHORT[iri] = shorten(term)
        return short
    return shorten(term)


# ---------------------------------------------------------------------------------------- catalogue

@dataclass
class _Catalogue:
    """Descriptions of organisations, projects and places, fetched once per projection."""

    store: GraphStore
    _orgs: dict[str, dict[str, Any]] | None = None
    _projects: dict[str, dict[str, Any]] | None = None
    _places: dict[str, dict[str, Any]] | None = None
    _evidence: dict[tuple[str, str, str], list[dict[str, Any]]] | None = None
    _roles: dict[str, str] | None = None

    def roles(self) -> dict[str, str]:
        if self._roles is None:
            self._roles = role_labels(self.store)
        return self._roles

    def orgs(self) -> dict[str, dict[str, Any]]:
        if self._orgs is not None:
            return self._orgs
        orgs: dict[str, dict[str, Any]] = {}
        for r in _select(self.store, "organisations", {}):
            oid = _value(r["org"])
            if oid in orgs:          # a second type, country or region: keep the first (sorted)
                continue
            country = _value(r["country"])
            region = _value(r["region"])
            orgs[oid] = {
                "label": r["name"].value,
                "acronym": r["acronym"].value if r["acronym"] else None,
                "kind": "organisation",
                "type": _slug(_value(r["type"])),
                "type_label": r["type_label"].value if r["type_label"] else _slug(_value(r["type"])),
                "country": _slug(country),
                "country_label": r["country_name"].value if r["country_name"] else _slug(country),
                "based_in": _value(r["based_in"]),
                "based_in_label": r["based_in_name"].value if r["based_in_name"] else None,
                # the NUTS 2 region of the base; a base outside NUTS (Khouribga) counts as its
                # country; an unknown base leaves the region unknown
                "region": _slug(region) if region else (_slug(country) if r["based_in"] else None),
                "region_label": (r["region_name"].value if r["region_name"] else _slug(region)) if region
                else ((r["country_name"].value if r["country_name"] else _slug(country)) if r["based_in"] else None),
                "parent": _value(r["parent"]),
                "aliases": [],
            }
        for r in _select(self.store, "organisation-aliases", {}):
            oid = _value(r["org"])
            if oid in orgs and r["alias"].value not in orgs[oid]["aliases"] and r["alias"].value != orgs[oid]["label"]:
                orgs[oid]["aliases"].append(r["alias"].value)
        self._orgs = orgs
        return orgs

    def projects(self) -> dict[str, dict[str, Any]]:
        if self._projects is not None:
            return self._projects
        projects: dict[str, dict[str, Any]] = {}
        for r in _select(self.store, "projects", {}):
            pid = _value(r["project"])
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
        rows = sorted((_value(r["project"]), _value(r["scheme"]), (r["acronym"] or r["code"] or r["name"]).value,
                       r["name"].value, _value(r["parent"]) or "")
                      for r in _select(self.store, "project-schemes", {}))
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
        text = _filtered("place-links", Filters(), (), {"place": _link_pattern("place", "place", False)})[0]
        for pid, place in sorted((_value(r["project"]), _value(r["place"])) for r in _select(self.store, "place-links", {}, text)
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
        if self._places is not None:
            return self._places
        places: dict[str, dict[str, Any]] = {}
        for r in _select(self.store, "places", {}):
            pid = _value(r["place"])
            kind = _PLACE_KIND.get(_value(r["class"]) or "", None)
            cur = places.get(pid)
            if cur is None:
                country = _slug(_value(r["country"])) if r["country"] else None
                places[pid] = {
                    "label": r["name"].value if r["name"] else _slug(pid),
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
        if self._evidence is not None:
            return self._evidence
        ev: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        rows = [((_value(r["org"]), _value(r["project"]), _slug(_value(r["role"]))),
                 r["quote"].value if r["quote"] else None,
                 r["as_written"].value if r["as_written"] else None, _value(r["source"]))
                for r in _select(self.store, "participation-evidence", {})]
        rows.sort(key=lambda x: (x[0], x[1] or "", x[2] or "", x[3] or ""))
        for key, quote, as_written, source in rows:
            items = ev.setdefault(key, [])
            item = {"as_written": as_written, "quote": quote, "source": source}
            if item not in items:
                items.append(item)
        self._evidence = ev
        return ev


def _span(projects: Iterable[str], catalogue: dict[str, dict[str, Any]]) -> tuple[str | None, str | None]:
    starts = [catalogue[p]["start"] for p in projects if p in catalogue and catalogue[p]["start"]]
    ends = [catalogue[p]["end"] for p in projects if p in catalogue and catalogue[p]["end"]]
    return (min(starts) if starts else None, max(ends) if ends else None)


def _participations(store: GraphStore, filters: Filters) -> list[tuple[str, str, str]]:
    text, binds = _filtered("participations", filters)
    return sorted({(_value(r["org"]), _value(r["project"]), _slug(_value(r["role"])))
                   for r in _select(store, "participations", binds, text)})


def _graph_meta(g: nx.Graph, name: str, filters: Filters, cat: _Catalogue, projects: Iterable[str]) -> None:
    pcat = cat.projects()
    g.graph.update({
        "projection": name,
        "filters": filters.as_dict(),
        "filters_text": filters.describe(),
        "roles": dict(sorted(cat.roles().items())),
        "projects": {p: pcat[p] for p in sorted(set(projects)) if p in pcat},
    })


# the description of an organisation the catalogue does not describe (its label: the id's slug)
_UNKNOWN_ORG: dict[str, Any] = {"label": None, "acronym": None, "kind": "organisation", "type": None,
                                "type_label": None, "country": None, "country_label": None, "region": None,
                                "region_label": None, "aliases": [], "based_in": None, "based_in_label": None,
                                "parent": None}


def _org_description(oid: str, described: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """A fresh copy of an organisation's description (label, type, country, ...), or the
    description of an organisation the catalogue lacks."""
    base = dict(described.get(oid) or dict(_UNKNOWN_ORG, label=_slug(oid)))
    base["aliases"] = list(base["aliases"])
    return base


def _org_node(oid: str, cat: _Catalogue, parts: list[tuple[str, str]]) -> dict[str, Any]:
    """The attributes of an organisation node, given its selected (project, role) pairs."""
    base = _org_description(oid, cat.orgs())
    pcat = cat.projects()
    ev = cat.evidence()
    projects = sorted({p for p, _ in parts}, key=lambda p: (pcat.get(p, {}).get("start") or "", p))
    base["projects"] = projects
    base["project_labels"] = [pcat.get(p, {}).get("label", p) for p in projects]
    base["roles"] = sorted({r for _, r in parts})
    base["participations"] = [{"project": p, "role": r} for p, r in
                              sorted(parts, key=lambda x: (pcat.get(x[0], {}).get("start") or "", x[0], x[1]))]
    base["start"], base["end"] = _span(projects, pcat)
    base["evidence"] = [dict(e, project=x["project"], role=x["role"]) for x in base["participations"]
                        for e in ev.get((oid, x["project"], x["role"]), []) if e.get("quote")]
    return base


# ---------------------------------------------------------------------------------------- projections

def organisation_network(store: GraphStore, filters: Filters | None = None, *, detail: str = "full") -> nx.Graph:
    """Organisations joined by the selected projects they share (edge ``weight`` = shared projects).

    Edge attributes: ``weight`` (int), ``projects`` and ``project_labels`` (the shared projects),
    ``roles`` ({project: {organisation: [roles]}}; the role lists are shared between the edges of
    an organisation and project: read them, do not change them), ``start``/``end`` (span of the
    shared projects).
    Organisations of the selection without a partner are kept as isolated nodes.

    ``detail="weights"`` builds the same nodes and links with less: a link has only its
    ``weight``; a node its description (label, type, country, region, aliases), ``projects``
    (ids, sorted) and ``roles``; the graph has no project catalogue. That is what the metrics
    need, about ten times faster on large networks (:func:`organisation_weights`).
    """
    if detail not in DETAILS:
        raise NetworkError(f"unknown detail {detail!r} (choose {', '.join(DETAILS)})")
    filters = filters or Filters()
    if detail == "weights":
        return organisation_weights(store, filters)
    cat = _Catalogue(store)
    parts = _participations(store, filters)
    by_org: dict[str, list[tuple[str, str]]] = {}
    roles_of: dict[tuple[str, str], list[str]] = {}
    for o, p, r in parts:
        by_org.setdefault(o, []).append((p, r))
        roles_of.setdefault((o, p), []).append(r)
    g = nx.Graph()
    _graph_meta(g, "org", filters, cat, (p for _, p, _ in parts))
    for oid in sorted(by_org):
        g.add_node(oid, **_org_node(oid, cat, by_org[oid]))
    name = "organisation-pairs" if filters.roles else "organisation-pairs-any-role"
    text, binds = _filtered(name, filters, ("role_a", "role_b"))
    pairs = sorted((_value(r["a"]), _value(r["b"]), int(r["shared"].value)) for r in _select(store, name, binds, text))
    # computed once, not per pair: a hub of 100,000 projects has tens of thousands of partners
    pcat = cat.projects()
    order = {p: (pcat.get(p, {}).get("start") or "", p) for p in {p for _, p, _ in parts}}
    projects_of = {o: frozenset(p for p, _ in ps) for o, ps in by_org.items()}
    for roles in roles_of.values():
        roles.sort()
    for a, b, shared in pairs:
        if a not in projects_of or b not in projects_of:
            raise NetworkError(f"pair {a} - {b} has no selected participation: the store's answers disagree")
        pa, pb = projects_of[a], projects_of[b]
        common = sorted(pa & pb if len(pa) <= len(pb) else pb & pa, key=order.__getitem__)
        if len(common) != shared:
            raise NetworkError(f"pair {a} - {b}: the store counts {shared} shared projects but lists {len(common)} "
                               "(a truncated or inconsistent answer)")
        start, end = _span(common, pcat)
        g.add_edge(a, b, weight=shared, projects=common,
                   project_labels=[pcat.get(p, {}).get("label", p) for p in common],
                   roles={p: {a: roles_of[(a, p)], b: roles_of[(b, p)]} for p in common},
                   start=start, end=end)
    return g


def organisation_weights(store: GraphStore, filters: Filters | None = None) -> nx.Graph:
    """The organisation network with weights only (``organisation_network(detail="weights")``).

    The pairs are counted from the selected participations, which the projection reads anyway,
    as the sparse product ``B Bᵀ`` of the organisation-project incidence matrix (scipy) instead
    of a second SPARQL query: at 100,000 projects (1.4 million links) the SPARQL self-join alone
    takes 22 s and building every link's project list another 90 s (docs/benchmarks.md). Without
    a role filter the organisation-project links are read through the shortcut
    ``mcn:participatesIn`` and the roles per organisation apart, instead of every participation
    (100,000 projects: 1.6 s and 2.1 s against 4.9 s); a store whose shortcut and participations
    disagree gets a :class:`NetworkError`. Rows are handled as IRIs; each organisation, project
    and role is shortened to a CURIE once. The weights equal those of the full projection
    (``tests/test_network.py``).
    """
    import numpy as np
    from scipy import sparse

    filters = filters or Filters()
    cat = _Catalogue(store)
    if filters.roles:
        text, binds = _filtered("participations", filters)
        parts = _columns(_result(store, "participations", binds, text), ("org", "project", "role"))
        links: Iterable[tuple[Any, Any]] = ((o, p) for o, p, _ in parts)
        roles: Iterable[tuple[Any, Any]] = ((o, r) for o, _, r in parts)
    else:
        # whatever the roles: the links through the shortcut, the roles per organisation apart
        # (two light queries instead of the four-pattern join of every participation)
        text, binds = _filtered("participates-in", filters)
        links = _columns(_result(store, "participates-in", binds, text), ("org", "project"))
        text, binds = _filtered("organisation-roles", filters)
        roles = _columns(_result(store, "organisation-roles", binds, text), ("org", "role"))
    org_ix: dict[str, int] = {}
    proj_ix: dict[str, int] = {}
    org_terms: list[Any] = []
    proj_terms: list[Any] = []
    oi: list[int] = []
    pi: list[int] = []
    for o, p in links:
        ov, pv = o.value, p.value
        i = org_ix.get(ov)
        if i is None:
            i = org_ix[ov] = len(org_terms)
            org_terms.append(o)
        j = proj_ix.get(pv)
        if j is None:
            j = proj_ix[pv] = len(proj_terms)
            proj_terms.append(p)
        oi.append(i)
        pi.append(j)
    role_iris: list[set[str]] = [set() for _ in org_terms]
    for o, r in roles:
        i = org_ix.get(o.value)
        if i is None:
            raise NetworkError(f"organisation {_value(o)} has a selected participation but no mcn:participatesIn "
                               "link to its project: the store's answers disagree (a store loaded without the "
                               "shortcut triples?)")
        role_iris[i].add(r.value)
    missing = next((org_terms[i] for i, rs in enumerate(role_iris) if not rs), None)
    if missing is not None:
        raise NetworkError(f"organisation {_value(missing)} has an mcn:participatesIn link but no selected "
                           "participation: the store's answers disagree")
    del links, roles
    org_ids = [_value(t) for t in org_terms]
    proj_ids = [_value(t) for t in proj_terms]
    order = sorted(range(len(org_ids)), key=org_ids.__getitem__)      # nodes in CURIE order
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    role_slug = {iri: _slug(shorten_iri(iri)) for iri in {x for rs in role_iris for x in rs}}
    g = nx.Graph()
    g.graph.update({"projection": "org", "detail": "weights", "filters": filters.as_dict(),
                    "filters_text": filters.describe(), "roles": dict(sorted(cat.roles().items())),
                    "project_count": len(proj_ids)})
    if not org_ids:
        return g
    # organisation x project incidence, rows in CURIE order; a second role in a project counts once
    b = sparse.csr_matrix((np.ones(len(oi), dtype=np.int32), (rank[np.asarray(oi)], np.asarray(pi))),
                          shape=(len(org_ids), len(proj_ids)))
    b.sum_duplicates()
    b.data[:] = 1
    orgs = [org_ids[i] for i in order]
    described = cat.orgs()
    indices, indptr = b.indices.tolist(), b.indptr.tolist()     # plain ints: one conversion, not one per row
    for k, oid in enumerate(orgs):
        base = _org_description(oid, described)
        base["projects"] = sorted(proj_ids[j] for j in indices[indptr[k]:indptr[k + 1]])
        base["roles"] = sorted(role_slug[x] for x in role_iris[order[k]])
        g.add_node(oid, **base)
    shared = sparse.triu(b @ b.T, k=1, format="csr")
    shared.sort_indices()     # row-major, columns ascending: links added in (a, b) order, as the full projection
    shared = shared.tocoo()
    g.add_weighted_edges_from(zip((orgs[i] for i in shared.row.tolist()), (orgs[j] for j in shared.col.tolist()),
                                  shared.data.tolist()))
    return g


def bipartite_network(store: GraphStore, filters: Filters | None = None) -> nx.Graph:
    """Organisations (``bipartite=0``) and projects (``bipartite=1``), an edge per taking part.

    Edge attributes: ``roles`` (the organisation's roles in the project), ``weight`` (1),
    ``as_written`` (names the source writes), ``evidence`` (quotes), ``start``/``end``.
    """
    filters = filters or Filters()
    cat = _Catalogue(store)
    parts = _participations(store, filters)
    by_org: dict[str, list[tuple[str, str]]] = {}
    by_pair: dict[tuple[str, str], list[str]] = {}
    for o, p, r in parts:
        by_org.setdefault(o, []).append((p, r))
        by_pair.setdefault((o, p), []).append(r)
    g = nx.Graph()
    projects = sorted({p for _, p, _ in parts})
    _graph_meta(g, "bipartite", filters, cat, projects)
    for oid in sorted(by_org):
        g.add_node(oid, bipartite=0, **_org_node(oid, cat, by_org[oid]))
    pcat, places = cat.projects(), cat.places()
    for pid in projects:
        info = pcat.get(pid, {"label": _slug(pid), "title": _slug(pid), "start": None, "end": None,
                              "funds": [], "places": [], "place_labels": [], "countries": [], "acronym": None})
        members = sorted({o for o, p, _ in parts if p == pid})
        g.add_node(pid, bipartite=1, label=info["label"], kind="project", type="project", type_label="project",
                   title=info["title"], acronym=info["acronym"], start=info["start"], end=info["end"],
                   funds=list(info["funds"]), places=list(info["places"]), place_labels=list(info["place_labels"]),
                   countries=list(info["countries"]),
                   country=info["countries"][0] if len(info["countries"]) == 1 else None,
                   country_label=places.get("country:" + info["countries"][0], {}).get("label")
                   if len(info["countries"]) == 1 else None,
                   aliases=[info["title"]] if info["title"] != info["label"] else [],
                   projects=[pid], project_labels=[info["label"]],
                   roles=sorted({r for _, p, r in parts if p == pid}),
                   participants=len(members), evidence=[])
    ev = cat.evidence()
    for (o, p), roles in sorted(by_pair.items()):
        items = [dict(e, role=r) for r in sorted(roles) for e in ev.get((o, p, r), [])]
        g.add_edge(o, p, weight=1, roles=sorted(roles),
                   as_written=sorted({e["as_written"] for e in items if e["as_written"]}),
                   evidence=[e for e in items if e.get("quote")],
                   start=pcat.get(p, {}).get("start"), end=pcat.get(p, {}).get("end"))
    return g


def place_network(store: GraphStore, filters: Filters | None = None, *, level: str = "place",
                  origins: bool = False) -> nx.Graph:
    """Places joined by the selected projects that link them (edge ``weight`` = projects).

    Args:
        level: ``place`` keeps places as the sources state them (NUTS regions, cities,
            countries); ``country`` lifts each to its country.
        origins: also link the countries of origin a project targets to its places of action.

    Role filters do not apply (places have no roles).
    """
    if level not in PLACE_LEVELS:
        raise NetworkError(f"unknown place level {level!r} (choose {', '.join(PLACE_LEVELS)})")
    filters = filters or Filters()
    cat = _Catalogue(store)
    links_text, binds = _filtered("place-links", filters, (), {"place": _link_pattern("place", level, origins)})
    rows = _select(store, "place-links", binds, links_text)
    # the relation (action or origin) of each link, known from a second, unfiltered look-up
    by_place: dict[str, set[str]] = {}
    for r in rows:
        if r["place"] is not None:
            by_place.setdefault(_value(r["place"]), set()).add(_value(r["project"]))
    action_text, _ = _filtered("place-links", Filters(), (), {"place": _link_pattern("place", level, False)})
    action = {(_value(r["project"]), _value(r["place"])) for r in _select(store, "place-links", {}, action_text)
              if r["place"] is not None}
    g = nx.Graph()
    projects = sorted({p for ps in by_place.values() for p in ps})
    _graph_meta(g, "place", filters, cat, projects)
    g.graph["level"], g.graph["origins"] = level, origins
    places, pcat = cat.places(), cat.projects()
    for pl in sorted(by_place):
        info = dict(places.get(pl) or {"label": _slug(pl), "kind": "place", "type": "place", "type_label": "place",
                                        "country": None, "country_label": None, "region": None,
                                        "region_label": None, "aliases": []})
        ps = sorted(by_place[pl], key=lambda p: (pcat.get(p, {}).get("start") or "", p))
        info.update(projects=ps, project_labels=[pcat.get(p, {}).get("label", p) for p in ps],
                    relations=sorted({"action" if (p, pl) in action else "origin" for p in ps}),
                    roles=[], evidence=[])
        info["start"], info["end"] = _span(ps, pcat)
        g.add_node(pl, **info)
    text, binds = _filtered("place-pairs", filters, (),
                            {"a": _link_pattern("a", level, origins), "b": _link_pattern("b", level, origins)})
    projects_at = {pl: frozenset(ps) for pl, ps in by_place.items()}     # once, not per pair
    for r in sorted(_select(store, "place-pairs", binds, text), key=lambda r: (_value(r["a"]), _value(r["b"]))):
        a, b, shared = _value(r["a"]), _value(r["b"]), int(r["shared"].value)
        common = sorted(projects_at.get(a, frozenset()) & projects_at.get(b, frozenset()),
                        key=lambda p: (pcat.get(p, {}).get("start") or "", p))
        if len(common) != shared:
            raise NetworkError(f"places {a} - {b}: the store counts {shared} projects but lists {len(common)}")
        start, end = _span(common, pcat)
        g.add_edge(a, b, weight=shared, projects=common,
                   project_labels=[pcat.get(p, {}).get("label", p) for p in common], start=start, end=end)
    return g


def membership_network(store: GraphStore, filters: Filters | None = None) -> nx.DiGraph:
    """Member -> network edges (``org:Membership``), with ``role`` (member, associate) and evidence.

    With filters, a membership is kept when the member or the network takes part in a selected
    project (in a selected role).
    """
    filters = filters or Filters()
    cat = _Catalogue(store)
    parts = _participations(store, filters)
    by_org: dict[str, list[tuple[str, str]]] = {}
    for o, p, r in parts:
        by_org.setdefault(o, []).append((p, r))
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for r in _select(store, "memberships", {}):
        m, n = _value(r["member"]), _value(r["network"])
        if filters.active and m not in by_org and n not in by_org:
            continue
        e = edges.setdefault((m, n), {"roles": set(), "evidence": []})
        if r["role"] is not None:
            e["roles"].add(_slug(_value(r["role"])))
        if r["quote"] is not None:
            item = {"quote": r["quote"].value, "source": _value(r["source"])}
            if item not in e["evidence"]:
                e["evidence"].append(item)
    g = nx.DiGraph()
    orgs = sorted({x for pair in edges for x in pair})
    _graph_meta(g, "membership", filters, cat, [p for o in orgs for p, _ in by_org.get(o, [])])
    for oid in orgs:
        g.add_node(oid, **_org_node(oid, cat, by_org.get(oid, [])))
    for (m, n), e in sorted(edges.items()):
        roles = sorted(e["roles"])
        g.add_edge(m, n, weight=1, role=roles[0] if len(roles) == 1 else ", ".join(roles), roles=roles,
                   evidence=e["evidence"])
    return g


def project(store: GraphStore, projection: str = "org", filters: Filters | None = None, **options: Any) -> nx.Graph:
    """One entry point for every projection: ``org``, ``bipartite``, ``place`` or ``membership``.

    ``options`` go to the projection (``level`` and ``origins`` for ``place``).
    """
    if projection == "org":
        return organisation_network(store, filters, **options)
    if projection == "bipartite":
        return bipartite_network(store, filters, **options)
    if projection == "place":
        return place_network(store, filters, **options)
    if projection == "membership":
        return membership_network(store, filters, **options)
    raise NetworkError(f"unknown projection {projection!r} (choose {', '.join(PROJECTIONS)})")


__all__ = ["Filters", "NetworkError", "PROJECTIONS", "PLACE_LEVELS", "DETAILS", "organisation_network",
           "organisation_weights", "bipartite_network",
           "place_network", "membership_network", "project", "resolve_filters", "resolve_scheme",
           "resolve_place", "resolve_roles", "role_labels", "parse_date"]
