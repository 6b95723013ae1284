"""The sources of a build kept apart: the curated pages ("seeds", the graphs ``graph/source/*``)
and each imported dataset (``graph/dataset/{name}``). :func:`open_sources` gives a store holding
only the sources asked for, with the registry, reference and ontology graphs every question needs,
so any named query and any network projection can be filtered by source without changing it."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from graphkit import paths
from graphkit.paths import DATASET_NQUADS
from graphkit.errors import EXIT_USAGE, GraphkitError
from graphkit.namespaces import GRAPH
from graphkit.store.embedded import EmbeddedStore

SEEDS = "seeds"
GRAPH_PREFIX = str(GRAPH)
ALWAYS = {GRAPH_PREFIX + "registry", GRAPH_PREFIX + "reference", GRAPH_PREFIX + "ontology"}


class SourceError(GraphkitError, ValueError):
    """A source name the build does not hold; the message lists those it holds (exit code 2)."""

    exit_code = EXIT_USAGE


def source_of_graph(graph_iri: str) -> str | None:
    """``seeds`` for a curated page's graph, the dataset name for an imported graph, else None."""
    if graph_iri.startswith(GRAPH_PREFIX + "source/"):
        return SEEDS
    if graph_iri.startswith(GRAPH_PREFIX + "dataset/"):
        return graph_iri[len(GRAPH_PREFIX + "dataset/"):]
    return None


def sources_in(store: EmbeddedStore) -> dict[str, int]:
    """The sources a store holds, with their number of quads."""
    out: dict[str, int] = {}
    for g in store.store.named_graphs():
        s = source_of_graph(g.value)
        if s:
            out[s] = out.get(s, 0) + sum(1 for _ in store.store.quads_for_pattern(None, None, None, g))
    return dict(sorted(out.items()))


def open_sources(out_dir: Path | str | None = None, sources: Iterable[str] | None = None) -> EmbeddedStore:
    """The build in ``out_dir`` with only the graphs of ``sources`` (``seeds``, ``eutf``, ``crs``;
    None keeps them all) and the registry, reference and ontology graphs.

    Raises:
        FileNotFoundError: there is no build in ``out_dir``.
        SourceError: a source is not in the build.

    ``out_dir`` defaults to ``build/graph`` of the working folder.
    """
    out_dir = Path(out_dir) if out_dir is not None else paths.build_dir()
    nq = out_dir / DATASET_NQUADS
    if not nq.exists():
        raise FileNotFoundError(f"{nq} does not exist: run `graphkit build` first")
    store = EmbeddedStore()
    store.store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    if sources is None:
        return store
    wanted = {s.strip() for s in sources if s and s.strip()}
    held = sources_in(store)
    unknown = sorted(wanted - set(held))
    if unknown:
        raise SourceError(f"source(s) {', '.join(unknown)} not in the build in {out_dir} (it holds: "
                          f"{', '.join(held) or 'none'}; imported datasets need `graphkit build --with-imports`)")
    for g in list(store.store.named_graphs()):
        s = source_of_graph(g.value)
        if g.value not in ALWAYS and s is not None and s not in wanted:
            store.store.remove_graph(g)
    return store
