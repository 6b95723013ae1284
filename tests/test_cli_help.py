"""Every command documents itself: help ends with a copy-pasteable example, and the README names it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_ends_with_an_example(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    text = main.commands[name].help.strip()
    assert text.splitlines()[-1].strip().startswith("Example: graphkit " + name), text


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_documents_every_command(name):
    assert f"graphkit {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0].strip() for b in readme.split("```bash\n")[1:3]]
    assert blocks[0] == "./setup.sh && .venv/bin/graphkit build"
    assert blocks[1] == "./setup.sh --tests && .venv/bin/pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == blocks[1]


def test_usage_error_exits_2():
    result = CliRunner().invoke(main, ["query", "projects", "--format", "xml"])
    assert result.exit_code == 2
