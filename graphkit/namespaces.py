"""IRIs and prefixes used across graphkit. Everyone may import this module; it imports nothing of ours."""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/graphkit/"

MCN = Namespace(BASE + "mcn#")
ID = Namespace(BASE + "id/")
VOCAB = Namespace(BASE + "vocab/")
GRAPH = Namespace(BASE + "graph/")

ORG = Namespace("http://www.w3.org/ns/org#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
NUTS = Namespace("http://data.europa.eu/nuts/code/")
COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
CURRENCY = Namespace("http://publications.europa.eu/resource/authority/currency/")

ROLE = Namespace(VOCAB + "role/")
ORGTYPE = Namespace(VOCAB + "organisation-type/")
THEME = Namespace(VOCAB + "theme/")
UNIT = Namespace(VOCAB + "unit/")
SECTOR = Namespace(VOCAB + "dac-sector/")
AMOUNT_KIND = Namespace(VOCAB + "amount-kind/")

PROJECT = Namespace(ID + "project/")
ORGANISATION = Namespace(ID + "organisation/")
PARTICIPATION = Namespace(ID + "participation/")
FUND = Namespace(ID + "fund/")
PLACE = Namespace(ID + "place/")
SOURCE = Namespace(ID + "source/")
MEMBERSHIP = Namespace(ID + "membership/")
EVIDENCE = Namespace(ID + "evidence/")
CHANGE = Namespace(ID + "change/")

REGISTRY_GRAPH = GRAPH["registry"]
REFERENCE_GRAPH = GRAPH["reference"]
ONTOLOGY_GRAPH = GRAPH["ontology"]


def source_graph(source_id: str):
    """The named graph that holds what one source document states."""
    return GRAPH["source/" + source_id]


def dataset_graph(dataset: str):
    """The named graph that holds what one imported external dataset states (``eutf``, ``crs``)."""
    return GRAPH["dataset/" + dataset]


# Prefixes offered to users (CURIEs in query parameters, results and serialisations).
PREFIXES: dict[str, str] = {
    "mcn": str(MCN),
    "project": str(PROJECT),
    "organisation": str(ORGANISATION),
    "participation": str(PARTICIPATION),
    "fund": str(FUND),
    "place": str(PLACE),
    "source": str(SOURCE),
    "role": str(ROLE),
    "orgtype": str(ORGTYPE),
    "theme": str(THEME),
    "unit": str(UNIT),
    "sector": str(SECTOR),
    "currency": str(CURRENCY),
    "graph": str(GRAPH),
    "nuts": str(NUTS),
    "country": str(COUNTRY),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "geo": str(GEO),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}


def sparql_prologue() -> str:
    """PREFIX declarations for every project prefix, for queries typed by users."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def bind_prefixes(graph) -> None:
    """Bind the project prefixes on an rdflib graph or dataset (for readable serialisations)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)


def name_key(name: str) -> str:
    """The key an organisation is found by from any of its names (``mcn:nameKey``): the name with
    runs of white space made one space and case folded (``"  Consorzio ONG  Piemontesi"`` ->
    ``"consorzio ong piemontesi"``). The build stores one per distinct name, acronym, alias and
    name as written; a query parameter of type ``name`` is bound as the key of the given text, so
    the look-up is an index access instead of a comparison with every name in the store."""
    return " ".join(name.split()).casefold()


_LOCAL_NAME = re.compile(r"[A-Za-z0-9_.\-/]*")


@lru_cache(maxsize=1 << 18)
def curie(iri: str) -> str:
    """The CURIE of an IRI with the longest project prefix whose local part is plain (letters,
    digits, ``_ . - /``), or the IRI itself: ``curie("https://w3id.org/graphkit/id/project/impra")``
    -> ``"project:impra"``. Cached, since a large answer repeats the same organisations and roles
    on every row (578,000 rows: 8 s of 26 s before)."""
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and _LOCAL_NAME.fullmatch(iri[len(ns):]):
            if best is None or len(ns) > len(PREFIXES[best]):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri
