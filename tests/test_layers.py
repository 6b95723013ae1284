"""The package's layers hold (decision 0016): the import-linter contracts in pyproject.toml are
kept, they fail when a module imports upwards, no module uses another module's private names,
and importing the store loads neither the records nor the build."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT = Path(sys.executable).with_name("lint-imports")
PACKAGE = ROOT / "graphkit"


def lint(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` with the contracts of pyproject.toml, on the package found under ``root``."""
    return subprocess.run([str(LINT), str(ROOT / "pyproject.toml"), "--no-cache"], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)


def test_every_contract_is_kept():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    text = " ".join(result.stdout.split())
    for contract in ("Layers: each module imports only the layers below it", "Only the CLI imports the CLI",
                     "The store imports nothing above it", "No import cycles between sibling modules or packages"):
        assert contract in text
    assert text.count(" KEPT") == 4 and "Contracts: 4 kept, 0 broken." in text


def test_an_import_upwards_breaks_the_layers(tmp_path):
    # the store importing the build (what it did before the layers) is refused, also from a function
    copy = tmp_path / "graphkit"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("resources", "__pycache__", "web", "templates"))
    base = copy / "store" / "base.py"
    base.write_text(base.read_text(encoding="utf-8") + "\n\ndef _late():\n    from graphkit.builder import build\n",
                    encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode == 1
    assert "Layers: each module imports only the layers below it BROKEN" in result.stdout
    assert "graphkit.store.base -> graphkit.builder" in result.stdout
    assert "The store imports nothing above it" in result.stdout and "Contracts: 1 kept, 3 broken." in result.stdout


def test_a_cycle_between_siblings_is_refused(tmp_path):
    copy = tmp_path / "graphkit"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("resources", "__pycache__", "web", "templates"))
    schema = copy / "records" / "schema.py"      # schema <- load: schema importing load closes a circle
    schema.write_text(schema.read_text(encoding="utf-8") + "\n\ndef _late():\n    from graphkit.records import load\n",
                      encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode == 1
    assert "No import cycles between sibling modules or packages BROKEN" in result.stdout
    assert "allowed in graphkit.records." in result.stdout and "- .schema -> .load (1 import)" in result.stdout


def private_imports(package: Path) -> list[str]:
    """``file: from graphkit.x import _name`` for every private name taken from another module."""
    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("graphkit"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(package.parent)}: from {node.module} import {alias.name}")
    return found


def test_no_module_takes_private_names_from_another():
    assert private_imports(PACKAGE) == []


def test_private_name_check_finds_one(tmp_path):
    (tmp_path / "graphkit").mkdir()
    (tmp_path / "graphkit" / "a.py").write_text("def f():\n    from graphkit.b import _helper\n", encoding="utf-8")
    assert private_imports(tmp_path / "graphkit") == ["graphkit/a.py: from graphkit.b import _helper"]


def test_importing_the_store_loads_no_records_mapping_or_build():
    code = ("import sys, graphkit.store, graphkit.store.remote, graphkit.store.sparqltext;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml') or "
            "m.startswith(('graphkit.builder', 'graphkit.records', 'graphkit.rdf', 'graphkit.queries'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
