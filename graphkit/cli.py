"""The ``graphkit`` command line: a thin layer over the package's public functions.

Exit codes (every command): 0 success; 1 the data do not conform (invalid records, SHACL
violations) or a query failed; 2 usage error; 3 runtime error (a missing build, an unreadable
file).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from graphkit import __version__
from graphkit.build import DEFAULT_DATA, DEFAULT_ONTOLOGY, DEFAULT_OUT

EXIT_OK, EXIT_NONCONFORMING, EXIT_USAGE, EXIT_RUNTIME = 0, 1, 2, 3


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def format_option(f):
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
        show_default=True, help="How to print rows.",
    )(f)


def print_rows(variables: list[str], rows: list[dict], fmt: str, raw=None) -> None:
    """Print rows (dicts of plain values) as a table, CSV, TSV or SPARQL-results-like JSON."""
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(variables)
        for r in rows:
            w.writerow(["" if r[v] is None else r[v] for v in variables])
        click.echo(buf.getvalue(), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(raw if raw is not None else rows, indent=2, ensure_ascii=False))
    else:
        if not rows:
            click.echo("(no rows)")
            return
        cells = [[("" if r[v] is None else str(r[v])) for v in variables] for r in rows]
        widths = [min(60, max(len(v), *(len(c[i]) for c in cells))) for i, v in enumerate(variables)]

        def cut(s: str, w: int) -> str:
            s = s.replace("\n", " ")
            return s if len(s) <= w else s[: w - 1] + "…"

        click.echo("  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip())
        click.echo("  ".join("-" * w for w in widths))
        for c in cells:
            click.echo("  ".join(cut(x, w).ljust(w) for x, w in zip(c, widths)).rstrip())
        click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def sparql_json(result) -> dict:
    """A SELECT result in the SPARQL 1.1 Query Results JSON format."""
    import pyoxigraph as ox

    def term(t):
        if isinstance(t, ox.NamedNode):
            return {"type": "uri", "value": t.value}
        if isinstance(t, ox.BlankNode):
            return {"type": "bnode", "value": t.value}
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype and t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = t.datatype.value
        return d

    bindings = [{v: term(x) for v, x in zip(result.variables, row) if x is not None} for row in result.rows]
    return {"head": {"vars": result.variables}, "results": {"bindings": bindings}}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphkit")
def main() -> None:
    """graphkit: a knowledge graph of migration-cooperation networks.

    Build the graph from the curated records, validate it, and ask it questions.

    Example: graphkit build && graphkit query projects
    """


def _paths(f):
    f = click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA,
                     show_default=True, help="Folder of curated records.")(f)
    f = click.option("--ontology", "ontology_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=DEFAULT_ONTOLOGY, show_default=True, help="Ontology folder (shapes, vocabularies).")(f)
    return f


def _out(f):
    return click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT,
                        show_default=True, help="Folder the built graph is written to.")(f)


@main.command()
@_paths
@_out
@click.option("--no-docs", is_flag=True, help="Skip the HTML documentation of the ontology.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def build(data_dir: Path, ontology_dir: Path, out_dir: Path, no_docs: bool, quiet: bool) -> None:
    """Validate the records, build the RDF dataset and print what it holds.

    Writes dataset.trig, dataset.nq, merged.ttl, shacl-report.txt, ontology.html and
    summary.json under --out, all or nothing: on any error nothing is written.
    Exit codes: 0 built; 1 invalid records or SHACL violations; 3 runtime error.

    Example: graphkit build --out build/graph
    """
    from graphkit.build import BuildFailed, build as run_build
    from graphkit.records import RecordsInvalid

    progress = (lambda m: None) if quiet else (lambda m: click.echo(f"… {m}", err=True))
    try:
        summary = run_build(data_dir, out_dir, ontology_dir=ontology_dir, docs=not no_docs, progress=progress)
    except RecordsInvalid as exc:
        _fail(f"build failed: {len(exc.problems)} problem(s) in the records; nothing was written.\n"
              + "\n".join(f"  {p}" for p in exc.problems), EXIT_NONCONFORMING)
    except BuildFailed as exc:
        _fail(f"build failed: {len(exc.shacl.violations)} SHACL violation(s); nothing was written.\n"
              + "\n".join(f"  {v}" for v in exc.shacl.violations), EXIT_NONCONFORMING)
    except OSError as exc:
        _fail(f"build failed: {exc}", EXIT_RUNTIME)
    if not quiet:
        for line in summary.lines():
            click.echo(line)


@main.command()
@_paths
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="Print SHACL warnings too.")
def validate(data_dir: Path, ontology_dir: Path, warnings: bool) -> None:
    """Validate the records and the SHACL shapes without writing anything.

    Exit codes: 0 conforms (warnings allowed); 1 does not conform; 2 usage; 3 runtime error.

    Example: graphkit validate --no-warnings
    """
    from graphkit.build import merged_graph, shacl_validate
    from graphkit.rdfmap import records_to_dataset
    from graphkit.records import RecordsInvalid, load_records

    try:
        recs = load_records(data_dir, ontology_dir=ontology_dir)
    except RecordsInvalid as exc:
        _fail(f"records: {len(exc.problems)} problem(s)\n" + "\n".join(f"  {p}" for p in exc.problems),
              EXIT_NONCONFORMING)
    except OSError as exc:
        _fail(f"validate failed: {exc}", EXIT_RUNTIME)
    result = shacl_validate(merged_graph(records_to_dataset(recs, ontology_dir)), ontology_dir / "shapes")
    for v in result.violations:
        click.echo(f"violation  {v}")
    if warnings:
        for w in result.warnings:
            click.echo(f"warning    {w}")
    click.echo(f"conforms: {'yes' if result.conforms else 'no'} "
               f"({len(result.violations)} violations, {len(result.warnings)} warnings)")
    sys.exit(EXIT_OK if result.conforms else EXIT_NONCONFORMING)


@main.command("queries")
@format_option
def queries_cmd(fmt: str) -> None:
    """List the named queries with their summaries and parameters.

    Example: graphkit queries --format csv
    """
    from graphkit.queries import list_queries

    rows = [
        {"name": q.name, "summary": q.summary,
         "params": ", ".join(f"{p.name} ({p.type})" for p in q.params)}
        for q in list_queries()
    ]
    print_rows(["name", "summary", "params"], rows, fmt)


@main.command()
@click.argument("query", required=False)
@click.option("-p", "--param", "params", type=(str, str), multiple=True, metavar="NAME VALUE",
              help="A query parameter, bound as an RDF term (IRI or CURIE, string, date, integer).")
@format_option
@_out
def query(query: str | None, params: tuple[tuple[str, str], ...], fmt: str, out_dir: Path) -> None:
    """Run a named query, a .rq file, or a query read from standard input ('-').

    Example: graphkit query organisation-projects -p name "Iscos"
    """
    from graphkit.queries import load_query, parse_header, plain_rows, run_query
    from graphkit.store import EmbeddedStore, QueryError

    if query is None or query == "-":
        text = sys.stdin.read()
        if not text.strip():
            _fail("no query given: name a query, a .rq file, or pipe one on standard input", EXIT_USAGE)
        nq = parse_header(text, "stdin")
    else:
        try:
            nq = load_query(query)
        except QueryError as exc:
            _fail(str(exc), EXIT_USAGE)
    try:
        store = EmbeddedStore.from_build(out_dir)
    except FileNotFoundError as exc:
        _fail(str(exc), EXIT_RUNTIME)
    try:
        result = run_query(store, nq, dict(params))
    except QueryError as exc:
        _fail(f"{nq.name}: {exc}", EXIT_NONCONFORMING)
    print_rows(result.variables, plain_rows(result), fmt, raw=sparql_json(result) if fmt == "json" else None)


@main.command()
@_out
def stats(out_dir: Path) -> None:
    """Print what the last build holds (from its summary.json).

    Example: graphkit stats
    """
    from graphkit.build import load_summary

    try:
        summary = load_summary(out_dir)
    except FileNotFoundError:
        _fail(f"no build in {out_dir}: run `graphkit build` first", EXIT_RUNTIME)
    for line in summary.lines():
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
