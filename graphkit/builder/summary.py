"""What a build holds: counts of projects, organisations, participations and quads by named graph,
written to ``summary.json`` and printed by ``graphkit build`` (:class:`Summary`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset
from rdflib.namespace import RDF

from graphkit import paths
from graphkit.builder.shacl import ShaclResult, merged_graph
from graphkit.namespaces import MCN, ORG, curie


@dataclass
class Summary:
    """The counts of a build: projects, organisations, participations, triples, quads by named graph
    (CURIE -> count), SHACL warnings, the folder it was written to, and the possible duplicate
    organisations of the registry (one line each, decision 0017)."""

    projects: int
    organisations: int
    participations: int
    triples: int
    graphs: dict[str, int]
    shacl_warnings: int
    output: str
    duplicates: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary as the aligned lines ``graphkit build`` prints, named graphs sorted."""
        out = [
            f"projects        {self.projects}",
            f"organisations   {self.organisations}",
            f"participations  {self.participations}",
            f"triples         {self.triples}",
            f"SHACL warnings  {self.shacl_warnings}",
            "named graphs:",
        ]
        out += [f"  {g}  {n}" for g, n in sorted(self.graphs.items())]
        if self.duplicates:
            out.append(f"possible duplicate organisations ({len(self.duplicates)}, see {paths.DUPLICATES_REPORT}):")
            out += [f"  {d}" for d in self.duplicates]
        out.append(f"written to {self.output}")
        return out


def summarise(ds: Dataset, shacl: ShaclResult, out_dir: Path) -> Summary:
    """The :class:`Summary` of the built dataset ``ds``: instances counted in the union of its graphs
    (without the ontology), quads counted per non-empty named graph."""
    union = merged_graph(ds, with_ontology=False)
    graphs = {}
    for ctx in ds.graphs():
        n = len(ctx)
        if n:
            graphs[curie(str(ctx.identifier))] = n
    return Summary(
        projects=len(set(union.subjects(RDF.type, MCN.Project))),
        organisations=len(set(union.subjects(RDF.type, ORG.Organization))),
        participations=len(set(union.subjects(RDF.type, MCN.Participation))),
        triples=sum(graphs.values()),
        graphs=graphs,
        shacl_warnings=len(shacl.warnings),
        output=str(out_dir),
    )


def load_summary(out_dir: Path | str | None = None) -> Summary:
    """The summary of the build in ``out_dir`` (default: ``build/graph`` of the working folder)."""
    out_dir = Path(out_dir) if out_dir is not None else paths.build_dir()
    return Summary(**json.loads((out_dir / paths.SUMMARY).read_text(encoding="utf-8")))
