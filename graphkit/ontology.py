"""The graphkit ontology: load it, its vocabularies and shapes, document it, check it.

The ontology lives in the repository's ``ontology/`` folder (see ``ontology/README.md``):
``mcn.ttl`` (the one edited OWL source), ``vocabularies/*.ttl`` (SKOS), ``alignments.ttl``
(mappings to other vocabularies) and ``shapes/*.ttl`` (SHACL).

Example:
    >>> from rdflib import Literal
    >>> from rdflib.namespace import RDFS
    >>> from graphkit.namespaces import MCN
    >>> g = load_ontology_graph()
    >>> Literal("Participation", lang="en") in set(g.objects(MCN.Participation, RDFS.label))
    True
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL

from graphkit.namespaces import MCN

__all__ = [
    "ALIGNMENTS_FILE",
    "ONTOLOGY_DIR",
    "ONTOLOGY_FILE",
    "SHAPES_DIR",
    "VOCABULARY_DIR",
    "check_consistency",
    "load_alignments_graph",
    "load_ontology_graph",
    "load_shapes_graph",
    "vocabulary_files",
    "write_docs",
]

ONTOLOGY_DIR: Path = Path(__file__).resolve().parent.parent / "ontology"
"""The repository's ontology folder (the package is used from a source checkout)."""

ONTOLOGY_FILE: Path = ONTOLOGY_DIR / "mcn.ttl"
VOCABULARY_DIR: Path = ONTOLOGY_DIR / "vocabularies"
ALIGNMENTS_FILE: Path = ONTOLOGY_DIR / "alignments.ttl"
SHAPES_DIR: Path = ONTOLOGY_DIR / "shapes"

DOCS_FILE_NAME = "ontology.html"


def vocabulary_files() -> list[Path]:
    """Return the SKOS vocabulary files, sorted by name."""
    return sorted(VOCABULARY_DIR.glob("*.ttl"))


def _parse(paths: Iterable[Path], graph: Graph | None = None) -> Graph:
    graph = Graph() if graph is None else graph
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def load_ontology_graph() -> Graph:
    """Load the ontology (``mcn.ttl``) and the SKOS vocabularies into one graph.

    Alignments and shapes are not included: see :func:`load_alignments_graph` and
    :func:`load_shapes_graph`. This is the content of the ``graph/ontology`` named graph.
    """
    graph = _parse([ONTOLOGY_FILE, *vocabulary_files()])
    graph.bind("mcn", MCN)
    return graph


def load_alignments_graph() -> Graph:
    """Load the alignments (``alignments.ttl``) alone."""
    return _parse([ALIGNMENTS_FILE])


def load_shapes_graph() -> Graph:
    """Load every SHACL shapes file of ``ontology/shapes/`` into one graph."""
    return _parse(sorted(SHAPES_DIR.glob("*.ttl")))


def write_docs(out_dir: Path) -> Path:
    """Write human-readable HTML documentation of the ontology with pyLODE.

    Args:
        out_dir: the folder to write into; created if missing.

    Returns:
        The path of the written file, ``out_dir / "ontology.html"``.
    """
    from pylode import OntPub

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    destination = out_dir / DOCS_FILE_NAME
    # pyLODE adds its own inference triples to the graph it is given: give it a fresh one.
    graph = _parse([ONTOLOGY_FILE])
    OntPub(ontology=graph, sort_subjects=True).make_html(destination=destination)
    return destination


def check_consistency(
    extra_files: Iterable[Path] = (), *, include_alignments: bool = True
) -> tuple[bool, str]:
    """Run the HermiT OWL reasoner (through owlready2) on the ontology.

    The ontology, the vocabularies and (by default) the alignments are merged, written as
    N-Triples to a temporary folder and classified by HermiT. The check fails when the
    ontology is inconsistent or when any named class is unsatisfiable. ``owl:imports`` are
    dropped: everything the reasoner needs is merged locally, nothing is fetched.

    Requires owlready2 (the ``dev`` extra) and a Java runtime.

    Args:
        extra_files: more Turtle files to merge in (for example test fixtures).
        include_alignments: whether to merge ``alignments.ttl``.

    Returns:
        ``(ok, message)``: ``ok`` is True when the ontology is consistent and every class is
        satisfiable; ``message`` says what the reasoner found.
    """
    import owlready2  # a dev extra: imported only here

    graph = load_ontology_graph()
    if include_alignments:
        _parse([ALIGNMENTS_FILE], graph)
    _parse([Path(p) for p in extra_files], graph)
    graph.remove((None, OWL.imports, None))

    with tempfile.TemporaryDirectory(prefix="graphkit-owl-") as tmp:
        path = Path(tmp) / "ontology.nt"
        graph.serialize(destination=path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            ontology = world.get_ontology(path.as_uri()).load()
            try:
                owlready2.sync_reasoner_hermit(
                    ontology, infer_property_values=False, debug=0
                )
            except owlready2.OwlReadyInconsistentOntologyError:
                return False, "inconsistent: HermiT found the ontology inconsistent"
            except owlready2.OwlReadyJavaError as error:
                return False, f"reasoner error: {error}"
            unsatisfiable = sorted(
                iri
                for iri in (str(getattr(c, "iri", c)) for c in world.inconsistent_classes())
                if iri != str(OWL.Nothing)
            )
        finally:
            world.close()
    if unsatisfiable:
        return False, "unsatisfiable classes: " + ", ".join(unsatisfiable)
    return True, f"consistent: {len(graph)} triples, every class satisfiable (HermiT)"
