"""SPARQL text: tokens, the top-level group, parameters bound by a ``VALUES`` block, paging.

The embedded store binds parameters with Oxigraph's substitutions (SEP-0007). A remote SPARQL
server has no standard way to bind a parameter, so for a remote server the query is tokenised
(strings, IRIs, comments and escapes are recognised the way the SPARQL 1.1 grammar does) and a
``VALUES`` block of serialised RDF terms is injected right after the ``{`` that opens the top-level
``WHERE`` group. Values are never formatted into the text as they come: each is serialised as an
N-Triples term with every quote, backslash and control character escaped, re-tokenised, and
refused unless it reads back as exactly one term. The same tokens let a remote store add a stable
``ORDER BY`` and ``LIMIT``/``OFFSET`` for paging, and wrap a query in a ``COUNT`` to check that an
answer was not cut short.

Example:
    >>> import pyoxigraph as ox
    >>> inject_values('SELECT ?n WHERE { ?o <http://x/name> ?n }', {"n": ox.Literal('x" } ; DROP ALL ; #')})
    'SELECT ?n WHERE { VALUES (?n) { ("x\\\\" } ; DROP ALL ; #") } ?o <http://x/name> ?n }'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import pyoxigraph as ox

from graphkit.store.base import QueryError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# Terminals of the SPARQL 1.1 grammar (section 19.8), close enough to find the structure of a query.
_PN_CHARS_BASE = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_EXP = r"[eE][+-]?[0-9]+"

_TOKEN_RE = re.compile(
    "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in [
            ("ws", r"[ \t\r\n]+"),
            ("comment", r"#[^\r\n]*"),
            ("iri", r'<[^<>"{}|^`\\\x00-\x20]*>'),
            ("string", r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
                       r'|"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
                       r"|'(?:[^'\\\n\r]|\\.)*'"
                       r'|"(?:[^"\\\n\r]|\\.)*"'),
            ("var", f"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"),
            ("bnode", f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
            ("pname", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
            ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
            ("number", f"[0-9]+\\.[0-9]*{_EXP}|\\.[0-9]+{_EXP}|[0-9]+{_EXP}|[0-9]*\\.[0-9]+|[0-9]+"),
            ("name", r"[A-Za-z_][A-Za-z0-9_]*"),
            ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*+\-/!=<>|^?@]"),
        ]
    ),
    re.UNICODE,
)

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


@dataclass(frozen=True)
class Token:
    """A token of a SPARQL text: its kind (``iri``, ``string``, ``var``, ``pname``, ``name``, ``punct``
    ...), its text, and where it starts and ends in the query."""

    kind: str
    text: str
    start: int
    end: int

    def is_kw(self, *words: str) -> bool:
        """Whether the token is a keyword among ``words`` (given in upper case), however it is written."""
        return self.kind == "name" and self.text.upper() in words


def tokenize(query: str) -> list[Token]:
    """The tokens of a query, without whitespace and comments.

    Raises:
        QueryError: on text no SPARQL token can start with (an unterminated string or IRI).
    """
    tokens: list[Token] = []
    pos = 0
    while pos < len(query):
        m = _TOKEN_RE.match(query, pos)
        if not m or m.end() == pos:
            line, col = line_col(query, pos)
            raise QueryError(f"malformed SPARQL: error at {line}:{col}: unexpected {query[pos:pos + 20]!r}")
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, m.group(), m.start(), m.end()))
        pos = m.end()
    return tokens


def line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


@dataclass
class QueryShape:
    """Where the parts of a query are, as token indexes."""

    text: str
    tokens: list[Token]
    form: str  # SELECT, CONSTRUCT, DESCRIBE, ASK or UPDATE
    form_index: int
    where_open: int | None = None  # the "{" of the top-level WHERE group
    where_close: int | None = None  # its "}"
    short_construct: bool = False  # CONSTRUCT WHERE { ... }
    dataset_clauses: list[tuple[int, int]] = field(default_factory=list)  # FROM [NAMED] <iri> spans
    projection: list[str] | None = None  # SELECT variables, None for SELECT *
    distinct: bool = False
    group_by: tuple[int, int] | None = None
    having: tuple[int, int] | None = None
    order_by: tuple[int, int] | None = None  # conditions after "ORDER BY"
    limit: int | None = None
    offset: int | None = None
    modifiers_span: tuple[int, int] | None = None  # token span of ORDER BY/LIMIT/OFFSET
    values_index: int | None = None  # the trailing VALUES clause

    @property
    def prologue(self) -> str:
        """The text before the query form's keyword: the BASE and PREFIX declarations."""
        return self.text[: self.tokens[self.form_index].start]


def _matching(tokens: list[Token], i: int) -> int:
    """Index of the bracket closing the one at ``i``."""
    pairs = {"{": "}", "(": ")", "[": "]"}
    opening, closing = tokens[i].text, pairs[tokens[i].text]
    depth = 0
    for j in range(i, len(tokens)):
        t = tokens[j]
        if t.kind == "punct" and t.text == opening:
            depth += 1
        elif t.kind == "punct" and t.text == closing:
            depth -= 1
            if depth == 0:
                return j
    raise QueryError(f"malformed SPARQL: the '{opening}' at character {tokens[i].start + 1} is never closed")


def _is(t: Token, *punct: str) -> bool:
    return t.kind == "punct" and t.text in punct


def shape(query: str) -> QueryShape:
    """Find the query form, the top-level WHERE group and the solution modifiers.

    Raises:
        QueryError: when the text is not shaped like a SPARQL query.
    """
    tokens = tokenize(query)
    i = 0
    while i < len(tokens) and tokens[i].is_kw("PREFIX", "BASE"):
        i += 3 if tokens[i].is_kw("PREFIX") else 2
    if i >= len(tokens):
        raise QueryError("malformed SPARQL: no query form (SELECT, CONSTRUCT, DESCRIBE or ASK)")
    first = tokens[i]
    if first.is_kw(*UPDATE_KEYWORDS):
        return QueryShape(query, tokens, "UPDATE", i)
    if not first.is_kw(*QUERY_FORMS):
        line, col = line_col(query, first.start)
        raise QueryError(f"malformed SPARQL: error at {line}:{col}: expected SELECT, CONSTRUCT, DESCRIBE or ASK, "
                         f"found {first.text!r}")
    qs = QueryShape(query, tokens, first.text.upper(), i)
    j = i + 1
    if qs.form == "SELECT":
        proj: list[str] = []
        star = False
        while j < len(tokens) and not (tokens[j].is_kw("FROM", "WHERE") or _is(tokens[j], "{")):
            t = tokens[j]
            if t.is_kw("DISTINCT", "REDUCED"):
                qs.distinct = True
            elif _is(t, "*"):
                star = True
            elif t.kind == "var":
                proj.append(t.text[1:])
            elif _is(t, "("):
                close = _matching(tokens, j)
                if close - 1 > j and tokens[close - 1].kind == "var":
                    proj.append(tokens[close - 1].text[1:])
                j = close
            j += 1
        qs.projection = None if star else proj
    elif qs.form == "CONSTRUCT":
        if j < len(tokens) and _is(tokens[j], "{"):
            j = _matching(tokens, j) + 1
        else:
            qs.short_construct = True
    # dataset clauses, then the group (WHERE is optional except in the short CONSTRUCT)
    while j < len(tokens) and not _is(tokens[j], "{"):
        t = tokens[j]
        if t.is_kw("FROM"):
            end = j + 2 if not tokens[j + 1].is_kw("NAMED") else j + 3
            qs.dataset_clauses.append((j, end))
            j = end
            continue
        if _is(t, "(") and qs.form != "SELECT":
            j = _matching(tokens, j)
        j += 1
    if j >= len(tokens):
        if qs.form == "DESCRIBE":
            return qs  # DESCRIBE <iri> with no WHERE clause
        raise QueryError("malformed SPARQL: the query has no WHERE group '{ ... }'")
    qs.where_open = j
    qs.where_close = _matching(tokens, j)
    _solution_modifiers(qs)
    return qs


def _solution_modifiers(qs: QueryShape) -> None:
    tokens = qs.tokens
    k = qs.where_close + 1
    n = len(tokens)
    mod_start = None
    while k < n:
        t = tokens[k]
        if t.is_kw("GROUP") and k + 1 < n and tokens[k + 1].is_kw("BY"):
            start = k + 2
            k = start
            while k < n and not tokens[k].is_kw("HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"):
                k = _matching(tokens, k) + 1 if _is(tokens[k], "(") else k + 1
            qs.group_by = (start, k)
        elif t.is_kw("HAVING"):
            start = k + 1
            k = start
            while k < n and not tokens[k].is_kw("ORDER", "LIMIT", "OFFSET", "VALUES"):
                k = _matching(tokens, k) + 1 if _is(tokens[k], "(") else k + 1
            qs.having = (start, k)
        elif t.is_kw("ORDER") and k + 1 < n and tokens[k + 1].is_kw("BY"):
            mod_start = k if mod_start is None else mod_start
            start = k + 2
            k = start
            while k < n and not tokens[k].is_kw("LIMIT", "OFFSET", "VALUES"):
                k = _matching(tokens, k) + 1 if _is(tokens[k], "(") else k + 1
            qs.order_by = (start, k)
        elif t.is_kw("LIMIT", "OFFSET") and k + 1 < n and tokens[k + 1].kind == "number":
            mod_start = k if mod_start is None else mod_start
            setattr(qs, t.text.lower(), int(tokens[k + 1].text))
            k += 2
        elif t.is_kw("VALUES"):
            qs.values_index = k
            break
        else:
            line, col = line_col(qs.text, t.start)
            raise QueryError(f"malformed SPARQL: error at {line}:{col}: unexpected {t.text!r} after the WHERE group")
    end = qs.values_index if qs.values_index is not None else n
    if mod_start is not None:
        qs.modifiers_span = (mod_start, end)


# --- variables and the groups they occur in -------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a variable inside the WHERE group."""

    name: str
    line: int
    column: int
    depth: int  # 1 = the top-level group
    groups: tuple[str, ...]  # kinds of the enclosing groups below the top level
    in_expression: bool  # inside parentheses (FILTER, BIND, a function call)
    subquery: int | None = None  # token index of the "{" of the innermost enclosing sub-SELECT


def occurrences(query: str | QueryShape) -> list[Occurrence]:
    """Every variable occurrence in the WHERE group, with the kinds of groups around it.

    Group kinds: ``subquery``, ``optional``, ``minus``, ``graph``, ``exists``, ``service``,
    ``union`` (a branch of a UNION) and ``group`` (a plain nested group).
    """
    qs = query if isinstance(query, QueryShape) else shape(query)
    if qs.where_open is None:
        return []
    tokens = qs.tokens
    stack: list[str] = []  # kinds of the open groups, the top-level group first
    opened: list[int] = []  # token indexes of their "{"
    parens: list[int] = [0]
    out: list[Occurrence] = []
    for k in range(qs.where_open, qs.where_close + 1):
        t = tokens[k]
        if _is(t, "{"):
            prev = tokens[k - 1] if k > 0 else None
            prev2 = tokens[k - 2] if k > 1 else None
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            if not stack:
                kind = "top"
            elif nxt is not None and nxt.is_kw("SELECT"):
                kind = "subquery"
            elif prev is not None and prev.is_kw("OPTIONAL"):
                kind = "optional"
            elif prev is not None and prev.is_kw("MINUS"):
                kind = "minus"
            elif prev is not None and prev.is_kw("EXISTS"):
                kind = "exists"
            elif prev2 is not None and prev2.is_kw("GRAPH"):
                kind = "graph"
            elif prev2 is not None and (prev2.is_kw("SERVICE") or (k > 2 and tokens[k - 3].is_kw("SERVICE"))):
                kind = "service"
            elif (prev is not None and prev.is_kw("UNION")) or tokens[_matching(tokens, k) + 1].is_kw("UNION"):
                kind = "union"
            else:
                kind = "group"
            stack.append(kind)
            opened.append(k)
            parens.append(0)
        elif _is(t, "}"):
            stack.pop()
            opened.pop()
            parens.pop()
        elif _is(t, "("):
            parens[-1] += 1
        elif _is(t, ")"):
            parens[-1] -= 1
        elif t.kind == "var":
            line, col = line_col(qs.text, t.start)
            sub = next((opened[d] for d in range(len(stack) - 1, 0, -1) if stack[d] == "subquery"), None)
            out.append(Occurrence(t.text[1:], line, col, len(stack), tuple(stack[1:]), parens[-1] > 0, sub))
    return out


def _subselect_passes(qs: QueryShape, open_index: int, name: str) -> bool:
    """Whether the sub-SELECT opened at ``open_index`` hands ``?name`` out unchanged: it projects
    the variable itself (``SELECT ?name ...`` or ``SELECT *``, not ``(... AS ?name)``) and has no
    GROUP BY, HAVING, LIMIT, OFFSET or VALUES. Joining its rows with a binding of ``?name`` then
    gives what binding ``?name`` inside it gives, as substitution does."""
    tokens = qs.tokens
    close = _matching(tokens, open_index)
    sub = shape(qs.text[tokens[open_index + 1].start:tokens[close].start])
    if sub.form != "SELECT" or sub.where_open is None or sub.values_index is not None or any(
            x is not None for x in (sub.group_by, sub.having, sub.limit, sub.offset)):
        return False
    plain, k = set(), sub.form_index + 1
    while k < sub.where_open and not sub.tokens[k].is_kw("WHERE"):
        t = sub.tokens[k]
        if _is(t, "("):           # an expression: (... AS ?v) or an aggregate
            k = _matching(sub.tokens, k) + 1
            continue
        if _is(t, "*"):          # SELECT * projects every variable of its pattern as itself
            return True
        if t.kind == "var":
            plain.add(t.text[1:])
        k += 1
    return name in plain


def param_problems(query: str | QueryShape, names: list[str], *, strict: bool = False) -> list[str]:
    """Why a ``VALUES`` block at the start of the top-level group would not bind these variables
    the way substitution does (empty when it would).

    A variable occurring in a sub-SELECT is not visible there, unless the variable is in the
    triple patterns of a sub-SELECT of the top-level group that hands it out unchanged (see
    :func:`_subselect_passes`): the block then joins with its rows, which is what binding it inside
    gives. In a FILTER or BIND of a nested group it is not bound yet (groups are evaluated
    bottom-up). Triple patterns in nested groups (OPTIONAL, UNION, GRAPH, MINUS) and EXISTS
    (evaluated with the outer solution) are safe. With ``strict`` every occurrence must be in the
    top-level group itself or in the patterns of such a sub-SELECT.
    """
    qs = query if isinstance(query, QueryShape) else shape(query)
    occ = occurrences(qs)
    problems = []
    for name in names:
        mine = [o for o in occ if o.name == name]
        # its projection and its WHERE group's own triple patterns
        direct = [o for o in mine if o.groups in (("subquery",), ("subquery", "group")) and not o.in_expression]
        passes = {o.subquery: _subselect_passes(qs, o.subquery, name) for o in direct}
        if not any(o.depth == 1 or passes.get(o.subquery) for o in mine):
            problems.append(f"?{name} does not occur in the top-level WHERE group")
        for o in mine:
            where = f"?{name} at {o.line}:{o.column}"
            if o in direct and passes[o.subquery]:
                continue
            if "subquery" in o.groups:
                problems.append(f"{where} is inside a sub-SELECT" + (
                    " that does not hand it out unchanged (projected as itself; no GROUP BY, HAVING, "
                    "LIMIT, OFFSET or VALUES)" if o in direct else ""))
            elif strict and o.depth > 1:
                problems.append(f"{where} is inside a nested group ({'/'.join(o.groups)})")
            elif o.in_expression and o.depth > 1 and any(g != "exists" for g in o.groups):
                problems.append(f"{where} is in an expression inside a nested group ({'/'.join(o.groups)})")
    return problems


# --- terms ----------------------------------------------------------------------------------

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_LANG = re.compile(r"^[a-zA-Z]+(?:-[a-zA-Z0-9]+)*$")
_IRI_OK = re.compile(r'^[^<>"{}|^`\\\x00-\x20]*$')


def _escape(s: str) -> str:
    out = []
    for ch in s:
        if ch in _ECHAR:
            out.append(_ECHAR[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def iri_term(iri: str) -> str:
    """``iri`` written as a SPARQL IRI term, ``<iri>``.

    Raises:
        QueryError: ``iri`` holds a character an IRI may not (space, ``<``, ``>``, quotes ...).
    """
    if not _IRI_OK.match(iri):
        raise QueryError(f"{iri!r} cannot be written as an IRI (it contains a character IRIs may not hold)")
    return f"<{iri}>"


def term_to_sparql(term: Any) -> str:
    """An RDF term (pyoxigraph or rdflib) as an N-Triples term, valid in SPARQL.

    Raises:
        QueryError: for blank nodes (not allowed in VALUES) and for terms that cannot be written.
    """
    if isinstance(term, ox.NamedNode):
        return iri_term(term.value)
    if isinstance(term, ox.Literal):
        text = f'"{_escape(term.value)}"'
        if term.language:
            if not _LANG.match(term.language):
                raise QueryError(f"{term.language!r} is not a language tag")
            return f"{text}@{term.language}"
        dt = term.datatype.value if term.datatype else XSD_STRING
        return text if dt == XSD_STRING else f"{text}^^{iri_term(dt)}"
    try:  # rdflib terms, for callers that hold them
        from rdflib.term import Literal as RLiteral, URIRef
    except ImportError:  # pragma: no cover
        URIRef = RLiteral = ()
    if isinstance(term, URIRef):
        return iri_term(str(term))
    if isinstance(term, RLiteral):
        if term.language:
            return term_to_sparql(ox.Literal(str(term), language=term.language))
        if term.datatype:
            return term_to_sparql(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))))
        return term_to_sparql(ox.Literal(str(term)))
    raise QueryError(f"cannot bind {term!r}: a parameter must be an IRI or a literal")


def _check_single_term(text: str) -> None:
    """Refuse a serialised term unless it tokenises back to exactly one term."""
    toks = tokenize(text)
    kinds = [t.kind for t in toks]
    if kinds in (["iri"], ["string"], ["string", "langtag"]) or (
        kinds == ["string", "punct", "iri"] and toks[1].text == "^^"
    ):
        return
    raise QueryError(f"refusing to bind {text!r}: it does not read back as one RDF term")


def values_block(bindings: Mapping[str, Any]) -> str:
    """A ``VALUES (?a ?b) { (term term) }`` block for the given bindings."""
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise QueryError(f"{name!r} is not a variable name")
    terms = []
    for name in names:
        t = term_to_sparql(bindings[name])
        _check_single_term(t)
        terms.append(t)
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }}"


def inject_values(query: str, bindings: Mapping[str, Any], *, qs: QueryShape | None = None) -> str:
    """The query with a VALUES block binding ``bindings`` at the start of its top-level group.

    Raises:
        QueryError: when the query is an update, has no WHERE group, is a short-form
            ``CONSTRUCT WHERE``, or uses a parameter where a VALUES block cannot bind it.
    """
    if not bindings:
        return query
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise QueryError(f"{name!r} is not a variable name")
    qs = qs or shape(query)
    if qs.form == "UPDATE":
        raise QueryError("parameters can only be bound in queries, not in updates")
    if qs.where_open is None:
        raise QueryError("parameters need a WHERE group to be bound in")
    if qs.short_construct:
        raise QueryError("parameters cannot be bound in the short form CONSTRUCT WHERE { ... }: "
                         "write CONSTRUCT { template } WHERE { ... }")
    problems = param_problems(qs, list(bindings))
    if problems:
        raise QueryError("cannot bind parameters on a remote server: " + "; ".join(problems)
                         + " (write parameters in the top-level WHERE group, or in a sub-SELECT of it that "
                           "projects them as themselves)")
    block = values_block(bindings)
    inserts = [(qs.tokens[qs.where_open].end, block)]
    inserts += [(pos, values_block({n: bindings[n] for n in names}))
                for pos, names in _passing_subselects(qs, list(bindings)).items()]
    out = query
    for pos, text in sorted(inserts, reverse=True):
        out = f"{out[:pos]} {text}{out[pos:]}"
    # the result must be the same tokens with the blocks inserted, nothing else
    expected = len(qs.tokens) + sum(len(tokenize(text)) for _pos, text in inserts)
    if len(tokenize(out)) != expected:  # pragma: no cover - defence in depth
        raise QueryError("internal error: binding the parameters changed the query")
    return out


def _passing_subselects(qs: QueryShape, names: list[str]) -> dict[int, list[str]]:
    """The sub-SELECTs of the top-level group that hand a bound variable out unchanged, as the
    offset just after the ``{`` of their WHERE group -> the variables to bind there too.

    Binding them inside as well gives the same rows (the sub-SELECT's rows are joined with the same
    binding outside), and a server then sees the bound value where the sub-SELECT uses it: Virtuoso
    planned ``{ SELECT ?place ?where WHERE { ?where mcn:within* ?place } }`` with neither end of the
    closure bound and answered no rows."""
    tokens = qs.tokens
    out: dict[int, list[str]] = {}
    for o in occurrences(qs):
        if o.name not in names or o.subquery is None or o.groups not in (("subquery",), ("subquery", "group")):
            continue
        if not _subselect_passes(qs, o.subquery, o.name):
            continue
        k = o.subquery + 1
        while not _is(tokens[k], "{"):     # the sub-SELECT's WHERE group (a projection holds no "{")
            k += 1
        names_here = out.setdefault(tokens[k].end, [])
        if o.name not in names_here:
            names_here.append(o.name)
    return out


# --- rewrites for paging and counting -------------------------------------------------------


def _text(qs: QueryShape, a: int, b: int) -> str:
    """The text of tokens a..b-1."""
    if a >= b:
        return ""
    return qs.text[qs.tokens[a].start: qs.tokens[b - 1].end]


def ordered_variables(qs: QueryShape) -> set[str]:
    """The variables the query's ORDER BY orders by as plain variables (``?v``, ``ASC(?v)``, ``DESC(?v)``)."""
    ordered: set[str] = set()
    if qs.order_by:
        toks = qs.tokens[qs.order_by[0]:qs.order_by[1]]
        for k, t in enumerate(toks):
            if t.kind == "var" and (k == 0 or not _is(toks[k - 1], "(")) and (
                    k + 1 >= len(toks) or not _is(toks[k + 1], ")")):
                ordered.add(t.text[1:])
            elif (t.kind == "var" and k >= 2 and _is(toks[k - 1], "(") and toks[k - 2].is_kw("ASC", "DESC")
                  and k + 1 < len(toks) and _is(toks[k + 1], ")")):
                ordered.add(t.text[1:])
    return ordered


def _order_keys(qs: QueryShape, tie_breakers: list[str] | None) -> str:
    """The query's own ORDER BY conditions, then each tie-breaker the conditions do not already
    order by as a plain variable (``?v``, ``ASC(?v)``, ``DESC(?v)``): ordering twice by the same
    variable changes nothing in SPARQL, but Virtuoso 7 then moves values between rows whenever
    such an ORDER BY meets LIMIT/OFFSET."""
    conditions = _text(qs, *qs.order_by) if qs.order_by else ""
    ordered = ordered_variables(qs)
    keys = " ".join(f"?{v}" for v in dict.fromkeys(tie_breakers or []) if v not in ordered)
    return " ".join(x for x in (conditions, keys) if x)


def page_query(qs: QueryShape, tie_breakers: list[str] | None, limit: int, offset: int, *,
               nested: bool = False, columns: list[str] | None = None) -> str:
    """The query ordered by its own ORDER BY and then every projected variable it does not already
    order by, one page of it.

    With ``nested``, the ordered query becomes a sub-SELECT and the page is cut by the outer query
    (``SELECT ... WHERE { { the query ORDER BY ... } } LIMIT n OFFSET k``): Virtuoso sorts at most
    ``MaxSortedTopRows`` (10,000) rows for a top-level ORDER BY with LIMIT/OFFSET (error SR353), and
    this is the form it pages beyond that with, projecting ``columns`` (default: the tie-breakers).
    The prologue and FROM clauses stay outside.
    """
    if qs.form != "SELECT":
        raise QueryError("only SELECT queries are paged")
    tokens = qs.tokens
    order = _order_keys(qs, tie_breakers)
    tail = qs.text[tokens[qs.values_index].start:] if qs.values_index is not None else ""
    if qs.modifiers_span is not None:
        head_end = tokens[qs.modifiers_span[0]].start
    else:
        head_end = tokens[qs.values_index].start if qs.values_index is not None else len(qs.text)
    ordering = f"\nORDER BY {order}" if order else ""
    cut = f"\nLIMIT {limit}\nOFFSET {offset}\n"
    if not nested:
        return qs.text[:head_end] + ordering + cut + tail
    dataset = " ".join(_text(qs, a, b) for a, b in qs.dataset_clauses)
    inner, pos = [], tokens[qs.form_index].start
    for a, b in qs.dataset_clauses:
        inner.append(qs.text[pos: tokens[a].start])
        pos = tokens[b - 1].end
    inner.append(qs.text[pos:head_end])
    columns = columns or tie_breakers
    projection = " ".join(f"?{v}" for v in columns) if columns else "*"
    return (f"{qs.prologue}SELECT {projection} {dataset}\nWHERE {{\n{{\n{''.join(inner)}{ordering}\n{tail}\n}}\n}}"
            f"{cut}")


def keyset_key(qs: QueryShape, tie_breakers: list[str]) -> str | None:
    """The variable a query can be paged by key ranges over (``FILTER(?k >= last)`` instead of
    OFFSET), or None when it cannot.

    The query must have no LIMIT, OFFSET, GROUP BY or HAVING, and either no ORDER BY (the key is
    then the first tie-breaker) or an ORDER BY of one ascending variable (``?k``, ``ASC(?k)``). The
    key must be projected as itself and occur in the WHERE group, where the filter goes.
    """
    if qs.form != "SELECT" or qs.where_open is None or any(
            x is not None for x in (qs.limit, qs.offset, qs.group_by, qs.having)):
        return None
    if qs.order_by:
        toks = qs.tokens[qs.order_by[0]:qs.order_by[1]]
        if len(toks) == 1 and toks[0].kind == "var":
            key = toks[0].text[1:]
        elif (len(toks) == 4 and toks[0].is_kw("ASC") and _is(toks[1], "(") and toks[2].kind == "var"
              and _is(toks[3], ")")):
            key = toks[2].text[1:]
        else:
            return None
    elif tie_breakers:
        key = tie_breakers[0]
    else:
        return None
    head = qs.tokens[qs.form_index:qs.where_open]
    aliased = any(t.is_kw("AS") and k + 1 < len(head) and head[k + 1].text[1:] == key
                  for k, t in enumerate(head))
    in_where = any(t.kind == "var" and t.text[1:] == key for t in qs.tokens[qs.where_open:qs.where_close])
    if aliased or not in_where or key not in tie_breakers:
        return None
    return key


def keyset_query(qs: QueryShape, key: str, after: str | None, tie_breakers: list[str], limit: int,
                 skip: int, *, unbound: bool = False) -> str:
    """One page by key ranges: the rows whose ``?key`` is at least ``after`` (an RDF term written as
    SPARQL, None for the first page), or with ``unbound`` the rows where it is unbound, ordered by
    the key and then the other tie-breakers, ``skip`` rows (those holding ``after``, or unbound,
    that earlier pages gave) left out, ``limit`` rows.

    The filter goes at the end of the top-level group, where it constrains the whole group.
    """
    tokens = qs.tokens
    close = tokens[qs.where_close].start
    flt = f" FILTER(!BOUND(?{key}))\n" if unbound else f" FILTER(?{key} >= {after})\n" if after is not None else ""
    if qs.modifiers_span is not None:
        head_end = tokens[qs.modifiers_span[0]].start
    else:
        head_end = tokens[qs.values_index].start if qs.values_index is not None else len(qs.text)
    tail = qs.text[tokens[qs.values_index].start:] if qs.values_index is not None else ""
    order = " ".join(f"?{v}" for v in dict.fromkeys([key] + list(tie_breakers)))
    cut = f"\nLIMIT {limit}\n" + (f"OFFSET {skip}\n" if skip else "")
    return qs.text[:close] + flt + qs.text[close:head_end] + f"\nORDER BY {order}" + cut + tail


def count_query(qs: QueryShape, count_var: str = "graphkit_count") -> str:
    """``SELECT (COUNT(*) AS ?count)`` over the rows of a SELECT query (its FROM clauses kept outside)."""
    if qs.form != "SELECT":
        raise QueryError("only SELECT queries are counted")
    tokens = qs.tokens
    dataset = " ".join(_text(qs, a, b) for a, b in qs.dataset_clauses)
    body_parts = []
    pos = tokens[qs.form_index].start
    for a, b in qs.dataset_clauses:
        body_parts.append(qs.text[pos: tokens[a].start])
        pos = tokens[b - 1].end
    body_parts.append(qs.text[pos:])
    body = "".join(body_parts)
    return f"{qs.prologue}SELECT (COUNT(*) AS ?{count_var}) {dataset}\nWHERE {{\n{{\n{body}\n}}\n}}\n"


def has_service(query: str) -> bool:
    """Whether the query calls another endpoint (SERVICE), read as written and with \\u escapes decoded."""
    texts = [query]
    if "\\u" in query or "\\U" in query:
        texts.append(re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                            lambda m: chr(int(m.group(1) or m.group(2), 16)), query))
    for text in texts:
        try:
            if any(t.is_kw("SERVICE") for t in tokenize(text)):
                return True
        except QueryError:
            if re.search(r"service", text, re.IGNORECASE):
                return True
    return False


def query_form(query: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE, ASK or UPDATE."""
    return shape(query).form
