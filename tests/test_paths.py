"""graphkit.paths: the shipped files, and the user's folders computed from the working folder."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import ROOT
from graphkit import paths
from graphkit.cli import main


def test_the_shipped_files_are_in_the_package():
    assert paths.RESOURCES == ROOT / "graphkit" / "resources"
    assert (paths.ontology_dir() / "mcn.ttl").is_file()
    assert (paths.ontology_dir() / "alignments.ttl").is_file()
    assert sorted(p.name for p in (paths.ontology_dir() / "shapes").glob("*.ttl"))
    assert (paths.ontology_dir() / "vocabularies" / "themes.ttl").is_file()
    assert (paths.query_dir() / "projects.rq").is_file()
    for table in ("nuts", "country-codes", "istat-comuni"):
        assert (paths.reference_dir() / table / "SOURCE.txt").is_file()
    assert paths.resolution_sample().is_file()


def test_the_user_folders_follow_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert paths.build_dir() == tmp_path / "build" / "graph"
    assert paths.imports_dir() == tmp_path / "build" / "imports"
    assert paths.maps_dir() == tmp_path / "build" / "maps"
    assert paths.exports_dir() == tmp_path / "build" / "exports"
    assert paths.notebooks_dir() == tmp_path / "build" / "notebooks"
    with pytest.raises(paths.NoRecordsFolder, match="--data"):
        paths.data_dir()
    assert paths.data_dir(tmp_path / "elsewhere") == tmp_path / "elsewhere"
    (tmp_path / "data").mkdir()
    assert paths.data_dir() == tmp_path / "data"


def test_a_notebook_folder_finds_the_project_above(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert paths.data_dir(parents=True) == tmp_path / "data"
    assert paths.build_dir(parents=True) == tmp_path / "build" / "graph"
    assert paths.notebooks_dir(parents=True) == tmp_path / "build" / "notebooks"
    with pytest.raises(paths.NoRecordsFolder):
        paths.data_dir()                       # the command line looks in the working folder only


def test_a_records_folder_may_carry_its_own_reference_tables(tmp_path):
    assert paths.reference_dir_of(tmp_path) == paths.REFERENCE_DIR
    (tmp_path / "reference").mkdir()
    assert paths.reference_dir_of(tmp_path) == (tmp_path / "reference").resolve()


def test_the_command_line_without_records_names_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["validate"])
    assert res.exit_code == 2
    assert "--data" in res.output and str(tmp_path / "data") in res.output


def test_no_module_computes_the_repository_root():
    """Only graphkit/paths.py finds files from its own location (templates beside a module aside)."""
    offenders = []
    for path in sorted((ROOT / "graphkit").rglob("*.py")):
        if path.name == "paths.py" and path.parent.name == "graphkit":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"__file__\)?\.resolve\(\)\.parent\.parent|parent\.parent\s*/", text):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert not offenders
