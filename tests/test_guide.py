"""The guide "Add a project from a page" (docs/guide-add-a-project.md), run as written: the draft
of the worked example, the reviewer's changes counted, the reviewed draft accepted into a copy of
the records, built and queried, with the rows the guide shows."""

from __future__ import annotations

import difflib
import shutil

from click.testing import CliRunner

from conftest import ROOT
from graphkit.cli import main

PAGE = ROOT / "data" / "pages-dev" / "it-rimesse-ecuador.txt"
REVIEWED = ROOT / "docs" / "guide" / "it-rimesse-ecuador.reviewed.yaml"
GUIDE = (ROOT / "docs" / "guide-add-a-project.md").read_text(encoding="utf-8")


def test_the_worked_example_from_page_to_rows(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("external", "pages-dev"))
    runner = CliRunner()

    # 1. draft
    draft = tmp_path / "rimesse.yaml"
    r = runner.invoke(main, ["draft", str(PAGE), "--url", "https://www.vita.it/rimesse-in-ecuador/",
                             "--out", str(draft), "--data", str(data)])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        f"written {draft}",
        f"note: none of the 5 organisations of it-rimesse-ecuador.txt is in the registry ({data / 'organisations.yaml'}): "
        "each is proposed as a new organisation; check each against the registry before `graphkit draft accept`, "
        "which needs their type and country",
    ]
    drafted = draft.read_text(encoding="utf-8").splitlines()
    assert len(drafted) == 152
    assert "The draft (152 lines here)" in GUIDE

    # 2. review: the lines the reviewer changed, as the guide counts them
    diff = list(difflib.unified_diff(drafted, REVIEWED.read_text(encoding="utf-8").splitlines(), lineterm="", n=0))
    removed = [line for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff if line.startswith("+") and not line.startswith("+++")]
    assert (len(removed), len(added)) == (16, 18)
    assert "the reviewer changed **16 lines and added 18** of the 152" in GUIDE

    # 3. accept
    r = runner.invoke(main, ["draft", "accept", str(REVIEWED), "--page", str(PAGE), "--data", str(data)])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        f"accepted into {data}: source it-rimesse-ecuador, project it-rimesse-ecuador",
        "new organisations: acra, associazione-microfinanza-e-sviluppo, cecca-centro-de-capacitacion-campesina-del-azuay, "
        "coopecuador, fondazione-cariplo",
        "new places: azuay, canar",
        "written sources/it-rimesse-ecuador.txt",
        "written projects/it-rimesse-ecuador.yaml",
        "written sources.yaml",
        "written organisations.yaml",
        "written places.yaml",
    ]
    written = {"project file": len((data / "projects" / "it-rimesse-ecuador.yaml").read_text(encoding="utf-8").splitlines())}
    for name in ("sources.yaml", "organisations.yaml", "places.yaml"):
        written[name] = (len((data / name).read_text(encoding="utf-8").splitlines())
                         - len((ROOT / "data" / name).read_text(encoding="utf-8").splitlines()))
    assert written == {"project file": 82, "sources.yaml": 8, "organisations.yaml": 24, "places.yaml": 11}
    assert "125 lines (the project file 82, the source entry 8, five\norganisations 24, two places 11)" in GUIDE

    # 4. build and query
    build = tmp_path / "graph"
    r = runner.invoke(main, ["build", "--data", str(data), "--build", str(build)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["query", "project-participants", "-p", "project", "project:it-rimesse-ecuador",
                             "--format", "csv", "--build", str(build)])
    assert r.exit_code == 0, r.output
    rows = r.output.strip().splitlines()
    assert rows == [
        "project,org,name,role,role_label,group,via,as_written",
        "project:it-rimesse-ecuador,organisation:associazione-microfinanza-e-sviluppo,Associazione Microfinanza e Sviluppo,"
        "role:collaborator,collaborator,,,Associazione Microfinanza e Sviluppo",
        "project:it-rimesse-ecuador,organisation:cecca-centro-de-capacitacion-campesina-del-azuay,"
        "CECCA - Centro de Capacitaciòn Campesina del Azuay,role:collaborator,collaborator,,,"
        "CECCA - Centro de Capacitaciòn Campesina del Azuay",
        "project:it-rimesse-ecuador,organisation:coopecuador,Coopecuador,role:collaborator,collaborator,,,Coopecuador",
        "project:it-rimesse-ecuador,organisation:fondazione-cariplo,Fondazione Cariplo,role:funder,funder,,,Fondazione Cariplo",
        "project:it-rimesse-ecuador,organisation:acra,ACRA,role:lead,lead partner,,,ACRA",
    ]
    for row in rows:
        assert row in GUIDE
    r = runner.invoke(main, ["query", "project-funding", "--format", "csv", "--build", str(build)])
    assert r.exit_code == 0, r.output
    (cariplo,) = [row for row in r.output.splitlines() if "it-rimesse-ecuador" in row]
    assert cariplo.split(",")[:8] == ["project:it-rimesse-ecuador", "", "organisation:fondazione-cariplo",
                                      "Fondazione Cariplo", "role:funder", "396000", "currency:EUR", ""]
