"""The researchers' docs stay true: the page of named queries is generated from their headers and
up to date, and the researchers' guide is linked from the README and names every command it needs."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import ROOT

from graphkit.cli import main
from graphkit.queries import list_queries, queries_markdown


def test_docs_queries_md_is_generated_from_the_headers_and_up_to_date():
    current = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    assert current == queries_markdown(), "regenerate it: graphkit queries --markdown > docs/queries.md"
    for q in list_queries():
        assert f"\n## {q.name}\n\n{q.summary}" in current
        for p in q.params:
            assert f"- `{p.name}` ({p.type}): {p.doc}" in current


def test_cli_prints_the_same_markdown():
    res = CliRunner().invoke(main, ["queries", "--markdown"])
    assert res.exit_code == 0 and res.output == queries_markdown()


def test_researchers_guide_is_linked_and_covers_the_tools():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/researchers.md" in readme and "docs/queries.md" in readme
    guide = (ROOT / "docs" / "researchers.md").read_text(encoding="utf-8")
    for needle in ["graphkit query ", "graphkit serve", "graphkit push", "--endpoint", "open_store",
                   "to_dataframe", "http://127.0.0.1:8000/sparql", "GRAPHKIT_SPARQL_USER", "```mermaid",
                   "X-Graphkit-Truncated", "(queries.md)"]:
        assert needle in guide, needle
