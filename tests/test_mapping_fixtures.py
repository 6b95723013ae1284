"""One mapping, the same datasets: the curated records, the records with both imported datasets,
and a synthetic sample give, quad for quad, the datasets the code before the one mapping wrote
(``tests/fixtures/datasets/``, made by ``bench/mapping_fixtures.py`` from commit a842b30).

Blank nodes (the ontology's OWL axioms) are compared by canonicalisation, the import's
``prov:generatedAtTime`` (when it ran) is left out. When a change to the records or the mapping
is meant to change the datasets, write the fixtures again with ``bench/mapping_fixtures.py`` and
say why in the commit.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import DATA
from graphkit.builder import build
from graphkit.imports import import_dataset
from graphkit.synth import synthesize

FIXTURES = Path(__file__).parent / "fixtures" / "datasets"
GENERATED_AT = ox.NamedNode("http://www.w3.org/ns/prov#generatedAtTime")


def dataset(data: bytes) -> ox.Dataset:
    """The quads of N-Quads ``data`` as a canonical dataset (blank nodes relabelled by content)."""
    ds = ox.Dataset(q for q in ox.parse(data, format=ox.RdfFormat.N_QUADS) if q.predicate != GENERATED_AT)
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return ds


def assert_same(built: Path, fixture: str) -> None:
    expected = dataset(gzip.decompress((FIXTURES / fixture).read_bytes()))
    actual = dataset(built.read_bytes())
    missing = sorted(str(q) for q in expected if q not in actual)
    extra = sorted(str(q) for q in actual if q not in expected)
    assert (missing[:5], extra[:5]) == ([], [])
    assert len(actual) == len(expected)


def test_curated_records_give_the_same_dataset(tmp_path):
    build(DATA, tmp_path / "graph", docs=False)
    assert_same(tmp_path / "graph" / "dataset.nq", "curated.nq.gz")


def test_records_with_both_imports_give_the_same_dataset(tmp_path):
    review = DATA / "resolution" / "review.csv"
    graphs = []
    for name in ("eutf", "crs"):
        import_dataset(name, data_dir=DATA, out_dir=tmp_path / "imports" / name, review=review,
                       update_review=False)
        graphs.append(tmp_path / "imports" / name / "graph.nq")
    build(DATA, tmp_path / "graph", docs=False, imports=graphs)
    assert_same(tmp_path / "graph" / "dataset.nq", "with-imports.nq.gz")


@pytest.mark.parametrize("store", ["none", "disk"])
def test_synthetic_sample_gives_the_same_dataset(tmp_path, store):
    synthesize(300, 7, out_dir=tmp_path / "synth")
    build(tmp_path / "synth", tmp_path / "graph", docs=False, store=store)
    assert_same(tmp_path / "graph" / "dataset.nq", "synthetic.nq.gz")
