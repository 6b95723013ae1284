"""Entity resolution across the seeds and the external datasets (graphkit.resolve).

The hand-checked sample (graphkit/resources/resolution-sample.csv, shipped with the package) holds 182 cells of the two datasets,
228 organisation names: every cell naming a seed organisation or a near miss of one (ISCOS, ANOLF,
RETE, ACLI, ENGIM, Comune/Regione/Provincia/Università of another place), groups of spellings of
the same organisation within and across the datasets, multi-organisation cells, names with commas,
placeholders, and a random sample of 60 cells (random.seed(7) over all distinct cells). The
expected answer of each was checked against the CSV rows (notes in the file).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graphkit import paths
from graphkit.imports import DATASETS, default_path, evaluate_sample, place_words, resolve_datasets, DEMONYMS
from graphkit.resolve import (
    Analyser, Mention, Resolver, ReviewRow, Vocabulary, abbreviates, compare, is_placeholder, split_cell,
)

SAMPLE = paths.RESOLUTION_SAMPLE
# The thresholds the resolution must meet on the sample (docs/external-sources.md gives the numbers).
AUTOMATIC = {"pairwise_precision": 0.98, "pairwise_recall": 0.93, "seed_precision": 0.98, "seed_recall": 0.90}
REVIEWED = {"pairwise_precision": 0.98, "pairwise_recall": 0.98, "seed_precision": 1.0, "seed_recall": 1.0}


@pytest.fixture(scope="module")
def automatic(tmp_path_factory):
    none = tmp_path_factory.mktemp("review") / "none.csv"
    return resolve_datasets({d: default_path(d) for d in DATASETS}, review=none).resolution


@pytest.fixture(scope="module")
def reviewed():
    return resolve_datasets({d: default_path(d) for d in DATASETS}).resolution


@pytest.fixture(scope="module")
def analyser() -> Analyser:
    places, sigla = place_words(paths.REFERENCE_DIR)
    vocabulary = Vocabulary()
    vocabulary.add(["COMITATO DI COLLABORAZIONE MEDICA", "Comitato Collaborazione Medica", "cooperazione sviluppo",
                    "cooperazione", "sviluppo"])
    return Analyser(vocabulary, places, sigla, DEMONYMS)


def _check(ev, thresholds, label):
    p, s = ev.pairwise, ev.seed_links
    print(f"\n{label}:\n  " + "\n  ".join(ev.lines()))
    assert ev.split_correct == ev.cells and ev.placeholders_correct == ev.placeholders
    assert p.precision >= thresholds["pairwise_precision"] and p.recall >= thresholds["pairwise_recall"]
    assert s.precision >= thresholds["seed_precision"] and s.recall >= thresholds["seed_recall"]


def test_precision_and_recall_of_the_automatic_resolution(automatic):
    ev = evaluate_sample(SAMPLE, automatic)
    assert (ev.cells, ev.mentions) == (182, 228)
    _check(ev, AUTOMATIC, "automatic (no review decisions)")
    assert ev.pairwise.false_positives == 0 and ev.seed_links.false_positives == 0     # never a wrong merge


def test_precision_and_recall_with_the_review_decisions(reviewed):
    ev = evaluate_sample(SAMPLE, reviewed)
    _check(ev, REVIEWED, "with data/resolution/review.csv")
    # the one miss left needs knowledge no name gives: Oxfam GB's registered name
    assert [e for e in ev.errors if e.startswith("missed")] == [
        "missed  'Oxford Committee for Famine Relief' / 'Oxfam GB'"]


# ------------------------------------------------------------------------------ the stated cases


def test_consorzio_ong_piemontesi_is_the_seeds_cop(reviewed):
    assert reviewed.resolve("Consorzio ONG Piemontesi (COP)").org == "cop"


def test_one_cell_three_organisations():
    assert split_cell("ONG CISV, LVIA, COP", mode="single") == ["ONG CISV", "LVIA", "COP"]


def test_the_seed_organisations_found_in_the_datasets(reviewed):
    expected = {
        "ONG CISV": "cisv", "LVIA": "lvia", "L.v.i.a.": "lvia", "Ong MAIS": "mais",
        "MAIS-MOVIMENTO PER L'AUTOSVILUPPO L 'INTERSCAMBIO E LA SOLIDARIETA": "mais",
        "CCM - COMITATO DI COLLABORAZIONE ME DICA": "ccm", "COMUNITA' IMPEGNO SERVIZIO VOLONTA RIO": "cisv",
        "Comunita Impegno servizio Volontario": "cisv", "Regione Piemonte": "regione-piemonte",
        "Comune di Torino": "comune-torino", "PROVINCIA DI TORINO": "provincia-torino",
        "Ministry of Interior": "ministero-interno", "Italian Ministry of Interior": "ministero-interno",
        "ORGANIZZAZIONE INTERNAZIONALE PER LE MIGRAZIONI": "oim", "International Organization for Migration": "oim",
        "A.I.B.I.": "aibi", "PROGETTOMONDO MLAL": "progettomondo-mlal", "Progettomondo.mlal": "progettomondo-mlal",
        "EUROPEAN COMMISSION": "commissione-europea", "UNIVERSITA' TORINO": "universita-torino",
    }
    assert {n: reviewed.resolve(n).org for n in expected} == expected


def test_organisations_sharing_a_generic_word_are_never_merged(reviewed):
    seeds = {e for e, x in reviewed.entities.items() if x.seed}
    for name in ("REGIONE LOMBARDIA", "Regione del Veneto", "Regione Emilia-Romagna", "PROVINCIA DI PERUGIA",
                 "Provincia di Bolzano", "Comune di Verona", "COMUNE DI RAVENNA",
                 "Città Metropolitana di Milano (ex Provincia di Milano)", "Università di Genova",
                 "Politecnico di Torino (IT), Area Internazionalizzazione", "MINISTERO AMBIENTE - DG SVIL.SOST.",
                 "Anolf Lombardia", "ISCOS MARCHE", "ISCOS", "Engim", "IPSIA ACLI", "Associazione Rete Guinea Bissau Onlus",
                 "Camera di Commercio, Industria, Artigianato ed Agricoltura di Rovigo"):
        assert reviewed.resolve(name).org not in seeds, name
    assert reviewed.resolve("Comune di Verona").org != reviewed.resolve("Comune di Treviso").org
    assert reviewed.resolve("Regione del Veneto").org != reviewed.resolve("REGIONE LOMBARDIA").org


def test_the_same_organisation_across_the_datasets(reviewed):
    # the EUTF and the CRS name these NGOs and agencies; each is one organisation
    for group in (["CESVI", "CESVI - FONDAZIONE", "Cesvi"],
                  ["Fondazione AVSI", "FONDAZIONE AVSI", "AVSI", "Avsi", "AVSI ONLUS"],
                  ["COOPI Cooperazione Internazionale", "COOPI"],
                  ["CEFA", "CEFA onlus", "CEFA Comitato Europeo per la Formazione e l'Agricoltura onlus (BO)"],
                  ["Grupo Volontario Civile", "GRUPPO DI VOLONTARIATO CIVILE GVC", "G.V.C."],
                  ["United Nations High Commissioner for Refugees", "UNHCR", "UNITED NATIONS HIGH COMMISSIONER FOR REFUGEES"],
                  ["Comitato internazionale per lo sviluppo dei popoli", "CISP",
                   "COMITATO INTERNAZIONALE PER LO SVI LUPPO DEI POPOLI - CISP"]):
        assert len({reviewed.resolve(n).org for n in group}) == 1, group
    assert reviewed.resolve("CESVI").org.startswith("eutf-")     # named after the first dataset that names it


def test_every_organisation_slug_is_stable_and_never_a_seed_slug_for_another(reviewed, automatic):
    for res in (reviewed, automatic):
        for slug, e in res.entities.items():
            if not e.seed:
                assert slug.startswith(("eutf-", "crs-")), slug
    # the same data and decisions give the same slugs
    again = resolve_datasets({d: default_path(d) for d in DATASETS}).resolution
    assert {k: m.org for k, m in again.matches.items()} == {k: m.org for k, m in reviewed.matches.items()}


# ------------------------------------------------------------------------------ the pieces


def test_normalisation_repairs_wrapped_words_and_drops_legal_forms(analyser):
    n = analyser.analyse("CCM - COMITATO DI COLLABORAZIONE ME DICA")
    assert (n.key, n.acronyms, n.long_key, n.repaired) == ("ccm comitato collaborazione medica", frozenset({"ccm"}),
                                                           "comitato collaborazione medica", True)
    assert analyser.analyse("ONG CISV").key == "cisv"
    assert analyser.analyse("Ai.Bi. Amici dei Bambini").key == "aibi amici bambini"
    assert analyser.analyse("ARCS - ARCI CULTURA E SVILUPPO ARCS - ARCI CULTURA E SVILUPPO").key == "arcs arci cultura sviluppo"


def test_places_keep_branches_apart(analyser):
    a, b, c = (analyser.analyse(x) for x in ("ISCOS MARCHE", "ISCOS Piemonte", "ISCOS"))
    assert compare(a, b).confidence == 0.0
    assert compare(c, b).confidence == 0.75        # the bare name: a candidate for review, never taken


def test_generic_heads_compare_the_distinguishing_part(analyser):
    def conf(x, y):
        return compare(analyser.analyse(x), analyser.analyse(y)).confidence

    assert conf("Comune di Forlì", "COMUNE DI FORLI'") == 1.0
    assert conf("Comune di Torino", "Comune di Novara") == 0.0
    assert conf("Regione Piemonte", "Regione del Veneto") == 0.0
    assert conf("ASL TO1", "ASL TO2") == 0.0
    assert conf("Politecnico di Torino", "Università di Torino") == 0.0
    assert conf("Università degli Studi di Torino Settore Rapporti Internazionali", "Università di Torino") == 0.8


def test_abbreviations():
    assert abbreviates("cospe", ["cooperazione", "sviluppo", "paesi", "emergenti"])
    assert abbreviates("coopi", ["cooperazione", "internazionale"])
    assert abbreviates("cisv", ["comunita", "impegno", "servizio", "volontario"])
    assert not abbreviates("oim", ["organizzazione", "nazioni", "unite", "al", "imentazione", "agricoltura"])
    assert not abbreviates("cei", ["fund", "at", "the", "ebrd"])


def test_cells_are_split_where_the_dataset_joins_names():
    lexicon = ["DAI Global, LLC (DAI)", "International Migration Institute, University of Oxford"]
    assert split_cell("World Vision, CARE ", lexicon=lexicon) == ["World Vision", "CARE"]
    assert split_cell("DAI Global, LLC (DAI), GIZ", lexicon=lexicon) == ["DAI Global, LLC (DAI)", "GIZ"]
    assert split_cell("International Migration Institute, University of Oxford, Sahan Research",
                      lexicon=lexicon) == ["International Migration Institute, University of Oxford", "Sahan Research"]
    assert split_cell("Camera di Commercio, Industria, Artigianato ed Agricoltura di Rovigo", mode="single") == [
        "Camera di Commercio, Industria, Artigianato ed Agricoltura di Rovigo"]
    assert split_cell("Comune di Asti, Bra", mode="single") == ["Comune di Asti", "Comune di Bra"]
    assert split_cell("IFRCRCS/Haitian Red Cross National Society", mode="single") == [
        "IFRCRCS", "Haitian Red Cross National Society"]
    assert split_cell("Politecnico di Torino (IT) / Dipartimento di Ingegneria", mode="single") == [
        "Politecnico di Torino (IT) / Dipartimento di Ingegneria"]
    assert split_cell("OXFAM ITALIA, ONG, ONLUS OXFAM ITALIA. ONG. ONLUS", mode="single") == [
        "OXFAM ITALIA, ONG, ONLUS OXFAM ITALIA. ONG. ONLUS"]
    assert is_placeholder("Other") and is_placeholder("ASSOCIAZIONE") and not is_placeholder("ASIA")


def test_review_decisions_apply_in_both_directions(analyser):
    seeds = [{"id": "iscos-piemonte", "name": "ISCOS Piemonte", "aliases": ["Iscos"], "country": "country:ITA"},
             {"id": "cop", "name": "Consorzio Ong Piemontesi", "acronym": "COP", "country": "country:ITA"}]
    mentions = [Mention("crs", "ISCOS"), Mention("crs", "COP"), Mention("crs", "CITTA DI TORINO COOP. INT E PACE")]
    res = Resolver(seeds, analyser).resolve(mentions)
    assert res.resolve("COP").org == "cop"
    assert res.resolve("ISCOS").org == "crs-iscos"
    assert [(r.key, r.candidate, r.decision) for r in res.review] == [("iscos", "iscos-piemonte", "")]

    def decide(decision, key="iscos", cand="iscos-piemonte"):
        row = ReviewRow("crs", "ISCOS", key, cand, "ISCOS Piemonte", 0.75, "exact+place-missing", decision=decision)
        return Resolver(seeds, analyser, {row.ident: row}).resolve(mentions)

    assert decide("accept").resolve("ISCOS").org == "iscos-piemonte"
    assert decide("reject").resolve("ISCOS").org == "crs-iscos"
    unit = decide("unit").resolve("ISCOS")
    assert (unit.org, unit.unit_of) == ("crs-iscos", "iscos-piemonte")
    # a rejection keeps apart what the algorithm alone would merge
    assert decide("reject", key="cop", cand="cop").resolve("COP").org == "crs-cop"


def test_the_shipped_review_file_is_well_formed():
    rows = list(csv.DictReader((Path(__file__).resolve().parent.parent / "data" / "resolution" / "review.csv")
                               .open(encoding="utf-8")))
    assert rows and all(r["decision"] in ("", "accept", "reject", "unit") for r in rows)
    assert all(r["note"] for r in rows if r["decision"])     # every decision says why
