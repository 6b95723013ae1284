"""Filters of the network projections and the SPARQL behind them.

:class:`Filters` select projects (fund or scheme including its sub-schemes, active period
overlapping a year or two dates, place or country including the places within it) and
participations (roles). The queries are the ``.rq`` files in the package's ``queries/network/``;
a filter inserts one of a few fixed SPARQL patterns at a marker comment
(:func:`filtered_query`), and its values are bound as RDF terms, never written into the query
text. Bound variables are also projected (``#%PARAMS%``): pyoxigraph substitutes only variables
of the SELECT clause. The store is only read through ``store.select(query, bindings)``
(:func:`query_result`, :func:`select_rows`), so a projection works the same on the embedded
store and on a remote SPARQL server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping, Sequence

from graphkit import dates as _dates
from graphkit.errors import EXIT_NONCONFORMING, EXIT_RUNTIME, EXIT_USAGE
from graphkit.queries import QUERY_DIR, expand_iri, shorten, to_term
from graphkit.store import GraphStore, QueryError

NETWORK_QUERY_DIR = QUERY_DIR / "network"
PROJECTIONS = ("org", "bipartite", "place", "membership")
PLACE_LEVELS = ("place", "country")
DETAILS = ("full", "weights")
ROLE_SCHEME = "https://w3id.org/graphkit/vocab/role/"
EARLIEST, LATEST = date(1, 1, 1), date(9999, 12, 31)
PLACE_KIND = {"mcn:Country": "country", "mcn:NUTSRegion": "nuts-region", "mcn:City": "city",
               "mcn:Municipality": "municipality", "mcn:Place": "place"}


class NetworkError(QueryError):
    """A filter names nothing in the graph, or a projection cannot be built; the message says why.

    Exit code 2 (a filter or option that names nothing); a network query that failed keeps the
    exit code of its cause (3 for a server that cannot be reached); :class:`InconsistentAnswers` 1.
    """

    exit_code = EXIT_USAGE


class InconsistentAnswers(NetworkError):
    """The store's answers disagree with each other, so the projection cannot be trusted (exit code 1)."""

    exit_code = EXIT_NONCONFORMING


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
        """Whether any filter is set (a fund, a date, a role or a place)."""
        return bool(self.fund or self.start or self.end or self.roles or self.place)

    def as_dict(self) -> dict[str, Any]:
        """The filters as plain values (CURIEs, ISO dates), only those that are set."""
        out: dict[str, Any] = {}
        if self.fund:
            out["fund"] = shorten_iri(self.fund)
        if self.start or self.end:
            out["period"] = f"{(self.start or EARLIEST).isoformat()}..{(self.end or LATEST).isoformat()}"
        if self.roles:
            out["roles"] = [slug_of(shorten_iri(r)) for r in self.roles]
        if self.place:
            out["place"] = shorten_iri(self.place)
        return out

    def describe(self) -> str:
        """The filters as one readable line (``fund fund:fami; roles role:lead``), or ``all projects,
        all roles`` when none is set."""
        d = self.as_dict()
        if not d:
            return "all projects, all roles"
        return "; ".join(f"{k} {', '.join(v) if isinstance(v, list) else v}" for k, v in d.items())


def shorten_iri(iri: str) -> str:
    """The CURIE of ``iri`` with the longest project prefix, or the IRI itself."""
    import pyoxigraph as ox

    return shorten(ox.NamedNode(iri))


def slug_of(curie: str | None) -> str | None:
    """``role:lead`` -> ``lead``; a full IRI -> its last path segment."""
    if curie is None:
        return None
    if re.match(r"^[a-z][a-z0-9+.-]*://", curie):
        return re.split(r"[/#]", curie.rstrip("/"))[-1]
    return curie.split(":", 1)[1] if ":" in curie else curie


def scheme_prefixes(paths: Sequence[str]) -> list[str]:
    """Every scheme path a project counts for, for the maps' Fund menus: its own paths (``"FAMI / OS2
    / ON3"``) and their prefixes (``"FAMI"``, ``"FAMI / OS2"``), sorted.

    >>> scheme_prefixes(["FAMI / OS2"])
    ['FAMI', 'FAMI / OS2']
    """
    out = set()
    for p in paths:
        parts = p.split(" / ")
        for i in range(1, len(parts) + 1):
            out.add(" / ".join(parts[:i]))
    return sorted(out)


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
    rows = select_rows(store, "find-scheme", {"text": ox.Literal(key)})
    found = sorted({r["scheme"].value: r["name"].value for r in rows}.items())
    if len(found) == 1:
        return found[0][0]
    if not found:
        known = select_rows(store, "project-schemes", {})
        names = ", ".join(sorted({slug_of(shorten(r["scheme"])) for r in known})) or "none"
        raise NetworkError(f"no funding scheme is called {text!r} (known: {names})")
    raise NetworkError(f"{text!r} names several schemes: " + "; ".join(f"{shorten_iri(i)} ({n})" for i, n in found))


def resolve_place(store: GraphStore, text: str) -> str:
    """The IRI of the place named ``text`` (CURIE or IRI, code, name or alias in any language)."""
    import pyoxigraph as ox

    key = text.strip()
    if re.match(r"^(nuts|country|place):\S+$|^<?https?://", key):
        iri = expand_iri(key)
        rows = select_rows(store, "place-exists", {"place": ox.NamedNode(iri)})
        if not rows:
            raise NetworkError(f"no project or organisation refers to {text!r} or a place within it")
        return iri
    rows = select_rows(store, "find-place", {"text": ox.Literal(key)})
    found = sorted({r["place"].value: (r["name"].value if r["name"] else "") for r in rows}.items())
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise NetworkError(f"no place called {text!r} is, or contains, a place of a project or organisation "
                           "(try a CURIE such as nuts:ITC1 or country:MAR)")
    raise NetworkError(f"{text!r} names several places: " + "; ".join(f"{shorten_iri(i)} ({n})" for i, n in found))


def role_labels(store: GraphStore) -> dict[str, str]:
    """Every role of the role vocabulary: slug -> English label."""
    return {slug_of(shorten(r["role"])): (r["label"].value if r["label"] else slug_of(shorten(r["role"])))
            for r in select_rows(store, "roles", {})}


def resolve_roles(store: GraphStore, roles: str | Sequence[str]) -> list[str]:
    """Role IRIs from slugs or CURIEs (``"lead,partner"`` or ``["role:lead"]``), checked against the vocabulary."""
    items = [r.strip() for r in (roles.split(",") if isinstance(roles, str) else roles) if r and r.strip()]
    known = role_labels(store)
    out = []
    for item in items:
        slug = slug_of(shorten_iri(expand_iri(item))) if ":" in item else item
        if slug not in known:
            raise NetworkError(f"unknown role {item!r} (known: {', '.join(sorted(known))})")
        out.append(ROLE_SCHEME + slug)
    return out


# ---------------------------------------------------------------------------------------- queries

def query_text(name: str) -> str:
    """The text of the network query ``name`` (``queries/network/NAME.rq``).

    Raises:
        NetworkError: The file cannot be read (exit code 3).
    """
    path = NETWORK_QUERY_DIR / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        err = NetworkError(f"cannot read the network query {path}: {exc}")
        err.exit_code = EXIT_RUNTIME
        raise err from None


def query_result(store: GraphStore, name: str, bindings: Mapping[str, Any], text: str | None = None):
    """The answer of a network query (rows of terms); a failure names the query."""
    try:
        return store.select(text if text is not None else query_text(name), dict(bindings))
    except QueryError as exc:
        err = NetworkError(f"network query {name}: {exc}")
        err.exit_code = exc.exit_code   # a server that cannot be reached stays a runtime error
        raise err from None


def columns(result, names: Sequence[str]) -> list[tuple[Any, ...]]:
    """A result's rows reduced to the columns ``names``, in that order (a query projects its
    bound filter variables too)."""
    if result.variables == list(names):
        return result.rows
    cols = [result.variables.index(v) for v in names]
    return [tuple(row[c] for c in cols) for row in result.rows]


def select_rows(store: GraphStore, name: str, bindings: Mapping[str, Any], text: str | None = None) -> list[dict[str, Any]]:
    """The rows of the network query ``name`` (or of ``text``, when given) as dicts of variable ->
    term, with ``bindings`` bound.

    Raises:
        NetworkError: The query failed; the message names it.
    """
    return query_result(store, name, bindings, text).dicts()


def filter_patterns(filters: Filters, role_vars: Sequence[str] = ("role",),
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
        binds["filter_from"] = to_term((filters.start or EARLIEST).isoformat(), "date")
        binds["filter_to"] = to_term((filters.end or LATEST).isoformat(), "date")
    if filters.roles and role_vars:
        names = [f"filter_role_{i}" for i in range(len(filters.roles))]
        for var in role_vars:
            clauses.append(f"FILTER(?{var} IN ({', '.join('?' + n for n in names)}))")
        binds.update({n: ox.NamedNode(r) for n, r in zip(names, filters.roles)})
    if filters.place:
        clauses.append(f"{p} mcn:takesPlaceIn/mcn:within* ?filter_place .")
        binds["filter_place"] = ox.NamedNode(filters.place)
    return "\n  ".join(clauses), binds


def filtered_query(name: str, filters: Filters, role_vars: Sequence[str] = ("role",),
              links: Mapping[str, str] | None = None) -> tuple[str, dict[str, Any]]:
    """The text of the network query ``name`` with the patterns of ``filters`` at ``#%FILTERS%``, their
    variables at ``#%PARAMS%`` and each of ``links`` at ``#%LINK_var%``, and the terms to bind.

    Raises:
        NetworkError: The query lacks the ``#%FILTERS%`` or ``#%PARAMS%`` marker.
    """
    text = query_text(name)
    patterns, binds = filter_patterns(filters, role_vars)
    for marker in ("#%FILTERS%", "#%PARAMS%"):
        if marker not in text:
            raise NetworkError(f"network query {name} lacks the marker {marker}")
    text = text.replace("#%FILTERS%", patterns)
    text = text.replace("#%PARAMS%", " ".join("?" + k for k in binds))
    for var, pattern in (links or {}).items():
        text = text.replace(f"#%LINK_{var}%", pattern)
    return text, binds


def link_pattern(var: str, level: str, origins: bool) -> str:
    """The SPARQL pattern that links ``?project`` to the place ``?var``: where it takes place (at
    ``level="country"``, the country that place lies within) and, with ``origins``, also the
    countries of origin it targets."""
    if level == "country":
        action = f"{{ ?project mcn:takesPlaceIn/mcn:within* ?{var} . ?{var} a mcn:Country . }}"
    else:
        action = f"{{ ?project mcn:takesPlaceIn ?{var} . }}"
    if not origins:
        return action
    return f"{action} UNION {{ ?project mcn:targetsOriginCountry ?{var} . }}"



_SHORT: dict[str, str] = {}


def plain_value(term: Any) -> Any:
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
