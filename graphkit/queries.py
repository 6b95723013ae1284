"""Named SPARQL queries: their headers, parameters bound as RDF terms, and their results.

A named query is a ``.rq`` file in ``graphkit/resources/queries/`` that starts with a header of ``#+`` comments::

    #+ summary: The participants of a project with their roles
    #+ description: ...
    #+ params:
    #+   - project: iri - the project, e.g. project:impra
    #+ returns: org, name, role, group

Parameters are variables of the query. Their values are turned into RDF terms (an IRI, a typed
literal) and substituted by the engine, never pasted into the query text, so a value such as
``x" } ; DROP ALL ; #`` is just a string that matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

import pyoxigraph as ox

from graphkit import paths
from graphkit.errors import EXIT_USAGE
from graphkit.namespaces import PREFIXES, curie, name_key
from graphkit.store import GraphStore, QueryError, SelectResult

QUERY_DIR = paths.QUERY_DIR
PARAM_TYPES = ("iri", "string", "name", "date", "integer")
XSD = "http://www.w3.org/2001/XMLSchema#"
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_PARAM_LINE = re.compile(r"^-\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>[a-z]+)\s*(?:-\s*(?P<doc>.*))?$")


@dataclass(frozen=True)
class Param:
    """A parameter of a named query: its variable name, its type (one of ``PARAM_TYPES``) and its doc."""

    name: str
    type: str
    doc: str = ""


@dataclass
class NamedQuery:
    """A named query: its name, its whole text, the summary, description, parameters and returned
    columns of its ``#+`` header, and the file it was read from."""

    name: str
    text: str
    summary: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    returns: str = ""
    path: Path | None = None


class ParameterError(QueryError):
    """A parameter value is missing, unknown or not a valid term of its type."""


class QueryFileError(QueryError):
    """No named query or ``.rq`` file by that name, or its ``#+`` header cannot be read (exit code 2)."""

    exit_code = EXIT_USAGE


def parse_header(text: str, name: str = "query", path: Path | None = None) -> NamedQuery:
    """Read the ``#+`` header of a query; the query text is kept whole (it stays valid SPARQL)."""
    q = NamedQuery(name=name, text=text, path=path)
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line.startswith("#+"):
            if line and not line.startswith("#"):
                break
            continue
        body = line[2:].strip()
        m = re.match(r"^(summary|description|params|returns)\s*:\s*(.*)$", body)
        if m:
            current, value = m.group(1), m.group(2).strip()
            if current in ("summary", "description", "returns"):
                setattr(q, current, value)
            continue
        if current == "params" and body.startswith("-"):
            pm = _PARAM_LINE.match(body)
            if not pm or pm.group("type") not in PARAM_TYPES:
                raise QueryFileError(f"{path or name}: bad parameter line {body!r} (write '- name: {'|'.join(PARAM_TYPES)} - doc')")
            q.params.append(Param(pm.group("name"), pm.group("type"), (pm.group("doc") or "").strip()))
        elif current in ("description", "returns") and body:
            setattr(q, current, (getattr(q, current) + " " + body).strip())
    return q


def list_queries(query_dir: Path = QUERY_DIR) -> list[NamedQuery]:
    """Every named query in ``query_dir``, sorted by name."""
    return [load_query(p.stem, query_dir) for p in sorted(Path(query_dir).glob("*.rq"), key=lambda p: p.stem)]


def load_query(name_or_path: str | Path, query_dir: Path = QUERY_DIR) -> NamedQuery:
    """A named query by name (``projects``) or a ``.rq`` file by path."""
    p = Path(name_or_path)
    if p.suffix == ".rq" and p.exists():
        return parse_header(p.read_text(encoding="utf-8"), p.stem, p)
    candidate = Path(query_dir) / f"{name_or_path}.rq"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(name_or_path)) or not candidate.exists():
        known = ", ".join(q.stem for q in sorted(Path(query_dir).glob("*.rq")))
        raise QueryFileError(f"no named query {str(name_or_path)!r} (known: {known})")
    return parse_header(candidate.read_text(encoding="utf-8"), candidate.stem, candidate)


def expand_iri(value: str) -> str:
    """A full IRI from ``<http://...>``, ``http://...`` or a CURIE with a project prefix."""
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        v = v[1:-1]
    elif not re.match(r"^[a-z][a-z0-9+.-]*://", v):
        prefix, sep, local = v.partition(":")
        if not sep or prefix not in PREFIXES:
            known = ", ".join(sorted(PREFIXES))
            raise ParameterError(f"{value!r} is not an IRI or a CURIE with a known prefix ({known})")
        v = PREFIXES[prefix] + local
    if _IRI_FORBIDDEN.search(v) or not re.match(r"^[a-z][a-z0-9+.-]*:", v):
        raise ParameterError(f"{value!r} is not a valid IRI")
    return v


def to_term(value: Any, type_: str, name: str = "value"):
    """Turn a parameter value into the RDF term of its declared type."""
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return value
    text = str(value)
    try:
        if type_ == "iri":
            return ox.NamedNode(expand_iri(text))
        if type_ == "string":
            return ox.Literal(text)
        if type_ == "name":     # an organisation's name in any case and spacing: bound as its mcn:nameKey
            key = name_key(text)
            if not key:
                raise ValueError(text)
            return ox.Literal(key)
        if type_ == "date":
            return ox.Literal(date.fromisoformat(text).isoformat(), datatype=ox.NamedNode(XSD + "date"))
        if type_ == "integer":
            return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
    except ParameterError as exc:
        raise ParameterError(f"parameter {name}: {exc}") from None
    except ValueError:
        raise ParameterError(f"parameter {name}: {text!r} is not a valid {type_}") from None
    raise ParameterError(f"parameter {name}: unknown type {type_!r}")


def bind(query: NamedQuery, params: Mapping[str, Any]) -> dict[str, Any]:
    """Check the given parameters against the header and turn them into RDF terms."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise ParameterError(f"{query.name}: unknown parameter(s) {', '.join(unknown)} (declared: {', '.join(declared) or 'none'})")
    missing = [p.name for p in query.params if p.name not in params]
    if missing:
        raise ParameterError(f"{query.name}: missing parameter(s) {', '.join(missing)}")
    return {k: to_term(v, declared[k].type, k) for k, v in params.items()}


def query_form(query: str | NamedQuery) -> str:
    """The form of a query: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (``UPDATE`` for an update).

    Raises:
        QueryError: the text has no query form (the message says where).
    """
    from graphkit.store.sparqltext import shape

    return shape(query.text if isinstance(query, NamedQuery) else query).form


def run_query(store: GraphStore, query: str | Path | NamedQuery,
              params: Mapping[str, Any] | None = None) -> SelectResult | bool | list[ox.Triple]:
    """Run a named query (by name, path or object) with bound parameters, whatever its form.

    Returns the rows of a SELECT query (:class:`SelectResult`), the answer of an ASK query
    (``True`` or ``False``), or the triples of a CONSTRUCT or DESCRIBE query (a list of
    ``pyoxigraph.Triple``).

    Raises:
        QueryError: the query cannot be parsed or run, a parameter is wrong, or it is an update.
    """
    q = query if isinstance(query, NamedQuery) else load_query(query)
    bindings = bind(q, params or {})
    form = query_form(q)
    if form == "ASK":
        return store.ask(q.text, bindings)
    if form in ("CONSTRUCT", "DESCRIBE"):
        return store.construct(q.text, bindings)
    if form == "UPDATE":
        raise QueryError(f"{q.name}: SPARQL Update is not run by graphkit: edit the records and run `graphkit build`")
    return store.select(q.text, bindings)


def shorten(term: Any) -> Any:
    """A result term as a plain value: IRIs as CURIEs, literals as strings or numbers (``xsd:decimal``
    as an exact ``Decimal``, ``xsd:double`` as a float), None kept."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt == XSD + "integer":
            return int(term.value)
        if dt == XSD + "decimal":       # money stays exact: 350500.10 is not a binary float
            return Decimal(term.value)
        if dt == XSD + "double":
            return float(term.value)
        if dt == XSD + "boolean":
            return term.value == "true"
        return term.value
    return str(term)


def plain_rows(result: SelectResult) -> list[dict[str, Any]]:
    """Rows as dicts of plain values (CURIEs, strings, numbers)."""
    return [{k: shorten(v) for k, v in zip(result.variables, row)} for row in result.rows]


def to_dataframe(result: SelectResult):
    """Rows as a pandas DataFrame with short (CURIE) names."""
    import pandas as pd

    return pd.DataFrame(plain_rows(result), columns=result.variables)


def param_example(param: Param) -> str | None:
    """The first example value a parameter's doc gives (``the project, e.g. project:impra`` -> ``project:impra``)."""
    m = re.search(r"\be\.g\.,?\s+(\S+)", param.doc)
    return m.group(1).rstrip(".,;)") if m else None


def queries_markdown(queries: list[NamedQuery] | None = None) -> str:
    """The named queries documented from their headers, as Markdown (``docs/queries.md``)."""
    qs = list_queries() if queries is None else queries
    out = [
        "# Named queries",
        "",
        "Generated from the `#+` headers of `graphkit/resources/queries/*.rq` by `graphkit queries --markdown`; do not edit by hand.",
        "Run one with `graphkit query NAME [-p PARAM VALUE ...]`, from Python with",
        "`graphkit.queries.run_query(store, NAME, {PARAM: VALUE})`, or pick it on the page of `graphkit serve`.",
        "",
        "| query | what it answers | parameters |",
        "| --- | --- | --- |",
    ]
    for q in qs:
        params = ", ".join(f"`{p.name}` ({p.type})" for p in q.params) or "none"
        out.append(f"| [`{q.name}`](#{q.name}) | {q.summary.replace('|', '&#124;')} | {params} |")
    for q in qs:
        out += ["", f"## {q.name}", "", q.summary + ("." if q.summary and not q.summary.endswith(".") else "")]
        if q.description:
            out += ["", q.description]
        if q.params:
            out += ["", "Parameters:", ""]
            out += [f"- `{p.name}` ({p.type}): {p.doc}" if p.doc else f"- `{p.name}` ({p.type})" for p in q.params]
        if q.returns:
            out += ["", "Returns: " + ", ".join(f"`{c.strip()}`" for c in q.returns.split(",") if c.strip())]
        example = " ".join(f"-p {p.name} {param_example(p) or 'VALUE'}" for p in q.params)
        out += ["", "```bash", f"graphkit query {q.name}{' ' + example if example else ''}", "```"]
    return "\n".join(out) + "\n"
