"""What every store offers: the :class:`GraphStore` protocol, the answer of a SELECT query and the
error of a query that cannot be run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Protocol

from graphkit.errors import EXIT_NONCONFORMING, GraphkitError


@dataclass
class SelectResult:
    """The answer of a SELECT query: variable names and rows of RDF terms (None when unbound)."""

    variables: list[str]
    rows: list[tuple[Any, ...]]

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as dicts of variable name -> term (None when unbound)."""
        return [dict(zip(self.variables, row)) for row in self.rows]


class QueryError(GraphkitError):
    """A query could not be parsed or run; the message says where and why (exit code 1)."""

    exit_code = EXIT_NONCONFORMING


class GraphStore(Protocol):
    """What every backend offers."""

    def select(self, query: str, bindings: Mapping[str, Any] | None = None) -> SelectResult:
        """The answer of a SELECT query, with ``bindings`` (variable name -> RDF term) bound.

        Raises:
            QueryError: The query cannot be parsed or run, or is not a SELECT query.
        """

    def ask(self, query: str, bindings: Mapping[str, Any] | None = None) -> bool:
        """The answer of an ASK query, with ``bindings`` (variable name -> RDF term) bound.

        Raises:
            QueryError: The query cannot be parsed or run, or is not an ASK query.
        """

    def construct(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[Any]:
        """The triples of a CONSTRUCT or DESCRIBE query, with ``bindings`` (variable name -> RDF term) bound.

        Raises:
            QueryError: The query cannot be parsed or run, or is neither CONSTRUCT nor DESCRIBE.
        """

    def __len__(self) -> int: ...
