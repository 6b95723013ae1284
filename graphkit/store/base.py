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
        return [dict(zip(self.variables, row)) for row in self.rows]


class QueryError(GraphkitError):
    """A query could not be parsed or run; the message says where and why (exit code 1)."""

    exit_code = EXIT_NONCONFORMING


class GraphStore(Protocol):
    """What every backend offers."""

    def select(self, query: str, bindings: Mapping[str, Any] | None = None) -> SelectResult: ...

    def ask(self, query: str, bindings: Mapping[str, Any] | None = None) -> bool: ...

    def construct(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[Any]: ...

    def __len__(self) -> int: ...
