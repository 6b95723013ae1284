"""What real project pages say, held by the records (issue 16, deliverable 4): budgets and
co-funding shares as exact decimals, programmes with promoters and sub-projects, sources that
disagree, places abroad from the GeoNames gazetteer, units of an organisation.

The records are the made-up pages of ``tests/fixtures/pages/`` (see its README); every expected
value below is read off those pages.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from graphkit.builder import build
from graphkit.queries import plain_rows, run_query
from graphkit.records import RecordsInvalid, load_records
from graphkit import gazetteer
from graphkit.store import EmbeddedStore

PAGES = Path(__file__).parent / "fixtures" / "pages"
MCN = "https://w3id.org/graphkit/mcn#"
ID = "https://w3id.org/graphkit/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
ORG = "http://www.w3.org/ns/org#"


@pytest.fixture(scope="module")
def pages_built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "graph"
    build(PAGES, out, docs=False)
    return out


@pytest.fixture(scope="module")
def pages_store(pages_built) -> EmbeddedStore:
    return EmbeddedStore.from_build(pages_built)


@pytest.fixture(scope="module")
def dataset(pages_built) -> ox.Store:
    store = ox.Store()
    store.load(path=str(pages_built / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def objects(ds: ox.Store, s: str, p: str) -> list[tuple[str, str]]:
    """(object as N-Triples, graph) of every quad with subject ``s`` and predicate ``p``, sorted."""
    return sorted((str(q.object), str(q.graph_name))
                  for q in ds.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None))


def rows(store, query, **params):
    return plain_rows(run_query(store, query, params))


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(RecordsInvalid) as exc:
        load_records(folder)
    return [str(p) for p in exc.value.problems]


@pytest.fixture()
def pages_copy(tmp_path) -> Path:
    dst = tmp_path / "pages"
    shutil.copytree(PAGES, dst)
    return dst


def edit(folder: Path, name: str, change) -> None:
    """Load the YAML file ``name`` of ``folder``, let ``change`` edit it, write it back."""
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data = change(data) or data
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ------------------------------------------------------------------ 1. budgets and amounts


def test_budgets_and_contributions_are_exact_decimals_in_rdf(dataset):
    P = ID + "project/migranti-e-sviluppo"
    budget = ID + "project/migranti-e-sviluppo/budget/1"
    g = f"<{ID.replace('/id/', '/graph/')}source/programme>"
    assert objects(dataset, P, MCN + "hasBudget") == [(f"<{budget}>", g)]
    assert objects(dataset, budget, MCN + "amount") == [(f'"152000"^^<{XSD}decimal>', g)]
    assert objects(dataset, budget, MCN + "currency") == [
        ("<http://publications.europa.eu/resource/authority/currency/EUR>", g)]
    assert objects(dataset, budget, MCN + "amountKind") == [
        ("<https://w3id.org/graphkit/vocab/amount-kind/budget>", g)]
    alfa = ID + "participation/migranti-e-sviluppo--fondazione-alfa--promoter/contribution"
    beta = ID + "participation/migranti-e-sviluppo--fondazione-beta--promoter/contribution"
    assert objects(dataset, alfa, MCN + "amount") == [(f'"100000.5"^^<{XSD}decimal>', g)]
    assert objects(dataset, beta, MCN + "percentOfCost") == [(f'"20"^^<{XSD}decimal>', g)]
    assert objects(dataset, beta, MCN + "amount") == []
    doubles = [q for q in dataset if isinstance(q.object, ox.Literal) and q.object.datatype.value == XSD + "double"]
    assert doubles == []


@pytest.mark.parametrize(("value", "message"), [
    (152000.5, "152000.5 is a number with a decimal point read as a float: write the amount as a quoted "
               "string ('152000' or '350500.00'), so that it stays exact"),
    (152000, "152000 is not an amount: write it as a quoted string of digits ('152000' or '350500.00')"),
    ("152.000", None),
    ("1,5", "'1,5' is not an amount (digits with an optional decimal point, as '152000' or '350500.00': "
            "no thousands separators, no currency sign, no spaces)"),
    ("€ 100", "'€ 100' is not an amount (digits with an optional decimal point, as '152000' or '350500.00': "
              "no thousands separators, no currency sign, no spaces)"),
])
def test_an_amount_is_a_string_of_digits(pages_copy, value, message):
    def change(p):
        p["budgets"][0]["amount"] = value
    edit(pages_copy, "projects/migranti-e-sviluppo.yaml", change)
    if message is None:      # "152.000" is a well-formed decimal (152): the quote says 152.000 euro, a person reads it
        load_records(pages_copy)
        return
    assert problems_of(pages_copy) == [
        f"projects/migranti-e-sviluppo.yaml: project migranti-e-sviluppo: budgets[0].amount: {message}"]


def test_bad_currencies_percentages_and_contributions_name_file_record_and_field(pages_copy):
    def programme(p):
        p["budgets"][0]["currency"] = "EURO"
        p["budgets"].append({"amount": "10", "currency": "XYZ", "what": "own funds", "from": "nobody",
                             "quote": "Il programma ha un budget complessivo di 152.000 euro."})
        p["participants"][0]["contribution"] = {"amount": "5", "percent": "5", "quote": "La Fondazione Alfa"}
        p["participants"][1]["contribution"]["percent"] = "120"
    edit(pages_copy, "projects/migranti-e-sviluppo.yaml", programme)

    def ponte(p):
        del p["participants"][1]["contribution"]["currency"]
    edit(pages_copy, "projects/ponte.yaml", ponte)
    where = "projects/migranti-e-sviluppo.yaml: project migranti-e-sviluppo"
    assert problems_of(pages_copy) == [
        f"{where}: budgets[0].currency: String should match pattern '^[A-Z]{{3}}$'",
        f"{where}: participants[0].contribution: write the contribution as one of: amount (with currency) | percent",
        f"{where}: participants[1].contribution.percent: '120' is not a percentage between 0 and 100",
        "projects/ponte.yaml: project ponte: participants[1].contribution: an amount needs its currency "
        "(an ISO 4217 code such as EUR)",
    ]

    def only_references(p):
        p["budgets"] = [{"amount": "10", "currency": "XYZ", "what": "own funds", "from": "nobody",
                         "quote": "Il programma ha un budget complessivo di 152.000 euro."}]
        p["participants"][0]["contribution"] = {"amount": "5", "currency": "ABC", "quote": "La Fondazione Alfa"}
        p["participants"][1]["contribution"]["percent"] = "12.5"
    shutil.copy(PAGES / "projects" / "migranti-e-sviluppo.yaml", pages_copy / "projects" / "migranti-e-sviluppo.yaml")
    shutil.copy(PAGES / "projects" / "ponte.yaml", pages_copy / "projects" / "ponte.yaml")
    edit(pages_copy, "projects/migranti-e-sviluppo.yaml", only_references)
    assert problems_of(pages_copy) == [
        f"{where}: budgets[0].currency: unknown currency 'XYZ' (write its ISO 4217 code, e.g. EUR, MAD, XOF)",
        f"{where}: budgets[0].from: unknown organisation 'nobody'",
        f"{where}: participants[0].contribution.currency: unknown currency 'ABC' (write its ISO 4217 code, "
        "e.g. EUR, MAD, XOF)",
    ]


def test_a_budget_of_another_kind_keeps_its_words(pages_copy, tmp_path):
    def change(p):
        p["budgets"].append({"amount": "2500.10", "currency": "EUR", "what": "own funds", "from": "fondazione-alfa",
                             "quote": "Il programma ha un budget complessivo di 152.000 euro."})
    edit(pages_copy, "projects/migranti-e-sviluppo.yaml", change)
    build(pages_copy, tmp_path / "g", docs=False)
    store = EmbeddedStore.from_build(tmp_path / "g")
    got = store.select("""SELECT ?kind ?amount ?label ?from WHERE {
        <https://w3id.org/graphkit/id/project/migranti-e-sviluppo/budget/2> mcn:amountKind ?kind ;
            mcn:amount ?amount ; rdfs:label ?label ; mcn:providedBy ?from }""")
    assert [[str(t) for t in r] for r in got.rows] == [[
        "<https://w3id.org/graphkit/vocab/amount-kind/other>", f'"2500.1"^^<{XSD}decimal>',
        '"own funds 2500.1 EUR"', "<https://w3id.org/graphkit/id/organisation/fondazione-alfa>"]]


# ------------------------------------------------------------------ 2. co-funding shares


def test_project_funding_lists_each_funder_with_its_share_and_the_total(pages_store):
    got = [(r["project"], r["funder"], r["role"], r["amount"], r["currency"], r["percent"], r["source"],
            r["total"], r["total_currency"]) for r in rows(pages_store, "project-funding")]
    assert got == [
        # "La Fondazione Alfa contribuisce con 100.000,50 euro." / "budget complessivo di 152.000 euro"
        ("project:migranti-e-sviluppo", "organisation:fondazione-alfa", "role:promoter", Decimal("100000.5"),
         "currency:EUR", None, "source:programme", Decimal("152000"), "currency:EUR"),
        # "La Fondazione Beta copre il 20% dei costi."
        ("project:migranti-e-sviluppo", "organisation:fondazione-beta", "role:promoter", None, None,
         Decimal("20"), "source:programme", Decimal("152000"), "currency:EUR"),
        # "cofinanziato dalla Regione Lazio per 350.500,00 euro"; page A states no total
        ("project:ponte", "organisation:regione-lazio-direzione-lavoro", "role:co-funder", Decimal("350500"),
         "currency:EUR", None, "source:page-a", None, None),
    ]


def test_project_funding_on_the_seeds_lists_the_stated_funders(store):
    got = [(r["project"], r["funder"], r["role"], r["amount"], r["percent"], r["total"])
           for r in rows(store, "project-funding")]
    assert got == [
        ("project:ipocad-azione-4", "organisation:commissione-europea", "role:co-funder", None, None, None),
        ("project:ipocad-azione-4", "organisation:ministero-lavoro", "role:co-funder", None, None, None),
        ("project:khouribga", "organisation:regione-piemonte", "role:funder", None, None, None),
    ]


# ------------------------------------------------------------------ 3. programmes and sub-projects


def test_a_programme_has_promoters_and_sub_projects_with_their_leads(pages_store, dataset):
    got = [(r["project"], r["lead"], r["source"])
           for r in rows(pages_store, "programme-projects", programme="project:migranti-e-sviluppo")]
    assert got == [("project:radici", "organisation:ong-due", "source:programme"),
                   ("project:semi", "organisation:ong-uno", "source:programme")]
    P = ID + "project/migranti-e-sviluppo"
    assert (f"<{MCN}Programme>", f"<{ID.replace('/id/', '/graph/')}source/programme>") in objects(
        dataset, P, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    # part_of with a quote has its evidence; written as a bare id, none
    ev = dataset.quads_for_pattern(None, ox.NamedNode(MCN + "forProperty"), ox.NamedNode(MCN + "partOfProject"), None)
    quotes = sorted(str(next(iter(dataset.quads_for_pattern(q.subject, ox.NamedNode(MCN + "quote"), None, None))).object)
                    for q in ev)
    assert quotes == ['"Il programma comprende due progetti: il progetto Semi"@it']


def test_lead_rules_per_kind_and_per_source(pages_copy):
    def no_promoters(p):
        for pa in p["participants"]:
            pa["role"] = "funder"
    edit(pages_copy, "projects/migranti-e-sviluppo.yaml", no_promoters)

    def no_lead(p):
        p["participants"][0]["role"] = "partner"
    edit(pages_copy, "projects/semi.yaml", no_lead)

    def two_leads_in_one_source(p):
        p["participants"].append({"org": "ong-uno", "role": "lead", "as_written": "ONG Uno",
                                  "quote": "capofila ONG Uno"})
    edit(pages_copy, "projects/radici.yaml", two_leads_in_one_source)

    def two_leads_from_page_b(p):
        p["participants"].append({"org": "regione-lazio", "role": "lead", "as_written": "ONG Uno",
                                  "source": "page-b", "quote": "con ONG Uno come partner"})
    edit(pages_copy, "projects/ponte.yaml", two_leads_from_page_b)
    assert problems_of(pages_copy) == [
        "projects/migranti-e-sviluppo.yaml: project migranti-e-sviluppo: participants: a programme has at least "
        "one lead or promoter in its source 'programme'; found none",
        "projects/ponte.yaml: project ponte: participants: source 'page-b' names 2 leads; a source names at most "
        "one (leads that other sources name differently are kept with their source)",
        "projects/radici.yaml: project radici: participants: a project has exactly one lead in its source "
        "'programme'; found 2",
        "projects/semi.yaml: project semi: participants: a project has exactly one lead in its source "
        "'programme'; found 0 (a programme of sub-projects with promoters and no lead says kind: programme)",
    ]


def test_part_of_must_name_another_project_and_end(pages_copy):
    edit(pages_copy, "projects/semi.yaml", lambda p: p.update(part_of="semi"))
    edit(pages_copy, "projects/radici.yaml", lambda p: p.update(part_of={"project": "nowhere"}))
    edit(pages_copy, "projects/migranti-e-sviluppo.yaml", lambda p: p.update(part_of="ponte"))
    edit(pages_copy, "projects/ponte.yaml", lambda p: p.update(part_of="migranti-e-sviluppo"))
    assert problems_of(pages_copy) == [
        "projects/migranti-e-sviluppo.yaml: project migranti-e-sviluppo: part_of: the part_of chain loops back to "
        "this project",
        "projects/ponte.yaml: project ponte: part_of: the part_of chain loops back to this project",
        "projects/radici.yaml: project radici: part_of: unknown project 'nowhere'",
        "projects/semi.yaml: project semi: part_of: a project cannot be part of itself",
    ]


# ------------------------------------------------------------------ 4. sources that disagree


def test_two_sources_naming_different_leads_are_kept_and_listed(pages_store, dataset):
    got = [(r["project"], r["difference"], r["org"], r["role"], r["source"], r["quote"])
           for r in rows(pages_store, "disagreements")]
    assert got == [
        ("project:ponte", "lead", "organisation:ong-due", "role:lead", "source:page-b",
         "Il progetto Ponte è guidato da ONG Due"),
        ("project:ponte", "lead", "organisation:ong-uno", "role:lead", "source:page-a", "Capofila: ONG Uno"),
        ("project:ponte", "role", "organisation:ong-uno", "role:lead", "source:page-a", "Capofila: ONG Uno"),
        ("project:ponte", "role", "organisation:ong-uno", "role:partner", "source:page-b", "con ONG Uno come partner"),
    ]
    graph = "<https://w3id.org/graphkit/graph/source/"
    part = ID + "participation/"
    assert objects(dataset, part + "ponte--ong-uno--lead", MCN + "role") == [
        ("<https://w3id.org/graphkit/vocab/role/lead>", graph + "page-a>")]
    assert objects(dataset, part + "ponte--page-b--ong-due--lead", MCN + "role") == [
        ("<https://w3id.org/graphkit/vocab/role/lead>", graph + "page-b>")]
    assert objects(dataset, part + "ponte--page-b--ong-uno--partner", "http://www.w3.org/ns/prov#wasDerivedFrom") == [
        ("<https://w3id.org/graphkit/id/source/page-b>", graph + "page-b>")]


def test_the_seeds_have_no_disagreements_and_no_source_with_two_leads(store):
    assert rows(store, "disagreements") == []
    assert rows(store, "project-leads-per-source-violation") == []


def test_the_leads_per_source_check_fires_on_two_leads_from_one_source(pages_built):
    store = EmbeddedStore.from_build(pages_built)
    assert rows(store, "project-leads-per-source-violation") == []    # Ponte's two leads: two sources
    # a graph where page A also names ONG Due as lead (records refuse it; the check guards the graph)
    part = ox.NamedNode(ID + "participation/ponte--page-b--ong-due--lead")
    store.store.add(ox.Quad(part, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
                            ox.NamedNode(ID + "source/page-a"), ox.DefaultGraph()))
    assert rows(store, "project-leads-per-source-violation") == [
        {"project": "project:ponte", "source": "source:page-a", "lead1": "organisation:ong-due",
         "lead2": "organisation:ong-uno"}]


# ------------------------------------------------------------------ 5. places abroad from the gazetteer


def test_a_city_abroad_takes_coordinates_and_country_from_the_gazetteer(dataset):
    thies = ID + "place/thies"
    reg = "<https://w3id.org/graphkit/graph/registry>"
    assert objects(dataset, thies, GEO + "lat") == [(f'"14.78944"^^<{XSD}decimal>', reg)]
    assert objects(dataset, thies, GEO + "long") == [(f'"-16.92602"^^<{XSD}decimal>', reg)]
    assert objects(dataset, thies, MCN + "within") == [
        ("<http://publications.europa.eu/resource/authority/country/SEN>", reg)]
    assert objects(dataset, thies, MCN + "geonamesId") == [('"2244802"', reg)]
    # a region with typed coordinates and no GeoNames id keeps them
    assert objects(dataset, ID + "place/louga", GEO + "lat") == [(f'"15.6"^^<{XSD}decimal>', reg)]


def test_the_project_in_thies_is_found_in_senegal(pages_store):
    got = [(r["project"], r["where"]) for r in rows(pages_store, "projects-in-place", place="country:SEN")]
    assert got == [("project:radici", "place:louga"), ("project:semi", "place:thies")]


def test_geonames_ids_and_coordinates_are_checked_against_the_gazetteer(pages_copy):
    def change(places):
        places[0]["lat"], places[0]["long"] = 14.0, -16.9            # 88 km south of Thiès
        places.append({"id": "nowhere", "name": "Nowhere", "kind": "city", "geonames": "999999999"})
        places.append({"id": "oujda", "name": "Oujda", "kind": "city", "geonames": 2540483, "within": "country:SEN"})
        places.append({"id": "senegal-west", "name": "West", "kind": "country-part", "geonames": "2244802"})
    edit(pages_copy, "places.yaml", change)
    assert problems_of(pages_copy) == [
        "places.yaml: place nowhere: geonames: GeoNames id 999999999 is not in the gazetteer (GeoNames places of "
        "1,000 inhabitants or more); check the id, or give lat and long without it",
        "places.yaml: place oujda: within: 'country:SEN' is not in MAR, the country GeoNames gives Oujda (2540483)",
        "places.yaml: place senegal-west: geonames: a country-part has no GeoNames id here (only city, department, "
        "district, region, village)",
        "places.yaml: place thies: lat: lat 14.0, long -16.9 lie 88 km from Thiès (GeoNames 2244802: 14.78944, "
        "-16.92602); correct them or leave them out",
    ]


def test_find_place_returns_gazetteer_candidates():
    assert [(p.geonames, p.name, p.country_iso2, p.lat, p.long, p.kind) for p in gazetteer.find_place("Khouribga")] == [
        ("2544248", "Khouribga", "MA", 32.88108, -6.9063, "city")]
    assert [(p.geonames, p.country_iso2) for p in gazetteer.find_place("cuenca")] == [
        ("3658666", "EC"), ("3124132", "ES"), ("1716618", "PH")]
    assert [p.geonames for p in gazetteer.find_place("Cuenca", "es")] == ["3124132"]
    assert [p.name for p in gazetteer.find_place("Lione")] == ["Lyon"]
    assert gazetteer.find_place("Nowhere-on-Sea", min_population=15000) == []
    assert gazetteer.lookup("999999999") is None


def test_the_seed_places_abroad_carry_their_geonames_ids(store):
    got = store.select("""SELECT ?place ?id ?lat WHERE { ?place mcn:geonamesId ?id ; geo:lat ?lat } ORDER BY ?place""")
    assert [[str(t) for t in r] for r in got.rows] == [
        ["<https://w3id.org/graphkit/id/place/barcelona>", '"3128760"', f'"41.3874"^^<{XSD}decimal>'],
        ["<https://w3id.org/graphkit/id/place/khouribga>", '"2544248"', f'"32.8811"^^<{XSD}decimal>'],
        ["<https://w3id.org/graphkit/id/place/lyon>", '"2996944"', f'"45.764"^^<{XSD}decimal>'],
    ]


# ------------------------------------------------------------------ 6. units of an organisation


def test_a_unit_of_a_region_is_mapped_with_org_and_rolled_up(pages_store, dataset):
    unit = ID + "organisation/regione-lazio-direzione-lavoro"
    reg = "<https://w3id.org/graphkit/graph/registry>"
    region = "<https://w3id.org/graphkit/id/organisation/regione-lazio>"
    assert objects(dataset, unit, ORG + "unitOf") == [(region, reg)]
    assert objects(dataset, unit, ORG + "subOrganizationOf") == [(region, reg)]
    got = [(r["org"], r["project"], r["unit"], r["role"])
           for r in rows(pages_store, "organisation-projects-with-units", org="organisation:regione-lazio")]
    assert got == [("organisation:regione-lazio", "project:ponte", "organisation:regione-lazio-direzione-lavoro",
                    "role:co-funder")]


def test_the_seed_region_counts_the_projects_of_its_directorates(store):
    # IPOCAD: "Regione Lazio – Direzione Lavoro" leads; "Direzione Salute e Politiche sociali" collaborates
    got = [(r["project"], r["unit"], r["role"])
           for r in rows(store, "organisation-projects-with-units", org="organisation:regione-lazio")]
    assert got == [("project:ipocad-azione-4", "organisation:regione-lazio-direzione-lavoro", "role:lead"),
                   ("project:ipocad-azione-4", "organisation:regione-lazio-direzione-salute", "role:collaborator")]


def test_unit_of_must_agree_with_parent_and_name_a_known_organisation(pages_copy):
    def change(orgs):
        orgs[5]["parent"] = "ong-uno"
        orgs[0]["unit_of"] = "fondazione-alfa"
        orgs[1]["unit_of"] = "nobody"
    edit(pages_copy, "organisations.yaml", change)
    assert problems_of(pages_copy) == [
        "organisations.yaml: organisation fondazione-alfa: unit_of: an organisation cannot be a unit of itself",
        "organisations.yaml: organisation fondazione-alfa: unit_of: the parent chain loops back on itself",
        "organisations.yaml: organisation fondazione-beta: unit_of: unknown organisation 'nobody'",
        "organisations.yaml: organisation regione-lazio-direzione-lavoro: unit_of: unit_of 'regione-lazio' and "
        "parent 'ong-uno' name different organisations: a unit belongs to the organisation it acts for "
        "(write unit_of alone)",
    ]


# ------------------------------------------------------------------ the bulk format holds the same


def test_json_lines_records_give_the_same_quads_as_the_yaml_pages(tmp_path, pages_built):
    folder = tmp_path / "bulk"
    folder.mkdir()
    for kind in ("organisations", "funds", "places"):
        items = yaml.safe_load((PAGES / f"{kind}.yaml").read_text(encoding="utf-8"))
        (folder / f"{kind}.jsonl").write_text("".join(json.dumps(x) + "\n" for x in items), encoding="utf-8")
    sources = yaml.safe_load((PAGES / "sources.yaml").read_text(encoding="utf-8"))
    for s in sources:
        s["text"] = (PAGES / s.pop("file")).read_text(encoding="utf-8")
        s["file"] = f"sources/{s['id']}.txt"
    (folder / "sources.jsonl").write_text("".join(json.dumps(s) + "\n" for s in sources), encoding="utf-8")
    projects = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((PAGES / "projects").glob("*.yaml"))]
    (folder / "projects.jsonl").write_text("".join(json.dumps(p) + "\n" for p in projects), encoding="utf-8")
    build(folder, tmp_path / "out", docs=False, store="none")

    def quads(path: Path) -> set:
        return {q for q in ox.parse(path.read_bytes(), format=ox.RdfFormat.N_QUADS)
                if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
                and q.graph_name != ox.NamedNode("https://w3id.org/graphkit/graph/ontology")}

    yaml_quads, bulk_quads = quads(pages_built / "dataset.nq"), quads(tmp_path / "out" / "dataset.nq")
    file_names = {q for q in yaml_quads | bulk_quads if q.predicate.value == MCN + "fileName"}
    assert bulk_quads - file_names == yaml_quads - file_names
    assert len(yaml_quads) > 250


def test_a_float_amount_in_json_lines_names_file_line_and_field(tmp_path):
    from test_bulk import _bulk, _problems

    folder = _bulk(tmp_path)
    lines = (folder / "projects.jsonl").read_text(encoding="utf-8").splitlines()
    p0 = json.loads(lines[0])
    p0["budgets"] = [{"amount": 152000.5, "currency": "EUR", "quote": p0["participants"][0]["quote"]}]
    lines[0] = json.dumps(p0)
    (folder / "projects.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _problems(folder, tmp_path) == [
        "projects.jsonl: project syn-0000000 (line 1): budgets[0].amount: 152000.5 is a number with a decimal "
        "point read as a float: write the amount as a quoted string ('152000' or '350500.00'), so that it stays exact"]
