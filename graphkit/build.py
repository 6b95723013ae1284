"""The build: records -> validated RDF dataset -> files under ``build/graph`` (all or nothing).

Steps: read and validate the records (every problem at once); map them to RDF (one named graph
per source document); validate the dataset with the SHACL shapes (violations fail the build,
warnings are reported); write TriG, N-Quads, Turtle of the merged graph, the SHACL report, the
ontology documentation and a summary into a temporary folder that replaces the old output only
when everything succeeded.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from rdflib import Dataset, Graph
from rdflib.namespace import RDF

from graphkit import paths
from graphkit.namespaces import MCN, ONTOLOGY_GRAPH, ORG, PREFIXES, bind_prefixes
from graphkit.rdfmap import records_to_dataset
from graphkit.records import load_records

DEFAULT_ONTOLOGY = paths.ONTOLOGY_DIR     # shipped with the package

DATASET_TRIG = "dataset.trig"
DATASET_NQUADS = "dataset.nq"
MERGED_TURTLE = "merged.ttl"
SUMMARY = "summary.json"
SHACL_REPORT = "shacl-report.txt"


@dataclass
class ShaclResult:
    conforms: bool
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)


class BuildFailed(Exception):
    """The dataset does not conform to the shapes; nothing was written."""

    def __init__(self, shacl: ShaclResult):
        self.shacl = shacl
        super().__init__(f"{len(shacl.violations)} SHACL violation(s):\n" + "\n".join(shacl.violations))


@dataclass
class Summary:
    projects: int
    organisations: int
    participations: int
    triples: int
    graphs: dict[str, int]
    shacl_warnings: int
    output: str

    def lines(self) -> list[str]:
        out = [
            f"projects        {self.projects}",
            f"organisations   {self.organisations}",
            f"participations  {self.participations}",
            f"triples         {self.triples}",
            f"SHACL warnings  {self.shacl_warnings}",
            "named graphs:",
        ]
        out += [f"  {g}  {n}" for g, n in sorted(self.graphs.items())]
        out.append(f"written to {self.output}")
        return out


def merged_graph(ds: Dataset, *, with_ontology: bool = True) -> Graph:
    """Every named graph of the dataset in one graph (the ontology graph optional)."""
    g = Graph()
    bind_prefixes(g)
    for ctx in ds.graphs():
        if not with_ontology and ctx.identifier == ONTOLOGY_GRAPH:
            continue
        for t in ctx:
            g.add(t)
    return g


def shacl_validate(data: Graph, shapes_dir: Path) -> ShaclResult:
    """Validate ``data`` against every shapes file in ``shapes_dir``; sort results by severity."""
    from pyshacl import validate
    from rdflib.namespace import SH

    shapes = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    conforms, report, _text = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    result = ShaclResult(conforms=bool(conforms))
    for r in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(r, SH.resultSeverity)
        focus = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        message = report.value(r, SH.resultMessage)
        line = f"{_short(focus)}: {_short(path) if path is not None else '-'}: {message or 'constraint not met'}"
        {SH.Violation: result.violations, SH.Warning: result.warnings}.get(severity, result.infos).append(line)
    for lst in (result.violations, result.warnings, result.infos):
        lst.sort()
    result.conforms = not result.violations
    return result


def _short(term) -> str:
    """A CURIE for display when a project prefix fits (the longest namespace wins)."""
    s = str(term)
    fits = [(len(iri), p) for p, iri in PREFIXES.items() if s.startswith(iri) and len(s) > len(iri)]
    if not fits:
        return s
    n, prefix = max(fits)
    return f"{prefix}:{s[n:]}"


def summarise(ds: Dataset, shacl: ShaclResult, out_dir: Path) -> Summary:
    union = merged_graph(ds, with_ontology=False)
    graphs = {}
    for ctx in ds.graphs():
        n = len(ctx)
        if n:
            graphs[_short(ctx.identifier)] = n
    return Summary(
        projects=len(set(union.subjects(RDF.type, MCN.Project))),
        organisations=len(set(union.subjects(RDF.type, ORG.Organization))),
        participations=len(set(union.subjects(RDF.type, MCN.Participation))),
        triples=sum(graphs.values()),
        graphs=graphs,
        shacl_warnings=len(shacl.warnings),
        output=str(out_dir),
    )


def _write_outputs(ds: Dataset, shacl: ShaclResult, tmp: Path, ontology_dir: Path, docs: bool) -> None:
    ds.serialize(tmp / DATASET_TRIG, format="trig")
    ds.serialize(tmp / DATASET_NQUADS, format="nquads")
    merged_graph(ds).serialize(tmp / MERGED_TURTLE, format="turtle")
    report = ["violations:", *shacl.violations, "", "warnings:", *shacl.warnings, "", "info:", *shacl.infos]
    (tmp / SHACL_REPORT).write_text("\n".join(report) + "\n", encoding="utf-8")
    if docs:
        from graphkit.ontology import write_docs

        write_docs(tmp)


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
) -> Summary:
    """Build the graph from the records in ``data_dir`` into ``out_dir``.

    ``data_dir`` defaults to ``data/`` of the working folder (:func:`graphkit.paths.data_dir`:
    an error when there is none), ``out_dir`` to its ``build/graph``.

    A folder of curated YAML records alone is built in memory with rdflib (full SHACL, TriG,
    N-Quads, Turtle). A bulk folder (JSON Lines, :mod:`graphkit.bulk`), or several folders
    (``add_data``: e.g. synthetic or imported records beside the curated ones), are built by the
    streaming build (:mod:`graphkit.streambuild`), which also writes an on-disk Oxigraph store
    (``store``: ``auto`` keeps it from a million quads on, ``disk`` always, ``none`` never;
    ``nquads=False`` with ``store="disk"`` keeps the store without ``dataset.nq``;
    ``store_checks=False`` skips the violation checks on the whole store, for huge builds).

    ``imports`` are graphs written by ``graphkit import`` (``build/imports/*/graph.nq``), added to
    the outputs of the curated build (:mod:`graphkit.imports.combine`).

    Raises:
        RecordsInvalid: the records have problems (each with file, record and field).
        BuildFailed: the dataset violates the SHACL shapes.
        Nothing is written in either case.
    """
    data_dir = paths.data_dir(data_dir)
    out_dir = Path(out_dir) if out_dir is not None else paths.build_dir()
    ontology_dir = Path(ontology_dir)
    if imports and (add_data or is_streaming(data_dir)):
        raise ValueError("imported graphs are added to the build of curated YAML records only, not to a streaming build")
    if add_data or is_streaming(data_dir):
        from graphkit.streambuild import build_streaming

        return build_streaming([data_dir, *map(Path, add_data)], out_dir, ontology_dir=ontology_dir, docs=docs,
                               progress=progress, store=store, nquads=nquads,
                               store_checks=store_checks)
    progress("reading and validating records")
    recs = load_records(data_dir, ontology_dir=ontology_dir)
    progress("mapping records to RDF")
    ds = records_to_dataset(recs, ontology_dir)
    progress("validating the dataset with the SHACL shapes")
    shacl = shacl_validate(merged_graph(ds), ontology_dir / "shapes")
    if not shacl.conforms:
        raise BuildFailed(shacl)
    progress("writing the dataset")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        _write_outputs(ds, shacl, tmp, ontology_dir, docs)
        summary = summarise(ds, shacl, out_dir)
        if imports:
            from graphkit.imports.combine import add_imports

            progress("adding the imported datasets")
            counts = add_imports(tmp, [Path(p) for p in imports], summary.graphs, progress)
            summary = Summary(counts["projects"], counts["organisations"], counts["participations"],
                              counts["triples"], counts["graphs"], summary.shacl_warnings, summary.output)
        (tmp / SUMMARY).write_text(json.dumps(asdict(summary), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _swap_into_place(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


def is_streaming(data_dir: Path) -> bool:
    """Whether ``data_dir`` is built by the streaming build (a bulk folder of JSON Lines records)."""
    from graphkit.bulk import is_bulk_folder

    return is_bulk_folder(data_dir)


def _swap_into_place(tmp: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``tmp`` with renames, so readers never see a half-written build."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
        os.replace(out_dir, old)
    os.replace(tmp, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def load_summary(out_dir: Path | None = None) -> Summary:
    """The summary of the build in ``out_dir`` (default: ``build/graph`` of the working folder)."""
    out_dir = Path(out_dir) if out_dir is not None else paths.build_dir()
    return Summary(**json.loads((out_dir / SUMMARY).read_text(encoding="utf-8")))


def __getattr__(name: str) -> Path:
    """``DEFAULT_DATA`` and ``DEFAULT_OUT``, kept for older callers: computed from the working
    folder when read (use :func:`graphkit.paths.default_data_dir` and
    :func:`graphkit.paths.build_dir`)."""
    if name == "DEFAULT_DATA":
        return paths.default_data_dir()
    if name == "DEFAULT_OUT":
        return paths.build_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

