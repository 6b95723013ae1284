"""Reading a page for the drafter: HTML saved from a browser reduced to its main text, pages
that are no text pages refused naming the file, and the language told or the reason it is not."""

from __future__ import annotations

import pytest

from graphkit.draft.read import DraftError, detect_language, language_problem, read_page

HTML = """<!doctype html><html><head><title>Progetto X – COP</title>
<script>var a = "<b>Partner: Evil</b>";</script><style>p { color: red }</style></head>
<body><nav><ul><li>Home</li><li>Chi siamo</li><li>Contatti</li></ul></nav>
<main><article><h1>Progetto FAMI “Conoscere l’integrazione”</h1>
<p>Il progetto, finanziato dal Fondo Asilo Migrazione e Integrazione, vede la Provincia dell’Aquila
capofila con il Comune di Celano e l’Associazione Prometeo.</p>
<p><strong>Capofila:</strong> COP – Consorzio Ong Piemontesi</p>
<p><strong>Partner:</strong></p><ul><li>CCM – Comitato Collaborazione Medica</li><li>ANOLF</li></ul>
<table><tr><td>Budget</td><td>€ 152.000</td></tr></table>
</article></main><footer>© 2020 COP – via Borgosesia 30, Torino. Cookie policy.</footer></body></html>
"""

MAIN_TEXT = """Progetto FAMI “Conoscere l’integrazione”
Il progetto, finanziato dal Fondo Asilo Migrazione e Integrazione, vede la Provincia dell’Aquila capofila con il Comune di Celano e l’Associazione Prometeo.
Capofila: COP – Consorzio Ong Piemontesi
Partner:
- CCM – Comitato Collaborazione Medica
- ANOLF
| Budget | € 152.000 |
"""


def test_html_saved_from_a_browser_gives_its_main_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    assert read_page(page) == MAIN_TEXT      # no menu, footer, script or style; one line per block


def test_html_in_a_declared_legacy_encoding(tmp_path):
    page = tmp_path / "latin.html"
    page.write_bytes(HTML.replace("<head>", '<head><meta charset="windows-1252">')
                     .replace("“", '"').replace("”", '"').replace("’", "'").replace("–", "-")
                     .encode("cp1252"))
    text = read_page(page)
    assert "Il progetto, finanziato dal Fondo Asilo Migrazione e Integrazione, vede la Provincia dell'Aquila" in text
    assert "| Budget | € 152.000 |" in text


@pytest.mark.parametrize(("content", "says"), [
    (b"", "the page is empty (0 bytes); nothing drafted"),
    (b" \n\t\n", "the page is empty (4 bytes); nothing drafted"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not a text page: it is a PDF document; save the page as text or HTML"),
    (b"PK\x03\x04\x14\x00\x06\x00", "not a text page: it is a ZIP archive (a .docx, .odt or .xlsx file is one)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text page: it is a PNG image"),
    (b"some text\x00with a NUL", "not a text page (binary content: NUL bytes)"),
    ("Il progetto è finanziato dalla Regione e dalla Città.".encode("cp1252"),
     "not a UTF-8 text page: byte 0xe8 at offset 12"),
    (b"<html><body><script>x()</script></body></html>", "the page has no visible text; nothing drafted"),
])
def test_pages_that_are_no_text_pages(tmp_path, content, says):
    page = tmp_path / "page.txt"
    page.write_bytes(content)
    with pytest.raises(DraftError) as err:
        read_page(page)
    assert str(err.value).startswith(f"{page}: {says}")


def test_a_missing_page(tmp_path):
    with pytest.raises(DraftError, match=r"nowhere.txt: cannot read the page: No such file or directory"):
        read_page(tmp_path / "nowhere.txt")


@pytest.mark.parametrize(("text", "says"), [
    ("Das Projekt wird von der Stadt Berlin und dem Verein für Migration durchgeführt, mit Unterstützung "
     "der Stiftung.", "the page is in German (de); graphkit drafts pages in Italian, French, Spanish or English"),
    ("O projeto é financiado pela Fundação e não pelos municípios; são parceiros a Câmara de Lisboa e a "
     "associação.", "the page is in Portuguese (pt)"),
    ("El projecte és finançat per la Generalitat amb els ajuntaments i les associacions dels migrants.",
     "the page is in Catalan (ca)"),
    ("المشروع ممول من الاتحاد الأوروبي وتنفذه جمعية المهاجرين", "the page is not written in the Latin alphabet"),
    ("COP, CICSENE, ANOLF 2017-2018", "cannot tell the language of the page (0 common words of it/fr/es/en found); "
     "give --language it|fr|es|en"),
])
def test_a_page_in_another_language_says_which(text, says):
    assert detect_language(text) is None
    assert language_problem(text).startswith(says)


def test_a_page_naming_only_unknown_organisations_says_so(tmp_path):
    from click.testing import CliRunner

    from conftest import ROOT
    from graphkit.cli import main

    page = tmp_path / "unknown.txt"
    page.write_text("Il progetto è realizzato dall’Associazione Zefiro Blu (capofila) in partenariato con la "
                    "Cooperativa Sociale Lampione Verde.\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["draft", str(page), "--data", str(ROOT / "data"), "--out", str(tmp_path / "d.yaml")])
    assert r.exit_code == 0, r.output
    assert f"written {tmp_path / 'd.yaml'}" in r.output
    assert ("note: none of the 2 organisations of unknown.txt is in the registry "
            f"({ROOT / 'data' / 'organisations.yaml'}): each is proposed as a new organisation") in r.output


def test_drafting_a_page_in_german_names_the_file_and_the_language(tmp_path):
    from click.testing import CliRunner

    from conftest import ROOT
    from graphkit.cli import main

    page = tmp_path / "de.txt"
    page.write_text("Das Projekt wird von der Stadt Berlin und dem Verein für Migration durchgeführt, mit "
                    "Unterstützung der Stiftung.\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["draft", str(page), "--data", str(ROOT / "data"), "--out", str(tmp_path / "d.yaml")])
    assert r.exit_code == 1
    assert f"draft failed: {page}: the page is in German (de); graphkit drafts pages in Italian" in r.output
    assert not (tmp_path / "d.yaml").exists()
