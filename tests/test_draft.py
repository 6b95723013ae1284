"""The page drafter (graphkit draft): language, names and roles, funds, determinism, bad pages, and
the evaluation on the development pages with today's figures."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from conftest import ROOT
from graphkit.cli import main
from graphkit.draft import draft_page, render
from graphkit.draft.extract import find_budgets, find_dates
from graphkit.draft.read import detect_language

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
    assert project["funding"] == [{"fund": "fei", "as_written": "FEI", "quote": SENTENCE}]


def test_field_lists_and_new_organisations(tmp_path):
    page = tmp_path / "list.txt"
    page.write_text("Donatori: Fondazione Sole Nascente (FSN)\nPartner: Associazione Amici del Mare, CISV\n",
                    encoding="utf-8")
    (project,) = draft_page(page, language="it", data_dir=DATA)["projects"]
    got = [(p["org"], p["role"], p["as_written"]) for p in project["participants"]]
    assert got == [("new:fondazione-sole-nascente", "funder", "Fondazione Sole Nascente (FSN)"),
                   ("new:associazione-amici-del-mare", "partner", "Associazione Amici del Mare"),
                   ("cisv", "partner", "CISV")]
    assert project["participants"][0]["new_organisation"] == {"name": "Fondazione Sole Nascente", "acronym": "FSN"}


def test_dates_and_budgets():
    dates = find_dates("Quando: 01.05.2025 – 30.04.2028. Firmato il 3 marzo 2010.", "it")
    assert [(d["kind"], d.get("start") or d.get("value"), d.get("end"), d["precision"]) for d in dates] == [
        ("period", "2025-05-01", "2028-04-30", "day"), ("date", "2010-03-03", None, "day")]
    assert [(d["start"], d["end"]) for d in find_dates("abarca tres años (2008-2011)", "es")] == [("2008", "2011")]
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
    rows = {line.split()[0]: line.split()[1:] for line in r.output.splitlines() if line and line[0].isalpha()}
    assert rows["es-canarias-diourbel"] == ["5", "4", "0.80", "1.00", "3/4", "-", "1/2", "n/a", "2/2"]
    assert rows["fr-paisd-diaspora"] == ["9", "8", "1.00", "1.00", "3/8", "-", "1/3", "n/a", "5/5"]
    assert rows["it-conoscere-integrazione"] == ["9", "10", "1.00", "1.00", "9/10", "0/2", "0/1", "n/a", "1/1"]
    assert rows["it-passerelles"] == ["5", "3", "0.80", "1.00", "3/3", "-", "1/2", "n/a", "-"]
    assert rows["overall"] == ["28", "25", "0.93", "1.00", "18/25", "0/2", "3/8", "n/a", "8/8"]
