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
``.rq`` files in ``queries/network/``; a filter inserts one of a few fixed SPARQL patterns at a
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

from typing import Any, Iterable

import networkx as nx

from graphkit.network.catalogue import Catalogue, org_description, org_node, span
from graphkit.network.filters import (
    DETAILS, PLACE_LEVELS, PROJECTIONS, Filters, InconsistentAnswers, NetworkError, columns, filtered_query,
    link_pattern, plain_value, query_result, select_rows, shorten_iri, slug_of,
)
from graphkit.store import GraphStore


def participations(store: GraphStore, filters: Filters) -> list[tuple[str, str, str]]:
    """Every selected participation as (organisation, project, role slug), sorted: the projects and
    roles that ``filters`` keep."""
    text, binds = filtered_query("participations", filters)
    return sorted({(plain_value(r["org"]), plain_value(r["project"]), slug_of(plain_value(r["role"])))
                   for r in select_rows(store, "participations", binds, text)})


def graph_meta(g: nx.Graph, name: str, filters: Filters, cat: Catalogue, projects: Iterable[str]) -> None:
    """Set the graph attributes of projection ``name``: the filters (as values and as text), the
    role labels and the description of each of ``projects`` found in the catalogue."""
    pcat = cat.projects()
    g.graph.update({
        "projection": name,
        "filters": filters.as_dict(),
        "filters_text": filters.describe(),
        "roles": dict(sorted(cat.roles().items())),
        "projects": {p: pcat[p] for p in sorted(set(projects)) if p in pcat},
    })


# the description of an organisation the catalogue does not describe (its label: the id's slug)

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
    cat = Catalogue(store)
    parts = participations(store, filters)
    by_org: dict[str, list[tuple[str, str]]] = {}
    roles_of: dict[tuple[str, str], list[str]] = {}
    for o, p, r in parts:
        by_org.setdefault(o, []).append((p, r))
        roles_of.setdefault((o, p), []).append(r)
    g = nx.Graph()
    graph_meta(g, "org", filters, cat, (p for _, p, _ in parts))
    for oid in sorted(by_org):
        g.add_node(oid, **org_node(oid, cat, by_org[oid]))
    name = "organisation-pairs" if filters.roles else "organisation-pairs-any-role"
    text, binds = filtered_query(name, filters, ("role_a", "role_b"))
    pairs = sorted((plain_value(r["a"]), plain_value(r["b"]), int(r["shared"].value)) for r in select_rows(store, name, binds, text))
    # computed once, not per pair: a hub of 100,000 projects has tens of thousands of partners
    pcat = cat.projects()
    order = {p: (pcat.get(p, {}).get("start") or "", p) for p in {p for _, p, _ in parts}}
    projects_of = {o: frozenset(p for p, _ in ps) for o, ps in by_org.items()}
    for roles in roles_of.values():
        roles.sort()
    for a, b, shared in pairs:
        if a not in projects_of or b not in projects_of:
            raise InconsistentAnswers(f"pair {a} - {b} has no selected participation: the store's answers disagree")
        pa, pb = projects_of[a], projects_of[b]
        common = sorted(pa & pb if len(pa) <= len(pb) else pb & pa, key=order.__getitem__)
        if len(common) != shared:
            raise InconsistentAnswers(f"pair {a} - {b}: the store counts {shared} shared projects but lists {len(common)} "
                               "(a truncated or inconsistent answer)")
        start, end = span(common, pcat)
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
    cat = Catalogue(store)
    if filters.roles:
        text, binds = filtered_query("participations", filters)
        parts = columns(query_result(store, "participations", binds, text), ("org", "project", "role"))
        links: Iterable[tuple[Any, Any]] = ((o, p) for o, p, _ in parts)
        roles: Iterable[tuple[Any, Any]] = ((o, r) for o, _, r in parts)
    else:
        # whatever the roles: the links through the shortcut, the roles per organisation apart
        # (two light queries instead of the four-pattern join of every participation)
        text, binds = filtered_query("participates-in", filters)
        links = columns(query_result(store, "participates-in", binds, text), ("org", "project"))
        text, binds = filtered_query("organisation-roles", filters)
        roles = columns(query_result(store, "organisation-roles", binds, text), ("org", "role"))
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
            raise InconsistentAnswers(f"organisation {plain_value(o)} has a selected participation but no mcn:participatesIn "
                               "link to its project: the store's answers disagree (a store loaded without the "
                               "shortcut triples?)")
        role_iris[i].add(r.value)
    missing = next((org_terms[i] for i, rs in enumerate(role_iris) if not rs), None)
    if missing is not None:
        raise InconsistentAnswers(f"organisation {plain_value(missing)} has an mcn:participatesIn link but no selected "
                           "participation: the store's answers disagree")
    del links, roles
    org_ids = [plain_value(t) for t in org_terms]
    proj_ids = [plain_value(t) for t in proj_terms]
    order = sorted(range(len(org_ids)), key=org_ids.__getitem__)      # nodes in CURIE order
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    role_slug = {iri: slug_of(shorten_iri(iri)) for iri in {x for rs in role_iris for x in rs}}
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
        base = org_description(oid, described)
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
    cat = Catalogue(store)
    parts = participations(store, filters)
    by_org: dict[str, list[tuple[str, str]]] = {}
    by_pair: dict[tuple[str, str], list[str]] = {}
    by_project: dict[str, tuple[set[str], set[str]]] = {}     # members and roles, once (not a scan per project)
    for o, p, r in parts:
        by_org.setdefault(o, []).append((p, r))
        by_pair.setdefault((o, p), []).append(r)
        members_roles = by_project.setdefault(p, (set(), set()))
        members_roles[0].add(o)
        members_roles[1].add(r)
    g = nx.Graph()
    projects = sorted(by_project)
    graph_meta(g, "bipartite", filters, cat, projects)
    for oid in sorted(by_org):
        g.add_node(oid, bipartite=0, **org_node(oid, cat, by_org[oid]))
    pcat, places = cat.projects(), cat.places()
    for pid in projects:
        info = pcat.get(pid, {"label": slug_of(pid), "title": slug_of(pid), "start": None, "end": None,
                              "funds": [], "places": [], "place_labels": [], "countries": [], "acronym": None})
        members = sorted(by_project[pid][0])
        g.add_node(pid, bipartite=1, label=info["label"], kind="project", type="project", type_label="project",
                   title=info["title"], acronym=info["acronym"], start=info["start"], end=info["end"],
                   funds=list(info["funds"]), places=list(info["places"]), place_labels=list(info["place_labels"]),
                   countries=list(info["countries"]),
                   country=info["countries"][0] if len(info["countries"]) == 1 else None,
                   country_label=places.get("country:" + info["countries"][0], {}).get("label")
                   if len(info["countries"]) == 1 else None,
                   aliases=[info["title"]] if info["title"] != info["label"] else [],
                   projects=[pid], project_labels=[info["label"]],
                   roles=sorted(by_project[pid][1]),
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
    cat = Catalogue(store)
    links_text, binds = filtered_query("place-links", filters, (), {"place": link_pattern("place", level, origins)})
    rows = select_rows(store, "place-links", binds, links_text)
    # the relation (action or origin) of each link, known from a second, unfiltered look-up
    by_place: dict[str, set[str]] = {}
    for r in rows:
        if r["place"] is not None:
            by_place.setdefault(plain_value(r["place"]), set()).add(plain_value(r["project"]))
    action_text, _ = filtered_query("place-links", Filters(), (), {"place": link_pattern("place", level, False)})
    action = {(plain_value(r["project"]), plain_value(r["place"])) for r in select_rows(store, "place-links", {}, action_text)
              if r["place"] is not None}
    g = nx.Graph()
    projects = sorted({p for ps in by_place.values() for p in ps})
    graph_meta(g, "place", filters, cat, projects)
    g.graph["level"], g.graph["origins"] = level, origins
    places, pcat = cat.places(), cat.projects()
    for pl in sorted(by_place):
        info = dict(places.get(pl) or {"label": slug_of(pl), "kind": "place", "type": "place", "type_label": "place",
                                        "country": None, "country_label": None, "region": None,
                                        "region_label": None, "aliases": []})
        ps = sorted(by_place[pl], key=lambda p: (pcat.get(p, {}).get("start") or "", p))
        info.update(projects=ps, project_labels=[pcat.get(p, {}).get("label", p) for p in ps],
                    relations=sorted({"action" if (p, pl) in action else "origin" for p in ps}),
                    roles=[], evidence=[])
        info["start"], info["end"] = span(ps, pcat)
        g.add_node(pl, **info)
    text, binds = filtered_query("place-pairs", filters, (),
                            {"a": link_pattern("a", level, origins), "b": link_pattern("b", level, origins)})
    projects_at = {pl: frozenset(ps) for pl, ps in by_place.items()}     # once, not per pair
    for r in sorted(select_rows(store, "place-pairs", binds, text), key=lambda r: (plain_value(r["a"]), plain_value(r["b"]))):
        a, b, shared = plain_value(r["a"]), plain_value(r["b"]), int(r["shared"].value)
        common = sorted(projects_at.get(a, frozenset()) & projects_at.get(b, frozenset()),
                        key=lambda p: (pcat.get(p, {}).get("start") or "", p))
        if len(common) != shared:
            raise InconsistentAnswers(f"places {a} - {b}: the store counts {shared} projects but lists {len(common)}")
        start, end = span(common, pcat)
        g.add_edge(a, b, weight=shared, projects=common,
                   project_labels=[pcat.get(p, {}).get("label", p) for p in common], start=start, end=end)
    return g


def membership_network(store: GraphStore, filters: Filters | None = None) -> nx.DiGraph:
    """Member -> network edges (``org:Membership``), with ``role`` (member, associate) and evidence.

    With filters, a membership is kept when the member or the network takes part in a selected
    project (in a selected role).
    """
    filters = filters or Filters()
    cat = Catalogue(store)
    parts = participations(store, filters)
    by_org: dict[str, list[tuple[str, str]]] = {}
    for o, p, r in parts:
        by_org.setdefault(o, []).append((p, r))
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for r in select_rows(store, "memberships", {}):
        m, n = plain_value(r["member"]), plain_value(r["network"])
        if filters.active and m not in by_org and n not in by_org:
            continue
        e = edges.setdefault((m, n), {"roles": set(), "evidence": []})
        if r["role"] is not None:
            e["roles"].add(slug_of(plain_value(r["role"])))
        if r["quote"] is not None:
            item = {"quote": r["quote"].value, "source": plain_value(r["source"])}
            if item not in e["evidence"]:
                e["evidence"].append(item)
    g = nx.DiGraph()
    orgs = sorted({x for pair in edges for x in pair})
    graph_meta(g, "membership", filters, cat, [p for o in orgs for p, _ in by_org.get(o, [])])
    for oid in orgs:
        g.add_node(oid, **org_node(oid, cat, by_org.get(oid, [])))
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

