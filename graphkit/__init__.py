"""graphkit: a knowledge graph of migration-cooperation networks."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("graphkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"


def open_store(endpoint=None, **options):
    """The embedded store of the last build, or a remote SPARQL server: see :func:`graphkit.store.open_store`."""
    from graphkit.store import open_store as _open_store

    return _open_store(endpoint, **options)
