"""A reviewed draft becomes records (graphkit draft accept): the files it writes, the build that
accepts them, and the drafts it refuses with nothing written."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT
from graphkit.builder import validate
from graphkit.cli import main
from graphkit.draft.accept import accept_draft
from graphkit.draft.read import DraftError
from graphkit.records import load_records

PAGE = ROOT / "data" / "pages-dev" / "it-passerelles.txt"

# A draft of it-passerelles.txt as a reviewer leaves it: the review-only keys are still there, the
# new organisations have their type and country, one participant points at a registry entry.
REVIEWED = {
    "source": {"id": "passerelles", "file": "it-passerelles.txt", "title": "PASSERELLES", "language": "it",
               "language_detected": True, "url": "https://example.org/passerelles"},
    "projects": [{
        "id": "passerelles",
        "source": "passerelles",
        "title": "PASSERELLES",
        "title_quote": "Titolo progetto: PASSERELLES",
        "dates": {"started": {"value": "2025-05-01", "quote": "Quando: 01.05.2025 – 30.04.2028"},
                  "ended": {"value": "2028-04-30", "quote": "Quando: 01.05.2025 – 30.04.2028"},
                  "duration": {"months": 36, "planned": True, "quote": "Durata: 36 mesi"}},
        "participants": [
            {"org": "new:aics", "role": "funder", "as_written": "AICS",
             "quote": "Donatori: AICS – Agenzia Italiana per la Cooperazione allo Sviluppo",
             "role_words": "Donatori", "confidence": 0.54, "found_by": "heading, role by heading",
             "new_organisation": {"name": "Agenzia Italiana per la Cooperazione allo Sviluppo", "acronym": "AICS",
                                  "type": "public-agency", "country": "country:ITA"}},
            {"org": "progettomondo-mlal", "role": "lead", "as_written": "ProgettoMondo",
             "quote": "Partner: ProgettoMondo (capofila), Migrations & Développement,",
             "role_words": "capofila", "confidence": 0.54,
             "match": {"id": "progettomondo-mlal", "score": 0.87, "method": "fuzzy"}},
            {"org": "new:migrations-developpement", "role": "partner", "as_written": "Migrations & Développement",
             "quote": "Partner: ProgettoMondo (capofila), Migrations & Développement,",
             "role_words": "Partner", "confidence": 0.54},
        ],
    }],
    "new_organisations": [
        {"id": "new:migrations-developpement", "name": "Migrations & Développement", "type": "migrant-association",
         "country": "country:FRA", "candidates": []},
    ],
    "unplaced": [{"what": "organisation named, role not found", "as_written": "Associazioni MdM",
                  "quote": "Associazioni MdM rafforzate → 30 (12 finanziate direttamente)"}],
}


def _records_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("external", "pages-dev"))
    return data


def _fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _write(tmp_path: Path, draft: dict) -> Path:
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(draft, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_reviewed_draft_becomes_records_the_build_accepts(tmp_path):
    data = _records_copy(tmp_path)
    result = CliRunner().invoke(main, ["draft", "accept", str(_write(tmp_path, REVIEWED)), "--page", str(PAGE),
                                       "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"accepted into {data}: source passerelles, project passerelles",
        "new organisations: aics, migrations-developpement",
        "written sources/passerelles.txt",
        "written projects/passerelles.yaml",
        "written sources.yaml",
        "written organisations.yaml",
    ]
    assert (data / "sources" / "passerelles.txt").read_text(encoding="utf-8") == PAGE.read_text(encoding="utf-8")
    project = yaml.safe_load((data / "projects" / "passerelles.yaml").read_text(encoding="utf-8"))
    assert project["participants"] == [
        {"org": "aics", "role": "funder", "as_written": "AICS",
         "quote": "Donatori: AICS – Agenzia Italiana per la Cooperazione allo Sviluppo"},
        {"org": "progettomondo-mlal", "role": "lead", "as_written": "ProgettoMondo",
         "quote": "Partner: ProgettoMondo (capofila), Migrations & Développement,"},
        {"org": "migrations-developpement", "role": "partner", "as_written": "Migrations & Développement",
         "quote": "Partner: ProgettoMondo (capofila), Migrations & Développement,"},
    ]
    recs = load_records(data)
    assert recs.sources["passerelles"].record.url == "https://example.org/passerelles"
    assert recs.sources["passerelles"].record.file == "sources/passerelles.txt"
    aics = recs.organisations["aics"].record
    assert (aics.name, aics.acronym, aics.type, aics.country) == (
        "Agenzia Italiana per la Cooperazione allo Sviluppo", "AICS", "public-agency", "country:ITA")
    assert recs.organisations["migrations-developpement"].record.type == "migrant-association"
    assert recs.projects["passerelles"].record.dates.duration.months == 36
    assert validate(data).conforms


def _refused(tmp_path: Path, draft: dict, message: str) -> None:
    data = _records_copy(tmp_path)
    before = _fingerprint(data)
    with pytest.raises(DraftError) as err:
        accept_draft(_write(tmp_path, draft), page=PAGE, data_dir=data)
    assert message in str(err.value)
    assert _fingerprint(data) == before            # nothing written


def test_a_new_organisation_without_its_type_is_refused(tmp_path):
    draft = yaml.safe_load(yaml.safe_dump(REVIEWED))
    del draft["new_organisations"][0]["type"]
    _refused(tmp_path, draft, "draft.yaml: new organisation migrations-developpement (Migrations & Développement): "
                              "give its type before accepting")


def test_a_quote_not_on_the_page_is_refused_naming_the_record(tmp_path):
    draft = yaml.safe_load(yaml.safe_dump(REVIEWED))
    draft["projects"][0]["participants"][0]["quote"] = "Donatori: la Banca Mondiale"
    _refused(tmp_path, draft, "projects/passerelles.yaml: project passerelles: participants[0].quote: "
                              "quote 'Donatori: la Banca Mondiale' does not occur in source 'passerelles'")


def test_a_project_already_in_the_records_is_refused(tmp_path):
    draft = yaml.safe_load(yaml.safe_dump(REVIEWED))
    draft["projects"][0]["id"] = "impra"
    _refused(tmp_path, draft, "projects/impra.yaml already exists")


def test_a_new_id_used_but_not_proposed_is_refused(tmp_path):
    draft = yaml.safe_load(yaml.safe_dump(REVIEWED))
    draft["projects"][0]["participants"][2]["org"] = "new:m-and-d"
    _refused(tmp_path, draft, "new:m-and-d is used but not proposed in new_organisations")


def test_a_file_that_is_not_a_draft(tmp_path):
    data = _records_copy(tmp_path)
    (tmp_path / "x.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(DraftError, match="x.yaml: not a draft"):
        accept_draft(tmp_path / "x.yaml", page=PAGE, data_dir=data)
    (tmp_path / "y.yaml").write_text("source: {id: a\n", encoding="utf-8")
    with pytest.raises(DraftError, match=r"y.yaml: the draft is not valid YAML \(line 2, column 1\)"):
        accept_draft(tmp_path / "y.yaml", page=PAGE, data_dir=data)
