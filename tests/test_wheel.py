"""The installable package: the wheel, installed in a new virtual environment, works from a folder
outside the repository that holds only a copy of the records (data/).

What CI must check (the README's test command runs this file; it is not marked slow): the wheel
is built from the sources alone (pyproject.toml, README.md, graphkit/) and carries every file of
graphkit/resources/ (ontology, vocabularies, shapes, queries, reference tables, the resolution
sample); installed with pip into a fresh virtualenv (dependencies from PyPI or pip's cache), its
``graphkit`` command builds the records of the working folder's data/ with the package's own
reference tables, and every named query prints the same rows as in this process on the
repository's build. About 60 s here: wheel 5 s, virtualenv 5 s, pip install 35 s (from pip's
cache), build 7 s, the queries 1 s each.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from graphkit import paths
from graphkit.builder import load_summary
from graphkit.cli import main
from graphkit.queries import list_queries

QUERIES = list_queries()
EXAMPLE = re.compile(r"e\.g\. (\S+)")
INSTALL_TIMEOUT = 300      # seconds for pip to install the wheel and its dependencies


def _env(venv: Path) -> dict[str, str]:
    """The environment of the installed command: nothing of this checkout or of its virtualenv."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV") and not k.startswith("GRAPHKIT_")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built by pip from a copy of the sources (no stale build/ of the checkout)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "graphkit", src / "graphkit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("wheels")
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q",
                          "--disable-pip-version-check", "-w", str(out)],
                         capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    assert res.returncode == 0, res.stderr
    (built,) = out.glob("graphkit-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A new virtualenv with the wheel installed (and its pinned dependencies)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    res = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-compile", str(wheel)],
               cwd=venv, env=_env(venv), timeout=INSTALL_TIMEOUT)
    assert res.returncode == 0, res.stderr
    return venv


@pytest.fixture(scope="module")
def project(venv, tmp_path_factory) -> Path:
    """A folder outside the repository with a copy of data/ only, built with the installed
    ``graphkit build`` (default output: build/graph of the folder)."""
    work = tmp_path_factory.mktemp("project")
    assert ROOT not in work.parents and work != ROOT
    shutil.copytree(ROOT / "data", work / "data", ignore=shutil.ignore_patterns("__pycache__"))
    assert not (work / "data" / "reference").exists(), "the package's own reference tables must be used"
    res = _run(["graphkit", "build"], cwd=work, env=_env(venv))
    assert res.returncode == 0, res.stderr
    return work


def graphkit(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return _run([str(venv / "bin" / "graphkit"), *args], cwd=cwd, env=_env(venv))


def test_the_wheel_carries_every_resource(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "graphkit" / "resources").rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts)
    missing = [p for p in shipped if p not in names]
    assert not missing, f"not in the wheel: {missing}"
    kinds = {Path(p).suffix for p in shipped}
    assert {".ttl", ".rq", ".csv", ".txt", ".md"} <= kinds
    for required in ("ontology/mcn.ttl", "ontology/alignments.ttl", "ontology/shapes/core.ttl",
                     "ontology/vocabularies/themes.ttl", "queries/projects.rq", "queries/network",
                     "queries/studies", "reference/nuts/SOURCE.txt", "reference/country-codes/SOURCE.txt",
                     "reference/istat-comuni/SOURCE.txt", "resolution-sample.csv"):
        assert any(n.startswith(f"graphkit/resources/{required}") for n in names), required


def test_the_installed_package_is_used(venv, project):
    res = _run([str(venv / "bin" / "python"), "-c",
                "import graphkit, graphkit.paths as p; print(graphkit.__file__); print(p.ONTOLOGY_DIR)"],
               cwd=project, env=_env(venv))
    assert res.returncode == 0, res.stderr
    module, ontology = map(Path, res.stdout.split())
    assert venv in module.parents and venv in ontology.parents
    assert (ontology / "mcn.ttl").is_file()


def test_build_from_the_working_folder(project, built):
    summary = json.loads((project / "build" / "graph" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["projects"], summary["organisations"], summary["participations"]) == (5, 83, 85)
    here = load_summary(built)
    assert summary["triples"] == here.triples and summary["graphs"] == here.graphs
    assert summary["shacl_warnings"] == here.shacl_warnings


def test_without_a_records_folder_the_error_names_data(venv, tmp_path):
    res = graphkit(venv, tmp_path, "build")
    assert res.returncode == 2
    assert "--data" in res.stderr and str(tmp_path / "data") in res.stderr
    assert not (tmp_path / "build").exists()


def test_the_installed_command_lists_every_named_query(venv, project):
    res = graphkit(venv, project, "queries", "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert [r["name"] for r in csv.DictReader(io.StringIO(res.stdout))] == [q.name for q in QUERIES]


def _params(query) -> list[str]:
    """``-p NAME VALUE`` for each parameter, the value being the first example of its header."""
    args = []
    for p in query.params:
        m = EXAMPLE.search(p.doc)
        assert m, f"{query.name}: parameter {p.name} has no example (e.g. VALUE) in its header"
        args += ["-p", p.name, m.group(1).rstrip(",.;")]
    return args


def _rows(text: str) -> list[list[str]]:
    """The CSV rows, each GROUP_CONCAT list (``a | b``) in sorted order: SPARQL leaves the order of
    its values open, and Oxigraph's differs from one process to the next."""
    return [[" | ".join(sorted(cell.split(" | "))) for cell in row] for row in csv.reader(io.StringIO(text))]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_named_query_answers_as_in_process(query, venv, project, built, tmp_path, monkeypatch):
    args = ["query", query.name, *_params(query), "--format", "csv"]
    installed = graphkit(venv, project, *args)
    assert installed.returncode == 0, installed.stderr
    # the same query in this process, on the repository's build, also by the default build folder
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "graph").symlink_to(built, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    here = CliRunner().invoke(main, args)
    assert here.exit_code == 0, here.output
    rows = _rows(installed.stdout)
    assert rows == _rows(here.stdout)
    if query.name.endswith("-violation") or query.name in ("seed-organisations-across-sources", "disagreements",
                                                            "programme-projects"):
        assert len(rows) == 1, rows          # the header only: no violation; no imported dataset; the seeds
                                             # have one source per project and no programme
    else:
        assert len(rows) > 1, f"{query.name} found nothing"
    if query.name == "projects":
        assert len(rows) == 1 + 5


def test_the_shipped_resolution_sample_is_the_default(venv, project):
    installed = graphkit(venv, project, "import", "evaluate")
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.startswith("cells 182, names 228;")
    here = CliRunner().invoke(main, ["import", "evaluate", "--data", str(ROOT / "data"), str(paths.RESOLUTION_SAMPLE)])
    assert here.exit_code == 0, here.output
    assert installed.stdout == here.stdout
