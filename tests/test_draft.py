"""The page drafter (graphkit draft): language, names and roles, funds, places, dates, several
projects, nested bodies, determinism, bad pages, and the evaluation on the development and seed
pages with today's figures."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from conftest import ROOT
from graphkit.cli import main
from graphkit.draft import draft_page, registry, render
from graphkit.draft.dates import dates_block, find_durations, read_dates
from graphkit.draft.extract import find_budgets
from graphkit.draft.read import detect_language
from graphkit.resolve.placenames import find_place

DATA = ROOT / "data"
PAGES = DATA / "pages-dev"


def test_language_of_short_texts():
    assert detect_language("Il progetto è finanziato dalla Regione con il contributo dei partner.") == "it"
    assert detect_language("Le projet est mis en œuvre par une association avec le soutien de la commune.") == "fr"
    assert detect_language("El proyecto está gestionado por la asociación y financiado por el Gobierno.") == "es"
    assert detect_language("The project is implemented by the association and funded by the ministry.") == "en"
    assert detect_language("12345 ---") is None


def test_every_development_page_gets_its_language():
    for page in sorted(PAGES.glob("*.txt")):
        assert detect_language(page.read_text(encoding="utf-8")) == page.name[:2], page.name


SENTENCE = ("Il progetto, finanziato dal FEI, vede come capofila il Consorzio ONG Piemontesi (COP) "
            "in partenariato con CICSENE.")


def test_an_italian_sentence(tmp_path):
    page = tmp_path / "cop.txt"
    page.write_text(SENTENCE + "\n", encoding="utf-8")
    draft = draft_page(page, data_dir=DATA)
    assert draft["source"]["language"] == "it"
    (project,) = draft["projects"]
    got = [(p["org"], p["role"], p["as_written"], p["quote"]) for p in project["participants"]]
    assert got == [("cop", "lead", "Consorzio ONG Piemontesi (COP)", SENTENCE),
                   ("cicsene", "partner", "CICSENE", SENTENCE)]
    assert project["participants"][0]["match"] == {"id": "cop", "name": "Consorzio Ong Piemontesi", "score": 1.0,
                                                   "method": "exact"}
    assert project["funding"] == [{"scheme": "fei", "quote": SENTENCE,
                                   "match": {"as_written": "FEI", "name": "Fondo Europeo per l’Integrazione di cittadini "
                                                                         "di Paesi terzi 2007-2013"},
                                   "found_by": "fund name of the registry", "confidence": 0.9}]


def test_field_lists_and_new_organisations(tmp_path):
    page = tmp_path / "list.txt"
    page.write_text("Donatori: Fondazione Sole Nascente (FSN)\nPartner:\n  • Associazione Amici del Mare\n  • CISV\n",
                    encoding="utf-8")
    draft = draft_page(page, language="it", data_dir=DATA)
    (project,) = draft["projects"]
    got = [(p["org"], p["role"], p["as_written"], p["quote"]) for p in project["participants"]]
    # an item under a heading on its own line is quoted as two spans: the heading and the item
    assert got == [("new:fondazione-sole-nascente", "funder", "Fondazione Sole Nascente (FSN)",
                    "Donatori: Fondazione Sole Nascente (FSN)"),
                   ("new:associazione-amici-del-mare", "partner", "Associazione Amici del Mare",
                    ["Partner:", "Associazione Amici del Mare"]),
                   ("cisv", "partner", "CISV", ["Partner:", "CISV"])]
    assert draft["new_organisations"] == [
        {"id": "new:fondazione-sole-nascente", "name": "Fondazione Sole Nascente", "acronym": "FSN", "type": None,
         "country": None},
        {"id": "new:associazione-amici-del-mare", "name": "Associazione Amici del Mare", "type": "association",
         "country": None}]


def test_dates_and_budgets():
    dates = read_dates("Quando: 01.05.2025 – 30.04.2028. Firmato il 3 marzo 2010.", "it")
    assert [(d["kind"], d.get("start") or d.get("value"), d.get("end"), d["precision"]) for d in dates] == [
        ("period", "2025-05-01", "2028-04-30", "day"), ("signature", "2010-03-03", None, "day")]
    assert [(d["start"], d["end"]) for d in read_dates("abarca tres años (2008-2011)", "es")] == [("2008", "2011")]
    money = find_budgets("con 350.500 euros; 14 M€ (10 milliards de Fcfa); € 180,000; 152mila euro; "
                         "€1.562.989,80", "es")
    assert [(b["amount"], b["currency"]) for b in money] == [
        ("350500", "EUR"), ("14000000", "EUR"), ("10000000000", "XOF"), ("180000", "EUR"), ("152000", "EUR"),
        ("1562989.8", "EUR")]


def test_the_same_page_gives_the_same_bytes(tmp_path):
    page = PAGES / "it-conoscere-integrazione.txt"
    runner = CliRunner()
    outs = []
    for name in ("a.yaml", "b.yaml"):
        r = runner.invoke(main, ["draft", str(page), "--data", str(DATA), "--out", str(tmp_path / name)])
        assert r.exit_code == 0, r.output
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    assert render(draft_page(page, data_dir=DATA)).encode() == outs[0]
    assert yaml.safe_load(outs[0])["projects"][0]["participants"]


def test_bad_pages_name_the_file_and_write_nothing(tmp_path):
    runner = CliRunner()
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\x00\x01\x02")
    nobody = tmp_path / "nobody.txt"
    nobody.write_text("Il progetto è bello e dura tre anni.\n", encoding="utf-8")
    for page, says in ((empty, "the page is empty"), (binary, "not a text page"),
                       (nobody, "no organisation found")):
        out = tmp_path / f"{page.stem}.yaml"
        r = runner.invoke(main, ["draft", str(page), "--data", str(DATA), "--out", str(out)])
        assert r.exit_code == 1
        assert f"draft failed: {page}: {says}" in r.output
        assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "image.txt", "nobody.txt"]


def test_evaluate_prints_todays_figures():
    r = CliRunner().invoke(main, ["draft", "evaluate", "--data", str(DATA)])
    assert r.exit_code == 0, r.output
    dev, seeds = r.output.split("\n\n")
    def rows(section):
        return [line.split() for line in section.splitlines() if line and line[0].isalpha()
                and not line.startswith(("page", "precision", "development", "seed"))]
    assert rows(dev) == [
        ['en-ccme-jmdi', '4', '4', '1.00', '1.00', '4/4', '1/0', '-', '2/2', '2/3', '1.00', '3/3', '1/1', '2/2', '0'],
        ['en-eudif', '2', '2', '1.00', '1.00', '1/2', '0/0', '-', '-', '-', '-', '2/2', '-', '-', '0'],
        ['en-jmdi-profiles', '2', '2', '1.00', '1.00', '2/2', '0/0', '1/2', '2/2', '3/5', '1.00', '-', '-', '-', '0'],
        ['es-canarias-diourbel', '5', '4', '0.80', '1.00', '4/4', '0/0', '-', '2/2', '7/7', '1.00', '2/2', '-', '-', '0'],
        ['es-mpdl-codesarrollo', '5', '5', '1.00', '1.00', '4/5', '0/0', '-', '1/1', '4/4', '0.75', '-', '-', '-', '0'],
        ['fr-ambafrance-maroc', '4', '4', '1.00', '1.00', '4/4', '0/0', '3/3', '-', '4/7', '1.00', '-', '-', '-', '0'],
        ['fr-forim-mission', '8', '3', '0.38', '1.00', '2/3', '0/0', '-', '2/3', '6/8', '1.00', '-', '1/1', '1/2', '0'],
        ['fr-paisd-diaspora', '8', '8', '1.00', '1.00', '8/8', '0/0', '-', '2/2', '4/4', '1.00', '5/5', '-', '-', '0'],
        ['it-aics-dakar', '4', '3', '0.75', '1.00', '3/3', '0/0', '2/2', '2/2', '8/8', '0.67', '2/2', '-', '-', '0'],
        ['it-apei', '4', '6', '1.00', '0.67', '4/4', '1/0', '1/1', '-', '6/6', '0.86', '-', '-', '-', '0'],
        ['it-cagliari-fei', '3', '3', '1.00', '1.00', '3/3', '0/0', '4/4', '-', '4/6', '1.00', '4/4', '-', '-', '0'],
        ['it-conoscere-integrazione', '11', '10', '1.00', '1.00', '10/10', '1/0', '2/2', '1/1', '5/5', '1.00', '1/1', '-', '-', '0'],
        ['it-depomi-oriental', '4', '4', '1.00', '1.00', '4/4', '1/0', '1/1', '1/1', '3/4', '1.00', '-', '1/1', '1/1', '0'],
        ['it-lgnetea', '26', '25', '0.96', '1.00', '25/25', '2/0', '1/1', '-', '18/18', '1.00', '-', '-', '-', '0'],
        ['it-passerelles', '3', '3', '1.00', '1.00', '3/3', '0/0', '-', '2/2', '5/5', '0.83', '-', '-', '-', '0'],
        ['it-rimesse-ecuador', '5', '5', '1.00', '1.00', '5/5', '0/0', '-', '2/2', '5/5', '1.00', '1/1', '-', '-', '0'],
        ['overall', '98', '91', '0.92', '0.98', '86/89', '6/0', '15/16', '19/20', '84/95', '0.92', '20/20', '3/3', '4/5', '0'],
    ]
    assert rows(seeds) == [
        ['discorsi', '46', '39', '0.85', '1.00', '39/39', '38/0', '1/1', '3/4', '2/4', '0.10', '-', '-', '-', '0'],
        ['impra', '18', '16', '0.94', '1.00', '14/16', '15/0', '1/1', '5/5', '3/3', '0.60', '-', '-', '-', '0'],
        ['ipocad-azione-4', '12', '11', '1.00', '1.00', '10/11', '10/0', '1/1', '2/2', '1/1', '0.50', '-', '-', '-', '0'],
        ['khouribga', '11', '12', '0.91', '0.83', '9/10', '8/0', '-', '0/1', '3/3', '0.50', '-', '-', '-', '0'],
        ['somicis', '9', '7', '0.89', '1.00', '5/7', '6/0', '1/1', '2/2', '1/1', '0.33', '-', '-', '-', '0'],
        ['overall', '96', '85', '0.90', '0.98', '77/83', '77/0', '4/4', '12/14', '10/12', '0.28', '-', '-', '-', '0'],
    ]


def test_durations_in_four_languages():
    got = [(d["months"], d["as_written"], d["planned"]) for text, lang in (
        ("Il progetto ha una durata di 36 mesi. Durata: tre anni.", "it"),
        ("Le projet, d’une durée de 12 mois, est prévu.", "fr"),
        ("La ejecución del proyecto abarca tres años (2008-2011).", "es"),
        ("The project will last three years.", "en"),
        ("È stata avviata un’iniziativa triennale del Comune di Rimini.", "it"),
    ) for d in find_durations(text, lang)]
    assert got == [(36, "36 mesi", False), (36, "tre anni", False), (12, "12 mois", True), (36, "tres años", False),
                   (36, "three years", True), (36, "iniziativa triennale", False)]


def test_date_kinds_by_their_cue_words_into_the_dates_block():
    text = ("Il progetto è stato approvato il 9 agosto 2013 e avviato il 30 settembre 2013. "
            "Periodo di esecuzione 2013-2014. Ha una durata di nove mesi.")
    block, rest = dates_block(read_dates(text, "it"), find_durations(text, "it"))
    first = "Il progetto è stato approvato il 9 agosto 2013 e avviato il 30 settembre 2013."
    assert {k: {x: y for x, y in v.items() if x != "found_by"} for k, v in block.items()} == {
        "approved": {"value": "2013-08-09", "quote": first},
        "started": {"value": "2013-09-30", "quote": first},
        "period": {"start": "2013", "end": "2014", "quote": "Periodo di esecuzione 2013-2014."},
        "duration": {"months": 9, "quote": "Ha una durata di nove mesi."}}
    assert block["approved"]["found_by"] == "date as written '9 agosto 2013', precision day, cue 'approvato'"
    assert rest == []
    # a period given in days becomes started and ended (the records' period is in years)
    block, _ = dates_block(read_dates("Quando: 01.05.2025 – 30.04.2028", "it"), [])
    assert (block["started"]["value"], block["ended"]["value"]) == ("2025-05-01", "2028-04-30")


def test_find_place_countries_italian_places_and_the_gazetteer():
    assert [c.ref for c in find_place("Marocco")] == ["country:MAR"]
    assert [c.ref for c in find_place("Sénégal")] == ["country:SEN"]
    assert [(c.kind, c.ref) for c in find_place("L’Aquila")] == [("province", "nuts:ITF11"),
                                                               ("municipality", "comune:066049")]
    assert [(c.kind, c.ref) for c in find_place("Celano")] == [("municipality", "comune:066032")]
    (diourbel,) = find_place("Diourbel", country="SN")
    assert (diourbel.kind, diourbel.ref, diourbel.geonames, diourbel.lat, diourbel.long) == (
        "city", None, 2252309, 14.64792, -16.24363)
    assert find_place("Mbacké", country="SEN")[0].geonames == 2248698     # by its alternate name
    assert find_place("Diourbel") == []            # a small city abroad is searched only in its country
    registry_places = [{"id": "lyon", "name": "Lyon", "aliases": ["Lione"], "within": "nuts:FRK26"}]
    assert [c.ref for c in find_place("Lione", registry_places=registry_places)] == ["place:lyon"]


def test_a_place_abroad_from_the_gazetteer_and_a_new_place(tmp_path):
    page = tmp_path / "abroad.txt"
    page.write_text("Le projet est mis en œuvre par l’Association Sénégalaise de Paris dans la région de Diourbel, "
                    "au Sénégal, et dans les villages de Darou Bogo et Touba Bogo.\n", encoding="utf-8")
    draft = draft_page(page, language="fr", data_dir=DATA)
    (project,) = draft["projects"]
    assert [(p["place"], p["match"]["as_written"], p["match"]["country"]) for p in project["places"]] == [
        ("place:diourbel", "Diourbel", "SEN"), ("place:darou-bogo", "Darou Bogo", "SEN"),
        ("place:touba-bogo", "Touba Bogo", "SEN"), ("country:SEN", "Sénégal", "SEN")]
    assert [{k: v for k, v in p.items() if k != "found_by"} for p in draft["new_places"]] == [
        {"id": "diourbel", "name": "Diourbel", "kind": "city", "country": "country:SEN", "within": "country:SEN",
         "geonames": 2252309, "lat": 14.64792, "long": -16.24363},
        {"id": "darou-bogo", "name": "Darou Bogo", "kind": "city", "country": "country:SEN", "within": "country:SEN"},
        {"id": "touba-bogo", "name": "Touba Bogo", "kind": "city", "country": "country:SEN", "within": "country:SEN"}]
    assert draft["new_places"][1]["found_by"] == ("place cue 'villages de', not in the gazetteer; country from the "
                                                  "sentence")


def test_italian_places_and_countries_of_origin(tmp_path):
    page = tmp_path / "it.txt"
    page.write_text("Il progetto vede la Provincia dell’Aquila capofila con i Comuni di Celano e Carsoli, "
                    "rivolto alle associazioni di migranti senegalesi e marocchine.\n", encoding="utf-8")
    (project,) = draft_page(page, language="it", data_dir=DATA)["projects"]
    assert [p["place"] for p in project["places"]] == ["nuts:ITF11", "comune:066032", "comune:066025"]
    assert [c["country"] for c in project["target_countries"]] == ["country:SEN", "country:MAR"]
    assert [(p["as_written"], p["role"], p["org"]) for p in project["participants"]] == [
        ("Provincia dell’Aquila", "lead", "new:provincia-dell-aquila"),
        ("Celano", "partner", "new:comune-di-celano"), ("Carsoli", "partner", "new:comune-di-carsoli")]


def test_funds_named_by_a_description_are_inferred(tmp_path):
    page = tmp_path / "fund.txt"
    text = ("Il progetto, finanziato con fondi comunitari per l’Integrazione dei Cittadini di Paesi terzi, è "
            "sviluppato nell’ambito dell’Azione 7 e vede capofila la Provincia di Rieti.")
    page.write_text(text + "\n", encoding="utf-8")
    (fund,) = draft_page(page, language="it", data_dir=DATA)["projects"][0]["funding"]
    assert fund == {"scheme": "fei", "quote": text,
                    "match": {"as_written": "fondi comunitari per l’Integrazione dei Cittadini di Paesi terzi",
                              "name": "Fondo Europeo per l’Integrazione di cittadini di Paesi terzi 2007-2013",
                              "part": "Azione 7", "part_quote": text},
                    "found_by": "fund description (inferred: the page does not name it); its part 'Azione 7' is "
                                "not in the funds registry", "confidence": 0.5}
    page.write_text("The Action is funded by the EU Emergency Trust Fund for Africa and implemented by ENABEL.\n",
                    encoding="utf-8")
    (fund,) = draft_page(page, language="en", data_dir=DATA)["projects"][0]["funding"]
    assert (fund["scheme"], fund["found_by"]) == ("new:eutf", "fund description; not in the funds registry")


def test_two_projects_on_one_page_each_with_its_participants_and_money(tmp_path):
    page = tmp_path / "two.txt"
    page.write_text("Sono stati finanziati il progetto presentato dall’Associazione Alfa di Torino, denominato "
                    "“Primo passo” con 10.000 euro e il progetto presentato dal Comune di Bra, denominato “Secondo "
                    "passo” per l’importo di 20.000 euro.\n", encoding="utf-8")
    draft = draft_page(page, language="it", data_dir=DATA)
    got = [(p["id"], p["title"], [(x["org"], x["role"]) for x in p["participants"]],
            [(b["amount"], b.get("what")) for b in p["budgets"]]) for p in draft["projects"]]
    # "presentato da": the promoter, and the lead of a project that names no capofila
    assert got == [("two-1", "Primo passo", [("new:associazione-alfa-di-torino", "lead")], [("10000", None)]),
                   ("two-2", "Secondo passo", [("new:comune-di-bra", "lead")], [("20000", "total")])]
    assert draft["projects"][0]["participants"][0]["found_by"].endswith(
        "; the one promoter of a project that names no lead")


def test_promoters_stay_promoters_beside_a_lead_or_in_a_programme():
    from graphkit.draft import _promoter_leads

    def parts(*roles):
        return [{"org": f"o{i}", "role": r, "found_by": "cue"} for i, r in enumerate(roles)]

    cases = [({"participants": parts("promoter", "lead")}, ["promoter", "lead"]),
             ({"participants": parts("promoter", "promoter")}, ["promoter", "promoter"]),
             ({"kind": "programme", "participants": parts("promoter", "partner")}, ["promoter", "partner"]),
             ({"participants": parts("funder", "promoter", "partner")}, ["funder", "lead", "partner"])]
    for project, roles in cases:
        _promoter_leads(project)
        assert [p["role"] for p in project["participants"]] == roles


def test_a_sentence_about_other_projects_gives_them_a_project_of_their_own(tmp_path):
    page = tmp_path / "other.txt"
    page.write_text("Le projet est mis en œuvre par l’Agence Nationale de Promotion. Les précédents projets "
                    "(2006-2013) avaient permis de mobiliser 6 M€ auprès de la diaspora en France.\n",
                    encoding="utf-8")
    draft = draft_page(page, language="fr", data_dir=DATA)
    first, other = draft["projects"]
    assert (other["id"], other["dates"]["period"]["start"], other["budgets"][0]["amount"]) == ("other-other", "2006",
                                                                                              "6000000")
    assert (first["dates"], first["budgets"]) == ({}, [])


def test_a_nested_body_is_part_of_its_parent_whose_role_is_other(tmp_path):
    page = tmp_path / "nested.txt"
    page.write_text("Le projet sera mis en œuvre par la cellule du Programme d'appui aux initiatives de solidarité "
                    "pour le développement (PAISD) au sein de la Direction de la Coopération technique.\n",
                    encoding="utf-8")
    draft = draft_page(page, language="fr", data_dir=DATA)
    assert [(x["as_written"], x["role"]) for x in draft["projects"][0]["participants"]] == [
        ("Programme d'appui aux initiatives de solidarité pour le développement (PAISD)", "implementer"),
        ("Direction de la Coopération", "other")]
    cell = draft["new_organisations"][0]
    assert (cell["acronym"], cell["parent"]) == ("PAISD", "new:direction-de-la-cooperation")


def test_two_organisations_joined_by_and_and_an_article_are_split(tmp_path):
    page = tmp_path / "split.txt"
    page.write_text("Il progetto vede la Provincia di Rieti capofila con l’Associazione Prometeo e la USL 1 "
                    "Avezzano-Sulmona- L’Aquila.\n", encoding="utf-8")
    (project,) = draft_page(page, language="it", data_dir=DATA)["projects"]
    assert [(x["as_written"], x["role"]) for x in project["participants"]] == [
        ("Provincia di Rieti", "lead"), ("Associazione Prometeo", "partner"),
        ("USL 1 Avezzano-Sulmona- L’Aquila", "partner")]


def test_a_generic_name_without_its_place_does_not_match_a_local_body(tmp_path):
    reg = registry(DATA)
    assert reg.match("Consiglio Territoriale per l’Immigrazione", True) == (
        "consiglio-territoriale-immigrazione-fermo", 0.75, "exact+place-unsaid")
    assert reg.match("Prefettura di Fermo", True) == ("prefettura-fermo", 1.0, "exact")
    page = tmp_path / "generic.txt"
    page.write_text("I progetti hanno ricevuto il parere favorevole del Consiglio Territoriale per l’Immigrazione.\n",
                    encoding="utf-8")
    (x,) = draft_page(page, language="it", data_dir=DATA)["projects"][0]["participants"]
    assert (x["org"], x["role"], "match" in x) == ("new:consiglio-territoriale-per-l-immigrazione", "other", False)
    assert x["candidates"] == [{"id": "consiglio-territoriale-immigrazione-fermo",
                                "name": "Consiglio Territoriale per l’Immigrazione", "score": 0.75,
                                "method": "exact+place-unsaid"}]


def test_a_funders_amount_is_its_contribution(tmp_path):
    page = tmp_path / "money.txt"
    text = "El proyecto, cofinanciado por el Gobierno de Canarias con 350.500 euros, está gestionado por CEAR."
    page.write_text(text + "\n", encoding="utf-8")
    (project,) = draft_page(page, language="es", data_dir=DATA)["projects"]
    funder = project["participants"][0]
    assert (funder["as_written"], funder["role"], funder["contribution"]) == (
        "Gobierno de Canarias", "co-funder", {"amount": "350500", "currency": "EUR", "quote": text})
    assert [{k: v for k, v in b.items() if k not in ("found_by", "confidence")} for b in project["budgets"]] == [
        {"amount": "350500", "currency": "EUR", "what": "contribution", "from": "new:gobierno-de-canarias",
         "quote": text}]


def test_review_keys_are_the_five_allowed():
    allowed = {"confidence", "found_by", "match", "candidates", "role_words"}
    draft = draft_page(PAGES / "it-conoscere-integrazione.txt", data_dir=DATA)
    for project in draft["projects"]:
        for x in project["participants"]:
            assert set(x) - {"org", "role", "as_written", "quote", "contribution"} <= allowed
        for key in ("places", "budgets", "funding", "target_countries", "target_groups"):
            for x in project[key]:
                assert "quote" in x


def _projects(draft):
    return [(p["id"], p.get("kind"), p["title"], (p.get("part_of") or {}).get("project"),
             [(x["org"], x["role"]) for x in p["participants"]], [b["amount"] for b in p["budgets"]])
            for p in draft["projects"]]


def test_a_programme_and_its_two_projects_in_italian_and_english(tmp_path):
    it = tmp_path / "prog-it.txt"
    it.write_text("Nell’ambito del programma “Ponti di sviluppo”, finanziato dalla Fondazione Alfa e attuato "
                  "dall’Associazione Beta, sono stati scelti due progetti. Il progetto presentato dall’Associazione "
                  "Gamma di Torino, denominato “Primo passo”, ha ricevuto 10.000 euro e il progetto presentato dal "
                  "Comune di Bra, denominato “Secondo passo”, ha ricevuto 20.000 euro.\n", encoding="utf-8")
    draft = draft_page(it, language="it", data_dir=DATA)
    # the programme's funder and implementer are the programme's, the promoters the projects'
    assert _projects(draft) == [
        ("prog-it-1", None, "Primo passo", "prog-it-programme", [("new:associazione-gamma-di-torino", "lead")],
         ["10000"]),
        ("prog-it-2", None, "Secondo passo", "prog-it-programme", [("new:comune-di-bra", "lead")], ["20000"]),
        ("prog-it-programme", "programme", "Ponti di sviluppo", None,
         [("new:fondazione-alfa", "funder"), ("new:associazione-beta", "implementer")], [])]
    programme = draft["projects"][2]
    assert (programme["found_by"], draft["projects"][0]["part_of"]["quote"]) == (
        "programme named after 'Nell’ambito del programma'", it.read_text(encoding="utf-8").split(" Il progetto")[0])

    en = tmp_path / "prog-en.txt"
    en.write_text("Under the programme “Bridges for Development”, funded by the Alpha Foundation and implemented by "
                  "the Beta Association, two projects were chosen. The project promoted by the Gamma Association, "
                  "called “First Step”, received 10,000 euros and the project promoted by the Delta Association, "
                  "called “Second Step”, received 20,000 euros.\n", encoding="utf-8")
    assert _projects(draft_page(en, language="en", data_dir=DATA)) == [
        ("prog-en-1", None, "First Step", "prog-en-programme", [("new:gamma-association", "lead")], ["10000"]),
        ("prog-en-2", None, "Second Step", "prog-en-programme", [("new:delta-association", "lead")], ["20000"]),
        ("prog-en-programme", "programme", "Bridges for Development", None,
         [("new:alpha-foundation", "funder"), ("new:beta-association", "implementer")], [])]


def test_a_programme_run_by_a_body_or_the_subject_of_a_sentence():
    forim = draft_page(PAGES / "fr-forim-mission.txt", data_dir=DATA)
    assert [(p["id"], p.get("kind"), p["title"], [(x["org"], x["role"]) for x in p["participants"]][:1])
            for p in forim["projects"]] == [
        ("fr-forim-mission", None, None, [("new:agence-francaise-de-developpement", "funder")]),
        ("fr-forim-mission-programme", "programme", "Programme d'Appui aux Projets de développement local des "
         "associations des migrant.e.s dans leurs pays d'origine", [("new:forim", "implementer")])]
    # the programme's name is no organisation any more
    assert "Programme d'Appui aux Projets" not in [u.get("as_written") for u in forim["unplaced"]]
    ccme = draft_page(PAGES / "en-ccme-jmdi.txt", data_dir=DATA)
    assert _projects(ccme) == [
        ("en-ccme-jmdi", None, None, "en-ccme-jmdi-programme", [], ["230041"]),
        ("en-ccme-jmdi-other", None, None, "en-ccme-jmdi-programme", [], ["229907.22"]),
        ("en-ccme-jmdi-programme", "programme", None, None,
         [("new:european-union", "funder"), ("new:swiss-agency-for-development-and-cooperation", "funder"),
          ("new:united-nations-program-for-development", "implementer"), ("oim", "collaborator")], ["9500000"])]


def test_no_programme_without_one_a_fund_is_no_programme(tmp_path):
    page = tmp_path / "fami.txt"
    page.write_text("Il progetto, finanziato dal Ministero dell’Interno nell’ambito del programma FAMI, è promosso "
                    "dall’Associazione Alfa.\n", encoding="utf-8")
    assert _projects(draft_page(page, language="it", data_dir=DATA)) == [
        ("fami", None, None, None, [("ministero-interno", "funder"), ("new:associazione-alfa", "lead")], [])]
    # the pages that speak of no programme: no programme, no part_of, as before
    for name in ("it-passerelles", "it-apei", "fr-paisd-diaspora", "en-jmdi-profiles", "es-mpdl-codesarrollo"):
        draft = draft_page(PAGES / f"{name}.txt", data_dir=DATA)
        assert [(p.get("kind"), p.get("part_of")) for p in draft["projects"]] == [(None, None)] * len(draft["projects"])
