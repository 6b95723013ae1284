"""The ontology, its vocabularies, alignments and shapes (graphkit/resources/ontology/).

The HermiT runs take a second or two each; the OWL 2 DL profile check compiles a small Java
program once per module (Java runs the checker from source).
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS

from graphkit.builder import ontology
from graphkit.namespaces import MCN, ORG, ROLE, VOCAB

FIXTURES = Path(__file__).parent / "fixtures"
SHAPE_FIXTURES = FIXTURES / "shapes"
IATI = Namespace(str(VOCAB) + "iati-organisation-role/")
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
MCNSH = "https://w3id.org/graphkit/shapes#"


# ------------------------------------------------------------------------------------------
# The reasoner
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reasoner_verdict() -> tuple[bool, str]:
    return ontology.check_consistency()


def test_ontology_vocabularies_and_alignments_are_consistent_with_satisfiable_classes(
    reasoner_verdict,
):
    ok, message = reasoner_verdict
    assert ok, message
    assert message.startswith("consistent")


def test_reasoner_finds_an_individual_in_two_disjoint_classes_inconsistent():
    ok, message = ontology.check_consistency([FIXTURES / "ontology" / "inconsistent.ttl"])
    assert not ok
    assert message.startswith("inconsistent")


def test_reasoner_reports_a_class_below_two_disjoint_classes_as_unsatisfiable():
    ok, message = ontology.check_consistency([FIXTURES / "ontology" / "unsatisfiable.ttl"])
    assert not ok
    assert message == "unsatisfiable classes: https://w3id.org/graphkit/test#PlaceParticipation"


# ------------------------------------------------------------------------------------------
# OWL 2 DL
# ------------------------------------------------------------------------------------------

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
BUILTIN_PREDICATES = {RDF.type, RDF.first, RDF.rest, RDFS.subClassOf, RDFS.subPropertyOf,
                      RDFS.domain, RDFS.range, RDFS.label, RDFS.comment, RDFS.seeAlso,
                      RDFS.isDefinedBy}


def _full_graph() -> Graph:
    graph = ontology.load_ontology_graph()
    graph += ontology.load_alignments_graph()
    return graph


def test_every_property_used_is_declared_with_exactly_one_owl_property_type():
    graph = _full_graph()
    used = {p for p in graph.predicates() if p not in BUILTIN_PREDICATES}
    used = {p for p in used if not str(p).startswith(str(OWL))}
    offenders = sorted(
        str(p) for p in used
        if sum((p, RDF.type, t) in graph for t in PROPERTY_TYPES) != 1
    )
    assert offenders == []


def test_no_iri_is_declared_as_two_kinds_of_property():
    graph = _full_graph()
    offenders = sorted(
        str(p) for p in set(graph.subjects(RDF.type, None))
        if sum((p, RDF.type, t) in graph for t in PROPERTY_TYPES) > 1
    )
    assert offenders == []


DL_PARTS = ("mcn", "mcn+vocabularies", "mcn+vocabularies+alignments")


@pytest.fixture(scope="module")
def dl_profile_reports(tmp_path_factory) -> dict[str, str]:
    """The OWL API's OWL 2 DL profile report for each part, from one JVM run."""
    import owlready2.reasoning

    jar = Path(owlready2.reasoning.__file__).parent / "hermit" / "HermiT.jar"
    out = tmp_path_factory.mktemp("owlapi")
    source = Path(__file__).parent / "owlapi" / "DLProfile.java"
    files = {}
    for parts in DL_PARTS:
        graph = Graph().parse(ontology.ONTOLOGY_FILE)
        if "vocabularies" in parts:
            graph = ontology.load_ontology_graph()
        if "alignments" in parts:
            graph += ontology.load_alignments_graph()
            graph.remove((None, OWL.imports, None))
        files[parts] = out / f"{parts}.nt"
        graph.serialize(destination=files[parts], format="nt", encoding="utf-8")
    # Java 11+ runs a single-file program from source: no javac needed, only the runtime.
    run = subprocess.run(["java", "-cp", str(jar), str(source), *map(str, files.values())],
                         capture_output=True, text=True)
    reports = {}
    for block in run.stdout.split("== ")[1:]:
        path, _, body = block.partition("\n")
        reports[Path(path).stem] = body.strip()
    assert set(reports) == set(DL_PARTS), run.stdout + run.stderr
    return reports


@pytest.mark.parametrize("parts", DL_PARTS)
def test_ontology_is_in_the_owl2_dl_profile(dl_profile_reports, parts):
    report = dl_profile_reports[parts]
    assert report.startswith("axioms=") and report.endswith(" violations=0"), report


# ------------------------------------------------------------------------------------------
# Terms: the loader's contract, labels and definitions
# ------------------------------------------------------------------------------------------

CLASSES = {
    "Project", "Participation", "FundingScheme", "Fund", "FundSpecificObjective",
    "NationalObjective", "FundingAction", "Call", "Place", "Country", "NUTSRegion",
    "Municipality", "City", "TargetGroup", "Objective", "GeneralObjective", "SpecificObjective",
    "ProjectActivity", "Result", "ExpectedResult", "Output", "Event", "Publication",
    "SourceDocument", "Evidence", "MemberCount",
    "Budget",  # external datasets (issue 7)
    "QuoteSpan",  # quotes of several spans (decision 0019)
    "Programme",  # what project pages say (issue 16)
}
OBJECT_PROPERTIES = {
    "hasParticipation", "inProject", "participant", "role", "via", "participatesIn",
    "fundedUnder", "partOfScheme", "takesPlaceIn", "within", "targetsOriginCountry",
    "hasTargetGroup", "originCountry", "place", "unit", "hasObjective", "hasActivity",
    "partOfActivity", "responsibleOrganisation", "hasResult", "fromActivity", "hasEvent",
    "organisedBy", "hasPublication", "partOfProject", "theme", "basedIn", "country",
    "collaboratesWith", "hasMemberCount", "hasEvidence", "replacedBy", "successor",
    # external datasets (issue 7)
    "hasBudget", "currency", "amountKind", "recipientCountry", "sector",
    "hasQuoteSpan",  # quotes of several spans (decision 0019)
    # what project pages say (issue 16)
    "hasContribution", "providedBy",
}
DATATYPE_PROPERTIES = {
    "acronym", "cup", "projectNumber", "submissionDate", "approvalDate", "startDate", "endDate",
    "periodStart", "periodEnd", "approximateDate", "plannedDuration", "duration", "activeFrom",
    "activeUntil", "nameAsWritten", "nameKey", "roleGroup", "quote", "count", "countMin", "countMax",
    "approximate", "share", "shareOf", "unitLabel", "nutsLevel", "nutsVersion", "iso2",
    "contactEmail", "eventKind", "publicationKind", "fileName",
    # external datasets (issue 7)
    "amount", "budgetYear", "plannedStartDate", "plannedEndDate", "iatiIdentifier", "crsIdentifier",
    "recordIdentifier", "matchConfidence", "matchMethod",
    "spanText", "spanIndex",  # quotes of several spans (decision 0019)
    # what project pages say (issue 16)
    "percentOfCost", "geonamesId",
}
ANNOTATION_PROPERTIES = {"forProperty", "forValue"}
ALIGNMENT_ANNOTATION_PROPERTIES = {"eurioRoleLabel"}


def _declared(graph: Graph, kind: URIRef) -> set[str]:
    return {str(s)[len(MCN):] for s in graph.subjects(RDF.type, kind) if str(s).startswith(MCN)}


def test_mcn_declares_exactly_the_terms_the_loader_emits():
    graph = Graph().parse(ontology.ONTOLOGY_FILE)
    assert _declared(graph, OWL.Class) == CLASSES
    assert _declared(graph, OWL.ObjectProperty) == OBJECT_PROPERTIES
    assert _declared(graph, OWL.DatatypeProperty) == DATATYPE_PROPERTIES
    assert _declared(graph, OWL.AnnotationProperty) == ANNOTATION_PROPERTIES
    assert _declared(ontology.load_alignments_graph(), OWL.AnnotationProperty) == (
        ALIGNMENT_ANNOTATION_PROPERTIES
    )


def _mcn_iris(graph: Graph) -> set[URIRef]:
    return {t for triple in graph for t in triple
            if isinstance(t, URIRef) and str(t).startswith(MCN) and t != URIRef(MCN)}


def test_every_mcn_term_has_italian_and_english_labels_and_definitions():
    graph = _full_graph()
    used = _mcn_iris(graph) | _mcn_iris(ontology.load_shapes_graph())
    offenders = []
    for term in sorted(used):
        declared = any((term, RDF.type, t) in graph for t in (OWL.Class, *PROPERTY_TYPES))
        labels = {lit.language for lit in graph.objects(term, RDFS.label)}
        definitions = {lit.language for lit in graph.objects(term, SKOS.definition)}
        missing = [name for name, ok in [
            ("declaration", declared), ("label@it", "it" in labels), ("label@en", "en" in labels),
            ("definition@en", "en" in definitions), ("definition@it", "it" in definitions),
        ] if not ok]
        if missing:
            offenders.append((str(term)[len(MCN):], missing))
    assert offenders == []


def test_ontology_header_has_version_licence_and_labels():
    graph = Graph().parse(ontology.ONTOLOGY_FILE)
    onto = URIRef("https://w3id.org/graphkit/mcn")
    assert (onto, RDF.type, OWL.Ontology) in graph
    assert graph.value(onto, OWL.versionIRI) == URIRef("https://w3id.org/graphkit/mcn/0.1.0")
    assert graph.value(onto, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/")
    assert {lit.language for lit in graph.objects(onto, RDFS.label)} == {"it", "en"}
    assert {lit.language for lit in graph.objects(onto, DCTERMS.title)} == {"it", "en"}
    assert graph.value(onto, DCTERMS.creator) is not None
    assert graph.value(onto, DCTERMS.description) is not None


def test_alignments_stay_out_of_the_core_ontology():
    graph = ontology.load_ontology_graph()
    foreign = ("http://data.europa.eu/s66#", "https://schema.org/Project", "http://purl.org/cerif/")
    assert [t for t in graph if any(str(x).startswith(foreign) for x in t)] == []
    assert not set(graph.subject_objects(SKOS.closeMatch))


# ------------------------------------------------------------------------------------------
# Vocabularies
# ------------------------------------------------------------------------------------------

# The ids of docs/records.md, plus the grouping concepts of the organisation types.
VOCABULARY_IDS = {
    "role": {"lead", "partner", "foreign-adherent", "adherent", "funder", "co-funder", "promoter",
             "managing-authority", "local-counterpart", "collaborator", "member", "associate",
             "accountable", "extending", "implementer"},
    "organisation-type": {
        "ngo", "ngo-network", "migrant-association", "association", "religious-organisation", "foundation",
        "trade-union-body", "cooperative", "social-cooperative", "training-body", "university",
        "research-centre", "chamber-of-commerce", "health-authority", "ministry",
        "government-department", "prefecture", "region", "province", "metropolitan-city",
        "municipality", "municipal-network", "social-district", "public-agency",
        "international-organisation", "eu-institution", "third-sector-network", "company",
        # grouping concepts
        "public-authority", "civil-society-organisation", "network", "enterprise",
        "education-and-research",
    },
    "theme": {
        "migrant-entrepreneurship", "transnational-enterprise", "migrant-associations",
        "exchange-of-good-practice", "capacity-building", "integration-services", "housing",
        "health", "skills-and-employment", "microcredit", "social-enterprise",
        "financial-inclusion", "circular-migration", "informed-migration-choices",
        "womens-employment", "unaccompanied-minors", "local-development", "civic-participation",
        "governance", "research", "training",
    },
    "unit": {"persons", "associations", "entrepreneurs", "operators", "organisations",
             "third-country-nationals", "young-people", "women"},
    "iati-organisation-role": {"1", "2", "3", "4"},
    "amount-kind": {"budget", "commitment", "disbursement", "contribution", "other"},
}


@pytest.fixture(scope="module")
def vocabularies() -> Graph:
    graph = Graph()
    for path in ontology.vocabulary_files():
        graph.parse(path)
    return graph


def test_each_scheme_has_exactly_the_documented_concept_ids(vocabularies):
    found: dict[str, set[str]] = {}
    for concept, scheme in vocabularies.subject_objects(SKOS.inScheme):
        found.setdefault(str(scheme)[len(VOCAB):], set()).add(str(concept)[len(str(scheme)) + 1:])
    assert found == VOCABULARY_IDS


def test_every_concept_is_labelled_defined_and_placed_in_its_hierarchy(vocabularies):
    offenders = []
    for concept in sorted(set(vocabularies.subjects(RDF.type, SKOS.Concept))):
        schemes = set(vocabularies.objects(concept, SKOS.inScheme))
        labels = [lit.language for lit in vocabularies.objects(concept, SKOS.prefLabel)]
        definitions = {lit.language for lit in vocabularies.objects(concept, SKOS.definition)}
        broader = set(vocabularies.objects(concept, SKOS.broader))
        top = set(vocabularies.objects(concept, SKOS.topConceptOf))
        problems = []
        if len(schemes) != 1:
            problems.append("one scheme")
        if len(labels) != len(set(labels)) or not {"en", "it"} <= set(labels):
            problems.append("one prefLabel per language, it and en (fr, es may follow)")
        if not {"en", "it"} <= definitions:
            problems.append("definitions")
        if bool(broader) == bool(top):
            problems.append("either top concept or broader")
        if any(set(vocabularies.objects(b, SKOS.inScheme)) != schemes for b in broader):
            problems.append("broader in the same scheme")
        if top and (next(iter(top)), SKOS.hasTopConcept, concept) not in vocabularies:
            problems.append("hasTopConcept")
        if problems:
            offenders.append((str(concept), problems))
    assert offenders == []


def test_no_two_concepts_of_a_scheme_share_a_preferred_label(vocabularies):
    seen: dict[tuple, URIRef] = {}
    clashes = []
    for concept, label in vocabularies.subject_objects(SKOS.prefLabel):
        key = (vocabularies.value(concept, SKOS.inScheme), str(label).lower(), label.language)
        if key in seen and seen[key] != concept:
            clashes.append((str(seen[key]), str(concept), str(label)))
        seen[key] = concept
    assert clashes == []


def test_roles_are_participation_roles_or_membership_roles(vocabularies):
    participation = {str(c)[len(ROLE):] for c in vocabularies.subjects(RDF.type, PROV.Role)}
    membership = {str(c)[len(ROLE):] for c in vocabularies.subjects(RDF.type, ORG.Role)}
    assert membership == {"member", "associate"}
    assert participation == VOCABULARY_IDS["role"] - membership
    assert (ROLE["co-funder"], SKOS.broader, ROLE["funder"]) in vocabularies
    assert Literal("capofila", lang="it") in set(vocabularies.objects(ROLE["lead"], SKOS.prefLabel))
    assert Literal("soggetto aderente estero", lang="it") in set(
        vocabularies.objects(ROLE["foreign-adherent"], SKOS.prefLabel))


def test_iati_mirror_has_the_four_codes_with_their_names(vocabularies):
    names = {str(vocabularies.value(c, SKOS.notation)): str(next(
        lit for lit in vocabularies.objects(c, SKOS.prefLabel) if lit.language == "en"))
        for c in vocabularies.subjects(SKOS.inScheme, URIRef(str(VOCAB) + "iati-organisation-role"))}
    assert names == {"1": "Funding", "2": "Accountable", "3": "Extending", "4": "Implementing"}
    assert vocabularies.value(URIRef(str(VOCAB) + "iati-organisation-role"), DCTERMS.source) == URIRef(
        "https://iatistandard.org/en/iati-standard/203/codelists/organisationrole/")


# ------------------------------------------------------------------------------------------
# Alignments
# ------------------------------------------------------------------------------------------

MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def _iati_mappings(graph: Graph) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for prop in MAPPINGS:
        for role, target in graph.subject_objects(prop):
            if str(role).startswith(str(ROLE)) and str(target).startswith(str(IATI)):
                found.setdefault(str(role)[len(ROLE):], set()).add(
                    (str(prop)[len(str(SKOS)):], str(target)[len(str(IATI)):]))
    return found


def test_every_participation_role_has_the_decided_iati_mappings(vocabularies):
    mappings = _iati_mappings(ontology.load_alignments_graph())
    participation = {str(c)[len(ROLE):] for c in vocabularies.subjects(RDF.type, PROV.Role)}
    assert set(mappings) == participation
    assert mappings == {
        "funder": {("exactMatch", "1")},
        "co-funder": {("broadMatch", "1")},
        "managing-authority": {("closeMatch", "3")},
        "lead": {("closeMatch", "2"), ("relatedMatch", "4")},
        "partner": {("closeMatch", "4")},
        "local-counterpart": {("closeMatch", "4")},
        "promoter": {("relatedMatch", "2")},
        "adherent": {("relatedMatch", "4")},
        "foreign-adherent": {("relatedMatch", "4")},
        "collaborator": {("relatedMatch", "4")},
        "accountable": {("exactMatch", "2")},
        "extending": {("exactMatch", "3")},
        "implementer": {("exactMatch", "4")},
    }


def test_every_role_to_iati_mapping_carries_a_comment_explaining_it():
    graph = ontology.load_alignments_graph()
    uncommented = []
    for prop in MAPPINGS:
        for role, target in graph.subject_objects(prop):
            if not str(target).startswith(str(IATI)):
                continue
            axioms = set(graph.subjects(OWL.annotatedSource, role)) & set(
                graph.subjects(OWL.annotatedProperty, prop)) & set(
                graph.subjects(OWL.annotatedTarget, target))
            if not any(graph.value(a, RDFS.comment) for a in axioms):
                uncommented.append((str(role), str(prop), str(target)))
    assert uncommented == []


def test_lead_and_partner_carry_the_eurio_role_labels():
    graph = ontology.load_alignments_graph()
    assert graph.value(ROLE["lead"], MCN.eurioRoleLabel) == Literal("coordinator")
    assert graph.value(ROLE["partner"], MCN.eurioRoleLabel) == Literal("participant")


def test_alignments_reach_eurio_schema_org_frapo_and_dcat():
    graph = ontology.load_alignments_graph()
    targets = {str(o) for p in (*MAPPINGS, RDFS.subClassOf) for o in graph.objects(None, p)}
    for expected in ("http://data.europa.eu/s66#Project", "http://data.europa.eu/s66#OrganisationRole",
                     "http://data.europa.eu/s66#FundingScheme", "https://schema.org/Project",
                     "https://schema.org/Event", "https://schema.org/Place",
                     "https://schema.org/Organization", "http://purl.org/cerif/frapo/FundingAgency",
                     "http://purl.org/cerif/frapo/FundingProgramme", "http://www.w3.org/ns/dcat#Resource"):
        assert expected in targets


# ------------------------------------------------------------------------------------------
# SHACL shapes: each constraint fires on its fixture, the conforming graph passes
# ------------------------------------------------------------------------------------------

PREFIXES = {
    "mcnsh:": MCNSH,
    "mcn:": str(MCN),
    "project:": "https://w3id.org/graphkit/id/project/",
    "organisation:": "https://w3id.org/graphkit/id/organisation/",
    "participation:": "https://w3id.org/graphkit/id/participation/",
    "membership:": "https://w3id.org/graphkit/id/membership/",
    "evidence:": "https://w3id.org/graphkit/id/evidence/",
    "source:": "https://w3id.org/graphkit/id/source/",
    "role:": str(ROLE),
    "dcterms:": str(DCTERMS),
    "prov:": str(PROV),
    "skos:": str(SKOS),
    "org:": str(ORG),
}


def _curie(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, Literal):
        return str(term)
    text = str(term)
    for prefix, iri in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(iri):
            return prefix + text[len(iri):]
    return text


def _path(graph: Graph, node) -> str | None:
    """A result path as SPARQL-like text: ``mcn:role``, ``^mcn:participant/mcn:inProject``."""
    if node is None or isinstance(node, URIRef):
        return _curie(node)
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _path(graph, inverse)
    return "/".join(_path(graph, item) for item in Collection(graph, node))


def _results(fixture: str) -> set[tuple]:
    data = Graph().parse(SHAPE_FIXTURES / "conforming.ttl")
    if fixture != "conforming.ttl":
        data.parse(SHAPE_FIXTURES / fixture)
    _conforms, report, _text = validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none")
    return {
        (
            _curie(report.value(r, SH.focusNode)),
            _path(report, report.value(r, SH.resultPath)),
            _curie(report.value(r, SH.sourceShape)),
            str(report.value(r, SH.sourceConstraintComponent))[len(str(SH)):].removesuffix(
                "ConstraintComponent"),
            str(report.value(r, SH.resultSeverity))[len(str(SH)):],
            _curie(report.value(r, SH.value)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


_CACHE: dict[str, Graph] = {}


def shapes_graph() -> Graph:
    return _CACHE.setdefault("shapes", ontology.load_shapes_graph())


def ontology_graph() -> Graph:
    return _CACHE.setdefault("ontology", ontology.load_ontology_graph())


V, W = "Violation", "Warning"
TG = "project:impra/target-group/"
ACT = "project:impra/activity/"
EXPECTED: dict[str, set[tuple]] = {
    "project.ttl": {
        ("project:no-title", "dcterms:title", "mcnsh:Project-title", "MinCount", V, None),
        ("project:two-titles", "dcterms:title", "mcnsh:Project-title", "MaxCount", V, None),
        ("project:no-participation", "mcn:hasParticipation", "mcnsh:Project-participation",
         "MinCount", V, None),
        ("project:untyped-participation", "mcn:hasParticipation", "mcnsh:Project-participation",
         "Class", V, "participation:untyped-lead"),
        ("project:no-participation", "mcn:hasParticipation", "mcnsh:Project-lead",
         "QualifiedMinCount", V, None),
        ("project:no-lead", "mcn:hasParticipation", "mcnsh:Project-lead", "QualifiedMinCount", V,
         None),
        # Two leads: which source names each is not in this fixture; project-leads-per-source-violation.rq
        # and the records checks refuse two leads from one source (tests/test_page_records.py).
        ("project:no-source", "prov:wasDerivedFrom", "mcnsh:Project-source", "MinCount", V, None),
        ("project:unregistered-source", "prov:wasDerivedFrom", "mcnsh:Project-source", "Class", V,
         "https://www.ongpiemonte.it/"),
    },
    "participation.ttl": {
        ("participation:empty", "mcn:inProject", "mcnsh:Participation-project", "MinCount", V, None),
        ("participation:empty", "mcn:participant", "mcnsh:Participation-participant", "MinCount", V,
         None),
        ("participation:empty", "mcn:role", "mcnsh:Participation-role", "MinCount", V, None),
        ("participation:empty", "mcn:hasEvidence", "mcnsh:Participation-evidence", "MinCount", V,
         None),
        ("participation:overfull", "mcn:inProject", "mcnsh:Participation-project", "MaxCount", V,
         None),
        ("participation:overfull", "mcn:inProject", "mcnsh:Participation-project", "Class", V,
         "source:impra"),
        ("participation:overfull", "mcn:participant", "mcnsh:Participation-participant", "MaxCount",
         V, None),
        ("participation:overfull", "mcn:participant", "mcnsh:Participation-participant", "Class", V,
         "evidence:impra-lead"),
        ("participation:overfull", "mcn:role", "mcnsh:Participation-role", "MaxCount", V, None),
        ("participation:overfull", "mcn:role", "mcnsh:Participation-role", "In", V, "role:member"),
        ("participation:overfull", "mcn:hasEvidence", "mcnsh:Participation-evidence", "Class", V,
         "source:impra"),
        ("participation:overfull", "mcn:via", "mcnsh:Participation-via", "MaxCount", V, None),
        ("participation:overfull", "mcn:via", "mcnsh:Participation-via", "Class", V, "source:impra"),
    },
    "evidence.ttl": {
        ("evidence:nothing", "mcn:quote", "mcnsh:Evidence-quote", "MinCount", V, None),
        ("evidence:nothing", "prov:wasDerivedFrom", "mcnsh:Evidence-source", "MinCount", V, None),
        ("evidence:empty-quote", "mcn:quote", "mcnsh:Evidence-quote", "MinLength", V, ""),
        ("evidence:number-quote", "mcn:quote", "mcnsh:Evidence-quote", "Or", V, "42"),
        ("evidence:two-of-each", "mcn:quote", "mcnsh:Evidence-quote", "MaxCount", V, None),
        ("evidence:two-of-each", "prov:wasDerivedFrom", "mcnsh:Evidence-source", "MaxCount", V, None),
        ("evidence:two-of-each", "prov:wasDerivedFrom", "mcnsh:Evidence-source", "Class", V,
         "project:impra"),
    },
    "quote-span.ttl": {
        ("evidence:span-not-a-span", "mcn:hasQuoteSpan", "mcnsh:Evidence-quoteSpan", "Class", V, "source:impra"),
        ("evidence:span-empty", "mcn:spanText", "mcnsh:QuoteSpan-text", "MinCount", V, None),
        ("evidence:span-empty", "mcn:spanIndex", "mcnsh:QuoteSpan-index", "MinCount", V, None),
        ("evidence:span-blank", "mcn:spanText", "mcnsh:QuoteSpan-text", "MinLength", V, ""),
        ("evidence:span-blank", "mcn:spanIndex", "mcnsh:QuoteSpan-index", "MinInclusive", V, "0"),
        ("evidence:span-mistyped", "mcn:spanText", "mcnsh:QuoteSpan-text", "Or", V, "42"),
        ("evidence:span-mistyped", "mcn:spanIndex", "mcnsh:QuoteSpan-index", "Datatype", V, "1"),
        ("evidence:span-mistyped", "mcn:spanIndex", "mcnsh:QuoteSpan-index", "MinInclusive", V, "1"),
        ("evidence:span-two-of-each", "mcn:spanText", "mcnsh:QuoteSpan-text", "MaxCount", V, None),
        ("evidence:span-two-of-each", "mcn:spanIndex", "mcnsh:QuoteSpan-index", "MaxCount", V, None),
    },
    "organisation.ttl": {
        ("organisation:anonymous", "skos:prefLabel", "mcnsh:Organisation-name", "MinCount", V, None),
        ("organisation:anonymous", "org:classification", "mcnsh:Organisation-type", "MinCount", V,
         None),
        ("organisation:anonymous", "mcn:country", "mcnsh:Organisation-country", "MinCount", V, None),
        ("organisation:overfull", "skos:prefLabel", "mcnsh:Organisation-name", "MaxCount", V, None),
        ("organisation:overfull", "org:classification", "mcnsh:Organisation-type", "MaxCount", V,
         None),
        ("organisation:overfull", "org:classification", "mcnsh:Organisation-type", "NodeKind", V,
         "ngo"),
        ("organisation:overfull", "mcn:country", "mcnsh:Organisation-country", "MaxCount", V, None),
        ("organisation:overfull", "mcn:country", "mcnsh:Organisation-country", "NodeKind", V,
         "Italia"),
    },
    "shortcuts.ttl": {
        ("organisation:out-of-step-1", "^mcn:participant/mcn:inProject",
         "mcnsh:Organisation-participatesIn", "Equals", V, "project:impra"),
        ("organisation:out-of-step-2", "^mcn:participant/mcn:inProject",
         "mcnsh:Organisation-participatesIn", "Equals", V, "project:impra"),
        ("organisation:out-of-step-1", "^org:member/org:organization", "mcnsh:Organisation-memberOf",
         "Equals", V, "organisation:cop"),
        ("organisation:out-of-step-2", "^org:originalOrganization/org:resultingOrganization",
         "mcnsh:Organisation-successor", "Equals", V, "organisation:cop"),
    },
    "membership.ttl": {
        ("membership:empty", "org:member", "mcnsh:Membership-member", "MinCount", V, None),
        ("membership:empty", "org:organization", "mcnsh:Membership-organisation", "MinCount", V, None),
        ("membership:empty", "org:role", "mcnsh:Membership-role", "MinCount", V, None),
        ("membership:empty", "mcn:hasEvidence", "mcnsh:Membership-evidence", "MinCount", V, None),
        ("membership:overfull", "org:member", "mcnsh:Membership-member", "MaxCount", V, None),
        ("membership:overfull", "org:member", "mcnsh:Membership-member", "Class", V, "project:impra"),
        ("membership:overfull", "org:member", "mcnsh:Membership-member", "Class", V, "source:impra"),
        ("membership:overfull", "org:organization", "mcnsh:Membership-organisation", "MaxCount", V,
         None),
        ("membership:overfull", "org:organization", "mcnsh:Membership-organisation", "Class", V,
         "project:impra"),
        ("membership:overfull", "org:organization", "mcnsh:Membership-organisation", "Class", V,
         "source:impra"),
        ("membership:overfull", "org:role", "mcnsh:Membership-role", "MaxCount", V, None),
        ("membership:overfull", "org:role", "mcnsh:Membership-role", "In", V, "role:lead"),
        ("membership:overfull", "mcn:hasEvidence", "mcnsh:Membership-evidence", "Class", V,
         "source:impra"),
    },
    "temporal.ttl": {
        (ACT + "1", "mcn:submissionDate", "mcnsh:Temporal-submissionDate", "Or", V, "giugno 2013"),
        (ACT + "1", "mcn:approvalDate", "mcnsh:Temporal-approvalDate", "Or", V, "2013-02-30"),
        (ACT + "1", "mcn:startDate", "mcnsh:Temporal-startDate", "Or", V, "2013-09-30T09:00:00"),
        (ACT + "1", "mcn:endDate", "mcnsh:Temporal-endDate", "Or", V, "2014"),
        (ACT + "1", "mcn:periodStart", "mcnsh:Temporal-periodStart", "Datatype", V, "2013-01-01"),
        (ACT + "1", "mcn:periodEnd", "mcnsh:Temporal-periodEnd", "Datatype", V, "2014"),
        (ACT + "1", "mcn:approximateDate", "mcnsh:Temporal-approximateDate", "Datatype", V,
         "2010-05"),
        (ACT + "1", "mcn:plannedDuration", "mcnsh:Temporal-plannedDuration", "Datatype", V,
         "nove mesi"),
        (ACT + "1", "mcn:duration", "mcnsh:Temporal-duration", "Datatype", V, "9"),
        (ACT + "1", "mcn:activeFrom", "mcnsh:Temporal-activeFrom", "LessThanOrEquals", V,
         "2014-07-01"),
        (ACT + "2", "mcn:activeFrom", "mcnsh:Temporal-activeFrom", "Datatype", V, "2013"),
        (ACT + "3", "mcn:activeUntil", "mcnsh:Temporal-activeUntil", "Datatype", V, "2014-06"),
    },
    "counts.ttl": {
        (TG + "negative", "mcn:count", "mcnsh:Count-count", "MinInclusive", V, "-1"),
        (TG + "negative", "mcn:countMin", "mcnsh:Count-countMin", "LessThanOrEquals", V, "12"),
        (TG + "negative", "mcn:share", "mcnsh:Count-share", "MaxInclusive", V, "1.5"),
        (TG + "negative", "mcn:shareOf", "mcnsh:Count-shareOf", "MinInclusive", V, "-5"),
        (TG + "negative", "mcn:approximate", "mcnsh:Count-approximate", "Datatype", V, "yes"),
        (TG + "mistyped", "mcn:count", "mcnsh:Count-count", "MaxCount", V, None),
        (TG + "mistyped", "mcn:count", "mcnsh:Count-count", "Datatype", V, "100.0"),
        (TG + "mistyped", "mcn:countMin", "mcnsh:Count-countMin", "Datatype", V, "10.0"),
        (TG + "mistyped", "mcn:share", "mcnsh:Count-share", "Datatype", V, "0.5"),
        (TG + "mistyped", "mcn:shareOf", "mcnsh:Count-shareOf", "Datatype", V, "10.5"),
        (TG + "below-zero", "mcn:countMin", "mcnsh:Count-countMin", "MinInclusive", V, "-1"),
        (TG + "below-zero", "mcn:share", "mcnsh:Count-share", "MinInclusive", V, "-0.1"),
        ("organisation:cosim/member-count/1", "mcn:countMax", "mcnsh:Count-countMax", "Datatype", V,
         "12.0"),
        ("organisation:cosim/member-count/2", "mcn:countMax", "mcnsh:Count-countMax", "MinInclusive",
         V, "-2"),
    },
    "budget.ttl": {
        ("project:impra/budget/bad", "mcn:amount", "mcnsh:Budget-amount", "MaxCount", V, None),
        ("project:impra/budget/bad", "mcn:amount", "mcnsh:Budget-amount", "Datatype", V, "152000.0"),
        ("project:impra/budget/bad", "mcn:amount", "mcnsh:Budget-amount", "MinInclusive", V, "-1"),
        ("project:impra/budget/bad", "mcn:currency", "mcnsh:Budget-currency", "NodeKind", V, "EUR"),
        ("project:impra/budget/bad", "mcn:amountKind", "mcnsh:Budget-kind", "MinCount", V, None),
        ("project:impra/budget/bad", "mcn:percentOfCost", "mcnsh:Budget-percent", "Datatype", V, "-5"),
        ("project:impra/budget/bad", "mcn:percentOfCost", "mcnsh:Budget-percent", "MinInclusive", V, "-5"),
        ("project:impra/budget/share", "mcn:currency", "mcnsh:Budget-currency", "MaxCount", V, None),
        ("project:impra/budget/share", "mcn:percentOfCost", "mcnsh:Budget-percent", "MaxCount", V, None),
        ("project:impra/budget/share", "mcn:percentOfCost", "mcnsh:Budget-percent", "MaxInclusive", V, "120"),
        ("project:impra/budget/share", "mcn:amountKind", "mcnsh:Budget-kind", "MaxCount", V, None),
    },
    "project-warnings.ttl": {
        ("project:bare", "mcn:activeFrom", "mcnsh:Project-activeFrom", "MinCount", W, None),
        ("project:bare", "mcn:activeUntil", "mcnsh:Project-activeUntil", "MinCount", W, None),
        ("project:bare", "mcn:takesPlaceIn", "mcnsh:Project-place", "MinCount", W, None),
        ("project:bare", None, "mcnsh:ProjectFundingShape", "Or", W, "project:bare"),
    },
    "organisation-warnings.ttl": {
        ("organisation:nowhere", "mcn:basedIn", "mcnsh:Organisation-basedIn", "MinCount", W, None),
    },
}


def test_conforming_fixture_passes_every_shape_without_warnings():
    assert _results("conforming.ttl") == set()


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_shape_fixture_yields_exactly_the_expected_results(fixture):
    assert _results(fixture) == EXPECTED[fixture]


def test_every_shape_fixture_file_is_tested():
    files = {p.name for p in SHAPE_FIXTURES.glob("*.ttl")}
    assert files == set(EXPECTED) | {"conforming.ttl"}


# constraint parameter -> the component it belongs to
PARAMETERS = {
    SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH["class"]: "Class", SH["in"]: "In",
    SH["or"]: "Or", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH.minLength: "MinLength",
    SH.minInclusive: "MinInclusive", SH.maxInclusive: "MaxInclusive", SH.hasValue: "HasValue",
    SH.lessThanOrEquals: "LessThanOrEquals", SH.equals: "Equals",
    SH.qualifiedMinCount: "QualifiedMinCount", SH.qualifiedMaxCount: "QualifiedMaxCount",
}


def test_every_constraint_of_every_named_shape_has_a_fixture_that_fires_it():
    shapes = shapes_graph()
    declared = {
        (_curie(shape), component)
        for parameter, component in PARAMETERS.items()
        for shape in shapes.subjects(parameter, None)
        if not isinstance(shape, BNode)
    }
    fired = {(row[2], row[3]) for rows in EXPECTED.values() for row in rows}
    assert declared - fired == set()
    assert fired - declared == set()


def test_every_constraint_shape_is_named_and_has_a_severity_and_message():
    shapes = shapes_graph()
    constrained = {s for p in PARAMETERS for s in shapes.subjects(p, None)}
    top_level = {s for s in constrained if not isinstance(s, BNode)}
    nested = constrained - top_level
    # nested shapes only inside sh:or / sh:qualifiedValueShape of a named shape
    assert all(isinstance(s, BNode) for s in nested)
    for shape in top_level:
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning), shape
        assert shapes.value(shape, SH.message) is not None, shape


def test_participation_role_shape_lists_exactly_the_participation_roles(vocabularies):
    shapes = shapes_graph()
    listed = set(Collection(shapes, shapes.value(URIRef(MCNSH + "Participation-role"), SH["in"])))
    assert listed == set(vocabularies.subjects(RDF.type, PROV.Role))
    membership = set(Collection(shapes, shapes.value(URIRef(MCNSH + "Membership-role"), SH["in"])))
    assert membership == set(vocabularies.subjects(RDF.type, ORG.Role))


def test_shapes_use_core_shacl_only():
    shapes = shapes_graph()
    assert not set(shapes.subjects(SH.sparql, None))
    assert not set(shapes.subjects(RDF.type, SH.SPARQLConstraint))


def test_an_organisational_unit_is_an_organisation_once_the_ontology_is_mixed_in():
    data = Graph().parse(SHAPE_FIXTURES / "conforming.ttl")
    conforms, _report, _text = validate(data, shacl_graph=shapes_graph(), inference="none")
    assert not conforms  # without the ontology, sh:class misses org:OrganizationalUnit
    conforms, _report, _text = validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none")
    assert conforms


# ------------------------------------------------------------------------------------------
# Documentation
# ------------------------------------------------------------------------------------------


def test_write_docs_renders_the_ontology_as_html(tmp_path):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    path = ontology.write_docs(tmp_path / "docs")
    assert path == tmp_path / "docs" / "ontology.html"
    html = path.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<title>Migration-cooperation network ontology</title>" in html
    assert 'id="Participation"' in html
    assert ">Participation<" in html
    assert "it: Partecipazione" in html
    assert "https://w3id.org/graphkit/mcn#hasParticipation" in html
    # importing pyLODE reconfigures the root logger; write_docs undoes it
    assert (root.handlers, root.level) == (handlers, level)


def test_load_ontology_graph_holds_ontology_and_vocabularies_but_not_alignments_or_shapes():
    graph = ontology.load_ontology_graph()
    assert (MCN.Participation, RDF.type, OWL.Class) in graph
    assert (ROLE["lead"], RDF.type, SKOS.Concept) in graph
    assert (ROLE["lead"], MCN.eurioRoleLabel, None) not in graph
    assert not set(graph.subjects(RDF.type, SH.NodeShape))
    assert set(ontology.load_shapes_graph().subjects(RDF.type, SH.NodeShape))


def test_date_properties_leave_the_datatype_to_shacl():
    graph = Graph().parse(ontology.ONTOLOGY_FILE)
    for prop in (MCN.startDate, MCN.endDate, MCN.submissionDate, MCN.approvalDate,
                 MCN.periodStart, MCN.periodEnd, MCN.approximateDate, MCN.activeFrom,
                 MCN.activeUntil, MCN.duration, MCN.plannedDuration):
        assert graph.value(prop, RDFS.range) == RDFS.Literal, prop
    assert graph.value(MCN["count"], RDFS.range) == XSD_INTEGER
