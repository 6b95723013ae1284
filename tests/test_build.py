"""What the build writes: the dataset in three serialisations, the SHACL report, docs, the summary."""

from __future__ import annotations

import json
import shutil

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from conftest import DATA
from graphkit.builder import DEFAULT_ONTOLOGY, BuildFailed, build, merged_graph, shacl_validate
from graphkit.namespaces import GRAPH, MCN, ORGANISATION, PROJECT, ROLE, SOURCE
from graphkit.rdf.mapping import records_to_dataset
from graphkit.records import load_records

SOURCE_GRAPHS = ["discorsi", "impra", "ipocad", "khouribga", "somicis"]


def test_summary_counts(built):
    summary = json.loads((built / "summary.json").read_text(encoding="utf-8"))
    assert (summary["projects"], summary["organisations"], summary["participations"]) == (5, 83, 85)
    assert sorted(summary["graphs"]) == [
        "graph:ontology", "graph:reference", "graph:registry", *[f"graph:source/{s}" for s in SOURCE_GRAPHS]]
    assert summary["triples"] == sum(summary["graphs"].values())


def test_trig_has_one_named_graph_per_source(built):
    ds = Dataset()
    ds.parse(built / "dataset.trig", format="trig")
    impra = ds.graph(GRAPH["source/impra"])
    # What IMPRA's page states lives in IMPRA's graph, and nowhere else.
    assert (PROJECT["impra"], MCN.cup, Literal("H19G13000320005")) in impra
    assert (PROJECT["impra"], MCN.cup, Literal("H19G13000320005")) not in ds.graph(GRAPH["source/discorsi"])
    assert (PROJECT["impra"], RDF.type, MCN.Project) in impra
    nq = Dataset()
    nq.parse(built / "dataset.nq", format="nquads")
    def named(d):  # blank nodes (OWL axioms of the ontology) get new labels on each parse
        return {q for q in d.quads() if not any(getattr(t, "n3", lambda: "")().startswith("_:") for t in q[:3])}

    assert len(nq) == len(ds) and named(nq) == named(ds)
    merged = Graph().parse(built / "merged.ttl", format="turtle")
    assert len(merged) == len(merged_graph(ds))


def test_participation_node_carries_role_name_and_evidence(built):
    ds = Dataset()
    ds.parse(built / "dataset.trig", format="trig")
    g = ds.graph(GRAPH["source/khouribga"])
    part = URIRef("https://w3id.org/graphkit/id/participation/khouribga--iscos-piemonte--partner")
    assert (part, MCN.participant, ORGANISATION["iscos-piemonte"]) in g
    assert (part, MCN.role, ROLE["partner"]) in g
    assert (part, MCN.nameAsWritten, Literal("Iscos")) in g
    assert (ORGANISATION["iscos-piemonte"], MCN.participatesIn, PROJECT["khouribga"]) in g
    ev = g.value(part, MCN.hasEvidence)
    assert g.value(ev, MCN.quote) == Literal("enti partner le ong Aibi, Iscos, Rete e ProgettoMondoMlal", lang="it")
    assert (ev, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), SOURCE["khouribga"]) in g


def test_shacl_report_and_docs_are_written(built):
    report = (built / "shacl-report.txt").read_text(encoding="utf-8")
    assert report.startswith("violations:\n\nwarnings:\n")
    html = (built / "ontology.html").read_text(encoding="utf-8")
    assert "Participation" in html


def test_shacl_violation_fails_the_build_and_writes_nothing(tmp_path):
    onto = tmp_path / "ontology"
    shutil.copytree(DEFAULT_ONTOLOGY, onto)
    (onto / "shapes" / "strict.ttl").write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix mcn: <https://w3id.org/graphkit/mcn#> .
        <urn:test:every-project-has-a-cup> a sh:NodeShape ;
            sh:targetClass mcn:Project ;
            sh:property [ sh:path mcn:cup ; sh:minCount 1 ; sh:message "a CUP is required" ] .
        """, encoding="utf-8")
    out = tmp_path / "out" / "graph"
    with pytest.raises(BuildFailed) as exc:
        build(DATA, out, ontology_dir=onto, docs=False)
    assert exc.value.shacl.violations == [
        f"project:{p}: mcn:cup: a CUP is required" for p in ["discorsi", "ipocad-azione-4", "khouribga", "somicis"]]
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_shacl_catches_a_participation_without_evidence():
    recs = load_records(DATA)
    ds = records_to_dataset(recs, DEFAULT_ONTOLOGY)
    part = URIRef("https://w3id.org/graphkit/id/participation/impra--cisv--partner")
    g = ds.graph(GRAPH["source/impra"])
    g.remove((part, MCN.hasEvidence, None))
    result = shacl_validate(merged_graph(ds), DEFAULT_ONTOLOGY / "shapes")
    assert not result.conforms
    assert [v.split(":", 2)[:2] for v in result.violations] == [["participation", "impra--cisv--partner"]]
