"""The command line is a thin layer: errors mapped in one place, flags that mean one thing, rows
formatted by the library."""

from __future__ import annotations

import json

import click
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graphkit import cli
from conftest import DATA
from graphkit.builder import DEFAULT_ONTOLOGY, validate
from graphkit.cli import DEPRECATED_OUT, main
from graphkit.errors import EXIT_NONCONFORMING, EXIT_RUNTIME, EXIT_USAGE, GraphkitError
from graphkit.namespaces import PREFIXES
from graphkit.results import format_rows, select_json


def _group_with(exc: BaseException) -> click.Group:
    """A group like ``graphkit``'s whose one command raises ``exc``."""
    @click.group(cls=cli.GraphkitGroup)
    def group() -> None:
        """Test group."""

    @group.command("boom")
    def boom() -> None:
        """Raises."""
        click.echo("before")
        raise exc

    return group


@pytest.mark.parametrize("exc, code", [
    (GraphkitError("the graph is on fire"), EXIT_RUNTIME),
    (cli.CommandRefused("ignored prefix", EXIT_USAGE), EXIT_USAGE),
    (FileNotFoundError("/x/dataset.nq does not exist: run `graphkit build` first"), EXIT_RUNTIME),
])
def test_an_error_raised_in_a_command_prints_its_message_and_exits_with_its_code(exc, code):
    res = CliRunner().invoke(_group_with(exc), ["boom"])
    assert res.exit_code == code
    assert res.stdout == "before\n"
    expected = str(exc) if isinstance(exc, cli.CommandRefused) else f"boom failed: {exc}"
    assert res.stderr == expected + "\n"


def test_every_domain_exception_carries_its_exit_code_and_keeps_its_old_base():
    from graphkit.browser import BrowserError
    from graphkit.builder import BuildFailed
    from graphkit.imports import DatasetError, ReviewError
    from graphkit.network import InconsistentAnswers, NetworkError
    from graphkit.queries import ParameterError, QueryFileError
    from graphkit.records import RecordsInvalid
    from graphkit.store.remote import EndpointError, PushError, PushMismatch, TruncatedResult
    from graphkit.store.sources import SourceError
    from graphkit.store import QueryError

    codes = {RecordsInvalid: 1, BuildFailed: 1, QueryError: 1, ParameterError: 1, TruncatedResult: 1,
             QueryFileError: 2, NetworkError: 2, InconsistentAnswers: 1, EndpointError: 3, PushError: 3,
             PushMismatch: 1, DatasetError: 1, ReviewError: 1, SourceError: 2, BrowserError: 3}
    assert {c: c.exit_code for c in codes} == codes
    assert all(issubclass(c, GraphkitError) for c in codes)
    assert issubclass(SourceError, ValueError) and issubclass(ReviewError, ValueError)
    assert issubclass(BrowserError, RuntimeError) and issubclass(NetworkError, QueryError)


def test_a_library_error_in_a_real_command(tmp_path):
    """A SourceError from the library: `query failed: MESSAGE` on stderr, exit 2."""
    res = CliRunner().invoke(main, ["query", "projects", "--source", "seeds", "--endpoint", "http://127.0.0.1:9/q"])
    assert res.exit_code == 2
    assert res.stderr == "query failed: --source filters the build; it cannot be used with --endpoint\n"
    res = CliRunner().invoke(main, ["query", "no-such-query", "--build", str(tmp_path)])
    assert res.exit_code == 2 and res.stderr.startswith("query failed: no named query 'no-such-query' (known: ")


def test_validate_prints_the_library_result_lines():
    res = CliRunner().invoke(main, ["validate"])
    result = validate(DATA, DEFAULT_ONTOLOGY)
    assert res.exit_code == (0 if result.conforms else 1)
    assert res.stdout.splitlines() == result.lines()
    assert res.stdout.splitlines()[-1] == "conforms: yes (0 violations, 34 warnings)"
    assert len(res.stdout.splitlines()) == 35 and all(x.startswith("warning    ") for x in res.stdout.splitlines()[:-1])
    assert CliRunner().invoke(main, ["validate", "--no-warnings"]).stdout.splitlines() == result.lines(warnings=False)


def test_validate_reports_invalid_records_and_exits_1(data_copy):
    proj = next((data_copy / "projects").glob("*.yaml"))
    proj.write_text(proj.read_text(encoding="utf-8") + "\nno_such_field: 1\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", "--data", str(data_copy)])
    assert res.exit_code == EXIT_NONCONFORMING
    lines = res.stderr.splitlines()
    assert lines[0] == "validate failed: 1 problem(s) in the records; nothing was written."
    assert lines[1].startswith(f"  projects/{proj.name}: ") and "no_such_field" in lines[1]


def test_build_flag_and_the_deprecated_out_alias(built, tmp_path):
    args = ["query", "-", "--format", "csv"]
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?p a mcn:Project }"
    new = CliRunner().invoke(main, [*args, "--build", str(built)], input=query)
    assert (new.exit_code, new.stdout, new.stderr) == (0, "n\n5\n", "")
    old = CliRunner().invoke(main, [*args, "--out", str(built)], input=query)
    assert (old.exit_code, old.stdout, old.stderr) == (0, "n\n5\n", DEPRECATED_OUT + "\n")
    both = CliRunner().invoke(main, [*args, "--out", str(built), "--build", str(built)], input=query)
    assert both.exit_code == 2 and "--build" in both.stderr

    stats = CliRunner().invoke(main, ["stats", "--build", str(built)])
    assert stats.exit_code == 0 and stats.stdout.splitlines()[0] == "projects        5" and stats.stderr == ""
    old = CliRunner().invoke(main, ["stats", "--out", str(built)])
    assert (old.exit_code, old.stdout, old.stderr) == (0, stats.stdout, DEPRECATED_OUT + "\n")
    missing = CliRunner().invoke(main, ["stats", "--build", str(tmp_path / "none")])
    assert (missing.exit_code, missing.stderr) == (3, f"no build in {tmp_path / 'none'}: run `graphkit build` first\n")


def test_the_out_alias_is_hidden_and_build_is_documented():
    for name in ("build", "query", "stats", "serve", "push"):
        text = CliRunner().invoke(main, [name, "--help"]).output
        assert "--build DIR" in text and "--out" not in text.split("Options:")[1], name
    for name in ("map", "export"):  # there --out is the file written
        text = CliRunner().invoke(main, [name, "--help"]).output
        assert "--build DIR" in text and "--out FILE" in text, name


ROWS = [{"name": "Iscos", "n": 2, "note": None}, {"name": "COP, Torino", "n": 10, "note": "a\nb"}]


def test_format_rows_table():
    assert format_rows(["name", "n", "note"], ROWS, "table") == (
        "name         n   note\n"
        "-----------  --  ----\n"
        "Iscos        2\n"
        "COP, Torino  10  a b\n"
        "(2 rows)\n")
    assert format_rows(["x"], [], "table") == "(no rows)\n"
    assert format_rows(["x"], [{"x": "y" * 70}], "table").splitlines()[2] == "y" * 59 + "…"


def test_format_rows_csv_tsv_json():
    assert format_rows(["name", "n", "note"], ROWS, "csv") == 'name,n,note\nIscos,2,\n"COP, Torino",10,"a\nb"\n'
    assert format_rows(["name", "n"], ROWS, "tsv") == "name\tn\nIscos\t2\nCOP, Torino\t10\n"
    assert json.loads(format_rows(["name", "n", "note"], ROWS, "json")) == ROWS
    with pytest.raises(ValueError, match="unknown row format 'xml'"):
        format_rows(["x"], [], "xml")


def test_select_json_writes_sparql_results():
    rows = [(ox.NamedNode("https://w3id.org/graphkit/project/impra"), ox.Literal("IMPRA"), None),
            (ox.BlankNode("b0"), ox.Literal("ciao", language="it"), ox.Literal("2", datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer")))]
    assert select_json(["p", "label", "n"], rows) == {
        "head": {"vars": ["p", "label", "n"]},
        "results": {"bindings": [
            {"p": {"type": "uri", "value": "https://w3id.org/graphkit/project/impra"},
             "label": {"type": "literal", "value": "IMPRA"}},
            {"p": {"type": "bnode", "value": "b0"}, "label": {"type": "literal", "value": "ciao", "xml:lang": "it"},
             "n": {"type": "literal", "value": "2", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}},
        ]},
    }


def test_query_json_is_sparql_results_json(built):
    res = CliRunner().invoke(main, ["query", "-", "--format", "json", "--build", str(built)],
                             input="SELECT ?p WHERE { ?p a mcn:Project } ORDER BY ?p LIMIT 1")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == {"head": {"vars": ["p"]}, "results": {"bindings": [
        {"p": {"type": "uri", "value": PREFIXES["project"] + "discorsi"}}]}}
