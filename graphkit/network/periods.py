"""Time in a projection: spells, weights per period, and the network of a period.

A project is active from ``mcn:activeFrom`` to ``mcn:activeUntil``, both days included. The
period filters of :class:`~graphkit.network.Filters` keep a project when that period overlaps
theirs; a project without both dates is never kept by a period. Everything here follows the
same rule, from one organisation projection (detail ``full``, whose links list their projects
and whose graph attribute ``projects`` gives each project's dates), without asking the store
again:

- :func:`spells`: the days an organisation or a link is alive, as the union of its projects'
  periods (merged, so that no two spells overlap or touch: Gephi refuses overlapping intervals);
- :func:`weight_spells`: a link's weight through time, the number of its projects active on
  each day, as consecutive intervals with a constant count;
- :func:`network_in_period`: the projection as :func:`~graphkit.network.organisation_network`
  gives it with the period filter (``--year``, ``--from``/``--to``): the organisations with a
  project active in the period, the links with a shared project active in it, weights, projects,
  roles and dates recomputed. ``tests/test_periods.py`` compares it with the SPARQL projection
  of each year;
- :func:`networks_by_period`: that network for each year of a range, or as of each year
  (every project started by its end, the ties never expiring).

Example::

    from graphkit.store import EmbeddedStore
    from graphkit.network import organisation_network, network_in_period
    g = organisation_network(EmbeddedStore.from_build())
    g2017 = network_in_period(g, "2017-01-01", "2017-12-31")   # = organisation_network(store, Filters.of_year(2017))
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Mapping

import networkx as nx

from graphkit.network.catalogue import span
from graphkit.network.filters import NetworkError

Period = tuple[date, date]
DAY = timedelta(days=1)


def _day(value: str | date | int, *, end: bool = False) -> date:
    """A day from an ISO date, a date, or a year (its first day, or with ``end`` its last)."""
    if isinstance(value, date):
        return value
    if isinstance(value, int) or (isinstance(value, str) and len(value) == 4 and value.isdigit()):
        return date(int(value), 12, 31) if end else date(int(value), 1, 1)
    return date.fromisoformat(str(value)[:10])


def project_periods(g: nx.Graph) -> dict[str, Period]:
    """The active period (first day, last day) of each project of ``g``'s catalogue (graph
    attribute ``projects``) that has both dates; undated projects are left out, as the period
    filters leave them out."""
    out: dict[str, Period] = {}
    for p, info in g.graph.get("projects", {}).items():
        if info.get("start") and info.get("end"):
            out[p] = (_day(info["start"]), _day(info["end"]))
    return out


def spells(projects: Iterable[str], periods: Mapping[str, Period]) -> list[Period]:
    """The days on which at least one of ``projects`` is active, as sorted, disjoint periods
    (periods that overlap or touch are merged; undated projects are ignored).

    >>> p = {"a": (date(2010, 1, 1), date(2010, 12, 31)), "b": (date(2011, 1, 1), date(2011, 3, 31)),
    ...      "c": (date(2013, 9, 30), date(2014, 6, 30))}
    >>> [(s.isoformat(), e.isoformat()) for s, e in spells(["c", "a", "b"], p)]
    [('2010-01-01', '2011-03-31'), ('2013-09-30', '2014-06-30')]
    """
    out: list[list[date]] = []
    for s, e in sorted(periods[p] for p in set(projects) if p in periods):
        if out and s <= out[-1][1] + DAY:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def weight_spells(projects: Iterable[str], periods: Mapping[str, Period]) -> list[tuple[int, date, date]]:
    """How many of ``projects`` are active, day by day: ``(count, first day, last day)`` for each
    run of days with the same count above zero, in order.

    >>> p = {"a": (date(2017, 1, 1), date(2017, 12, 31)), "b": (date(2017, 5, 15), date(2018, 5, 31))}
    >>> [(n, s.isoformat(), e.isoformat()) for n, s, e in weight_spells(["a", "b"], p)]
    [(1, '2017-01-01', '2017-05-14'), (2, '2017-05-15', '2017-12-31'), (1, '2018-01-01', '2018-05-31')]
    """
    changes: dict[date, int] = {}
    for p in set(projects):
        if p in periods:
            s, e = periods[p]
            changes[s] = changes.get(s, 0) + 1
            changes[e + DAY] = changes.get(e + DAY, 0) - 1
    out: list[tuple[int, date, date]] = []
    count = 0
    days = sorted(changes)
    for i, d in enumerate(days[:-1]):
        count += changes[d]
        if count > 0:
            last = days[i + 1] - DAY
            if out and out[-1][0] == count and out[-1][2] + DAY == d:
                out[-1] = (count, out[-1][1], last)
            else:
                out.append((count, d, last))
    return out


def active_projects(g: nx.Graph, start: str | date | int | None, end: str | date | int | None) -> set[str]:
    """The projects of ``g``'s catalogue whose active period overlaps ``start`` .. ``end`` (either
    may be None: open), as the period filters select them."""
    s = _day(start) if start is not None else date.min
    e = _day(end, end=True) if end is not None else date.max
    if e < s:
        raise NetworkError(f"the period ends ({e}) before it starts ({s})")
    return {p for p, (ps, pe) in project_periods(g).items() if ps <= e and pe >= s}


def network_in_period(g: nx.Graph, start: str | date | int | None, end: str | date | int | None) -> nx.Graph:
    """The organisation projection ``g`` (detail ``full``) restricted to the projects active at some
    time between ``start`` and ``end`` (days included; a year stands for its first or last day):
    the network ``organisation_network`` gives with the same period filter.

    Organisations keep the participations, projects, roles and evidence of those projects (and
    go when none is left); links keep their shared projects among them (and go when none is
    left), with ``weight``, ``roles`` and ``start``/``end`` recomputed. The graph attribute
    ``period`` records the period.

    Raises:
        NetworkError: ``g`` is not an organisation projection with its project catalogue.
    """
    if g.graph.get("projection", "org") != "org" or g.graph.get("detail") == "weights" or "projects" not in g.graph:
        raise NetworkError("the network of a period needs the organisation projection with its projects "
                           "(organisation_network(store, filters), detail 'full')")
    keep = active_projects(g, start, end)
    pcat = g.graph["projects"]
    h = g.__class__()
    h.graph.update(g.graph)
    h.graph["projects"] = {p: v for p, v in pcat.items() if p in keep}
    s = _day(start).isoformat() if start is not None else None
    e = _day(end, end=True).isoformat() if end is not None else None
    h.graph["period"] = (s, e)
    h.graph["filters_text"] = (f"{g.graph.get('filters_text', '')}; active {s or '…'}..{e or '…'}").lstrip("; ")
    for n, d in g.nodes(data=True):
        projects = [p for p in d.get("projects", []) if p in keep]
        if not projects:
            continue
        a = dict(d)
        a["projects"] = projects
        labels = dict(zip(d.get("projects", []), d.get("project_labels", [])))
        if "project_labels" in d:
            a["project_labels"] = [labels.get(p, p) for p in projects]
        if "participations" in d:
            a["participations"] = [x for x in d["participations"] if x["project"] in keep]
            a["roles"] = sorted({x["role"] for x in a["participations"]})
        if "evidence" in d:
            a["evidence"] = [x for x in d["evidence"] if not x.get("project") or x["project"] in keep]
        if "start" in d or "end" in d:
            a["start"], a["end"] = span(projects, pcat)
        h.add_node(n, **a)
    for u, v, d in g.edges(data=True):
        projects = [p for p in d.get("projects", []) if p in keep]
        if not projects:
            continue
        a = dict(d)
        labels = dict(zip(d.get("projects", []), d.get("project_labels", [])))
        a.update(weight=len(projects), projects=projects, project_labels=[labels.get(p, p) for p in projects],
                 roles={p: r for p, r in d.get("roles", {}).items() if p in keep})
        a["start"], a["end"] = span(projects, pcat)
        h.add_edge(u, v, **a)
    return h


def year_range(g: nx.Graph) -> list[int]:
    """Every year from the first project's start to the last project's end (dated projects of
    ``g``'s catalogue), years without a project included."""
    periods = project_periods(g).values()
    if not periods:
        return []
    return list(range(min(s for s, _ in periods).year, max(e for _, e in periods).year + 1))


def networks_by_period(g: nx.Graph, years: Iterable[int] | None = None, *,
                       cumulative: bool = False) -> dict[int, nx.Graph]:
    """:func:`network_in_period` for each year (default: :func:`year_range`): the network of the
    year (projects active at some time in it) or, with ``cumulative``, the network as of the
    year (every project started by 31 December; ties do not expire)."""
    out = {}
    for y in (years if years is not None else year_range(g)):
        y = int(y)
        out[y] = _as_of(g, y) if cumulative else network_in_period(g, date(y, 1, 1), date(y, 12, 31))
    return out


def _as_of(g: nx.Graph, year: int) -> nx.Graph:
    """Every project that had started by the end of ``year`` (dated; ties do not expire)."""
    h = network_in_period(g, None, date(year, 12, 31))
    h.graph["period"] = (None, f"{year}-12-31")
    h.graph["filters_text"] = (f"{g.graph.get('filters_text', '')}; projects started by {year}-12-31").lstrip("; ")
    return h


def metrics_by_period(g: nx.Graph, metrics: Iterable[str] | None = None, years: Iterable[int] | None = None, *,
                      cumulative: bool = False, seed: int = 0, group: str = "country",
                      digits: int | None = None) -> list[dict[str, Any]]:
    """The metrics of :func:`graphkit.metrics.node_table`, recomputed on the network of each year
    (or as of each year, with ``cumulative``): one row per year and organisation of that year's
    network, with a ``year`` column first; rows by year, then as ``node_table`` sorts them."""
    from graphkit.metrics import node_table

    rows = []
    for y, h in networks_by_period(g, years, cumulative=cumulative).items():
        for r in node_table(h, list(metrics) if metrics else None, seed=seed, group=group, digits=digits):
            rows.append({"year": y, **r})
    return rows


__all__ = ["project_periods", "spells", "weight_spells", "active_projects", "network_in_period", "year_range",
           "networks_by_period", "metrics_by_period"]
