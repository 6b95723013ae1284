"""Query results on the wire: content negotiation and the SPARQL 1.1 result formats.

SELECT and ASK results are written as SPARQL 1.1 Query Results JSON, XML, CSV or TSV; CONSTRUCT and
DESCRIBE results as Turtle, N-Triples, JSON-LD or RDF/XML. Writers take an iterator and stop after
``max_rows`` rows (or triples), reporting whether there were more, so a capped answer is always
known to be capped.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator
from xml.sax.saxutils import escape as xml_escape, quoteattr

import pyoxigraph as ox

from graphkit.errors import EXIT_NONCONFORMING, EXIT_USAGE, GraphkitError
from graphkit.namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Format:
    """A result format: its name, the media type answers carry, the Accept media types that select it,
    the kind of result it writes (``results`` or ``rdf``) and its W3C format IRI."""

    name: str
    media_type: str  # what the response says
    accepts: tuple[str, ...]  # media types of an Accept header that select it
    kind: str  # "results" (SELECT, ASK) or "rdf" (CONSTRUCT, DESCRIBE)
    w3c: str  # the W3C format IRI, for the service description


FORMATS: list[Format] = [
    Format("json", "application/sparql-results+json",
           ("application/sparql-results+json", "application/json", "text/javascript", "application/javascript"),
           "results", "http://www.w3.org/ns/formats/SPARQL_Results_JSON"),
    Format("xml", "application/sparql-results+xml",
           ("application/sparql-results+xml", "application/xml", "text/xml"),
           "results", "http://www.w3.org/ns/formats/SPARQL_Results_XML"),
    Format("csv", "text/csv; charset=utf-8", ("text/csv",), "results", "http://www.w3.org/ns/formats/SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",), "results",
           "http://www.w3.org/ns/formats/SPARQL_Results_TSV"),
    Format("turtle", "text/turtle; charset=utf-8", ("text/turtle", "application/x-turtle"), "rdf",
           "http://www.w3.org/ns/formats/Turtle"),
    Format("ntriples", "application/n-triples", ("application/n-triples", "text/plain"), "rdf",
           "http://www.w3.org/ns/formats/N-Triples"),
    Format("jsonld", "application/ld+json", ("application/ld+json", "application/json"), "rdf",
           "http://www.w3.org/ns/formats/JSON-LD"),
    Format("rdfxml", "application/rdf+xml", ("application/rdf+xml", "application/xml", "text/xml"), "rdf",
           "http://www.w3.org/ns/formats/RDF_XML"),
]
FORMAT_ALIASES = {"ttl": "turtle", "nt": "ntriples", "json-ld": "jsonld", "rdf": "rdfxml", "srj": "json", "srx": "xml"}


class NotAcceptable(GraphkitError):
    """No format the client accepts can carry this kind of result (exit code 2)."""

    exit_code = EXIT_USAGE


def _parse_accept(header: str) -> list[tuple[str, float]]:
    out = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(f[2:])))
                except ValueError:
                    q = 0.0
        out.append((media, q))
    return out


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> Format:
    """The format to answer with: ``fmt`` (a name such as ``csv`` or a media type) if given,
    else the best match of the Accept header (q-values, most specific range first), else the
    default (JSON for results, Turtle for graphs).

    Raises:
        NotAcceptable: with a message listing the formats that would do.
    """
    candidates = [f for f in FORMATS if f.kind == kind]
    names = ", ".join(f.name for f in candidates)
    if fmt:
        key = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        for f in candidates:
            if key == f.name or key in f.accepts:
                return f
        raise NotAcceptable(f"format {fmt!r} cannot carry {'SELECT/ASK results' if kind == 'results' else 'RDF graphs'}; "
                            f"use one of: {names}")
    if not accept or not accept.strip():
        return candidates[0]
    ranges = _parse_accept(accept)
    best, best_q = None, 0.0
    for f in candidates:
        q_f = None
        for specificity, match in ((2, lambda r: r in f.accepts),
                                   (1, lambda r: r.endswith("/*") and any(a.startswith(r[:-1]) for a in f.accepts)),
                                   (0, lambda r: r == "*/*")):
            qs = [q for r, q in ranges if match(r)]
            if qs:
                q_f = max(qs)
                break
        if q_f is not None and q_f > best_q:
            best, best_q = f, q_f
    if best is None:
        raise NotAcceptable(f"none of the accepted types ({accept}) can carry "
                            f"{'SELECT/ASK results' if kind == 'results' else 'RDF graphs'}; "
                            f"supported: {', '.join(f.media_type.split(';')[0] for f in candidates)}")
    return best


# --- terms ----------------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class CannotSerialise(GraphkitError):
    """The result holds something the chosen format cannot carry (exit code 1)."""

    exit_code = EXIT_NONCONFORMING


def _json_term(t: Any) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype and t.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    raise CannotSerialise(f"unknown term {t!r}")


def _xml_text(s: str) -> str:
    if _XML_INVALID.search(s):
        raise CannotSerialise("the result holds characters XML 1.0 cannot carry; ask for JSON instead")
    return xml_escape(s)


def _xml_term(t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{_xml_text(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{_xml_text(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{_xml_text(t.value)}</literal>"
        if t.datatype and t.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            return f"<literal datatype={quoteattr(t.datatype.value)}>{_xml_text(t.value)}</literal>"
        return f"<literal>{_xml_text(t.value)}</literal>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
                f"<object>{_xml_term(t.object)}</object></triple>")
    raise CannotSerialise(f"unknown term {t!r}")


def _csv_value(t: Any) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    if isinstance(t, (ox.NamedNode, ox.Literal)):
        return t.value
    return str(t)


def _tsv_value(t: Any) -> str:
    if t is None:
        return ""
    from graphkit.store.sparqltext import term_to_sparql

    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    if isinstance(t, (ox.NamedNode, ox.Literal)):
        return term_to_sparql(t)
    return str(t)


# --- writers --------------------------------------------------------------------------------


@dataclass
class Written:
    """A serialised answer: the body, its media type, the rows (or triples) written and whether there were more."""

    body: bytes
    media_type: str
    rows: int
    truncated: bool


def select_json(variables: list[str], rows: Iterable[tuple]) -> dict:
    """SELECT results in the SPARQL 1.1 Query Results JSON format, as a dict.

    Args:
        variables: The variable names, in order.
        rows: Rows of RDF terms in the order of ``variables`` (``None`` when unbound).

    Returns:
        ``{"head": {"vars": [...]}, "results": {"bindings": [...]}}``; unbound variables are left
        out of their binding.

    Raises:
        CannotSerialise: a value is not an RDF term.
    """
    bindings = [{v: _json_term(x) for v, x in zip(variables, row) if x is not None} for row in rows]
    return {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}


ROW_FORMATS = ("table", "csv", "tsv", "json")
TABLE_WIDTH = 60


def _json_number(value):
    """An exact decimal of a row as a JSON number (Python writes the shortest text that reads back
    as the same number: "350500.1" for 350500.10)."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def format_rows(variables: list[str], rows: list[dict[str, Any]], fmt: str = "table", raw: Any = None) -> str:
    """Rows of plain values as the text ``graphkit query`` and the listing commands print.

    Args:
        variables: The column names, in order.
        rows: Dicts of plain values (strings, numbers; ``None`` for an empty cell) by column.
        fmt: ``table`` (aligned columns, cells cut at 60 characters, a row count), ``csv``,
            ``tsv`` (a header line, then one line per row) or ``json``.
        raw: For ``json``: the object to write instead of ``rows`` (e.g. :func:`select_json`).

    Returns:
        The text, ending with a newline.

    Raises:
        ValueError: an unknown ``fmt``.

    Example:
        >>> print(format_rows(["name", "n"], [{"name": "a", "n": 1}, {"name": "bb", "n": None}]), end="")
        name  n
        ----  -
        a     1
        bb
        (2 rows)
    """
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(variables)
        for r in rows:
            w.writerow(["" if r[v] is None else r[v] for v in variables])
        return buf.getvalue()
    if fmt == "json":
        return json.dumps(raw if raw is not None else rows, indent=2, ensure_ascii=False, default=_json_number) + "\n"
    if fmt != "table":
        raise ValueError(f"unknown row format {fmt!r} (choose {', '.join(ROW_FORMATS)})")
    if not rows:
        return "(no rows)\n"
    cells = [[("" if r[v] is None else str(r[v])) for v in variables] for r in rows]
    widths = [min(TABLE_WIDTH, max(len(v), *(len(c[i]) for c in cells))) for i, v in enumerate(variables)]

    def cut(s: str, w: int) -> str:
        s = s.replace("\n", " ")
        return s if len(s) <= w else s[: w - 1] + "…"

    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cut(x, w).ljust(w) for x, w in zip(c, widths)).rstrip() for c in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _take(items: Iterable[Any], max_rows: int | None) -> tuple[list[Any], bool]:
    it: Iterator[Any] = iter(items)
    if max_rows is None:
        return list(it), False
    out = []
    for x in it:
        if len(out) == max_rows:
            return out, True
        out.append(x)
    return out, False


def write_select(variables: list[str], rows: Iterable[tuple], fmt: Format, max_rows: int | None = None) -> Written:
    """SELECT results (rows of terms, ``None`` when unbound) in ``fmt``, at most ``max_rows`` rows."""
    taken, truncated = _take(rows, max_rows)
    if fmt.name == "json":
        body = json.dumps(select_json(variables, taken), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    elif fmt.name == "xml":
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
        parts.append("</head>\n<results>\n")
        for row in taken:
            parts.append("<result>")
            parts += [f"<binding name={quoteattr(v)}>{_xml_term(x)}</binding>" for v, x in zip(variables, row)
                      if x is not None]
            parts.append("</result>\n")
        parts.append("</results>\n</sparql>\n")
        body = "".join(parts).encode("utf-8")
    elif fmt.name == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        for row in taken:
            w.writerow([_csv_value(x) for x in row])
        body = buf.getvalue().encode("utf-8")
    elif fmt.name == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_value(x) for x in row) for row in taken]
        body = ("\n".join(lines) + "\n").encode("utf-8")
    else:
        raise CannotSerialise(f"{fmt.name} cannot carry SELECT results")
    return Written(body, fmt.media_type, len(taken), truncated)


def write_boolean(value: bool, fmt: Format) -> Written:
    """An ASK answer; CSV and TSV (which define no boolean form) carry the bare word, as Oxigraph does."""
    word = "true" if value else "false"
    if fmt.name == "json":
        body = json.dumps({"head": {}, "boolean": value}).encode()
    elif fmt.name == "xml":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n").encode()
    else:
        body = f"{word}\n".encode()
    return Written(body, fmt.media_type, 1, False)


_RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                "rdfxml": ox.RdfFormat.RDF_XML}


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    iris = {t.value for tr in triples for t in (tr.subject, tr.predicate, tr.object) if isinstance(t, ox.NamedNode)}
    iris |= {tr.object.datatype.value for tr in triples if isinstance(tr.object, ox.Literal) and tr.object.datatype}
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


def write_triples(triples: Iterable[ox.Triple], fmt: Format, max_rows: int | None = None,
                  prefixes: dict[str, str] | None = None) -> Written:
    """CONSTRUCT or DESCRIBE results in ``fmt``, at most ``max_rows`` triples (Turtle and RDF/XML
    declare the ``prefixes``, by default the project's, that the triples use)."""
    taken, truncated = _take(triples, max_rows)
    if fmt.name not in _RDF_FORMATS:
        raise CannotSerialise(f"{fmt.name} cannot carry an RDF graph")
    prefixes = _used_prefixes(taken, PREFIXES if prefixes is None else prefixes) \
        if fmt.name in ("turtle", "rdfxml") else None
    body = ox.serialize(taken, format=_RDF_FORMATS[fmt.name], prefixes=prefixes) if taken or fmt.name != "jsonld" \
        else b"[]"
    return Written(body or b"", fmt.media_type, len(taken), truncated)
