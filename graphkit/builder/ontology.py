"""The graphkit ontology: load it, its vocabularies and shapes, document it, check it.

The ontology ships with the package in ``graphkit/resources/ontology/`` (see its ``README.md``):
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

import logging
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from graphkit import paths
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

ONTOLOGY_DIR: Path = paths.ONTOLOGY_DIR
"""The ontology folder shipped with the package (``graphkit/resources/ontology``)."""

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
    """Load every SHACL shapes file of ``graphkit/resources/ontology/shapes/`` into one graph."""
    return _parse(sorted(SHAPES_DIR.glob("*.ttl")))


@contextmanager
def _root_logging_preserved() -> Iterator[None]:
    """Undo changes to the root logger made inside the block.

    Importing pyLODE 3.3.4 calls ``logging.basicConfig(level=logging.DEBUG)``, which would make
    every library of the running process log at DEBUG level to stderr.
    """
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _docs_graph() -> Graph:
    """``mcn.ttl`` arranged for pyLODE, which joins every label of a term into its heading.

    English labels and titles head each entry; labels and titles in other languages become a
    note ("it: Partecipazione"). Definitions stay in both languages. The declarations of reused
    terms (there for OWL 2 DL) are left out, so that the page lists only mcn: terms.
    """
    graph = _parse([ONTOLOGY_FILE])
    ontology_iri = next(graph.subjects(RDF.type, OWL.Ontology))
    for subject in set(graph.subjects()):
        if isinstance(subject, URIRef) and subject != ontology_iri and subject not in MCN:
            graph.remove((subject, None, None))
    for prop in (RDFS.label, DCTERMS.title):
        for subject, label in list(graph.subject_objects(prop)):
            language = getattr(label, "language", None)
            if language and language != "en":
                graph.remove((subject, prop, label))
                graph.add((subject, SKOS.note, Literal(f"{language}: {label}", lang=language)))
    return graph


def write_docs(out_dir: Path) -> Path:
    """Write human-readable HTML documentation of the ontology with pyLODE.

    The page documents ``mcn.ttl`` (classes, properties, definitions in English and Italian);
    it is generated, never edited.

    Args:
        out_dir: the folder to write into; created if missing.

    Returns:
        The path of the written file, ``out_dir / "ontology.html"``.
    """
    with _root_logging_preserved():
        from pylode import OntPub

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    destination = out_dir / DOCS_FILE_NAME
    graph = _docs_graph()
    with _root_logging_preserved():
        OntPub(ontology=graph, sort_subjects=True).make_html(destination=destination)
    return destination


def check_consistency(
    extra_files: Iterable[Path] = (),
    *,
    include_alignments: bool = True,
    ignore_unsupported_datatypes: bool = False,
) -> tuple[bool, str]:
    """Run the HermiT OWL reasoner (through owlready2) on the ontology.

    The ontology, the vocabularies and (by default) the alignments are merged, written as
    N-Triples to a temporary folder and classified by HermiT. The check fails when the
    ontology is inconsistent or when any named class is unsatisfiable. ``owl:imports`` are
    dropped: everything the reasoner needs is merged locally, nothing is fetched.

    Requires owlready2 (the ``dev`` extra) and a Java runtime.

    Args:
        extra_files: more RDF files to merge in (test fixtures, or a built graph such as
            ``build/graph/merged.ttl`` to check the data against the ontology).
        include_alignments: whether to merge ``alignments.ttl``.
        ignore_unsupported_datatypes: let HermiT skip literals whose datatype is outside the
            OWL 2 datatype map (``xsd:date``, ``xsd:gYear`` ...). The ontology itself uses
            none; data does, so set this when ``extra_files`` holds data.

    Returns:
        ``(ok, message)``: ``ok`` is True when the ontology is consistent and every class is
        satisfiable; ``message`` says what the reasoner found (or the Java error).

    Raises:
        ImportError: owlready2 is not installed.
        FileNotFoundError: no ``java`` executable on the PATH.
    """
    import owlready2  # a dev extra: imported only here

    graph = load_ontology_graph()
    if include_alignments:
        _parse([ALIGNMENTS_FILE], graph)
    for extra in extra_files:
        graph.parse(Path(extra))  # format guessed from the suffix (.ttl, .nt, .rdf, ...)
    graph.remove((None, OWL.imports, None))

    with tempfile.TemporaryDirectory(prefix="graphkit-owl-") as tmp:
        path = Path(tmp) / "ontology.nt"
        graph.serialize(destination=path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            ontology = world.get_ontology(path.as_uri()).load()
            try:
                owlready2.sync_reasoner_hermit(
                    ontology,
                    infer_property_values=False,
                    debug=0,
                    ignore_unsupported_datatypes=ignore_unsupported_datatypes,
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
