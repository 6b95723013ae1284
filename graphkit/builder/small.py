"""The small build: curated YAML records -> an rdflib dataset -> SHACL -> TriG, N-Quads, Turtle of
the merged graph, the SHACL report, the ontology documentation and a summary, written into a
temporary folder that replaces the old output only when everything succeeded."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Sequence

from rdflib import Dataset

from graphkit.builder.duplicates import check_duplicates, report_text
from graphkit.builder.shacl import BuildFailed, ShaclResult, merged_graph, shacl_validate
from graphkit.builder.summary import Summary, summarise
from graphkit.folders import swap_into_place, temporary_beside
from graphkit.paths import DATASET_NQUADS, DATASET_TRIG, DUPLICATES_REPORT, MERGED_TURTLE, SHACL_REPORT, SUMMARY
from graphkit.rdf.mapping import records_to_dataset
from graphkit.records import load_records


def build_small(data_dir: Path, out_dir: Path, *, ontology_dir: Path, docs: bool = True,
                progress: Callable[[str], None] = lambda _msg: None, imports: Sequence[Path | str] = (),
                strict_duplicates: bool = False) -> Summary:
    """Build the curated YAML records of ``data_dir`` into ``out_dir`` in memory (rdflib): full
    SHACL, TriG, N-Quads, Turtle; ``imports`` (graphs written by ``graphkit import``) are added to
    the outputs (:mod:`graphkit.builder.combine`); possible duplicate organisations are warnings
    (errors with ``strict_duplicates``, :mod:`graphkit.builder.duplicates`). See :func:`graphkit.builder.build`."""
    progress("reading and validating records")
    recs = load_records(data_dir, ontology_dir=ontology_dir)
    duplicates = check_duplicates(recs, progress, strict_duplicates)
    progress("mapping records to RDF")
    ds = records_to_dataset(recs, ontology_dir)
    progress("validating the dataset with the SHACL shapes")
    shacl = shacl_validate(merged_graph(ds), ontology_dir / "shapes")
    if not shacl.conforms:
        raise BuildFailed(shacl)
    progress("writing the dataset")
    tmp = temporary_beside(out_dir)
    try:
        _write_outputs(ds, shacl, tmp, ontology_dir, docs)
        (tmp / DUPLICATES_REPORT).write_text(report_text(duplicates), encoding="utf-8")
        summary = summarise(ds, shacl, out_dir)
        summary.duplicates = [str(c) for c in duplicates]
        if imports:
            from graphkit.builder.combine import add_imports

            progress("adding the imported datasets")
            counts = add_imports(tmp, [Path(p) for p in imports], summary.graphs, progress)
            summary = Summary(counts["projects"], counts["organisations"], counts["participations"],
                              counts["triples"], counts["graphs"], summary.shacl_warnings, summary.output,
                              summary.duplicates)
        (tmp / SUMMARY).write_text(json.dumps(asdict(summary), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        swap_into_place(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary




def _write_outputs(ds: Dataset, shacl: ShaclResult, tmp: Path, ontology_dir: Path, docs: bool) -> None:
    ds.serialize(tmp / DATASET_TRIG, format="trig")
    ds.serialize(tmp / DATASET_NQUADS, format="nquads")
    merged_graph(ds).serialize(tmp / MERGED_TURTLE, format="turtle")
    report = ["violations:", *shacl.violations, "", "warnings:", *shacl.warnings, "", "info:", *shacl.infos]
    (tmp / SHACL_REPORT).write_text("\n".join(report) + "\n", encoding="utf-8")
    if docs:
        from graphkit.builder.ontology import write_docs

        write_docs(tmp)


