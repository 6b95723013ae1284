"""Every public definition of the package has a docstring: the functions, classes and methods
(those of public classes included) whose name does not start with ``_``."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "graphkit"


def missing_docstrings(package: Path) -> list[str]:
    """``path:line name`` of every public definition under ``package`` without a docstring, with
    the path relative to the folder above ``package`` and methods named ``Class.method``."""
    missing: list[str] = []

    def visit(node: ast.AST, path: Path, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                    and not child.name.startswith("_"):
                if ast.get_docstring(child) is None:
                    missing.append(f"{path.relative_to(package.parent)}:{child.lineno} {prefix}{child.name}")
                if isinstance(child, ast.ClassDef):
                    visit(child, path, prefix + child.name + ".")

    for path in sorted(package.rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), path, "")
    return missing


def test_every_public_definition_has_a_docstring():
    missing = missing_docstrings(PACKAGE)
    assert missing == [], f"{len(missing)} public definition(s) without a docstring:\n" + "\n".join(missing)


def test_the_walker_finds_a_missing_docstring(tmp_path):
    # a module with public and private definitions, documented and not: only the public undocumented
    # ones are reported (a nested function is not a public definition; a method of a private class is not)
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""A package."""\n', encoding="utf-8")
    (package / "sub" / "mod.py").write_text(
        '"""A module."""\n'
        "\n"
        "def documented():\n"
        '    """Documented."""\n'
        "    def inner():\n"
        "        pass\n"
        "\n"
        "def bare():\n"
        "    return 1\n"
        "\n"
        "async def bare_async():\n"
        "    pass\n"
        "\n"
        "def _private():\n"
        "    pass\n"
        "\n"
        "class Public:\n"
        "    x: int = 0\n"
        "\n"
        "    def method(self):\n"
        '        """Documented."""\n'
        "\n"
        "    @property\n"
        "    def prop(self):\n"
        "        return self.x\n"
        "\n"
        "    def _helper(self):\n"
        "        pass\n"
        "\n"
        "class _Private:\n"
        "    def method(self):\n"
        "        pass\n",
        encoding="utf-8",
    )
    assert missing_docstrings(package) == [
        "pkg/sub/mod.py:8 bare",
        "pkg/sub/mod.py:11 bare_async",
        "pkg/sub/mod.py:17 Public",
        "pkg/sub/mod.py:24 Public.prop",
    ]
