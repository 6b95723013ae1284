"""Every participation's evidence states its role (issue 16, deliverable 5; decision 0019): the quote,
its spans joined, holds a word of the role in the language of its source."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import DATA
from graphkit.cli import main
from graphkit.records import load_records
from graphkit.records.roles import UnstatedRole, role_statement_counts, stated_role_word, unstated_roles


def offenders(recs) -> list[tuple[str, str]]:
    return [(u.file, u.org) for u in unstated_roles(recs)]


def test_every_seed_participation_quote_states_its_role():
    recs = load_records(DATA)
    assert offenders(recs) == []
    assert role_statement_counts(recs) == (85, 85)


def test_a_bare_list_item_and_a_cut_sentence_state_no_role():
    recs = load_records(DATA)
    impra = recs.projects["impra"].record.participants
    assert (impra[1].org, impra[9].org) == ("provincia-torino", "anolf-piemonte")
    impra[9].quote = "ANOLF"                                     # the list item without its heading
    impra[1].quote = "oltre che la Provincia di Torino e l’Ufficio Pastorale Migranti dell’Arcidiocesi di Torino"
    recs.projects["ipocad-azione-4"].record.participants[3].quote = "Programma integra s.c.s."
    assert offenders(recs) == [("projects/impra.yaml", "provincia-torino"), ("projects/impra.yaml", "anolf-piemonte"),
                               ("projects/ipocad-azione-4.yaml", "programma-integra")]
    assert [str(u) for u in unstated_roles(recs)][1] == (
        "projects/impra.yaml: project impra: participants[9].quote: anolf-piemonte as adherent: the quote 'ANOLF' "
        "has no word that states the role")
    assert role_statement_counts(recs) == (82, 85)


def test_the_words_that_state_a_role_in_each_language():
    assert [stated_role_word(q, role, lang) for q, role, lang in [
        (["Enti aderenti formalmente", "ANOLF"], "adherent", "it"),
        (["Soggetti aderenti esteri:", "In Spagna :", "SOS Racisme Catalunya"], "foreign-adherent", "it"),
        ("L’Amministrazione titolare del progetto", "managing-authority", "it"),
        ("vede il partenariato con le Ong socie del COP: CICSENE e CISV", "partner", "it"),
        (["Chef de file :", "Grdr"], "lead", "fr"),
        ("en partenariat avec l’association Ader", "partner", "fr"),
        (["Socio local:", "Fundación Ayuda"], "local-counterpart", "es"),
        ("cofinanciado por la Unión Europea", "co-funder", "es"),
        (["Implementing partner:", "IOM"], "implementer", "en"),
        ("funded by the European Union", "funder", "en"),
        ("Partenariat avec Ader", "lead", "fr"),                   # a partner's words do not make a lead
        ("ANOLF", "adherent", "it"),
        ("Partnership:", "partner", "en"),                           # whole words only
    ]] == ["Enti aderenti", "Soggetti aderenti esteri", "Amministrazione titolare", "partenariato", "Chef de file",
           "en partenariat avec", "Socio local", "cofinanciado por", "Implementing partner", "funded by", None, None,
           None]


def test_a_role_without_words_in_a_language_says_where_to_add_them():
    u = UnstatedRole("projects/x.yaml", "x", 0, "alfa", "accountable", "Alfa", "es")
    assert str(u) == ("projects/x.yaml: project x: participants[0].quote: alfa as accountable: the quote 'Alfa' has "
                      "no word that states the role (no words of 'accountable' are known in 'es': add them to "
                      "role-words.yaml)")


def test_validate_prints_the_participations_whose_quote_states_no_role(data_copy):
    path = data_copy / "projects" / "impra.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('quote: ["Enti aderenti formalmente", "ANOLF"]', 'quote: "ANOLF"'), encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", "--no-warnings", "--data", str(data_copy)])
    assert res.exit_code == 0, res.output
    assert [line for line in res.stdout.splitlines() if line.startswith("no-role")] == [
        "no-role    projects/impra.yaml: project impra: participants[9].quote: anolf-piemonte as adherent: the quote "
        "'ANOLF' has no word that states the role"]
