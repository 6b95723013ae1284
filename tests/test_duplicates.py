"""Duplicates caught at the door (decision 0017): possible duplicate organisations of the registry
are flagged by the build and ``graphkit validate``; ``same_as`` merges a duplicate into its
organisation, ``different_from`` keeps two apart on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit import paths
from graphkit.builder import build, load_summary
from graphkit.builder.duplicates import Candidate, DuplicatesFound, possible_duplicates
from graphkit.cli import main
from graphkit.records import RecordsInvalid, load_records
from graphkit.records.schema import Problem
from graphkit.resolve import REVIEW
from graphkit.synth import synthesize

DATA = paths.default_data_dir()
ORG = "<https://w3id.org/graphkit/id/organisation/"

COP_2 = """
- id: cop-2
  name: Consorzio delle ONG Piemontesi
  type: ngo-network
  country: country:ITA
"""
CICSENE_2 = """
- id: cicsene-2
  name: CICSENE Cooperazione e Sviluppo Locale
  type: ngo
  country: country:ITA
"""


def add_organisations(data: Path, text: str, *, after_id: str | None = None) -> None:
    """Append YAML entries to the registry of the data folder ``data``."""
    path = data / "organisations.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text.lstrip("\n"), encoding="utf-8")


def pairs(found: list[Candidate]) -> list[tuple[str, str, str]]:
    return [(c.file, c.org, c.other) for c in found]


def test_the_curated_registry_gives_no_flags():
    recs = load_records(DATA)
    assert len(recs.organisations) == 83
    assert possible_duplicates(recs) == []


def test_the_two_real_failures_are_flagged(data_copy):
    add_organisations(data_copy, COP_2 + CICSENE_2)
    found = possible_duplicates(load_records(data_copy))
    assert pairs(found) == [("organisations.yaml", "cop-2", "cop"), ("organisations.yaml", "cicsene-2", "cicsene")]
    assert all(c.confidence >= REVIEW for c in found)
    assert [(c.name, c.other_name) for c in found] == [
        ("Consorzio delle ONG Piemontesi", "Consorzio Ong Piemontesi"),
        ("CICSENE Cooperazione e Sviluppo Locale", "CICSENE – Cooperazione e Sviluppo Locale"),
    ]
    assert str(found[0]) == ('organisations.yaml: organisation cop-2: "Consorzio delle ONG Piemontesi" ~ cop '
                             '"Consorzio Ong Piemontesi" (1.00 exact)')


def test_near_spellings_are_flagged_too(data_copy):
    add_organisations(data_copy, """
- id: cop-3
  name: Consorzio delle ONG Piemontese
  type: ngo-network
  country: country:ITA
- id: cicsene-3
  name: Cicsene Cooperazione Sviluppo Locale onlus
  type: ngo
  country: country:ITA
""")
    found = possible_duplicates(load_records(data_copy))
    assert pairs(found) == [("organisations.yaml", "cop-3", "cop"), ("organisations.yaml", "cicsene-3", "cicsene")]
    assert all(c.confidence >= REVIEW for c in found)


def test_look_alike_families_stay_apart(data_copy):
    add_organisations(data_copy, """
- id: comune-cuneo
  name: Comune di Cuneo
  type: municipality
  country: country:ITA
- id: regione-marche
  name: Regione Marche
  type: region
  country: country:ITA
- id: provincia-cuneo
  name: Provincia di Cuneo
  type: province
  country: country:ITA
- id: citta-metropolitana-genova
  name: Città metropolitana di Genova
  type: metropolitan-city
  country: country:ITA
- id: asl-to3
  name: ASL TO3
  type: health-authority
  country: country:ITA
- id: acli-marche
  name: Acli Marche
  type: ngo
  country: country:ITA
- id: regione-lazio-direzione-cultura
  name: Regione Lazio – Direzione Cultura
  type: region
  country: country:ITA
  parent: regione-lazio
""")
    recs = load_records(data_copy)
    assert recs.organisations["asl-to3"].record.name == "ASL TO3"
    assert possible_duplicates(recs) == []


def test_a_unit_and_its_parent_are_not_flagged(data_copy):
    add_organisations(data_copy, """
- id: cop-piemonte-sud
  name: Consorzio delle ONG Piemontesi Sud
  type: ngo-network
  country: country:ITA
  parent: cop
""")
    assert possible_duplicates(load_records(data_copy)) == []


def test_different_from_silences_a_flag(data_copy):
    add_organisations(data_copy, """
- id: cicsene-2
  name: CICSENE Cooperazione e Sviluppo Locale
  type: ngo
  country: country:ITA
  different_from:
    - org: cicsene
      note: a namesake in another town (a test)
- id: cop-2
  name: Consorzio delle ONG Piemontesi
  type: ngo-network
  country: country:ITA
  different_from: [cop]
""")
    recs = load_records(data_copy)
    assert recs.organisations["cicsene-2"].record.different_from[0].note == "a namesake in another town (a test)"
    assert possible_duplicates(recs) == []


def test_same_as_merges_names_and_participations(data_copy, tmp_path):
    add_organisations(data_copy, COP_2.replace("  type:", "  same_as: cop\n  aliases: [COP Piemonte]\n  type:", 1))
    impra = data_copy / "projects" / "impra.yaml"
    text = impra.read_text(encoding="utf-8")
    assert "  - org: cop\n" in text
    impra.write_text(text.replace("  - org: cop\n", "  - org: cop-2\n", 1), encoding="utf-8")
    recs = load_records(data_copy)
    assert possible_duplicates(recs) == []          # stated the same: no flag
    out = tmp_path / "out"
    build(data_copy, out, docs=False)
    nq = (out / paths.DATASET_NQUADS).read_text(encoding="utf-8")
    assert f"{ORG}cop-2>" not in nq
    alt = "<http://www.w3.org/2004/02/skos/core#altLabel>"
    assert f'{ORG}cop> {alt} "Consorzio delle ONG Piemontesi" ' in nq
    assert f'{ORG}cop> {alt} "COP Piemonte" ' in nq
    assert f'{ORG}cop> <https://w3id.org/graphkit/mcn#nameKey> "consorzio delle ong piemontesi" ' in nq
    assert (f"{ORG}cop> <https://w3id.org/graphkit/mcn#participatesIn> "
            "<https://w3id.org/graphkit/id/project/impra> ") in nq
    assert "<https://w3id.org/graphkit/id/participation/impra--cop--" in nq
    assert load_summary(out).organisations == 83    # one organisation, not two
    assert (out / paths.DUPLICATES_REPORT).read_text(encoding="utf-8").endswith("\nnone\n")


def test_same_as_is_respected_by_the_streaming_build(data_copy, tmp_path):
    add_organisations(data_copy, COP_2.replace("  type:", "  same_as: cop\n  type:", 1))
    impra = data_copy / "projects" / "impra.yaml"
    impra.write_text(impra.read_text(encoding="utf-8").replace("  - org: cop\n", "  - org: cop-2\n", 1),
                     encoding="utf-8")
    bulk = tmp_path / "bulk"
    synthesize(3, 0, out_dir=bulk)
    out = tmp_path / "out"
    build(data_copy, out, docs=False, add_data=[bulk], store="none")
    nq = (out / paths.DATASET_NQUADS).read_text(encoding="utf-8")
    assert f"{ORG}cop-2>" not in nq
    assert (f"{ORG}cop> <https://w3id.org/graphkit/mcn#participatesIn> "
            "<https://w3id.org/graphkit/id/project/impra> ") in nq
    assert f'{ORG}cop> <http://www.w3.org/2004/02/skos/core#altLabel> "Consorzio delle ONG Piemontesi" ' in nq


def _problems(data: Path) -> list[Problem]:
    with pytest.raises(RecordsInvalid) as exc:
        load_records(data)
    return exc.value.problems


def test_bad_statements_are_problems_with_file_record_and_field(data_copy):
    add_organisations(data_copy, """
- id: dup-unknown
  name: Duplicato di nessuno
  type: ngo
  country: country:ITA
  same_as: no-such-organisation
- id: dup-self
  name: Duplicato di se stesso
  type: ngo
  country: country:ITA
  same_as: dup-self
- id: dup-a
  name: Primo duplicato circolare
  type: ngo
  country: country:ITA
  same_as: dup-b
- id: dup-b
  name: Secondo duplicato circolare
  type: ngo
  country: country:ITA
  same_as: dup-a
- id: dup-chain
  name: Duplicato a catena
  type: ngo
  country: country:ITA
  same_as: dup-unknown
- id: apart
  name: Organizzazione a parte
  type: ngo
  country: country:ITA
  same_as: cop
  different_from: [apart, no-such-one, cop]
""")
    got = {(p.file, p.record, p.field): p.message for p in _problems(data_copy)}
    f = "organisations.yaml"
    assert got == {
        (f, "organisation dup-unknown", "same_as"): "unknown organisation 'no-such-organisation'",
        (f, "organisation dup-self", "same_as"): "an organisation cannot be the same as itself",
        (f, "organisation dup-a", "same_as"): "organisation 'dup-b' is itself the same as 'dup-a' (a cycle): "
                                             "name the organisation every duplicate stands for",
        (f, "organisation dup-b", "same_as"): "organisation 'dup-a' is itself the same as 'dup-b' (a cycle): "
                                             "name the organisation every duplicate stands for",
        (f, "organisation dup-chain", "same_as"): "organisation 'dup-unknown' is itself the same as "
                                                 "'no-such-organisation' (a chain): name the organisation every "
                                                 "duplicate stands for",
        (f, "organisation apart", "different_from[0]"): "an organisation cannot be different from itself",
        (f, "organisation apart", "different_from[1]"): "unknown organisation 'no-such-one'",
        (f, "organisation apart", "different_from[2]"): "organisation 'cop' is also named in same_as: "
                                                       "the same, or different?",
    }


def test_a_duplicate_may_repeat_a_name_of_its_organisation(data_copy):
    add_organisations(data_copy, """
- id: cop-2
  name: Consorzio Ong Piemontesi
  type: ngo-network
  country: country:ITA
""")
    assert [p.field for p in _problems(data_copy)] == ["aliases"]     # one name, one organisation ...
    path = data_copy / "organisations.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("- id: cop-2\n", "- id: cop-2\n  same_as: cop\n"),
                    encoding="utf-8")
    load_records(data_copy)                                            # ... unless it is the same one


def test_validate_prints_duplicates_and_strict_fails(data_copy):
    add_organisations(data_copy, COP_2 + CICSENE_2)
    runner = CliRunner()
    res = runner.invoke(main, ["validate", "--no-warnings", "--data", str(data_copy)])
    assert res.exit_code == 0, res.output
    assert [line for line in res.stdout.splitlines() if line.startswith("duplicate")] == [
        'duplicate  organisations.yaml: organisation cop-2: "Consorzio delle ONG Piemontesi" ~ cop '
        '"Consorzio Ong Piemontesi" (1.00 exact)',
        'duplicate  organisations.yaml: organisation cicsene-2: "CICSENE Cooperazione e Sviluppo Locale" ~ '
        'cicsene "CICSENE – Cooperazione e Sviluppo Locale" (1.00 exact)',
    ]
    res = runner.invoke(main, ["validate", "--no-warnings", "--strict-duplicates", "--data", str(data_copy)])
    assert res.exit_code == 1


def test_build_warns_and_strict_build_writes_nothing(data_copy, tmp_path):
    add_organisations(data_copy, COP_2)
    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(main, ["build", "--no-docs", "--data", str(data_copy), "--build", str(out)])
    assert res.exit_code == 0, res.output
    assert "possible duplicate organisations (1, see duplicates.txt):" in res.stdout
    assert "… possible duplicate organisations: 1 (warnings; see duplicates.txt)" in res.stderr
    assert (out / paths.DUPLICATES_REPORT).read_text(encoding="utf-8").splitlines()[-1] == (
        'organisations.yaml: organisation cop-2: "Consorzio delle ONG Piemontesi" ~ cop "Consorzio Ong Piemontesi" '
        "(1.00 exact)")
    strict = tmp_path / "strict"
    res = runner.invoke(main, ["build", "--no-docs", "--strict-duplicates", "--data", str(data_copy),
                               "--build", str(strict)])
    assert res.exit_code == 1
    assert "1 possible duplicate organisation(s) (--strict-duplicates); nothing was written" in res.stderr
    assert not strict.exists()
    with pytest.raises(DuplicatesFound):
        build(data_copy, strict, docs=False, strict_duplicates=True)


def test_synthetic_registries_give_no_flags(tmp_path):
    synthesize(1000, 1, out_dir=tmp_path / "s")
    from graphkit.records.bulk import read_registry
    from graphkit.records.reference import load_reference
    from graphkit.records.schema import Records

    recs = Records(data_dir=tmp_path / "s", reference=load_reference(paths.REFERENCE_DIR))
    problems: list[Problem] = []
    read_registry(tmp_path / "s", recs, problems)
    assert problems == [] and len(recs.organisations) == 300
    assert possible_duplicates(recs) == []      # ``Circolo Sentiero 28`` is not ``Circolo Sentiero 238``
