"""Studies: the questions the notebooks in ``notebooks/`` ask, each a function of a store.

A notebook answers one research question in a few calls; the logic lives here, tested against
the five source pages (``tests/test_studies.py``). Every function reads the graph through the
public projections of :mod:`graphkit.network` (which read it through SPARQL), the named queries,
or the queries in ``graphkit/resources/queries/studies/``, and returns plain data: pandas DataFrames, dicts of
networkx graphs, or a :class:`Passage`.

Setting up (the first cell of every notebook)::

    from graphkit import studies
    store = studies.study_store()          # the curated sources of the build (built if missing)
    out = studies.output_dir()             # build/notebooks/, where figures and maps go

Three families:

- the tour: :func:`named_queries`, :func:`graph_contents`, :func:`participants_by_role`,
  :func:`source_passage` (a quote back in its page);
- networks over time: :func:`participation_matrix`, :func:`transitions`,
  :func:`networks_by_year`, :func:`network_sizes`, :func:`centrality_over_time`,
  :func:`country_brokers`, :func:`brokerage_by_year` (per year and cumulative, side by side);
- funds and geography: :func:`project_funding`, :func:`project_regions`,
  :func:`funds_by_region`, :func:`public_bodies`, :func:`target_countries_by_funding`.

Projects are named by :func:`short_label`: the acronym, else the title up to its first colon
(the Khouribga project has no acronym: "Khouribga").
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, replace
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from graphkit import paths
from graphkit.queries import QUERY_DIR, list_queries, plain_rows, run_query

if TYPE_CHECKING:  # pandas and networkx are imported where they are used
    import networkx as nx
    import pandas as pd

    from graphkit.store import GraphStore

STUDY_QUERY_DIR = QUERY_DIR / "studies"
BUILD_ENV = "GRAPHKIT_BUILD"            # where the notebooks read the build (default build/graph)
OUTPUT_ENV = "GRAPHKIT_NOTEBOOK_OUT"    # where they write figures and maps (default build/notebooks)
DATA_ENV = "GRAPHKIT_DATA"              # where they read the records (default data/)
# The defaults are those of the project folder: the working folder, or the nearest of its parents
# with a data/ folder (Jupyter runs a notebook in its own folder, notebooks/ of the project).
# The first tier of regional government is NUTS 2 in most countries (Italian regioni, Spanish
# comunidades autónomas) but NUTS 1 in France since 2016 (the 13 régions), Germany (Länder) and
# Belgium (regions). Countries are ISO 3166 alpha-3 codes.
ADMIN_REGION_LEVEL: dict[str, int] = {"FRA": 1, "DEU": 1, "BEL": 1}
DEFAULT_REGION_LEVEL = 2
# Roles whose holder pays for a project rather than carrying it out.
FUNDING_ROLES = ("funder", "co-funder")


# ---------------------------------------------------------------------------------------- setting up

def study_build_dir(build_dir: Path | str | None = None) -> Path:
    """The build the notebooks read: ``build_dir``, else ``$GRAPHKIT_BUILD``, else ``build/graph``
    of the project folder (the working folder or the nearest parent with ``data/``)."""
    if build_dir is not None:
        return Path(build_dir)
    env = os.environ.get(BUILD_ENV)
    return Path(env) if env else paths.build_dir(parents=True)


def study_data_dir(data_dir: Path | str | None = None) -> Path:
    """The records the notebooks read: ``data_dir``, else ``$GRAPHKIT_DATA``, else ``data/`` of
    the working folder or of the nearest parent that has one (an error naming --data if none)."""
    if data_dir is not None:
        return Path(data_dir)
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else paths.data_dir(parents=True)


def output_dir(build_dir: Path | str | None = None) -> Path:
    """Where a notebook writes its figures and maps: ``build_dir``, else ``$GRAPHKIT_NOTEBOOK_OUT``,
    else ``build/notebooks`` of the project folder (created)."""
    env = os.environ.get(OUTPUT_ENV)
    out = Path(build_dir) if build_dir is not None else (Path(env) if env else paths.notebooks_dir(parents=True))
    out.mkdir(parents=True, exist_ok=True)
    return out


def study_store(build_dir: Path | str | None = None, *, build_if_missing: bool = True):
    """The curated sources of the build (the five pages, with registry, reference and ontology
    graphs) in an embedded store, building the records first when there is no build yet.

    Imported datasets (``graphkit build --with-imports``) are left out: the studies are about the
    projects of the curated pages, and their numbers are checked against those pages.
    """
    from graphkit.builder import DATASET_NQUADS, build
    from graphkit.store.sources import SEEDS, open_sources

    out = study_build_dir(build_dir)
    if not (out / DATASET_NQUADS).exists():
        if not build_if_missing:
            raise FileNotFoundError(f"{out / DATASET_NQUADS} does not exist: run `graphkit build` first")
        build(study_data_dir(), out)
    return open_sources(out, [SEEDS])


def _study_query(name: str) -> Path:
    return STUDY_QUERY_DIR / f"{name}.rq"


def _df(rows: list[dict[str, Any]], columns: Sequence[str]) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns))


def short_label(acronym: str | None, title: str | None) -> str:
    """A project's short name: its acronym, else its title up to the first colon.

    >>> short_label(None, "Khouribga: dal lavoro informale al lavoro formale")
    'Khouribga'
    >>> short_label("IMPRA", "IMPRA – Imprenditoria Migrante")
    'IMPRA'
    """
    if acronym:
        return acronym
    return (title or "").split(":", 1)[0].strip()


def _catalogue(g: "nx.Graph") -> dict[str, dict[str, Any]]:
    """The selected projects of a projection (graph attribute ``projects``) with short labels,
    ordered by start date."""
    projects = g.graph.get("projects", {})
    out = {}
    for pid, info in sorted(projects.items(), key=lambda kv: (kv[1].get("start") or "", kv[0])):
        out[pid] = dict(info, short=short_label(info.get("acronym"), info.get("title")))
    return out


def _filters(store: "GraphStore", *, place: str | None = None, roles: str | Sequence[str] | None = None,
             fund: str | None = None):
    from graphkit.network import resolve_filters

    return resolve_filters(store, place=place, roles=roles, fund=fund)


# ---------------------------------------------------------------------------------------- the tour

def named_queries() -> "pd.DataFrame":
    """The named queries: ``name``, ``summary``, ``params`` (``name (type)``, comma-separated)."""
    rows = [{"name": q.name, "summary": q.summary,
             "params": ", ".join(f"{p.name} ({p.type})" for p in q.params)} for q in list_queries()]
    return _df(rows, ["name", "summary", "params"])


_GRAPH_CONTENTS = {
    "graph:ontology": "the ontology and its SKOS vocabularies (roles, organisation types, themes, ...)",
    "graph:reference": "NUTS regions, countries and Italian municipalities (reference tables)",
    "graph:registry": "organisations, funding schemes and places (the curated registries)",
}


def graph_contents(store: "GraphStore") -> "pd.DataFrame":
    """The named graphs of the store: ``graph``, ``triples``, ``holds`` (what the graph is for).

    Each source document has its own graph (``graph:source/impra``): what that page states.
    """
    res = store.select("SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } "
                       "GROUP BY ?graph ORDER BY ?graph")
    rows = []
    for r in plain_rows(res):
        g = r["graph"]
        holds = _GRAPH_CONTENTS.get(g)
        if holds is None and g.startswith("graph:source/"):
            holds = f"what the source page '{g.split('/', 1)[1]}' states, with its quotes"
        rows.append({"graph": g, "triples": r["triples"], "holds": holds or ""})
    return _df(rows, ["graph", "triples", "holds"])


def participants_by_role(store: "GraphStore") -> "pd.DataFrame":
    """How many organisations take part in each project in each role: one row per project
    (short label, in order of start), one column per role (English label), and ``total``
    (distinct organisations)."""
    import pandas as pd

    from graphkit.network import bipartite_network, role_labels

    g = bipartite_network(store)
    cat = _catalogue(g)
    labels = role_labels(store)
    counts: dict[str, dict[str, int]] = {cat[p]["short"]: {} for p in cat}
    for u, v, d in g.edges(data=True):
        pid = u if u in cat else v
        for role in d["roles"]:
            row = counts[cat[pid]["short"]]
            row[labels.get(role, role)] = row.get(labels.get(role, role), 0) + 1
    df = pd.DataFrame.from_dict(counts, orient="index").fillna(0).astype(int)
    df = df[sorted(df.columns, key=lambda c: (-df[c].sum(), c))]
    df["total"] = [sum(1 for _ in g.neighbors(p)) for p in cat]
    df.index.name = "project"
    return df


@dataclass(frozen=True)
class Passage:
    """A quote found in its source document, with the lines around it.

    Attributes:
        source: the source document (CURIE); ``title`` its first line; ``file`` its text file
            under ``data/sources/``.
        line: the (1-based) line of the file where the quote starts.
        lines: the passage shown (the quote's lines and ``context`` non-empty lines either
            side), white space collapsed; ``numbers`` their line numbers in the file.
        quote: the quote; ``spans`` where it lies: (index in ``lines``, start, end) per line.
    """

    source: str
    title: str
    file: str
    line: int
    lines: tuple[str, ...]
    numbers: tuple[int, ...]
    quote: str
    spans: tuple[tuple[int, int, int], ...]

    @property
    def text(self) -> str:
        """The passage as plain text, one line per line of the file."""
        return "\n".join(self.lines)

    def marked(self, before: str = "»", after: str = "«") -> list[str]:
        """The lines with the quote between ``before`` and ``after`` (inserted as given)."""
        out = []
        for i, text in enumerate(self.lines):
            for j, a, b in reversed(self.spans):
                if j == i:
                    text = text[:a] + before + text[a:b] + after + text[b:]
            out.append(text)
        return out

    def __str__(self) -> str:
        return f"{self.source} ({self.file}, line {self.line}):\n" + "\n".join(
            f"{n:>4}  {text}" for n, text in zip(self.numbers, self.marked()))

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:   # IPython's plain-text display
        p.text(str(self))

    def _repr_html_(self) -> str:
        e = html.escape
        body = []
        for i, (n, text) in enumerate(zip(self.numbers, self.lines)):
            parts, pos = [], 0
            for j, a, b in self.spans:
                if j == i:
                    parts += [e(text[pos:a]), "<mark>", e(text[a:b]), "</mark>"]
                    pos = b
            parts.append(e(text[pos:]))
            body.append(f"<div><span style='color:#888'>{n:>4}</span> {''.join(parts)}</div>")
        return ("<div style='border-left:3px solid #4a7;padding-left:.6em'>"
                f"<div><b>{e(self.source)}</b> · {e(self.file)}, line {self.line} · <i>{e(self.title)}</i></div>"
                + "".join(body) + "</div>")


def source_passage(store: "GraphStore", source: str, quote: str, *, context: int = 1,
                   data_dir: Path | str | None = None) -> Passage:
    """Follow a quote back to its source: the lines of the source document that hold it.

    White space is compared collapsed, as the record loader does when it checks that every quote
    occurs in its source. A quote of several spans (``"Partner: … CISV"``) is followed span by span,
    each marked where it occurs after the one before. ``source`` is the source document (``source:impra`` or its IRI), as the
    named query ``organisation-evidence`` returns it.

    The source's text is read from ``data_dir`` (default: :func:`study_data_dir`).

    Raises:
        LookupError: the store has no such source document, or the quote is not in its text.
    """
    from graphkit.records import QUOTE_JOINER, normalise_space

    rows = plain_rows(run_query(store, _study_query("source-document"), {"source": source}))
    if not rows:
        raise LookupError(f"no source document {source!r} in the store")
    doc = rows[0]
    lines = [normalise_space(x) for x in (study_data_dir(data_dir) / "sources" / doc["file"]).read_text(
        encoding="utf-8").splitlines()]
    # the non-empty lines joined by one space, with the offset where each starts
    starts: list[tuple[int, int]] = []
    pos = 0
    for i, text in enumerate(lines):
        if text:
            starts.append((pos, i))
            pos += len(text) + 1
    joined = " ".join(lines[i] for _, i in starts)
    q = normalise_space(quote)
    # A quote of several spans ("Partner: … CISV", decision 0019): each span, after the one before.
    pieces = [q] if q in joined or QUOTE_JOINER not in q else q.split(QUOTE_JOINER)
    found: list[tuple[int, int]] = []
    pos = 0
    for piece in pieces:
        at = joined.find(piece, pos) if piece else -1
        if at < 0:
            raise LookupError(f"the quote {quote!r} does not occur in {doc['file']}")
        pos = at + len(piece)
        found.append((at, pos))
    hits = [(i, max(at, s) - s, min(end, s + len(lines[i])) - s)      # (line, start, end) of each piece
            for at, end in found for s, i in starts if s < end and at < s + len(lines[i])]
    shown = [i for _, i in starts]
    first, last = shown.index(hits[0][0]), shown.index(hits[-1][0])
    keep = shown[max(0, first - context): last + context + 1]
    return Passage(source=doc["source"], title=doc["title"], file=doc["file"], line=hits[0][0] + 1,
                   lines=tuple(lines[i] for i in keep), numbers=tuple(i + 1 for i in keep), quote=quote,
                   spans=tuple((keep.index(i), a, b) for i, a, b in hits))


# ---------------------------------------------------------------------------------------- networks over time

def participation_matrix(store: "GraphStore", *, place: str | None = None,
                         roles: str | Sequence[str] | None = None, fund: str | None = None) -> "pd.DataFrame":
    """Who took part in which project, in which role: one row per organisation, one column per
    project (short label, in order of start) holding its role(s) there ("" when absent).

    Also ``label`` (acronym or name), ``name``, ``country`` (ISO alpha-3), ``type`` (label) and
    ``projects`` (how many of the selected projects). Rows are sorted by ``projects``
    (descending), then by the first project, then by label. Filters as in
    :func:`graphkit.network.resolve_filters` (``place="Piemonte"``, ``roles="lead,partner"``).
    """
    from graphkit.network import bipartite_network

    g = bipartite_network(store, _filters(store, place=place, roles=roles, fund=fund))
    cat = _catalogue(g)
    order = list(cat)
    rows = []
    for n, d in g.nodes(data=True):
        if d.get("kind") != "organisation":
            continue
        row = {"org": n, "label": d.get("acronym") or d.get("label"), "name": d.get("label"),
               "country": d.get("country"), "type": d.get("type_label")}
        for p in order:
            row[cat[p]["short"]] = "/".join(g.edges[n, p]["roles"]) if g.has_edge(n, p) else ""
        row["projects"] = sum(1 for p in order if g.has_edge(n, p))
        row["_first"] = min(order.index(p) for p in order if g.has_edge(n, p))
        rows.append(row)
    rows.sort(key=lambda r: (-r["projects"], r["_first"], str(r["label"]).lower()))
    cols = ["org", "label", "name", "country", "type", *(cat[p]["short"] for p in order), "projects"]
    df = _df(rows, cols).set_index("org")
    df.attrs["projects"] = [cat[p]["short"] for p in order]
    df.attrs["project_ids"] = order
    return df


def transitions(matrix: "pd.DataFrame", projects: Sequence[str] | None = None) -> "pd.DataFrame":
    """From each project to the next (columns of :func:`participation_matrix`, in order): who
    stayed, who joined, who of the joiners had taken part in an earlier project (returned), and
    who left.

    One row per step: ``from``, ``to``, the counts ``stayed``, ``joined``, ``returned``, ``left``,
    ``before`` and ``after`` (organisations in each project), and the lists of labels
    ``stayed_orgs``, ``joined_orgs``, ``returned_orgs``, ``left_orgs``.
    """
    cols = list(projects or matrix.attrs.get("projects") or [])

    def names(ids: set[str]) -> list[str]:
        return sorted((str(matrix.at[i, "label"]) for i in ids), key=str.lower)

    rows = []
    earlier: set[str] = set()          # in a project before the step's first one
    for a, b in zip(cols, cols[1:]):
        before = set(matrix.index[matrix[a] != ""])
        after = set(matrix.index[matrix[b] != ""])
        stayed, joined, left = before & after, after - before, before - after
        returned = joined & earlier
        earlier |= before
        rows.append({"from": a, "to": b, "before": len(before), "after": len(after),
                     "stayed": len(stayed), "joined": len(joined), "returned": len(returned), "left": len(left),
                     "stayed_orgs": names(stayed), "joined_orgs": names(joined),
                     "returned_orgs": names(returned), "left_orgs": names(left)})
    return _df(rows, ["from", "to", "before", "after", "stayed", "joined", "returned", "left",
                      "stayed_orgs", "joined_orgs", "returned_orgs", "left_orgs"])


def networks_by_year(store: "GraphStore", years: Iterable[int], *, place: str | None = None,
                     roles: str | Sequence[str] | None = None, fund: str | None = None,
                     cumulative: bool = True) -> dict[int, "nx.Graph"]:
    """The organisation network (:func:`graphkit.network.organisation_network`) of each year.

    With ``cumulative`` (default) the network *as of* the year: every selected project that had
    started by 31 December of that year (ties do not expire); otherwise the network of the year:
    the projects active at some time in it (a year with none gives an empty graph).
    """
    from graphkit.network import organisation_network

    base = _filters(store, place=place, roles=roles, fund=fund)
    out = {}
    for y in years:
        y = int(y)
        f = replace(base, start=None if cumulative else date(y, 1, 1), end=date(y, 12, 31))
        g = organisation_network(store, f)
        if cumulative:   # say "started by", not a period from year 1 (the map's subtitle shows this)
            g.graph["filters_text"] = re.sub(r"period \d{4}-\d{2}-\d{2}\.\.", "projects started by ",
                                             g.graph.get("filters_text", ""))
        out[y] = g
    return out


def network_sizes(store: "GraphStore", years: Iterable[int], *, place: str | None = None,
                  roles: str | Sequence[str] | None = None, fund: str | None = None) -> "pd.DataFrame":
    """Year by year: the network of the year (projects active in it) and the network as of the
    year (every project started by its end). One row per year: ``projects_active``,
    ``organisations_active``, ``links_active``, ``projects_to_date``, ``organisations_to_date``,
    ``links_to_date``, ``density_to_date`` (links / possible links) and ``active`` (the short
    labels of the projects active in the year)."""
    import networkx as nx

    years = [int(y) for y in years]
    active = networks_by_year(store, years, place=place, roles=roles, fund=fund, cumulative=False)
    to_date = networks_by_year(store, years, place=place, roles=roles, fund=fund, cumulative=True)
    rows = []
    for y in years:
        a, c = active[y], to_date[y]
        rows.append({"year": y, "projects_active": len(a.graph["projects"]),
                     "organisations_active": a.number_of_nodes(), "links_active": a.number_of_edges(),
                     "projects_to_date": len(c.graph["projects"]), "organisations_to_date": c.number_of_nodes(),
                     "links_to_date": c.number_of_edges(),
                     "density_to_date": round(nx.density(c), 4) if c.number_of_nodes() > 1 else None,
                     "active": ", ".join(info["short"] for info in _catalogue(a).values())})
    return _df(rows, ["year", "projects_active", "organisations_active", "links_active", "projects_to_date",
                      "organisations_to_date", "links_to_date", "density_to_date", "active"]).set_index("year")


def centrality_over_time(graphs: Mapping[int, "nx.Graph"], metric: str = "betweenness", *,
                         seed: int = 0, only_changing: bool = False) -> "pd.DataFrame":
    """A metric of :mod:`graphkit.metrics` (``degree``, ``weighted-degree``, ``betweenness``,
    ``brokerage``, ``bridged-pairs``) for every organisation in every year's graph.

    One row per organisation (index: label, i.e. acronym or name), one column per year; NaN where
    the organisation is not in that year's network. Sorted by the last year's value (descending),
    then label. With ``only_changing``, only organisations whose value is not 0 in some year.
    """
    import pandas as pd

    from graphkit.metrics import compute

    data: dict[int, dict[str, Any]] = {}
    labels: dict[str, str] = {}
    for y, g in sorted(graphs.items()):
        values = compute(g, metric, seed=seed) if g.number_of_nodes() else {}
        data[y] = values
        for n, d in g.nodes(data=True):
            labels[n] = d.get("acronym") or d.get("label") or n
    df = pd.DataFrame(data)
    if df.empty:
        return df
    if all(isinstance(v, int) for values in data.values() for v in values.values()):
        df = df.astype("Int64")      # counts stay integers where an organisation is absent (<NA>)
    if only_changing:
        df = df[(df.fillna(0) != 0).any(axis=1)]
    last = df.columns[-1]
    df = df.assign(_label=[labels[n] for n in df.index], _last=df[last].fillna(-1))
    df = df.sort_values(["_last", "_label"], ascending=[False, True])
    df.index = df.pop("_label")
    df.index.name = "organisation"
    return df.drop(columns="_last")


def country_brokers(g: "nx.Graph", countries: Sequence[str] | None = None, *,
                    group: str = "country") -> "pd.DataFrame":
    """Who brokers between countries: for each organisation, how many pairs of its partners from
    two different countries are not partners of each other (so that it alone joins them), per
    pair of countries.

    ``countries`` (ISO alpha-3) restricts the pairs to those countries (both ends in the list);
    ``None`` counts every pair of known countries, and then ``brokerage`` equals
    :func:`graphkit.metrics.brokerage` (representative + liaison pairs). One row per
    organisation that brokers at least one pair: ``label``, ``country``, ``brokerage`` (pairs of
    partners joined), ``country_pairs`` (how many pairs of countries), and one column per pair of
    countries (``FRA–ITA``, names sorted), sorted by ``brokerage``.
    """
    import pandas as pd

    allowed = set(countries) if countries is not None else None
    adj = {n: set(g.adj[n]) - {n} for n in g.nodes}
    grp = {n: g.nodes[n].get(group) for n in g.nodes}
    rows = []
    for v, nbrs in adj.items():
        counts: dict[str, int] = {}
        for u, w in combinations(sorted(nbrs, key=str), 2):
            gu, gw = grp[u], grp[w]
            if gu is None or gw is None or gu == gw or w in adj[u]:
                continue
            if allowed is not None and (gu not in allowed or gw not in allowed):
                continue
            key = "–".join(sorted((str(gu), str(gw))))
            counts[key] = counts.get(key, 0) + 1
        if counts:
            d = g.nodes[v]
            rows.append({"org": v, "label": d.get("acronym") or d.get("label") or v, "country": grp[v],
                         "brokerage": sum(counts.values()), "country_pairs": len(counts), **counts})
    if not rows:
        return pd.DataFrame(columns=["label", "country", "brokerage", "country_pairs"])
    df = pd.DataFrame(rows).set_index("org")
    pair_cols = sorted(c for c in df.columns if "–" in c)
    df[pair_cols] = df[pair_cols].fillna(0).astype(int)
    df = df[["label", "country", "brokerage", "country_pairs", *pair_cols]]
    return df.sort_values(["brokerage", "label"], ascending=[False, True])


READINGS = ("of the year", "as of")


def brokerage_by_year(store: "GraphStore", years: Iterable[int], countries: Sequence[str] | None = None, *,
                      place: str | None = None, roles: str | Sequence[str] | None = None,
                      fund: str | None = None) -> "pd.DataFrame":
    """Brokerage between countries (:func:`country_brokers`) read two ways, side by side.

    *Of the year*: in the network of the projects active in the year alone; *as of*: in the
    network of every project started by the end of the year (ties do not expire). The second
    counts pairs of partners that took part in different projects, possibly years apart, joined
    only through an organisation present in both; the first counts only partners of projects
    running in the same year.

    One row per organisation that brokers in some year either way (index: label, as
    :func:`country_brokers`), columns ``(year, "of the year")`` and ``(year, "as of")`` for each
    year, sorted by the last year's cumulative value. Both networks come from one projection
    (:func:`graphkit.network.networks_by_period`), the same networks as :func:`networks_by_year`.
    """
    import pandas as pd

    from graphkit.network import networks_by_period, organisation_network

    years = [int(y) for y in years]
    g = organisation_network(store, _filters(store, place=place, roles=roles, fund=fund))
    readings = {READINGS[0]: networks_by_period(g, years), READINGS[1]: networks_by_period(g, years, cumulative=True)}
    labels: dict[str, str] = {}
    values: dict[tuple[int, str], dict[str, int]] = {}
    for reading, graphs in readings.items():
        for y, h in graphs.items():
            b = country_brokers(h, countries)
            labels.update(b["label"].to_dict())
            values[(y, reading)] = b["brokerage"].to_dict()
    columns = pd.MultiIndex.from_tuples([(y, r) for y in years for r in READINGS], names=["year", "network"])
    df = pd.DataFrame({c: values[c] for c in columns}, index=sorted(labels), columns=columns).fillna(0).astype(int)
    if df.empty:
        return df
    last = (years[-1], READINGS[1])
    df = df.loc[sorted(df.index, key=lambda o: (-df.at[o, last], labels[o]))]
    df.index = pd.Index([labels[o] for o in df.index], name="organisation")
    return df


# ---------------------------------------------------------------------------------------- funds and geography

def _projects_with_roles(store: "GraphStore"):
    """The bipartite projection of every project: project catalogue and participations."""
    from graphkit.network import bipartite_network

    g = bipartite_network(store)
    return g, _catalogue(g)


def project_funding(store: "GraphStore") -> "pd.DataFrame":
    """How each project is funded: one row per project, in order of start.

    Columns: ``project`` (CURIE), ``label`` (short), ``start``, ``end`` (the active period),
    ``funding`` (the top-level fund, FEI or FAMI, or, for a project funded outside the schemes,
    its funders: "Regione Piemonte"), ``kind`` ("EU fund" for a fund of the scheme hierarchy,
    "regional" when every funder is a region, else "other"), ``scheme`` (the path of the most specific scheme,
    "FAMI / OS2 / ON3 / lett.m)"), ``funders`` (bodies recorded as funder or co-funder),
    ``managing_authority``, ``lead``.
    """
    g, cat = _projects_with_roles(store)
    rows = []
    for pid, info in cat.items():
        by_role: dict[str, list[str]] = {}
        for org in g.neighbors(pid):
            for role in g.edges[org, pid]["roles"]:
                by_role.setdefault(role, []).append(g.nodes[org].get("acronym") or g.nodes[org]["label"])
        funders = sorted(n for r in FUNDING_ROLES for n in by_role.get(r, []))
        funder_types = {g.nodes[o].get("type") for o in g.neighbors(pid)
                        if set(g.edges[o, pid]["roles"]) & set(FUNDING_ROLES)}
        path = info["funds"][0] if info.get("funds") else None
        kind = "EU fund" if path else ("regional" if funder_types == {"region"} else "other" if funders else None)
        rows.append({"project": pid, "label": info["short"], "start": info.get("start"), "end": info.get("end"),
                     "funding": path.split(" / ")[0] if path else " + ".join(funders) or None, "kind": kind,
                     "scheme": path, "funders": ", ".join(funders),
                     "managing_authority": ", ".join(sorted(by_role.get("managing-authority", []))),
                     "lead": ", ".join(sorted(by_role.get("lead", [])))})
    return _df(rows, ["project", "label", "start", "end", "funding", "kind", "scheme", "funders",
                      "managing_authority", "lead"])


def project_regions(store: "GraphStore") -> "pd.DataFrame":
    """Where each project takes place, by region of today: one row per project and region.

    Each place of action, as the source states it, is lifted to the first-tier region that holds
    it today (NUTS 2016/2021): the NUTS region at the level of the country's regions
    (:data:`ADMIN_REGION_LEVEL`: NUTS 1 in France, NUTS 2 in Italy and Spain), reached through the
    NUTS 2016 successor of a NUTS 2013 region, so Rhône-Alpes (FR71, NUTS 2013, IMPRA) and
    Auvergne-Rhône-Alpes (FRK, D.I.S.Co.R.S.I.) are one region; Torino (ITC11) lifts to Piemonte
    (ITC1). A place outside NUTS stays as it is (Khouribga); a country is left out when the
    project also names a place within it.

    Columns: ``project``, ``label``, ``region`` (CURIE), ``region_label``, ``country``
    (ISO alpha-3), ``country_label``, ``stated`` (the places as the source states them, with
    their codes) and ``changed`` (whether a stated place is an older NUTS version).
    """
    rows = plain_rows(run_query(store, _study_query("places-of-action")))
    _, cat = _projects_with_roles(store)
    places: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        key = (r["project"], r["place"])
        p = places.setdefault(key, {"label": r["place_label"], "class": r["place_class"],
                                    "country": r["country"], "country_label": r["country_label"], "regions": []})
        if r["region"] is not None:
            p["regions"].append((int(r["level"]), str(r["version"]), r["region"], r["region_label"]))
    lifted: dict[tuple[str, str], dict[str, Any]] = {}
    for (pid, place), p in places.items():
        iso3 = p["country"].split(":", 1)[1] if p["country"] else None
        level = ADMIN_REGION_LEVEL.get(iso3 or "", DEFAULT_REGION_LEVEL)
        at_level = sorted((r for r in p["regions"] if r[0] == level), key=lambda r: (r[1], r[2]), reverse=True)
        own = [r for r in p["regions"] if r[2] == place]
        if at_level:
            _, _, region, region_label = at_level[0]
        else:
            region, region_label = place, p["label"]
        code = place.split(":", 1)[1]
        stated = f"{p['label']} ({code})" if place.startswith("nuts:") else p["label"]
        changed = bool(own) and max(v for _, v, _, _ in own) < "2016"
        if changed:
            stated = f"{p['label']} ({code}, NUTS {max(v for _, v, _, _ in own)})"
        item = lifted.setdefault((pid, region), {
            "project": pid, "label": cat.get(pid, {}).get("short", pid), "region": region,
            "region_label": region_label, "country": iso3, "country_label": p["country_label"],
            "stated": [], "changed": False, "_class": p["class"]})
        if stated not in item["stated"]:
            item["stated"].append(stated)
        item["changed"] = item["changed"] or changed
    out = []
    for (pid, region), item in lifted.items():
        if item["_class"] == "mcn:Country" and any(
                o["project"] == pid and o["country"] == item["country"] and r != region for (p2, r), o in lifted.items()
                if p2 == pid):
            continue
        item = dict(item, stated="; ".join(sorted(item["stated"])))
        item.pop("_class")
        out.append(item)
    order = {p: i for i, p in enumerate(cat)}
    out.sort(key=lambda r: (order.get(r["project"], len(order)), r["country"] != "ITA", r["region_label"]))
    return _df(out, ["project", "label", "region", "region_label", "country", "country_label", "stated", "changed"])


def funds_by_region(store: "GraphStore", *, values: str = "count") -> "pd.DataFrame":
    """Which funds reach which regions: one row per region of today (:func:`project_regions`,
    labelled "Piemonte (ITA)"), one column per funding (:func:`project_funding`, in order of the
    first project's start). ``values="count"`` gives the number of projects, ``"projects"`` their
    short labels."""
    import pandas as pd

    funding = project_funding(store).set_index("project")
    regions = project_regions(store)
    regions = regions.assign(funding=[funding.at[p, "funding"] for p in regions["project"]],
                             where=[f"{r} ({c})" for r, c in zip(regions["region_label"], regions["country"])])
    fund_order = list(dict.fromkeys(funding["funding"]))
    region_order = list(dict.fromkeys(regions["where"]))
    if values == "count":
        table = pd.crosstab(regions["where"], regions["funding"])
    elif values == "projects":
        table = regions.groupby(["where", "funding"])["label"].agg(lambda s: ", ".join(dict.fromkeys(s))).unstack(
            fill_value="")
    else:
        raise ValueError("values is 'count' or 'projects'")
    table = table.reindex(index=region_order, columns=fund_order, fill_value=0 if values == "count" else "")
    table.index.name, table.columns.name = "region", "funding"
    return table


def public_bodies(store: "GraphStore") -> "pd.DataFrame":
    """Which roles public bodies take: one row per public body, project and role.

    A public body is an organisation whose type is "public authority" or narrower (ministry,
    government department, prefecture, region, province, metropolitan city, municipality, health
    authority, public agency, social district) or an EU institution
    (``graphkit/resources/queries/studies/public-bodies.rq``); universities and chambers of commerce are not counted.
    Columns: ``org``, ``label`` (acronym or name), ``name``, ``type``, ``part_of`` (the body it is
    a unit of: the Prefettura di Fermo of the Ministero dell'Interno), ``country``, ``project``,
    ``project_label``, ``funding`` (:func:`project_funding`), ``role`` (English label); sorted
    by project start, role and name.
    """
    from graphkit.network import role_labels

    bodies = {r["org"]: r for r in plain_rows(run_query(store, _study_query("public-bodies")))}
    g, cat = _projects_with_roles(store)
    funding = project_funding(store).set_index("project")["funding"].to_dict()
    labels = role_labels(store)
    order = {p: i for i, p in enumerate(cat)}
    rows = []
    for n, d in g.nodes(data=True):
        if n not in bodies:
            continue
        b = bodies[n]
        for p in g.neighbors(n):
            for role in g.edges[n, p]["roles"]:
                rows.append({"org": n, "label": d.get("acronym") or b["name"], "name": b["name"],
                             "type": b["type_label"], "part_of": b["parent_name"], "country": d.get("country"),
                             "project": p, "project_label": cat[p]["short"], "funding": funding.get(p),
                             "role": labels.get(role, role)})
    rows.sort(key=lambda r: (order[r["project"]], r["role"], r["name"].lower()))
    return _df(rows, ["org", "label", "name", "type", "part_of", "country", "project", "project_label", "funding",
                      "role"])


def target_countries_by_funding(store: "GraphStore", *, values: str = "count") -> "pd.DataFrame":
    """Which countries of origin the projects target, by funding: one row per country (English
    name, most targeted first), one column per funding (:func:`project_funding`).
    ``values="count"`` gives the number of projects, ``"projects"`` their short labels.
    Read with the named query ``target-countries``; projects that name no country are absent."""
    import pandas as pd

    funding = project_funding(store).set_index("project")
    rows = plain_rows(run_query(store, "target-countries"))
    df = pd.DataFrame(rows)
    df["funding"] = [funding.at[p, "funding"] for p in df["project"]]
    df["label"] = [funding.at[p, "label"] for p in df["project"]]
    fund_order = [f for f in dict.fromkeys(funding["funding"]) if f in set(df["funding"])]
    if values == "count":
        table = pd.crosstab(df["country_name"], df["funding"])
        table = table.reindex(columns=fund_order, fill_value=0)
        table = table.loc[sorted(table.index, key=lambda c: (-table.loc[c].sum(), c))]
    elif values == "projects":
        table = df.groupby(["country_name", "funding"])["label"].agg(", ".join).unstack(fill_value="")
        table = table.reindex(columns=fund_order, fill_value="")
        counts = df.groupby("country_name")["project"].nunique()
        table = table.loc[sorted(table.index, key=lambda c: (-counts[c], c))]
    else:
        raise ValueError("values is 'count' or 'projects'")
    table.index.name, table.columns.name = "country", "funding"
    return table


__all__ = [
    "ADMIN_REGION_LEVEL", "BUILD_ENV", "OUTPUT_ENV", "Passage", "centrality_over_time", "country_brokers",
    "funds_by_region", "graph_contents", "named_queries", "network_sizes", "networks_by_year", "output_dir",
    "participants_by_role", "participation_matrix", "project_funding", "project_regions", "public_bodies",
    "short_label", "source_passage", "study_build_dir", "study_store", "target_countries_by_funding",
    "transitions",
]
