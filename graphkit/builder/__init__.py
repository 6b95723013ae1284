"""The build: records -> validated RDF dataset -> files under ``build/graph`` (all or nothing).

Steps: read and validate the records (every problem at once); map them to RDF (one named graph
per source document, :mod:`graphkit.rdf.mapping`); validate the dataset with the SHACL shapes
(violations fail the build, warnings are reported, :mod:`graphkit.builder.shacl`); write the
dataset, the SHACL report, the ontology documentation and a summary
(:mod:`graphkit.builder.summary`) into a temporary folder that replaces the old output only when
everything succeeded. Curated YAML records are built in memory (:mod:`graphkit.builder.small`);
bulk JSON Lines records, or several folders, by streaming (:mod:`graphkit.builder.streaming`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from graphkit import paths
from graphkit.builder.duplicates import Candidate, DuplicatesFound, possible_duplicates
from graphkit.builder.shacl import BuildFailed, ShaclResult, merged_graph, shacl_validate
from graphkit.builder.small import build_small
from graphkit.builder.summary import Summary, load_summary
from graphkit.paths import DATASET_NQUADS, DATASET_TRIG, MERGED_TURTLE, SHACL_REPORT, SUMMARY
from graphkit.rdf.mapping import records_to_dataset
from graphkit.records import load_records
from graphkit.records.roles import unstated_roles

DEFAULT_ONTOLOGY = paths.ONTOLOGY_DIR     # shipped with the package


def build(
    data_dir: Path | None = None,
    out_dir: Path | None = None,
    *,
    ontology_dir: Path = DEFAULT_ONTOLOGY,
    docs: bool = True,
    progress: Callable[[str], None] = lambda _msg: None,
    add_data: Sequence[Path | str] = (),
    store: str = "auto",
    imports: Sequence[Path | str] = (),
    nquads: bool = True,
    store_checks: bool = True,
    strict_duplicates: bool = False,
) -> Summary:
    """Build the graph from the records in ``data_dir`` into ``out_dir``.

    ``data_dir`` defaults to ``data/`` of the working folder (:func:`graphkit.paths.data_dir`:
    an error when there is none), ``out_dir`` to its ``build/graph``.

    A folder of curated YAML records alone is built in memory with rdflib (full SHACL, TriG,
    N-Quads, Turtle). A bulk folder (JSON Lines, :mod:`graphkit.records.bulk`), or several folders
    (``add_data``: e.g. synthetic or imported records beside the curated ones), are built by the
    streaming build (:mod:`graphkit.builder.streaming`), which also writes an on-disk Oxigraph store
    (``store``: ``auto`` keeps it from a million quads on, ``disk`` always, ``none`` never;
    ``nquads=False`` with ``store="disk"`` keeps the store without ``dataset.nq``;
    ``store_checks=False`` skips the violation checks on the whole store, for huge builds).

    Organisations of the registry whose names look alike are reported as warnings (the progress,
    the summary and ``duplicates.txt``, decision 0017); ``strict_duplicates`` makes any of them an
    error.

    ``imports`` are graphs written by ``graphkit import`` (``build/imports/*/graph.nq``), added to
    the outputs of the curated build (:mod:`graphkit.builder.combine`).

    Raises:
        RecordsInvalid: the records have problems (each with file, record and field).
        BuildFailed: the dataset violates the SHACL shapes.
        DuplicatesFound: ``strict_duplicates`` and the registry has possible duplicates.
        Nothing is written in any case.
    """
    data_dir = paths.data_dir(data_dir)
    out_dir = Path(out_dir) if out_dir is not None else paths.build_dir()
    ontology_dir = Path(ontology_dir)
    if imports and (add_data or is_streaming(data_dir)):
        raise ValueError("imported graphs are added to the build of curated YAML records only, not to a streaming build")
    if add_data or is_streaming(data_dir):
        from graphkit.builder.streaming import build_streaming

        return build_streaming([data_dir, *map(Path, add_data)], out_dir, ontology_dir=ontology_dir, docs=docs,
                               progress=progress, store=store, nquads=nquads,
                               store_checks=store_checks, strict_duplicates=strict_duplicates)
    return build_small(data_dir, out_dir, ontology_dir=ontology_dir, docs=docs, progress=progress, imports=imports,
                       strict_duplicates=strict_duplicates)


def validate(data_dir: Path | str | None = None, ontology_dir: Path | str = DEFAULT_ONTOLOGY) -> ShaclResult:
    """Check the records and the dataset they make against the SHACL shapes, writing nothing.

    The records are loaded and validated, mapped to RDF and the merged graph is validated with
    the shapes in ``ontology_dir/shapes``: the checks of :func:`build`, without its files. The
    possible duplicate organisations of the registry are in the result's ``duplicates``, the
    participations whose quote does not state their role in its ``unstated_roles`` (decision 0019).

    Args:
        data_dir: Folder of curated records (default: ``data/`` of the working folder).
        ontology_dir: Ontology folder (vocabularies, shapes).

    Returns:
        The SHACL result; ``conforms`` is False when there are violations (duplicates are warnings).

    Raises:
        RecordsInvalid: the records have problems (each with file, record and field).

    Example:
        >>> from graphkit.builder import validate
        >>> print("\\n".join(validate().lines(warnings=False)))  # doctest: +SKIP
        conforms: yes (0 violations, 34 warnings)
    """
    data_dir, ontology_dir = paths.data_dir(data_dir), Path(ontology_dir)
    recs = load_records(data_dir, ontology_dir=ontology_dir)
    result = shacl_validate(merged_graph(records_to_dataset(recs, ontology_dir)), ontology_dir / "shapes")
    result.duplicates = [str(c) for c in possible_duplicates(recs)]
    result.unstated_roles = [str(u) for u in unstated_roles(recs)]
    return result


def is_streaming(data_dir: Path) -> bool:
    """Whether ``data_dir`` is built by the streaming build (a bulk folder of JSON Lines records)."""
    from graphkit.records.bulk import is_bulk_folder

    return is_bulk_folder(data_dir)


__all__ = ["build", "validate", "is_streaming", "possible_duplicates", "Candidate", "DuplicatesFound", "load_summary", "Summary", "BuildFailed", "ShaclResult",
           "merged_graph", "shacl_validate", "DEFAULT_ONTOLOGY", "DATASET_NQUADS", "DATASET_TRIG", "MERGED_TURTLE",
           "SHACL_REPORT", "SUMMARY"]
