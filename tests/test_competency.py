"""The competency questions, each answered by a named query and checked against the sources.

Every expected row below was read off the five source pages in data/sources/ (the comments say
where), not copied from a query's output.
"""

from __future__ import annotations

import pytest

from conftest import DATA
from graphkit.queries import list_queries, plain_rows, run_query


def rows(store, query, **params):
    return plain_rows(run_query(store, query, params))


def cols(store, query, columns, **params):
    return [tuple(r[c] for c in columns) for r in rows(store, query, **params)]


def test_every_project_with_lead_fund_and_dates(store):
    got = rows(store, "projects")
    for r in got:
        r["funders"] = sorted(r["funders"].split(" | ")) if r["funders"] else []
    assert [(r["project"], r["acronym"], r["lead"], r["fund"], r["funders"], r["start"], r["end"],
             r["active_from"], r["active_until"]) for r in got] == [
        # "finanziato dalla Regione Piemonte ... con capofila Cicsene"; only the 29 April 2010 seminar dates it
        ("project:khouribga", None, "organisation:cicsene", None, ["Regione Piemonte"], "2010", None,
         "2010-01-01", "2010-12-31"),
        # "avviato il 30 settembre 2013 e si è concluso a giugno 2014"; Bando FEI, Azione 8 - Annualità 2012
        ("project:impra", "IMPRA", "organisation:cop", "FEI", [], "2013-09-30", "2014-06",
         "2013-09-30", "2014-06-30"),
        # "Periodo: 1 aprile 2017 – 30 settembre 2018"; co-financed by the European Commission and the ministry
        ("project:ipocad-azione-4", "IPOCAD", "organisation:regione-lazio-direzione-lavoro", "FAMI",
         ["Commissione Europea", "Ministero del Lavoro e delle Politiche Sociali"], "2017-04-01", "2018-09-30",
         "2017-04-01", "2018-09-30"),
        # "avviato il 15 maggio 2017 e si è concluso il 31 maggio 2018"
        ("project:discorsi", "D.I.S.Co.R.S.I.", "organisation:cop", "FAMI", [], "2017-05-15", "2018-05-31",
         "2017-05-15", "2018-05-31"),
        # "avviato nel mese di maggio 2022 ... durata è prevista in nove mesi": no stated end
        ("project:somicis", "SO.MI.C.I.S.", "organisation:prefettura-fermo", "FAMI", [], "2022-05", None,
         "2022-05-01", "2023-02-28"),
    ]
    assert {r["project"]: r["scheme"] for r in got} == {
        "project:khouribga": None,
        "project:impra": "Bando FEI, Azione 8 – Annualità 2012 – Scambio di esperienze e buone pratiche",
        "project:ipocad-azione-4": "Obiettivo Nazionale 2 – Integrazione",
        "project:discorsi": "lett.m) Scambio di buone Pratiche – Annualità 2016-2018",
        "project:somicis": "Circolare Prefetture 2021 - IX Sportello",
    }


def test_participants_of_impra(store):
    # "Capofila: COP", four partners, RESACOOP as Ente Aderente Estero, eight "Enti aderenti formalmente",
    # presented to the Ministero dell'Interno, and COSIM's collaboration with RESACOOP for result 1.
    got = cols(store, "project-participants", ("org", "role", "as_written"), project="project:impra")
    assert sorted(got, key=lambda r: (r[1], r[0])) == [
        ("organisation:afim", "role:adherent", "Associazione marocchina AFIM"),
        ("organisation:anolf-piemonte", "role:adherent", "ANOLF"),
        ("organisation:associazione-senegalesi-torino", "role:adherent", "Associazione Senegalesi di Torino"),
        ("organisation:cooperativa-orso", "role:adherent", "Cooperativa ORSO"),
        ("organisation:iscos-piemonte", "role:adherent", "ISCOS Piemonte"),
        ("organisation:nahual", "role:adherent", "Associazione marocchina Nahual"),
        ("organisation:prodomo8", "role:adherent", "PRODOMO8"),
        ("organisation:rete", "role:adherent", "Ong RETE"),
        ("organisation:cosim", "role:collaborator", "COSIM"),
        ("organisation:resacoop", "role:foreign-adherent", "RESACOOP"),
        ("organisation:cop", "role:lead", "COP"),
        ("organisation:ministero-interno", "role:managing-authority", "Ministero dell’Interno"),
        ("organisation:cicsene", "role:partner", "CICSENE"),
        ("organisation:cisv", "role:partner", "CISV"),
        ("organisation:provincia-torino", "role:partner", "Provincia di Torino"),
        ("organisation:ufficio-pastorale-migranti-torino", "role:partner", "Arcidiocesi di Torino – Ufficio Pastorale migranti"),
    ]


def test_participants_of_discorsi_by_role_and_group(store):
    got = cols(store, "project-participants", ("role", "group", "org", "via"), project="project:discorsi")
    summary: dict = {}
    for role, group, org, via in got:
        summary.setdefault((role, group), []).append(org.split(":")[1] + (f"<{via.split(':')[1]}" if via else ""))
    assert {k: sorted(v) for k, v in summary.items()} == {
        ("role:lead", None): ["cop"],
        ("role:partner", None): ["ccm", "cicsene", "enaip-piemonte"],
        # "In Francia : RESACOOP ... e i suoi associati CIEDEL, COSIM, Forum Réfugiés-COSI"
        ("role:foreign-adherent", "In Francia"): ["ciedel<resacoop", "cosim<resacoop", "forum-refugies-cosi<resacoop",
                                                  "resacoop"],
        ("role:foreign-adherent", "In Spagna"): ["lafede-cat", "sos-racisme-catalunya"],
        ("role:adherent", "Enti Locali"): ["citta-metropolitana-torino", "cocopa", "comune-alessandria", "comune-asti",
                                           "comune-bra", "comune-novara", "comune-torino", "regione-piemonte"],
        ("role:adherent", "Soci COP"): ["anolf-piemonte", "engim-piemonte", "iscos-piemonte", "lvia", "mais",
                                        "renken", "rete"],
        ("role:adherent", "Altre associazioni"): ["aepac", "asai", "filippini-piemonte", "forum-italo-marocchino",
                                                  "le-flambeau", "non-solo-aiuto"],
        ("role:adherent", "Altri enti"): ["acli-piemonte", "asl-to1", "asl-to2", "asl-to4",
                                          "centro-piemontese-studi-africani", "forum-terzo-settore-piemonte",
                                          "la-strada", "universita-torino"],
    }


def test_participants_of_khouribga_somicis_ipocad(store):
    def by_role(project):
        out: dict = {}
        for org, role in cols(store, "project-participants", ("org", "role"), project=project):
            out.setdefault(role.split(":")[1], []).append(org.split(":")[1])
        return {k: sorted(v) for k, v in out.items()}

    assert by_role("project:khouribga") == {
        "funder": ["regione-piemonte"], "promoter": ["cop"], "lead": ["cicsene"],
        "partner": ["aibi", "iscos-piemonte", "progettomondo-mlal", "rete"],
        "local-counterpart": ["anapec", "camera-commercio-khouribga", "commune-khouribga", "entraide-nationale"],
        "collaborator": ["oim"],
    }
    assert by_role("project:somicis") == {
        "lead": ["prefettura-fermo"],
        "partner": ["ats-xxx-fermo", "camera-commercio-marche", "ente-nazionale-microcredito", "universita-macerata"],
        "managing-authority": ["dlci"],
        "collaborator": ["consiglio-territoriale-immigrazione-fermo"],
    }
    assert by_role("project:ipocad-azione-4") == {
        "lead": ["regione-lazio-direzione-lavoro"],
        "partner": ["acli-frosinone", "asap", "cesv", "focsiv", "innovaction-europe", "parsec", "programma-integra"],
        "co-funder": ["commissione-europea", "ministero-lavoro"],
        "collaborator": ["regione-lazio-direzione-salute"],
    }


@pytest.mark.parametrize("name", ["Iscos", "ISCOS Piemonte", "associazione iscos-cisl piemonte"])
def test_organisation_found_by_any_alias(store, name):
    # The same NGO is "Iscos" (Khouribga), "ISCOS Piemonte" (IMPRA), "Associazione ISCOS-CISL Piemonte" (DISCORSI)
    assert cols(store, "organisation-projects", ("org", "project", "role", "as_written"), name=name) == [
        ("organisation:iscos-piemonte", "project:khouribga", "role:partner", "Iscos"),
        ("organisation:iscos-piemonte", "project:impra", "role:adherent", "ISCOS Piemonte"),
        ("organisation:iscos-piemonte", "project:discorsi", "role:adherent", "Associazione ISCOS-CISL Piemonte"),
    ]


def test_organisation_alias_cicsene(store):
    assert cols(store, "organisation-projects", ("project", "role", "as_written"), name="Cicsene") == [
        ("project:khouribga", "role:lead", "Cicsene"),
        ("project:impra", "role:partner", "CICSENE"),
        ("project:discorsi", "role:partner", "CICSENE – Cooperazione e Sviluppo Locale"),
    ]


def test_similar_names_are_not_merged(store):
    assert cols(store, "organisation-projects", ("org", "project"), name="Acli Piemonte") == [
        ("organisation:acli-piemonte", "project:discorsi")]
    assert cols(store, "organisation-projects", ("org", "project"), name="Acli provinciali Frosinone") == [
        ("organisation:acli-frosinone", "project:ipocad-azione-4")]
    assert cols(store, "organisation-projects", ("org", "project", "role"), name="Provincia di Torino") == [
        ("organisation:provincia-torino", "project:impra", "role:partner")]
    assert cols(store, "organisation-projects", ("org", "project"), name="Città metropolitana di Torino") == [
        ("organisation:citta-metropolitana-torino", "project:discorsi")]
    assert rows(store, "organisation-projects", name="Nobody at all") == []


def test_organisations_in_more_than_one_project(store):
    got = rows(store, "shared-organisations")
    shared: dict = {}
    for r in got:
        shared.setdefault((r["org"], r["projects"]), []).append((r["project"].split(":")[1], r["role"].split(":")[1]))
    assert shared == {
        ("organisation:cicsene", 3): [("khouribga", "lead"), ("impra", "partner"), ("discorsi", "partner")],
        ("organisation:cop", 3): [("khouribga", "promoter"), ("impra", "lead"), ("discorsi", "lead")],
        ("organisation:iscos-piemonte", 3): [("khouribga", "partner"), ("impra", "adherent"), ("discorsi", "adherent")],
        ("organisation:rete", 3): [("khouribga", "partner"), ("impra", "adherent"), ("discorsi", "adherent")],
        ("organisation:anolf-piemonte", 2): [("impra", "adherent"), ("discorsi", "adherent")],
        ("organisation:cosim", 2): [("impra", "collaborator"), ("discorsi", "foreign-adherent")],
        ("organisation:regione-piemonte", 2): [("khouribga", "funder"), ("discorsi", "adherent")],
        ("organisation:resacoop", 2): [("impra", "foreign-adherent"), ("discorsi", "foreign-adherent")],
    }


def test_projects_under_a_fund_and_its_subschemes(store):
    assert cols(store, "projects-by-fund", ("project", "scheme"), fund="fund:fami") == [
        ("project:ipocad-azione-4", "fund:fami-os2-on2"),
        ("project:discorsi", "fund:fami-os2-on3-lett-m"),
        ("project:somicis", "fund:fami-os2-on3-circolare-prefetture-2021"),
    ]
    assert cols(store, "projects-by-fund", ("project",), fund="fund:fami-os2-on3") == [
        ("project:discorsi",), ("project:somicis",)]
    assert cols(store, "projects-by-fund", ("project",), fund="fund:fei") == [("project:impra",)]
    assert cols(store, "projects-by-fund", ("project",), fund="fund:fami-os2-on3-circolare-prefetture-2021") == [
        ("project:somicis",)]


def test_projects_in_a_place_including_subregions(store):
    # Rhône-Alpes was FR71 in NUTS 2013 (IMPRA, 2013-2014); DISCORSI names Auvergne-Rhône-Alpes (FRK)
    assert cols(store, "projects-in-place", ("project", "where"), place="country:FRA") == [
        ("project:impra", "nuts:FR71"), ("project:discorsi", "nuts:FRK")]
    assert cols(store, "projects-in-place", ("project", "where"), place="country:ESP") == [
        ("project:discorsi", "nuts:ES51")]
    assert sorted({p for (p,) in cols(store, "projects-in-place", ("project",), place="country:ITA")}) == [
        "project:discorsi", "project:impra", "project:ipocad-azione-4", "project:khouribga", "project:somicis"]
    assert cols(store, "projects-in-place", ("project", "where"), place="nuts:ITI") == [
        ("project:ipocad-azione-4", "nuts:ITI4"), ("project:somicis", "nuts:ITI35")]
    assert cols(store, "projects-in-place", ("project", "where"), place="nuts:ITC11") == [
        ("project:impra", "nuts:ITC11"), ("project:discorsi", "nuts:ITC11")]
    assert cols(store, "projects-in-place", ("project", "where"), place="country:MAR") == [
        ("project:khouribga", "country:MAR"), ("project:khouribga", "place:khouribga")]


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2010-04-29", ["project:khouribga"]),
        ("2013-09-29", []),
        ("2013-09-30", ["project:impra"]),
        ("2014-06-30", ["project:impra"]),
        ("2014-07-01", []),
        ("2017-04-30", ["project:ipocad-azione-4"]),
        ("2017-06-01", ["project:ipocad-azione-4", "project:discorsi"]),
        ("2018-06-15", ["project:ipocad-azione-4"]),
        ("2022-12-01", ["project:somicis"]),
    ],
)
def test_projects_active_on_a_date(store, day, expected):
    assert [p for (p,) in cols(store, "projects-active-on", ("project",), date=day)] == expected


def test_countries_of_origin_targeted(store):
    # IMPRA: Senegalese and Moroccan associations; DISCORSI OS4: "Marocco, Albania, Senegal, Perù";
    # Khouribga: young people of Khouribga and their migration choices.
    assert cols(store, "target-countries", ("country", "project")) == [
        ("country:ALB", "project:discorsi"),
        ("country:MAR", "project:khouribga"),
        ("country:MAR", "project:impra"),
        ("country:MAR", "project:discorsi"),
        ("country:PER", "project:discorsi"),
        ("country:SEN", "project:impra"),
        ("country:SEN", "project:discorsi"),
    ]


def test_members_of_networks(store):
    # IMPRA: "le Ong socie del COP: CICSENE e CISV"; DISCORSI: "Soci COP: ..." (seven associations)
    assert cols(store, "network-members", ("member", "role", "source"), network="organisation:cop") == [
        ("organisation:anolf-piemonte", "role:member", "source:discorsi"),
        ("organisation:engim-piemonte", "role:member", "source:discorsi"),
        ("organisation:lvia", "role:member", "source:discorsi"),
        ("organisation:mais", "role:member", "source:discorsi"),
        ("organisation:renken", "role:member", "source:discorsi"),
        ("organisation:rete", "role:member", "source:discorsi"),
        ("organisation:cicsene", "role:member", "source:impra"),
        ("organisation:cisv", "role:member", "source:impra"),
        ("organisation:iscos-piemonte", "role:member", "source:discorsi"),
    ]
    # DISCORSI: RESACOOP "e i suoi associati" CIEDEL, COSIM, Forum Réfugiés-COSI; later "Reg. RhôneAlpes, Comune di Lione"
    assert sorted(m for (m,) in cols(store, "network-members", ("member",), network="organisation:resacoop")) == [
        "organisation:ciedel", "organisation:comune-lione", "organisation:cosim", "organisation:forum-refugies-cosi",
        "organisation:regione-rhone-alpes"]


def test_evidence_of_each_participation(store):
    assert cols(store, "organisation-evidence", ("project", "role", "graph", "source", "quote"), name="COP") == [
        ("project:khouribga", "role:promoter", "graph:source/khouribga", "source:khouribga",
         "promosso dal COP (Consorzio delle Ong del Piemonte)"),
        ("project:impra", "role:lead", "graph:source/impra", "source:impra", "Capofila: COP"),
        ("project:discorsi", "role:lead", "graph:source/discorsi", "source:discorsi",
         "Capofila: COP – Consorzio Ong Piemontesi"),
    ]


def test_every_evidence_quote_occurs_in_its_source(store):
    from pathlib import Path

    from graphkit.records import normalise_space

    res = store.select("""SELECT ?e ?file ?quote WHERE {
        ?e a mcn:Evidence ; mcn:quote ?quote ; prov:wasDerivedFrom ?s . ?s mcn:fileName ?file }""")
    assert {f.value for _, f, _ in res.rows} == {p.name for p in Path(DATA, "sources").glob("*.txt")}
    texts = {p.name: normalise_space(p.read_text(encoding="utf-8")) for p in Path(DATA, "sources").glob("*.txt")}
    # a quote of several spans (decision 0019): its spans, in order, each after the one before
    spans: dict = {}
    for e, i, text in store.select("""SELECT ?e ?i ?text WHERE {
            ?e mcn:hasQuoteSpan ?s . ?s mcn:spanIndex ?i ; mcn:spanText ?text } ORDER BY ?e ?i""").rows:
        spans.setdefault(e, []).append(text.value)
    assert len(spans) == 55 and sorted({len(v) for v in spans.values()}) == [2, 3]

    def occurs(quote: str, parts: list[str], text: str) -> bool:
        if not parts:
            return quote in text
        at = 0
        for part in parts:
            at = text.find(part, at)
            if at < 0:
                return False
            at += len(part)
        return quote == " … ".join(parts)

    missing = [(f.value, q.value) for e, f, q in res.rows if not occurs(q.value, spans.get(e, []), texts[f.value])]
    assert missing == []


def test_violation_checks_return_no_rows(store):
    checks = [q for q in list_queries() if q.name.endswith("-violation")]
    assert len(checks) == 5
    assert {q.name: plain_rows(run_query(store, q)) for q in checks} == {q.name: [] for q in checks}
