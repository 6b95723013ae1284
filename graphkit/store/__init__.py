"""The store: where the built dataset is queried.

One small protocol, :class:`GraphStore` (:mod:`graphkit.store.base`), with an embedded Oxigraph
backend (:mod:`graphkit.store.embedded`, the default), a remote backend for any SPARQL 1.1 server
(:mod:`graphkit.store.remote`, with the SPARQL text helpers of :mod:`graphkit.store.sparqltext`)
and the build's sources kept apart (:mod:`graphkit.store.sources`). :func:`open_store` opens the
one a notebook or a command asks for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from graphkit.store.base import GraphStore, QueryError, SelectResult
from graphkit.store.embedded import EmbeddedStore


def open_store(endpoint: str | None = None, *, out_dir: Path | str | None = None,
               sources: Sequence[str] | None = None, **options: Any) -> GraphStore:
    """The store a notebook or a command asks questions of, in one line.

    With no ``endpoint``, the dataset of the last ``graphkit build`` in an embedded Oxigraph store;
    with ``sources``, only the graphs of those sources of the build (see
    :func:`graphkit.store.sources.open_sources`); with an ``endpoint`` URL, a
    :class:`graphkit.store.remote.RemoteStore` on that SPARQL 1.1 server (credentials from
    ``GRAPHKIT_SPARQL_USER`` / ``GRAPHKIT_SPARQL_PASSWORD``; ``options`` are passed to it).

    Args:
        endpoint: URL of a SPARQL 1.1 query endpoint, or None for the build.
        out_dir: The build folder (``graphkit build --build``; default ``build/graph`` of the working
            folder).
        sources: Keep only these sources of the build (``seeds``, ``eutf``, ``crs``); None or
            empty: all of them.
        **options: Options of :class:`graphkit.store.remote.RemoteStore` (``default_graph``, ...).

    Returns:
        The store.

    Raises:
        FileNotFoundError: there is no build in ``out_dir``.
        graphkit.store.sources.SourceError: a source the build does not hold, or sources with an
            endpoint (exit code 2).
        TypeError: remote options without an endpoint.

    Example:
        >>> from graphkit import open_store
        >>> from graphkit.queries import run_query, to_dataframe
        >>> store = open_store()  # doctest: +SKIP
        >>> to_dataframe(run_query(store, "project-participants", {"project": "project:impra"}))  # doctest: +SKIP
    """
    if sources:
        from graphkit.store.sources import SourceError, open_sources

        if endpoint is not None:
            raise SourceError("--source filters the build; it cannot be used with --endpoint")
        if options:
            raise TypeError(f"options {', '.join(options)} apply to remote stores only")
        return open_sources(out_dir, sources)
    if endpoint is None:
        if options:
            raise TypeError(f"options {', '.join(options)} apply to remote stores only")
        return EmbeddedStore.from_build(out_dir)
    from graphkit.store.remote import RemoteStore

    return RemoteStore(endpoint, **options)


__all__ = ["GraphStore", "QueryError", "SelectResult", "EmbeddedStore", "open_store"]
