"""The SKOS vocabularies under ``graphkit/resources/ontology/vocabularies``: which concept ids each scheme allows.

Records name concepts by slug (``role: lead``); the vocabulary files are the one place those
slugs are defined, so validation reads them rather than keeping a second list in code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from graphkit import paths
from graphkit.namespaces import VOCAB

ONTOLOGY_DIR = paths.ONTOLOGY_DIR


@lru_cache(maxsize=4)
def _load(vocab_dir: Path) -> dict[str, frozenset[str]]:
    graph = Graph()
    for path in sorted(vocab_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    schemes: dict[str, set[str]] = {}
    for concept, scheme in graph.subject_objects(SKOS.inScheme):
        s, c = str(scheme), str(concept)
        if not s.startswith(str(VOCAB)) or not c.startswith(s + "/"):
            continue
        schemes.setdefault(s[len(VOCAB):], set()).add(c[len(s) + 1:])
    return {k: frozenset(v) for k, v in schemes.items()}


def load_vocabularies(ontology_dir: Path | None = None) -> dict[str, frozenset[str]]:
    """Map each scheme name (``role``, ``theme`` ...) to the set of its concept slugs."""
    return _load(((ontology_dir or ONTOLOGY_DIR) / "vocabularies").resolve())


def concept(scheme: str, slug: str) -> URIRef:
    """The IRI of the concept ``slug`` of the vocabulary scheme ``scheme`` (``role``, ``theme`` ...)."""
    return URIRef(f"{VOCAB}{scheme}/{slug}")
