"""Adding imported datasets to a build: ``graphkit build --with-imports``.

The curated records are built and SHACL-validated as always; the graphs of the imports
(``build/imports/{dataset}/graph.nq``, written by ``graphkit import``) are then added to the
build's outputs before the build folder replaces the previous one, so the build stays all or
nothing. Imported graphs carry no blank nodes, so their N-Quads lines are appended as they are;
TriG and Turtle are serialised with Oxigraph. The SHACL shapes are those of the curated records
(a lead, a quote from a page) and are not applied to imported rows, which the importers validate
row by row instead (docs/decisions/0009-external-datasets.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import pyoxigraph as ox

from graphkit.errors import EXIT_RUNTIME, GraphkitError
from graphkit.namespaces import GRAPH, PREFIXES

COUNTS = {
    "projects": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a mcn:Project }",
    "organisations": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a org:Organization }",
    "participations": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a mcn:Participation }",
}


class ImportsMissing(GraphkitError, FileNotFoundError):
    """No import to add: the message says which command writes them (exit code 3)."""

    exit_code = EXIT_RUNTIME


def check_imports(paths: Sequence[Path]) -> list[Path]:
    """The import graphs to add; raises :class:`ImportsMissing` naming any that does not exist."""
    out = []
    for p in map(Path, paths):
        if not p.is_file():
            raise ImportsMissing(f"{p} does not exist: run `graphkit import DATASET PATH` first")
        with p.open("rb") as fh:
            for line in fh:
                if b"_:" in line.split(b'"')[0]:
                    raise ValueError(f"{p}: has blank nodes; only graphs written by `graphkit import` can be added")
                break
        out.append(p)
    return out


def add_imports(build_dir: Path, imports: Sequence[Path], graphs: dict[str, int],
                progress: Callable[[str], None] = lambda _m: None) -> dict[str, int]:
    """Append the imported graphs to the build in ``build_dir``; return the new counts.

    Returns a dict with ``projects``, ``organisations``, ``participations``, ``triples`` and
    ``graphs`` (triples per named graph, CURIE names), for the whole combined dataset.
    """
    from graphkit.paths import DATASET_NQUADS, DATASET_TRIG, MERGED_TURTLE

    build_dir = Path(build_dir)
    store = ox.Store()
    store.bulk_load(path=str(build_dir / DATASET_NQUADS), format=ox.RdfFormat.N_QUADS)
    extra = ox.Store()
    for path in check_imports(imports):
        progress(f"adding {path}")
        extra.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    prefixes = {k: v for k, v in PREFIXES.items()}
    with (build_dir / DATASET_NQUADS).open("ab") as fh:
        for path in imports:
            with Path(path).open("rb") as src:
                for block in iter(lambda: src.read(1 << 20), b""):
                    fh.write(block)
    with (build_dir / DATASET_TRIG).open("ab") as fh:
        fh.write(b"\n")
        ox.serialize(extra, fh, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    with (build_dir / MERGED_TURTLE).open("ab") as fh:
        fh.write(b"\n")
        triples = (q.triple for q in extra)
        ox.serialize(triples, fh, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    out: dict[str, int] = {}
    for key, q in COUNTS.items():
        rows = list(store.query(q, prefixes=prefixes, use_default_graph_as_union=True))
        out[key] = int(rows[0]["n"].value)
    counts = dict(graphs)
    for g in extra.named_graphs():
        n = sum(1 for _ in extra.quads_for_pattern(None, None, None, g))
        name = "graph:" + g.value[len(str(GRAPH)):] if g.value.startswith(str(GRAPH)) else g.value
        counts[name] = counts.get(name, 0) + n
    out["graphs"] = counts
    out["triples"] = sum(counts.values())
    return out
