"""The studies behind the notebooks, checked by hand against the five source pages
(data/sources/*.txt) and their records (data/projects/*.yaml)."""

from __future__ import annotations

import math

import pytest

from graphkit import studies
from graphkit.metrics import brokerage
from graphkit.queries import list_queries

# The three Piedmont projects, as the pages list their participants (every role):
# Khouribga (about 2010) 12: Regione Piemonte (funder), COP (promoter), CICSENE (lead), Aibi, Iscos,
#   Rete, ProgettoMondoMlal (partners), municipalità di Khouribga, ANAPEC, Entraide Nationale,
#   Camera di Commercio locale (local counterparts), OIM (collaborator).
# IMPRA (2013-2014) 16: COP (lead), Provincia di Torino, Ufficio Pastorale Migranti, CICSENE, CISV
#   (partners), RESACOOP (foreign adherent), 8 "enti aderenti formalmente", Ministero dell'Interno
#   (managing authority), COSIM (collaborator).
# D.I.S.Co.R.S.I. (2017-2018) 39: COP (lead), CCM, CICSENE, ENAIP (partners), 6 foreign adherents,
#   29 adherents (8 Enti Locali, 7 Soci COP, 6 Altre associazioni, 8 Altri enti).
PIEDMONT = ["Khouribga", "IMPRA", "D.I.S.Co.R.S.I."]


@pytest.fixture(scope="module")
def matrix(store):
    return studies.participation_matrix(store, place="Piemonte")


@pytest.fixture(scope="module")
def as_of(store):
    return studies.networks_by_year(store, range(2010, 2019), place="Piemonte")


# ---------------------------------------------------------------------------------------- the tour

def test_short_label_is_the_acronym_or_the_title_before_its_colon():
    assert studies.short_label(None, "Khouribga: dal lavoro informale al lavoro formale") == "Khouribga"
    assert studies.short_label("IMPRA", "IMPRA – Imprenditoria Migrante") == "IMPRA"


def test_graph_contents_lists_every_named_graph_and_accounts_for_every_triple(store):
    df = studies.graph_contents(store)
    assert list(df["graph"]) == ["graph:ontology", "graph:reference", "graph:registry", "graph:source/discorsi",
                                 "graph:source/impra", "graph:source/ipocad", "graph:source/khouribga",
                                 "graph:source/somicis"]
    assert df["triples"].sum() == len(store)
    assert all(df["holds"])


def test_named_queries_table_matches_the_query_files():
    df = studies.named_queries()
    assert list(df["name"]) == [q.name for q in list_queries()]
    assert df.set_index("name").at["project-participants", "params"] == "project (iri)"


def test_participants_by_role_counts_each_page_list(store):
    df = studies.participants_by_role(store)
    assert list(df.index) == ["Khouribga", "IMPRA", "IPOCAD", "D.I.S.Co.R.S.I.", "SO.MI.C.I.S."]
    counts = {p: {r: int(n) for r, n in row.items() if n and r != "total"} for p, row in df.iterrows()}
    assert counts["Khouribga"] == {"lead partner": 1, "promoter": 1, "partner": 4, "funder": 1,
                                   "local counterpart": 4, "collaborator": 1}
    assert counts["IMPRA"] == {"lead partner": 1, "partner": 4, "foreign adherent": 1, "adherent": 8,
                               "managing authority": 1, "collaborator": 1}
    # IPOCAD lists seven partners (its text says "sei partner"); co-funded by the Commission and a ministry
    assert counts["IPOCAD"] == {"lead partner": 1, "partner": 7, "co-funder": 2, "collaborator": 1}
    assert counts["D.I.S.Co.R.S.I."] == {"lead partner": 1, "partner": 3, "foreign adherent": 6, "adherent": 29}
    assert counts["SO.MI.C.I.S."] == {"lead partner": 1, "partner": 4, "managing authority": 1, "collaborator": 1}
    assert df["total"].to_dict() == {"Khouribga": 12, "IMPRA": 16, "IPOCAD": 11, "D.I.S.Co.R.S.I.": 39,
                                     "SO.MI.C.I.S.": 7}


def test_source_passage_finds_the_quote_with_its_neighbouring_lines(store):
    p = studies.source_passage(store, "source:impra", "Soggetto aderente estero: RESACOOP")
    assert (p.file, p.line) == ("000_8a9d0d0c096111af.txt", 25)
    assert p.lines == ("• CISV", "Soggetto aderente estero: RESACOOP", "Enti aderenti formalmente")
    assert p.numbers == (23, 25, 27)              # blank lines are skipped
    assert p.spans == ((1, 0, 34),)
    assert "<mark>Soggetto aderente estero: RESACOOP</mark>" in p._repr_html_()
    assert "»Soggetto aderente estero: RESACOOP«" in str(p)


def test_source_passage_of_a_member_count_in_a_long_line(store):
    quote = "COSIM, organismo che rappresenta 53 associazioni di migranti"
    p = studies.source_passage(store, "source:impra", quote, context=0)
    assert p.numbers == (60,)
    (i, a, b), = p.spans
    assert p.lines[i][a:b] == quote


def test_source_passage_of_a_quote_of_spans_marks_each_span(store):
    p = studies.source_passage(store, "source:impra", "Enti aderenti formalmente … ANOLF", context=0)
    assert p.numbers == (27, 29, 30, 31, 32)
    assert p.marked() == ["»Enti aderenti formalmente«", "• Associazione Senegalesi di Torino",
                          "• Associazione marocchina Nahual", "• Associazione marocchina AFIM", "• »ANOLF«"]


def test_source_passage_spans_lines_and_collapses_white_space(store, tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "000_8a9d0d0c096111af.txt").write_text(
        "Titolo\n\nPartner:  COP\ne CICSENE\n\nFine\n", encoding="utf-8")
    p = studies.source_passage(store, "source:impra", "COP e  CICSENE", data_dir=tmp_path, context=0)
    assert p.numbers == (3, 4) and p.lines == ("Partner: COP", "e CICSENE")
    assert p.spans == ((0, 9, 12), (1, 0, 9))
    assert p.marked() == ["Partner: »COP«", "»e CICSENE«"]


def test_source_passage_reports_what_it_cannot_find(store):
    with pytest.raises(LookupError, match="does not occur"):
        studies.source_passage(store, "source:impra", "a sentence no page has")
    with pytest.raises(LookupError, match="no source document"):
        studies.source_passage(store, "source:nowhere", "COP")


def test_study_store_reads_the_given_build_and_builds_when_missing(built, tmp_path, monkeypatch):
    monkeypatch.setenv(studies.BUILD_ENV, str(built))
    assert studies.study_build_dir() == built
    assert len(studies.study_store()) > 0
    with pytest.raises(FileNotFoundError, match="graphkit build"):
        studies.study_store(tmp_path / "none", build_if_missing=False)
    store = studies.study_store(tmp_path / "fresh")
    assert (tmp_path / "fresh" / "dataset.nq").exists()
    assert studies.participants_by_role(store)["total"].sum() == 85


def test_output_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(studies.OUTPUT_ENV, str(tmp_path / "out"))
    assert studies.output_dir() == tmp_path / "out" and (tmp_path / "out").is_dir()


# ---------------------------------------------------------------------------------------- networks over time

def test_participation_matrix_of_the_piedmont_projects(matrix):
    assert matrix.attrs["projects"] == PIEDMONT
    assert len(matrix) == 55                      # 12 + 16 + 39 - 12 counted twice or three times
    roles = {o: tuple(matrix.loc[o, PIEDMONT]) for o in matrix.index[matrix["projects"] > 1]}
    assert roles == {
        "organisation:cop": ("promoter", "lead", "lead"),
        "organisation:cicsene": ("lead", "partner", "partner"),
        "organisation:iscos-piemonte": ("partner", "adherent", "adherent"),
        "organisation:rete": ("partner", "adherent", "adherent"),
        "organisation:regione-piemonte": ("funder", "", "adherent"),
        "organisation:anolf-piemonte": ("", "adherent", "adherent"),
        "organisation:cosim": ("", "collaborator", "foreign-adherent"),
        "organisation:resacoop": ("", "foreign-adherent", "foreign-adherent"),
    }
    assert list(matrix["projects"][:4]) == [3, 3, 3, 3]


def test_transitions_who_stayed_joined_returned_and_left(matrix):
    t = studies.transitions(matrix).set_index("to")
    k_i, i_d = t.loc["IMPRA"], t.loc["D.I.S.Co.R.S.I."]
    assert (k_i["before"], k_i["after"], k_i["stayed"], k_i["joined"], k_i["returned"], k_i["left"]) == (
        12, 16, 4, 12, 0, 8)
    assert k_i["stayed_orgs"] == ["Associazione RETE Ong", "CICSENE", "COP", "ISCOS Piemonte"]
    assert (i_d["before"], i_d["after"], i_d["stayed"], i_d["joined"], i_d["returned"], i_d["left"]) == (
        16, 39, 7, 32, 1, 9)
    assert i_d["returned_orgs"] == ["Regione Piemonte"]   # funder of Khouribga, adherent of D.I.S.Co.R.S.I.
    assert set(i_d["stayed_orgs"]) == {"Associazione ANOLF Piemonte", "Associazione RETE Ong", "CICSENE", "COP",
                                       "COSIM", "ISCOS Piemonte", "RESACOOP"}
    # the Provincia di Torino left; its successor, the Città metropolitana di Torino, joined
    assert "Provincia di Torino" in i_d["left_orgs"] and "Città metropolitana di Torino" in i_d["joined_orgs"]


def test_network_sizes_year_by_year(store):
    df = studies.network_sizes(store, range(2010, 2019), place="Piemonte")
    assert df["organisations_active"].to_dict() == {2010: 12, 2011: 0, 2012: 0, 2013: 16, 2014: 16, 2015: 0,
                                                    2016: 0, 2017: 39, 2018: 39}
    assert df["links_active"][2017] == 39 * 38 // 2                     # one project: everyone linked
    assert df["organisations_to_date"].to_dict() == {2010: 12, 2011: 12, 2012: 12, 2013: 24, 2014: 24,
                                                     2015: 24, 2016: 24, 2017: 55, 2018: 55}
    # as of 2014: two cliques of 12 and 16 sharing 4: 66 + 120 - 6 links
    assert df.loc[2014, "links_to_date"] == 180
    assert df.loc[2018, "links_to_date"] == 896
    assert df.loc[2014, "density_to_date"] == pytest.approx(180 / (24 * 23 / 2), abs=1e-4)
    assert df["active"][2013] == "IMPRA" and df["active"][2015] == ""


def test_betweenness_over_time_checked_by_hand(as_of):
    b = studies.centrality_over_time(as_of, "betweenness")
    # 2010: Khouribga alone is a clique: nobody lies between two others
    assert b[2010].fillna(0).max() == 0
    # as of 2013: Khouribga's 8 others and IMPRA's 12 others (96 pairs) meet only through the 4
    # organisations of both (COP, CICSENE, ISCOS Piemonte, RETE), each on 1/4 of the paths:
    # 24 / (23 * 22 / 2)
    for org in ("COP", "CICSENE", "ISCOS Piemonte", "Associazione RETE Ong"):
        assert b.loc[org, 2013] == pytest.approx(24 / 253)
    # as of 2018 (55 organisations, 1431 pairs of others), with path lengths 1 / shared projects:
    # Khouribga-only x IMPRA-only 7*9 pairs via the 4 (1/4 each); Khouribga-only x D.I.S.Co.R.S.I.-only
    # 7*31 via the 4 and Regione Piemonte (1/5); Khouribga-only x {ANOLF, COSIM, RESACOOP} 7*3 via the 4
    # (1/4); IMPRA-only x D.I.S.Co.R.S.I.-only 9*31 via the 7 of both (1/7); IMPRA-only x Regione
    # Piemonte 9 via the 4 (1/4); {ANOLF, COSIM, RESACOOP} x Regione Piemonte: the direct link (length
    # 1) ties with the 4 paths through one of the four (1/2 + 1/2), so 3 pairs at 1/5.
    cop = 63 / 4 + 217 / 5 + 21 / 4 + 279 / 7 + 9 / 4 + 3 / 5
    assert b.loc["COP", 2018] == pytest.approx(cop / 1431)
    assert b.loc["Regione Piemonte", 2018] == pytest.approx(217 / 5 / 1431)
    assert b.loc["RESACOOP", 2018] == pytest.approx(279 / 7 / 1431)
    assert math.isnan(b.loc["RESACOOP", 2010])         # not yet in the network
    changing = studies.centrality_over_time(as_of, "betweenness", only_changing=True)
    assert set(changing.index) == {"COP", "CICSENE", "ISCOS Piemonte", "Associazione RETE Ong", "Regione Piemonte",
                                   "Associazione ANOLF Piemonte", "COSIM", "RESACOOP"}


def test_degree_over_time(as_of):
    d = studies.centrality_over_time(as_of, "degree")
    assert d.loc["COP"].tolist() == [11, 11, 11, 23, 23, 23, 23, 54, 54]
    assert d.loc["Regione Piemonte", 2013] == 11 and d.loc["Regione Piemonte", 2017] == 45


def test_networks_of_the_year_are_empty_when_no_project_runs(store):
    g = studies.networks_by_year(store, [2011, 2017], place="Piemonte", cumulative=False)
    assert g[2011].number_of_nodes() == 0
    assert set(g[2017].graph["projects"]) == {"project:discorsi"}


def test_country_brokers_between_italy_france_spain_and_morocco(as_of):
    df = studies.country_brokers(as_of[2018], ["ITA", "FRA", "ESP", "MAR"])
    cop = df.loc["organisation:cop"]
    # COP's partners from two countries that never shared a project: the 4 Moroccan local
    # counterparts of Khouribga with the 37 Italians outside Khouribga (148), with the 4 French
    # (16) and the 2 Spanish (8) of IMPRA/D.I.S.Co.R.S.I.; Khouribga's 2 other Italian NGOs with the
    # 4 French (8) plus IMPRA's 9 Italians who left with the 2 French who joined (18) = 26;
    # the 9 with the 2 Spanish (18) and Aibi and ProgettoMondo with them (4) = 22
    assert cop[["ITA–MAR", "FRA–ITA", "FRA–MAR", "ESP–ITA", "ESP–MAR"]].tolist() == [148, 26, 16, 22, 8]
    assert (cop["brokerage"], cop["country_pairs"]) == (220, 5)
    assert "ESP–FRA" not in df.columns           # the French and Spanish met only in D.I.S.Co.R.S.I.
    assert set(df.index[:4]) == {"organisation:cicsene", "organisation:cop", "organisation:iscos-piemonte",
                                 "organisation:rete"}
    assert df.loc["organisation:regione-piemonte", "brokerage"] == 148   # 28 * 4 + 4 + 8 + 8 + 16
    assert set(df.index) == {"organisation:cop", "organisation:cicsene", "organisation:iscos-piemonte",
                             "organisation:rete", "organisation:regione-piemonte", "organisation:anolf-piemonte",
                             "organisation:cosim", "organisation:resacoop"}


def test_country_brokers_over_all_countries_agrees_with_the_brokerage_metric(as_of):
    g = as_of[2018]
    df = studies.country_brokers(g)
    expected = {n: v for n, v in brokerage(g).items() if v}
    assert df["brokerage"].to_dict() == expected


def test_core_roles_leave_cop_and_cicsene_as_the_brokers(store):
    core = studies.networks_by_year(store, [2018], place="Piemonte", roles="lead,partner,promoter,foreign-adherent")
    df = studies.country_brokers(core[2018], ["ITA", "FRA", "ESP", "MAR"])
    assert df["brokerage"].to_dict() == {"organisation:cicsene": 39, "organisation:cop": 39,
                                         "organisation:resacoop": 15}


def test_brokerage_per_year_is_zero_and_all_of_it_comes_from_joining_projects_years_apart(store):
    df = studies.brokerage_by_year(store, range(2010, 2019), ["ITA", "FRA", "ESP", "MAR"], place="Piemonte")
    assert list(df.columns[:4]) == [(2010, "of the year"), (2010, "as of"), (2011, "of the year"), (2011, "as of")]
    # one Piedmont project at a time, each a clique: nobody brokers within a year
    assert (df.xs("of the year", axis=1, level="network") == 0).all().all()
    as_of = df.xs("as of", axis=1, level="network")
    assert as_of.loc["COP"].tolist() == [0, 0, 0, 54, 54, 54, 54, 220, 220]
    assert as_of[2018].to_dict() == {"Associazione RETE Ong": 220, "CICSENE": 220, "COP": 220, "ISCOS Piemonte": 220,
                                     "Regione Piemonte": 148, "Associazione ANOLF Piemonte": 36, "COSIM": 36,
                                     "RESACOOP": 36}
    # the cumulative reading is country_brokers on networks_by_year, computed per year from SPARQL
    graphs = studies.networks_by_year(store, [2013, 2017], place="Piemonte")
    for y in (2013, 2017):
        assert as_of[y][as_of[y] > 0].to_dict() == studies.country_brokers(
            graphs[y], ["ITA", "FRA", "ESP", "MAR"]).set_index("label")["brokerage"].to_dict()
    # with IPOCAD (Lazio) and D.I.S.Co.R.S.I. both active in 2017 but no organisation in both,
    # the network of 2017 over all places has no broker either
    every = studies.brokerage_by_year(store, [2017])
    assert (every.xs("of the year", axis=1, level="network") == 0).all().all()


# ---------------------------------------------------------------------------------------- funds and geography

def test_project_funding(store):
    df = studies.project_funding(store).set_index("label")
    assert df["funding"].to_dict() == {"Khouribga": "Regione Piemonte", "IMPRA": "FEI", "IPOCAD": "FAMI",
                                       "D.I.S.Co.R.S.I.": "FAMI", "SO.MI.C.I.S.": "FAMI"}
    assert df["kind"].to_dict() == {"Khouribga": "regional", "IMPRA": "EU fund", "IPOCAD": "EU fund",
                                    "D.I.S.Co.R.S.I.": "EU fund", "SO.MI.C.I.S.": "EU fund"}
    assert df["scheme"].fillna("").to_dict() == {"Khouribga": "", "IMPRA": "FEI / Azione 8 / Annualità 2012",
                                      "IPOCAD": "FAMI / OS2 / ON2", "D.I.S.Co.R.S.I.": "FAMI / OS2 / ON3 / lett.m)",
                                      "SO.MI.C.I.S.": "FAMI / OS2 / ON3 / IX Sportello"}
    assert df.at["IPOCAD", "funders"] == "Commissione Europea, Ministero del Lavoro e delle Politiche Sociali"
    assert df.at["IMPRA", "managing_authority"] == "Ministero dell’Interno"
    assert df["lead"].to_dict() == {"Khouribga": "CICSENE", "IMPRA": "COP",
                                    "IPOCAD": "Regione Lazio – Direzione Lavoro", "D.I.S.Co.R.S.I.": "COP",
                                    "SO.MI.C.I.S.": "Prefettura di Fermo"}


def test_project_regions_lift_places_to_todays_regions(store):
    df = studies.project_regions(store)
    got = {(r.label, r.region) for r in df.itertuples()}
    assert got == {
        ("Khouribga", "nuts:ITC1"), ("Khouribga", "place:khouribga"),   # Marocco dropped: Khouribga is in it
        ("IMPRA", "nuts:ITC1"), ("IMPRA", "nuts:FRK"),
        ("IPOCAD", "nuts:ITI4"),
        ("D.I.S.Co.R.S.I.", "nuts:ITC1"), ("D.I.S.Co.R.S.I.", "nuts:FRK"), ("D.I.S.Co.R.S.I.", "nuts:ES51"),
        ("SO.MI.C.I.S.", "nuts:ITI3"),                                  # provincia di Fermo -> Marche
    }
    impra_fr = df[(df.label == "IMPRA") & (df.region == "nuts:FRK")].iloc[0]
    assert (impra_fr.region_label, impra_fr.stated, bool(impra_fr.changed)) == (
        "Auvergne-Rhône-Alpes", "Rhône-Alpes (FR71, NUTS 2013)", True)
    impra_it = df[(df.label == "IMPRA") & (df.region == "nuts:ITC1")].iloc[0]
    assert impra_it.stated == "Piemonte (ITC1); Torino (ITC11)"


def test_funds_by_region(store):
    t = studies.funds_by_region(store)
    assert list(t.columns) == ["Regione Piemonte", "FEI", "FAMI"]
    assert t.to_dict(orient="index") == {
        "Piemonte (ITA)": {"Regione Piemonte": 1, "FEI": 1, "FAMI": 1},
        "Khouribga (MAR)": {"Regione Piemonte": 1, "FEI": 0, "FAMI": 0},
        "Auvergne-Rhône-Alpes (FRA)": {"Regione Piemonte": 0, "FEI": 1, "FAMI": 1},
        "Lazio (ITA)": {"Regione Piemonte": 0, "FEI": 0, "FAMI": 1},
        "Cataluña (ESP)": {"Regione Piemonte": 0, "FEI": 0, "FAMI": 1},
        "Marche (ITA)": {"Regione Piemonte": 0, "FEI": 0, "FAMI": 1},
    }
    names = studies.funds_by_region(store, values="projects")
    assert names.at["Auvergne-Rhône-Alpes (FRA)", "FEI"] == "IMPRA"
    assert names.at["Piemonte (ITA)", "FAMI"] == "D.I.S.Co.R.S.I."


def test_public_bodies_and_their_roles(store):
    df = studies.public_bodies(store)
    roles = {(r.project_label, r.org.split(":")[1], r.role) for r in df.itertuples()}
    assert roles == {
        ("Khouribga", "regione-piemonte", "funder"),
        ("Khouribga", "commune-khouribga", "local counterpart"),
        ("Khouribga", "anapec", "local counterpart"),
        ("Khouribga", "entraide-nationale", "local counterpart"),     # the chamber of commerce is not counted
        ("IMPRA", "ministero-interno", "managing authority"),
        ("IMPRA", "provincia-torino", "partner"),
        ("IPOCAD", "regione-lazio-direzione-lavoro", "lead partner"),
        ("IPOCAD", "asap", "partner"),
        ("IPOCAD", "commissione-europea", "co-funder"),
        ("IPOCAD", "ministero-lavoro", "co-funder"),
        ("IPOCAD", "regione-lazio-direzione-salute", "collaborator"),
        # D.I.S.Co.R.S.I.'s "Enti Locali" but COCOPA (a network of municipalities), and the three ASL
        *{("D.I.S.Co.R.S.I.", o, "adherent") for o in (
            "regione-piemonte", "citta-metropolitana-torino", "comune-torino", "comune-alessandria", "comune-asti",
            "comune-bra", "comune-novara", "asl-to1", "asl-to2", "asl-to4")},
        ("SO.MI.C.I.S.", "prefettura-fermo", "lead partner"),
        ("SO.MI.C.I.S.", "dlci", "managing authority"),
        ("SO.MI.C.I.S.", "ente-nazionale-microcredito", "partner"),
        ("SO.MI.C.I.S.", "ats-xxx-fermo", "partner"),
        ("SO.MI.C.I.S.", "consiglio-territoriale-immigrazione-fermo", "collaborator"),
    }
    parts = df.drop_duplicates("org").set_index("org")["part_of"].dropna().to_dict()
    assert parts == {"organisation:regione-lazio-direzione-lavoro": "Regione Lazio",
                     "organisation:regione-lazio-direzione-salute": "Regione Lazio",
                     "organisation:prefettura-fermo": "Ministero dell’Interno",
                     "organisation:dlci": "Ministero dell’Interno",
                     "organisation:consiglio-territoriale-immigrazione-fermo": "Prefettura di Fermo"}


def test_target_countries_by_funding(store):
    t = studies.target_countries_by_funding(store)
    assert t.to_dict(orient="index") == {
        "Morocco": {"Regione Piemonte": 1, "FEI": 1, "FAMI": 1},
        "Senegal": {"Regione Piemonte": 0, "FEI": 1, "FAMI": 1},
        "Albania": {"Regione Piemonte": 0, "FEI": 0, "FAMI": 1},
        "Peru": {"Regione Piemonte": 0, "FEI": 0, "FAMI": 1},
    }
    names = studies.target_countries_by_funding(store, values="projects")
    assert names.loc["Morocco"].tolist() == ["Khouribga", "IMPRA", "D.I.S.Co.R.S.I."]
