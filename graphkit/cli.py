"""The ``graphkit`` command line: a thin layer over the package's public functions.

Exit codes (every command): 0 success; 1 the data do not conform (invalid records, SHACL
violations) or a query failed; 2 usage error; 3 runtime error (a missing build, an unreadable
file).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from graphkit import __version__, paths
from graphkit.errors import EXIT_NONCONFORMING, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, GraphkitError

__all__ = ["EXIT_OK", "EXIT_NONCONFORMING", "EXIT_USAGE", "EXIT_RUNTIME", "CommandRefused", "GraphkitGroup", "main"]


class CommandRefused(GraphkitError):
    """A command's own check failed (an option it cannot use, no build); printed as it is.

    Args:
        message: What is wrong and what to do, in the command's words.
        exit_code: The exit code (2 usage, 3 runtime).
    """

    def __init__(self, message: str, exit_code: int = EXIT_USAGE):
        super().__init__(message)
        self.exit_code = exit_code


def error_message(command: str | None, exc: BaseException) -> str:
    """The line(s) the command line prints for an error: ``COMMAND failed: MESSAGE``.

    Args:
        command: The name of the command that failed (``build``, ``import``, ...), or None.
        exc: The error; a :class:`CommandRefused` is printed as it is.

    Returns:
        The text to print on standard error.
    """
    if isinstance(exc, CommandRefused) or not command:
        return str(exc)
    return f"{command} failed: {exc}"


class GraphkitGroup(click.Group):
    """The ``graphkit`` group: maps every error to its message and exit code, in one place.

    A :class:`graphkit.errors.GraphkitError` prints :func:`error_message` on standard error and
    exits with its ``exit_code``; an ``OSError`` (a file that cannot be read or written) exits 3.
    """

    def invoke(self, ctx: click.Context):
        """Run the subcommand; print a failure on standard error and exit with its code."""
        try:
            return super().invoke(ctx)
        except GraphkitError as exc:
            code = exc.exit_code
            message = error_message(ctx.invoked_subcommand, exc)
        except OSError as exc:
            code = EXIT_RUNTIME
            message = error_message(ctx.invoked_subcommand, exc)
        click.echo(message, err=True)
        ctx.exit(code)


def format_option(f):
    """The ``--format table|csv|tsv|json`` option of the commands that print rows."""
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
        show_default=True, help="How to print rows.",
    )(f)


def print_rows(variables: list[str], rows: list[dict], fmt: str, raw=None) -> None:
    """Print rows of plain values as :func:`graphkit.results.format_rows` writes them."""
    from graphkit.results import format_rows

    click.echo(format_rows(variables, rows, fmt, raw=raw), nl=False)


@click.group(cls=GraphkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphkit")
def main() -> None:
    """graphkit: a knowledge graph of migration-cooperation networks.

    Build the graph from the curated records, validate it, and ask it questions. The same flag
    means the same in every command: --build DIR is the build folder, --out is a file or folder
    the command writes besides it. Exit codes: 0 ok; 1 the data do not conform or a query
    failed; 2 usage; 3 runtime error (no build, a file that cannot be read or written).

    Example: graphkit build && graphkit query projects
    """


def _default_data() -> Path:
    """``data/`` of the working folder, else a usage error naming --data (paths.data_dir)."""
    try:
        return paths.data_dir()
    except paths.NoRecordsFolder as exc:
        raise click.UsageError(str(exc)) from None


DATA_DEFAULT = "data/ of the working folder"


def _paths(f):
    f = click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=_default_data,
                     show_default=DATA_DEFAULT, help="Folder of curated records.")(f)
    f = click.option("--ontology", "ontology_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=paths.ONTOLOGY_DIR, show_default="shipped with graphkit",
                     help="Ontology folder (shapes, vocabularies).")(f)
    return f


DEPRECATED_OUT = "note: --out for the build folder is deprecated; use --build DIR"


def build_option(f=None, *, legacy_out: bool = True):
    """The ``--build DIR`` option (the build folder), with ``--out`` as its hidden, deprecated alias.

    The command receives ``build_dir``. Where ``--out`` used to name the build folder
    (``legacy_out``), ``--out DIR`` still works, printing a one-line note on standard error; both
    at once is a usage error. Where ``--out`` names the file a command writes (map, export), the
    alias is left out.

    Args:
        f: The command function (when used as ``@build_option``).
        legacy_out: Also accept ``--out DIR`` as the deprecated name of ``--build``.
    """
    if f is None:
        return functools.partial(build_option, legacy_out=legacy_out)
    option = click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path),
                          default=paths.build_dir, show_default="build/graph", metavar="DIR",
                          help="The build folder (written by `graphkit build`, read by the other commands).")
    if not legacy_out:
        return option(f)

    @functools.wraps(f)
    def command(*args, build_dir: Path, legacy_out_dir: Path | None = None, **kwargs):
        if legacy_out_dir is not None:
            ctx = click.get_current_context()
            if ctx.get_parameter_source("build_dir") == click.core.ParameterSource.COMMANDLINE:
                raise CommandRefused("give the build folder once, with --build (--out is its old name)")
            click.echo(DEPRECATED_OUT, err=True)
            build_dir = legacy_out_dir
        return f(*args, build_dir=build_dir, **kwargs)

    command = click.option("--out", "legacy_out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                           hidden=True, help="Deprecated name of --build.")(command)
    return option(command)


@main.command()
@_paths
@build_option
@click.option("--no-docs", is_flag=True, help="Skip the HTML documentation of the ontology.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--with-imports", is_flag=True,
              help="Also add the datasets imported with `graphkit import` (their graph.nq under --imports).")
@click.option("--imports", "imports_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the imports [default: build/imports].")
@click.option("--add-data", "add_data", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Another folder of records (YAML or bulk JSON Lines) built beside --data; repeatable.")
@click.option("--store", "store_mode", type=click.Choice(["auto", "disk", "none"]), default="auto", show_default=True,
              help="Streaming build only: keep the on-disk Oxigraph store under --build/store (auto: from 1M quads).")
@click.option("--no-nquads", is_flag=True,
              help="Streaming build with --store disk: keep only the store, no dataset.nq (for millions of projects).")
@click.option("--no-store-checks", is_flag=True,
              help="Streaming build: skip the *-violation.rq checks on the whole store (at a million projects "
                   "10 minutes and the peak memory); the records are still validated. Run them afterwards "
                   "with `graphkit query NAME --build DIR`.")
@click.option("--strict-duplicates", is_flag=True,
              help="Fail (exit 1, nothing written) when organisations of the registry look like duplicates "
                   "(they are warnings otherwise; docs/records.md).")
def build(data_dir: Path, ontology_dir: Path, build_dir: Path, no_docs: bool, quiet: bool, with_imports: bool = False,
          imports_dir: Path | None = None, add_data: tuple[Path, ...] = (), store_mode: str = "auto",
          no_nquads: bool = False, no_store_checks: bool = False, strict_duplicates: bool = False) -> None:
    """Validate the records, build the RDF dataset and print what it holds.

    Writes dataset.trig, dataset.nq, merged.ttl, shacl-report.txt, duplicates.txt, ontology.html
    and summary.json under --build, all or nothing: on any error nothing is written.
    Organisations whose names look alike are printed as possible duplicates (warnings; an error
    with --strict-duplicates). With
    --with-imports the graphs of the imported datasets (graph/dataset/eutf, graph/dataset/crs)
    are added to those files.
    A bulk folder (JSON Lines records, e.g. from `graphkit synth`) as --data, or --add-data,
    switches to the streaming build: dataset.nq and an on-disk store (store/), SHACL on a sample,
    the *-violation.rq checks on the whole dataset (docs/benchmarks.md).
    Exit codes: 0 built; 1 invalid records or SHACL violations; 2 usage (options that do not go
    together); 3 runtime error (also: no import to add). With --strict-duplicates, 1 also when
    there are possible duplicate organisations.

    Example: graphkit build --build build/graph
    """
    from graphkit.builder import build as run_build, is_streaming

    if no_nquads and store_mode != "disk":
        raise CommandRefused("build failed: --no-nquads needs --store disk (without dataset.nq the build must "
                             "keep its on-disk store)", EXIT_USAGE)
    imports: list[Path] = []
    if with_imports:
        from graphkit.imports import imported_graphs

        if add_data or is_streaming(data_dir):
            raise CommandRefused("build failed: --with-imports adds the imported graphs to the build of curated "
                                 "YAML records only, not to a streaming build", EXIT_USAGE)
        imports = imported_graphs(imports_dir or paths.imports_dir())
        if not imports:
            raise CommandRefused(f"no imported dataset in {imports_dir or paths.imports_dir()}: run `graphkit import "
                                 "eutf PATH` or `graphkit import crs PATH` first", EXIT_RUNTIME)
    progress = (lambda m: None) if quiet else (lambda m: click.echo(f"… {m}", err=True))
    summary = run_build(data_dir, build_dir, ontology_dir=ontology_dir, docs=not no_docs, progress=progress,
                        add_data=add_data, store=store_mode, **({"imports": imports} if imports else {}),
                        **({"nquads": False} if no_nquads else {}),
                        **({"store_checks": False} if no_store_checks else {}),
                        **({"strict_duplicates": True} if strict_duplicates else {}))
    if not quiet:
        for line in summary.lines():
            click.echo(line)


@main.command()
@_paths
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="Print SHACL warnings too.")
@click.option("--strict-duplicates", is_flag=True,
              help="Exit 1 when organisations of the registry look like duplicates (warnings otherwise).")
def validate(data_dir: Path, ontology_dir: Path, warnings: bool, strict_duplicates: bool = False) -> None:
    """Validate the records and the SHACL shapes without writing anything.

    Prints each violation, each warning (unless --no-warnings), each possible duplicate
    organisation (`duplicate  FILE: organisation ID: "NAME" ~ OTHER "NAME" (SCORE METHOD)`), each
    participation whose quote states no word of its role (`no-role    FILE: project ID:
    participants[N].quote: ORG as ROLE: ...`) and a last line `conforms: yes|no (N violations, M warnings)`.
    Exit codes: 0 conforms (warnings and duplicates allowed); 1 does not conform, or duplicates
    with --strict-duplicates; 2 usage; 3 runtime error.

    Example: graphkit validate --no-warnings
    """
    from graphkit.builder import validate as run_validate

    result = run_validate(data_dir, ontology_dir)
    for line in result.lines(warnings=warnings):
        click.echo(line)
    ok = result.conforms and not (strict_duplicates and result.duplicates)
    sys.exit(EXIT_OK if ok else EXIT_NONCONFORMING)


@main.command("queries")
@format_option
@click.option("--markdown", is_flag=True, help="Print the documentation of every query (docs/queries.md) instead.")
def queries_cmd(fmt: str, markdown: bool) -> None:
    """List the named queries with their summaries and parameters.

    Example: graphkit queries --format csv
    """
    from graphkit.queries import list_queries, queries_markdown

    if markdown:
        click.echo(queries_markdown(), nl=False)
        return

    rows = [
        {"name": q.name, "summary": q.summary,
         "params": ", ".join(f"{p.name} ({p.type})" for p in q.params)}
        for q in list_queries()
    ]
    print_rows(["name", "summary", "params"], rows, fmt)


@main.command()
@click.argument("query", required=False)
@click.option("-p", "--param", "params", type=(str, str), multiple=True, metavar="NAME VALUE",
              help="A query parameter, bound as an RDF term (IRI or CURIE, string, organisation name, date, integer).")
@format_option
@build_option
@click.option("--endpoint", metavar="URL", default=None,
              help="Run on a SPARQL 1.1 server instead of the build (credentials from GRAPHKIT_SPARQL_USER "
                   "and GRAPHKIT_SPARQL_PASSWORD).")
@click.option("--default-graph", type=click.Choice(["named-graphs", "server"]), default="named-graphs",
              show_default=True,
              help="With --endpoint: read the union of the named graphs by naming them all in the request, "
                   "or rely on the server's default graph being their union (oxigraph --union-default-graph).")
@click.option("--source", "sources", multiple=True, metavar="SOURCE",
              help="Read only these sources of the build: seeds (the curated pages), eutf, crs (repeatable; "
                   "default: all).")
def query(query: str | None, params: tuple[tuple[str, str], ...], fmt: str, build_dir: Path, endpoint: str | None,
          default_graph: str, sources: tuple[str, ...] = ()) -> None:
    """Run a named query, a .rq file, or a query read from standard input ('-').

    SELECT prints rows; ASK prints true or false; CONSTRUCT and DESCRIBE print the triples (Turtle
    by default, JSON-LD with --format json, one triple per row with csv or tsv). Runs on the built graph, or with --endpoint on a remote SPARQL server (an incomplete answer
    from the server is an error, never printed as if complete).
    Exit codes: 0 rows printed; 1 query error or incomplete answer; 2 usage (also: a --source the
    build does not hold); 3 no build or the server cannot be reached.

    Example: graphkit query organisation-projects -p name "Iscos" --build build/graph
    """
    from graphkit.queries import load_query, parse_header, plain_rows, run_query
    from graphkit.results import select_json

    if query is None or query == "-":
        text = sys.stdin.read()
        if not text.strip():
            raise CommandRefused("no query given: name a query, a .rq file, or pipe one on standard input")
        nq = parse_header(text, "stdin")
    else:
        nq = load_query(query)
    store = _open(build_dir, endpoint, default_graph, sources)
    result = run_query(store, nq, dict(params))
    if isinstance(result, bool):
        _print_boolean(result, fmt)
    elif isinstance(result, list):
        _print_triples(result, fmt)
    else:
        raw = select_json(result.variables, result.rows) if fmt == "json" else None
        print_rows(result.variables, plain_rows(result), fmt, raw=raw)


def _print_boolean(value: bool, fmt: str) -> None:
    """An ASK answer: the word (table, csv, tsv) or the SPARQL JSON results (json)."""
    from graphkit.results import negotiate, write_boolean

    if fmt == "json":
        click.echo(write_boolean(value, negotiate("results", None, "json")).body.decode("utf-8"))
    else:
        click.echo("true" if value else "false")


def _print_triples(triples: list, fmt: str) -> None:
    """A CONSTRUCT or DESCRIBE answer: Turtle with the project's prefixes (table), JSON-LD (json), or
    one triple per row with CURIEs (csv, tsv)."""
    from graphkit.queries import shorten
    from graphkit.results import negotiate, write_triples

    if fmt in ("table", "json"):
        written = write_triples(triples, negotiate("rdf", None, "turtle" if fmt == "table" else "jsonld"))
        click.echo(written.body.decode("utf-8"), nl=not written.body.endswith(b"\n"))
        return
    columns = ["subject", "predicate", "object"]
    rows = [dict(zip(columns, (shorten(t.subject), shorten(t.predicate), shorten(t.object)))) for t in triples]
    print_rows(columns, sorted(rows, key=lambda r: tuple(map(str, r.values()))), fmt)


def _open(build_dir: Path, endpoint: str | None, default_graph: str, sources: tuple[str, ...] = ()):
    """The store every command reads: the build (or some of its sources), or a SPARQL server."""
    from graphkit.store import open_store

    options = {"default_graph": default_graph} if endpoint else {}
    return open_store(endpoint, out_dir=build_dir, sources=sources, **options)


def _need_build(build_dir: Path, name: str) -> Path:
    """``build_dir/name``, or a refusal (exit code 3) saying to run the build first."""
    path = build_dir / name
    if not path.exists():
        raise CommandRefused(f"{path} does not exist: run `graphkit build` first", EXIT_RUNTIME)
    return path


@main.command()
@build_option
def stats(build_dir: Path) -> None:
    """Print what the last build holds (from its summary.json).

    Exit codes: 0 printed; 3 no build.

    Example: graphkit stats --build build/graph
    """
    from graphkit.builder import SUMMARY, load_summary

    if not (build_dir / SUMMARY).exists():
        raise CommandRefused(f"no build in {build_dir}: run `graphkit build` first", EXIT_RUNTIME)
    for line in load_summary(build_dir).lines():
        click.echo(line)


@main.command()
@build_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep the default: the endpoint has no authentication).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run before it is stopped (HTTP 503).")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Rows (or triples) per answer at most: a longer answer is refused (400), unless the client "
                   "sends partial=true to get the first rows, marked X-Graphkit-Truncated: true.")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Light queries run at once, each in its own process with the graph in memory "
                   "[default: one per core, at most 8].")
@click.option("--heavy", default=None, type=click.IntRange(0, 64),
              help="Heavy queries (those that outrun --light-budget) run at once, at a low CPU priority (nice 10); "
                   "0: none is moved, every query stays in the light lane [default: half the cores, at least 1, at most 4].")
@click.option("--light-budget", default=1.0, show_default=True, type=click.FloatRange(min=0.01),
              help="Seconds a query may run among the light ones before it is moved to the heavy lane.")
@click.option("--memory-limit", "memory_limit_mb", default=None, type=click.IntRange(min=0),
              help="MiB of memory a query may take in its worker; past it the query is stopped (HTTP 503); 0: no "
                   "limit [default: half the machine's memory shared among the workers, at most 4096].")
@click.option("--client-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a client may take to send a request's head, and again its body, before it is "
                   "disconnected (idle connections are closed after 5 s).")
@click.option("--maps", "maps_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of network maps served at /maps/ [default: maps/ next to the --build folder].")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="An origin whose pages may read answers (repeatable; never with credentials).")
def serve(build_dir: Path, host: str, port: int, timeout: float, max_rows: int, workers: int | None,
          heavy: int | None, light_budget: float, memory_limit_mb: int | None, client_timeout: float,
          maps_dir: Path | None, cors_origins: tuple[str, ...]) -> None:
    """Serve the built graph as a read-only SPARQL 1.1 endpoint with a query page.

    The endpoint is /sparql (GET and POST; JSON, XML, CSV, TSV results; Turtle, N-Triples,
    JSON-LD, RDF/XML graphs); the page at / runs the named queries and opens the network maps.
    Updates and requests from other sites' pages are refused; light queries are answered while
    heavy ones run. Stop with Ctrl+C.
    Exit codes: 0 stopped; 2 usage; 3 no build or the port is taken.

    Example: graphkit serve --build build/graph --port 8000 --timeout 10 --max-rows 5000
    """
    import socket

    from graphkit.builder import DATASET_NQUADS
    from graphkit.serve.endpoint import serve as run_server

    nq = _need_build(build_dir, DATASET_NQUADS)
    try:
        with socket.create_server((host, port)) as s:
            port = port or s.getsockname()[1]
    except OSError as exc:
        raise CommandRefused(f"cannot listen on {host}:{port}: {exc.strerror or exc}", EXIT_RUNTIME) from None
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"

    def ready(pool) -> None:
        click.echo(f"serving {nq} ({pool.info.triples} triples; {pool.size} light and {pool.heavy} heavy "
                   f"worker(s), {pool.memory_limit_mb or 'no limit of'} MiB per query) at {base}/", err=True)
        click.echo(f"SPARQL endpoint {base}/sparql; timeout {timeout:g} s; at most {max_rows} rows; Ctrl+C to stop",
                   err=True)
        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(f"warning: listening on {host}: other machines can query this endpoint", err=True)

    run_server(nq, host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers, heavy=heavy,
               light_budget=light_budget, memory_limit_mb=memory_limit_mb, client_timeout=client_timeout,
               maps_dir=maps_dir or build_dir.parent / "maps", cors_origins=list(cors_origins), ready=ready)


@main.command()
@build_option
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's SPARQL query endpoint (used to check what it holds afterwards).")
@click.option("--graph-store", metavar="URL", default=None,
              help="Its Graph Store Protocol URL: each named graph is PUT (replaced), then POSTed in batches.")
@click.option("--update-endpoint", metavar="URL", default=None,
              help="Its SPARQL Update URL when there is no --graph-store [default: --endpoint].")
@click.option("--batch-size", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Triples per request (blank-node structures are never split).")
@click.option("--prune", is_flag=True,
              help="Also drop the server's graphs under https://w3id.org/graphkit/graph/ that the build no longer has.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary.")
def push(build_dir: Path, endpoint: str, graph_store: str | None, update_endpoint: str | None, batch_size: int,
         prune: bool, quiet: bool) -> None:
    """Load the built dataset into a SPARQL server, named graphs kept, replacing each graph.

    Idempotent: pushing twice leaves the same triples (each graph is replaced, not appended to).
    Credentials come from GRAPHKIT_SPARQL_USER and GRAPHKIT_SPARQL_PASSWORD.
    Exit codes: 0 pushed and checked; 1 the server does not hold what was sent; 2 usage;
    3 no build, or a request failed.

    Example: graphkit push --build build/graph --endpoint http://127.0.0.1:7878/query --graph-store http://127.0.0.1:7878/store
    """
    from graphkit.builder import DATASET_NQUADS
    from graphkit.store.remote import push as run_push

    nq = _need_build(build_dir, DATASET_NQUADS)

    def progress(done: int, total: int, message: str) -> None:
        if not quiet:
            click.echo(f"… {done}/{total} triples  {message}", err=True)

    report = run_push(nq, endpoint, graph_store=graph_store, update_endpoint=update_endpoint,
                      batch_size=batch_size, prune=prune, progress=progress)
    click.echo(f"pushed {report.triples} triples in {len(report.graphs)} graphs with {report.requests} requests "
               f"({report.method}); the server holds them all")
    for g in report.pruned:
        click.echo(f"dropped {g} (no longer in the build)")


# ------------------------------------------------------------------ networks, maps, exports

_METRIC_CHOICES = ["degree", "weighted-degree", "betweenness", "brokerage", "bridged-pairs", "community", "component"]
_SIZE_CHOICES = ["degree", "weighted-degree", "betweenness", "brokerage", "bridged-pairs"]


def _network_options(f):
    """The options shared by `network`, `map` and `export`: projection, filters, source, seed."""
    options = [
        click.option("--projection", type=click.Choice(["org", "bipartite", "place", "membership"]), default="org",
                     show_default=True,
                     help="org: organisations linked by shared projects; bipartite: organisations and projects; "
                          "place: places linked by projects; membership: members and their networks."),
        click.option("--fund", metavar="SCHEME", default=None,
                     help="Keep projects funded under this fund or scheme or any scheme below it "
                          "(id, acronym, code or alias: FAMI, fami-os2-on3, ON3)."),
        click.option("--year", type=int, default=None, help="Keep projects active at some time in this year."),
        click.option("--from", "start", metavar="DATE", default=None,
                     help="Keep projects active on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--to", "end", metavar="DATE", default=None,
                     help="Keep projects active on or before this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--roles", metavar="ROLE,...", default=None,
                     help="Keep participations in these roles only, e.g. lead,partner or lead,partner,adherent."),
        click.option("--place", metavar="PLACE", default=None,
                     help="Keep projects that took place there or within it (country:MAR, nuts:ITC1, Piemonte)."),
        click.option("--level", type=click.Choice(["place", "country"]), default="place", show_default=True,
                     help="Place projection: places as the sources state them, or lifted to countries."),
        click.option("--origins", is_flag=True,
                     help="Place projection: also link the countries of origin the projects target."),
        click.option("--seed", type=int, default=0, show_default=True,
                     help="Seed of the community detection and the layout (same seed, same result)."),
        click.option("--endpoint", metavar="URL", default=None,
                     help="Read the graph from a SPARQL 1.1 server instead of the build."),
        click.option("--default-graph", type=click.Choice(["named-graphs", "server"]), default="named-graphs",
                     show_default=True, help="With --endpoint: as for `graphkit query`."),
        click.option("--source", "sources", multiple=True, metavar="SOURCE",
                     help="Keep only the graphs of this source (seeds, eutf, crs; repeatable) of a build made "
                          "with --with-imports."),
    ]
    for option in reversed(options):
        f = option(f)
    return build_option(f, legacy_out=False)


def _projection(projection: str, fund, year, start, end, roles, place, level, origins, build_dir: Path,
                endpoint, default_graph, sources=(), detail: str = "full"):
    """Open the store, resolve the filters and build the projection (errors carry their exit codes)."""
    from graphkit.network import project, resolve_filters

    store = _open(build_dir, endpoint, default_graph, sources)
    filters = resolve_filters(store, fund=fund, year=year, start=start, end=end, roles=roles, place=place)
    options = {"level": level, "origins": origins} if projection == "place" else {}
    if projection == "org" and detail != "full":
        options["detail"] = detail
    click.echo(f"… projecting the {projection} network ({filters.describe()})", err=True)
    return project(store, projection, filters, **options)


@main.command()
@_network_options
@click.option("--metric", "metrics", type=click.Choice(_METRIC_CHOICES), multiple=True,
              help="A metric to print (repeatable) [default: all]; rows are sorted by the first.")
@click.option("--group", type=click.Choice(["country", "region"]), default="country", show_default=True,
              help="What brokerage counts as separate: countries, or regions (NUTS 2 of the base, else country).")
@click.option("--edges", "show_edges", is_flag=True, help="Print the links (with projects and roles) instead of the nodes.")
@click.option("--per-year", is_flag=True,
              help="org projection: recompute the metrics on the network of each year (projects active in "
                   "it), one row per year and organisation; --year/--from/--to give the years [default: "
                   "from the first project to the last].")
@click.option("--as-of", is_flag=True,
              help="With --per-year: the network as of each year (every project started by its end).")
@format_option
def network(projection, fund, year, start, end, roles, place, level, origins, seed, build_dir, endpoint,
            default_graph, sources, metrics, group, show_edges, per_year, as_of, fmt) -> None:
    """Print a partnership network's nodes with their metrics, or its links.

    Metrics: degree; weighted degree (shared projects summed); betweenness (shortest paths on
    1/shared projects); brokerage (pairs of partners in different countries that only this node
    joins) and bridged pairs (distinct country pairs among them); community (Louvain, --seed);
    component. Definitions: docs/networks.md.
    Exit codes: 0 printed; 1 the graph's answers are inconsistent; 2 usage (a filter names
    nothing); 3 no build or the server cannot be reached.

    With --per-year the metrics are recomputed on the network of each year (or, with --as-of, the
    network as of each year), from one projection: the same networks as --year of each year.

    Example: graphkit network --fund FAMI --roles lead,partner --metric betweenness --format table
    """
    from graphkit.metrics import edge_table, node_table

    if as_of and not per_year:
        raise click.UsageError("--as-of goes with --per-year")
    if per_year:
        _network_per_year(projection, fund, year, start, end, roles, place, level, origins, seed, build_dir,
                          endpoint, default_graph, sources, metrics, group, show_edges, as_of, fmt)
        return

    # the node metrics need only the weights (organisation_network(detail="weights"): 100,000
    # projects in seconds instead of minutes); the links keep their projects and roles
    g = _projection(projection, fund, year, start, end, roles, place, level, origins, build_dir, endpoint,
                    default_graph, sources, detail="full" if show_edges else "weights")
    if not show_edges:
        click.echo("… computing metrics", err=True)
    if show_edges:
        rows = edge_table(g)
        cols = ["source", "target", "source_label", "target_label", "weight", "projects", "roles"]
    else:
        rows = node_table(g, list(metrics) or None, seed=seed, group=group, digits=6)
        cols = list(rows[0]) if rows else ["node", "label"]
    click.echo(f"# {g.graph.get('projection')} projection: {g.number_of_nodes()} nodes, {g.number_of_edges()} links; "
               f"{g.graph.get('filters_text')}", err=True)
    print_rows(cols, rows, fmt)


def _network_per_year(projection, fund, year, start, end, roles, place, level, origins, seed, build_dir, endpoint,
                      default_graph, sources, metrics, group, show_edges, as_of, fmt) -> None:
    """``graphkit network --per-year``: the node metrics of each year's network, one projection."""
    from graphkit.network import metrics_by_period, parse_date, year_range

    if projection != "org" or show_edges:
        raise click.UsageError("--per-year works on the org projection's nodes (not with --edges)")
    g = _projection(projection, fund, None, None, None, roles, place, level, origins, build_dir, endpoint,
                    default_graph, sources)
    span = year_range(g)
    if year is not None:
        years = [year]
    elif (start or end) and span:
        first = parse_date(start).year if start else span[0]
        last = parse_date(end, end=True).year if end else span[-1]
        years = list(range(first, last + 1))
    else:
        years = span
    click.echo(f"… computing metrics for {len(years)} year(s)", err=True)
    rows = metrics_by_period(g, list(metrics) or None, years, cumulative=as_of, seed=seed, group=group, digits=6)
    cols = list(rows[0]) if rows else ["year", "node", "label"]
    print_rows(cols, rows, fmt)


@main.command("map")
@_network_options
@click.option("--size-by", type=click.Choice(_SIZE_CHOICES), default="weighted-degree", show_default=True,
              help="The metric that sets node sizes.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The HTML file to write [default: build/maps/ and a name from the projection and filters].")
@click.option("--title", default=None, help="The page title [default: from the projection].")
@click.option("--physics", is_flag=True,
              help="Let the layout relax once in the browser, then stop (only up to 300 nodes; the default "
                   "layout is computed here and never moves).")
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also save a PNG of the map opened in headless Chromium.")
@click.option("--top", type=click.IntRange(min=0), default=0, show_default=True,
              help="Draw only the N nodes of highest weighted degree (0: all).")
@click.option("--backbone", type=click.IntRange(min=0), default=0, show_default=True,
              help="Draw only each node's K strongest links (0: all); with --top 5000 --backbone 3 a "
                   "network of 100,000 projects opens in about 4 s. WebGL default: 3 above 5,000 links.")
@click.option("--aggregate", type=click.Choice(["country", "community", "none"]), default="none", show_default=True,
              help="Open the page with one node per country or community, each expanding into its nodes "
                   "(the page can switch between them); none draws every node. vis pages only.")
@click.option("--renderer", type=click.Choice(["auto", "vis", "webgl"]), default="auto", show_default=True,
              help="vis (vis-network: every map feature, up to a few thousand links), webgl (organisation "
                   "network: every organisation and a backbone of links, 28,680 organisations open in about "
                   "3 s) or auto (webgl above 1,000 nodes or 5,000 links).")
def map_cmd(projection, fund, year, start, end, roles, place, level, origins, seed, build_dir, endpoint,
            default_graph, sources, size_by, out_path, title, physics, screenshot, top, backbone,
            aggregate="none", renderer="auto") -> None:
    """Write an interactive map of a network: one self-contained HTML page that works offline.

    Colour by organisation type (or community, country, a metric), shape by kind, size by a
    metric, line width by shared projects, dashes by role; search, filters (type, role, fund,
    country, year) and a timeline that recompute sizes and metrics, an ego view, tooltips and a
    side panel with projects, partners and the source evidence, PNG and SVG export; with
    --aggregate, one node per country or community, each expanding into its nodes. Also refreshes the folder's
    index.html. Exit codes: 0 written; 1 inconsistent answers; 2 usage; 3 no build, or the
    file or screenshot cannot be written.

    Example: graphkit map --fund FAMI --year 2017 --size-by betweenness --out build/maps/fami-2017.html
    """
    from graphkit.maps import default_name, reduce_network, write_map

    g = _projection(projection, fund, year, start, end, roles, place, level, origins, build_dir, endpoint,
                    default_graph, sources)
    path = out_path or paths.maps_dir() / default_name(projection, g.graph.get("filters", {}))
    if renderer == "webgl" and projection != "org":
        raise click.UsageError(f"--renderer webgl draws the organisation network (org), not {projection}")
    if renderer == "webgl" and aggregate != "none":
        raise click.UsageError("--aggregate is drawn by the vis renderer only (--renderer vis or auto)")
    if projection == "org" and renderer != "vis" and aggregate == "none":
        from graphkit.glmap import choose_renderer

        sized = reduce_network(g, top=top, items=10 ** 9) if top else g
        if choose_renderer(sized, renderer) == "webgl":
            _write_webgl_map(sized, path, title, seed, backbone, screenshot)
            return
    if top or backbone:
        g = reduce_network(g, top=top, backbone=backbone)
        red = g.graph["reduced"]
        click.echo(f"reduced to {red['nodes']} of {red['of_nodes']} nodes and {red['edges']} of "
                   f"{red['of_edges']} links", err=True)
    if g.number_of_edges() > 20_000:
        click.echo(f"note: {g.number_of_edges()} links make a slow page (about 9 s to open 64,000 here); "
                   "filter (--roles lead,partner, --fund, --year), reduce (--top 5000 --backbone 3) "
                   "or export to Gephi (graphkit export)", err=True)
    click.echo("… laying out and writing the map", err=True)
    write_map(g, path, title=title, size_by=size_by, seed=seed, physics=physics, aggregate=aggregate)
    click.echo(f"wrote {path} ({g.number_of_nodes()} nodes, {g.number_of_edges()} links)")
    if screenshot:
        _screenshot(path, screenshot)


def _screenshot(page: Path, png: Path, ready: str = "typeof window.network === 'object'") -> None:
    """Open the map ``page`` in headless Chromium, wait until ``ready`` (a JavaScript condition; by
    default the vis-network page's) holds, and save what it shows as ``png``."""
    from graphkit.browser import Chromium

    with Chromium() as browser:
        browser.open(page, ready=ready)
        browser.screenshot(png)
    click.echo(f"wrote {png}")


def _write_webgl_map(g, path: Path, title: str | None, seed: int, backbone: int, screenshot: Path | None) -> None:
    """`graphkit map` with the WebGL page (graphkit.glmap): every node, a backbone of links."""
    from graphkit.glmap import AUTO_WEBGL_EDGES, DEFAULT_BACKBONE, write_glmap

    k = backbone or (DEFAULT_BACKBONE if g.number_of_edges() > AUTO_WEBGL_EDGES else 0)
    click.echo("… laying out and writing the WebGL map", err=True)
    write_glmap(g, path, title=title, backbone=k, seed=seed)
    click.echo(f"wrote {path} (WebGL: {g.number_of_nodes()} nodes, "
               + (f"each one's {k} strongest links" if k else "every link") + f" of {g.number_of_edges()})")
    if screenshot:
        _screenshot(path, screenshot, ready="!!window.graphkitGL")


@main.command("geomap")
@build_option
@click.option("--source", "sources", multiple=True, metavar="SOURCE",
              help="Only these sources of the build: seeds, eutf, crs (repeatable) [default: seeds].")
@click.option("--fund", default=None, help="Only projects funded under this scheme or below it (id, acronym, code).")
@click.option("--year", type=int, default=None, help="Only projects active in this year.")
@click.option("--from", "start", default=None, help="Only projects active on or after this date (2017, 2017-06, 2017-06-15).")
@click.option("--to", "end", default=None, help="Only projects active on or before this date.")
@click.option("--roles", default=None, help="Only participations in these roles (comma-separated: lead,partner).")
@click.option("--place", default=None, help="Only projects that take place there or within it (CURIE, name or code).")
@click.option("--map", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The HTML file to write [default: build/maps/geo-SOURCES.html]. (--out is the deprecated "
                   "name of --build, so the file is --map, as in `graphkit sources map`.)")
@click.option("--title", default=None, help="The page title.")
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also save a PNG of the map opened in headless Chromium.")
def geomap_cmd(build_dir, sources, fund, year, start, end, roles, place, out_path, title, screenshot) -> None:
    """Write the geographic view: organisations, projects and places on a base map that works offline.

    Places at their points (NUTS regions, countries, Italian municipalities, cities abroad; docs/
    networks.md says where each comes from), cities, regions and countries told apart by symbol,
    places of action filled, countries of origin ringed; organisations around their base (their
    country, marked approximate, when the base is not recorded); arcs from each base to its
    projects' places of action. Search, the network maps' filters and timeline, pan and zoom, a
    side panel. Exit codes: 0 written; 2 usage (a filter or source that names nothing); 3 no build,
    or the file or screenshot cannot be written.

    Example: graphkit geomap --source seeds --map build/maps/geo-seeds.html
    """
    from graphkit.geomap import write_geo_map
    from graphkit.network import resolve_filters
    from graphkit.network.geo import geo_network

    chosen = tuple(sources) or ("seeds",)
    store = _open(build_dir, None, "named-graphs", chosen)
    filters = resolve_filters(store, fund=fund, year=year, start=start, end=end, roles=roles, place=place)
    g = geo_network(store, filters)
    g.graph["filters_text"] = f"{filters.describe()}; sources: {', '.join(chosen)}"
    path = out_path or paths.maps_dir() / f"geo-{'-'.join(chosen)}.html"
    write_geo_map(g, path, title=title or ("The curated projects on the map" if chosen == ("seeds",)
                                            else f"Projects on the map ({', '.join(chosen)})"))
    n_projects = sum(1 for _, d in g.nodes(data=True) if d.get("kind") == "project")
    counts = {"organisation": g.number_of_nodes() - n_projects, "project": n_projects,
              "place": len(g.graph.get("places", {}))}
    click.echo(f"wrote {path} (" + ", ".join(f"{n} {k}{'' if n == 1 else 's'}" for k, n in counts.items()) + ")")
    if screenshot:
        _screenshot(path, screenshot, ready="document.body.dataset.ready === '1'")


@main.command("export")
@_network_options
@click.option("--format", "fmt", type=click.Choice(["gexf", "graphml", "csv"]), default="gexf", show_default=True,
              help="gexf (Gephi: colours, sizes, positions, time intervals), graphml, or csv (nodes and edges files).")
@click.option("--size-by", type=click.Choice(_SIZE_CHOICES), default="weighted-degree", show_default=True,
              help="The metric that sets node sizes (GEXF viz:size).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The file to write; csv writes NAME-nodes.csv and NAME-edges.csv "
                   "[default: build/exports/ and a name from the projection and filters].")
@click.option("--detail", type=click.Choice(["full", "weights"]), default="full", show_default=True,
              help="org projection: full (links with their projects, roles and dates) or weights (links "
                   "with their weight only; nodes without evidence: for very large networks).")
def export_cmd(projection, fund, year, start, end, roles, place, level, origins, seed, build_dir, endpoint,
               default_graph, sources, fmt, size_by, out_path, detail) -> None:
    """Export a network as GEXF, GraphML or CSV, with its attributes and metrics.

    Exit codes: 0 written; 1 inconsistent answers; 2 usage; 3 no build or the file cannot be written.

    Example: graphkit export --format gexf --fund FAMI --out build/exports/fami.gexf
    """
    from graphkit.export import export
    from graphkit.maps import default_name

    g = _projection(projection, fund, year, start, end, roles, place, level, origins, build_dir, endpoint,
                    default_graph, sources, detail)
    path = out_path or paths.exports_dir() / default_name(projection, g.graph.get("filters", {})).replace(
        ".html", f".{fmt}")
    for p in export(g, fmt, path, seed=seed, size_by=size_by):
        click.echo(f"wrote {p}")



# ------------------------------------------------------------------ external datasets (imports, sources)

@main.group("import")
def import_group() -> None:
    """Import an external dataset into its own named graph, organisations resolved.

    Each import writes build/imports/DATASET/ (graph.nq, report.json, report.txt,
    resolution.csv) and adds the candidate matches below the threshold to the review file
    (data/resolution/review.csv); `graphkit build --with-imports` adds the graphs to the build.

    Example: graphkit import crs data/external/crs/project_CRS_6_2014.csv
    """


def _import_options(f):
    options = [
        click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=_default_data,
                     show_default=DATA_DEFAULT, help="Folder of curated records (seed registry, reference tables)."),
        click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Folder the import is written to [default: build/imports/DATASET]."),
        click.option("--review", "review", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Review file of candidate matches [default: data/resolution/review.csv]."),
        click.option("--no-review-update", is_flag=True,
                     help="Read the review file's decisions but do not add new candidates to it."),
        click.option("--encoding", default="utf-8", show_default=True,
                     help="Text encoding of the CSV file (e.g. latin-1)."),
        click.option("--delimiter", default=None, metavar="CHAR",
                     help="Field delimiter [default: detected from the header among , ; tab |]."),
        click.option("--fail-on-skip", is_flag=True, help="Exit 1 when any row was skipped."),
        click.option("--quiet", "-q", is_flag=True, help="Print only the totals line and errors."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _run_import(dataset: str, path: Path | None, data_dir: Path, out_dir: Path | None, review: Path | None,
                no_review_update: bool, encoding: str, delimiter: str | None, fail_on_skip: bool, quiet: bool,
                **options) -> None:
    """Run one import; its errors (DatasetError, ReviewError: exit 1) reach the group's handler."""
    import codecs

    from graphkit.imports import import_dataset

    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise CommandRefused(f"--delimiter must be one character, got {delimiter!r}")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise CommandRefused(f"import failed: unknown encoding: {encoding}") from None
    progress = (lambda m: None) if quiet else (lambda m: click.echo(f"… {m}", err=True))
    report = import_dataset(dataset, path, data_dir=data_dir, out_dir=out_dir, review=review,
                            encoding=encoding, delimiter=delimiter, update_review=not no_review_update,
                            progress=progress, **options)
    if not quiet:
        for line in report.lines()[:-1]:
            click.echo(line)
    click.echo(report.totals_line())
    if fail_on_skip and report.rows_skipped:
        sys.exit(EXIT_NONCONFORMING)


@import_group.command("eutf")
@_import_options
def import_eutf(**kwargs) -> None:
    """Import the EU Emergency Trust Fund for Africa projects (EUTF_projects_akvo.csv).

    PATH defaults to data/external/eutf/EUTF_projects_akvo.csv; the organisation list
    EUTF_akvo_orgs.csv is read from the same folder (else from data/external/eutf/) to split the
    organisation cells. Prints the report and a final totals line (rows read, imported, skipped
    with their reasons).
    Exit codes: 0 imported (skipped rows are counted and reported); 1 the file cannot be imported
    as the dataset (missing columns, no such file), or rows were skipped with --fail-on-skip;
    2 usage; 3 runtime error.

    Example: graphkit import eutf data/external/eutf/EUTF_projects_akvo.csv
    """
    _run_import("eutf", **kwargs)


@import_group.command("crs")
@_import_options
@click.option("--institutions", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The same activities in the DGCS layout, for the reporting institution of each "
                   "[default: resources_crs_20150724_Italy_CRS_bilaterale.csv next to PATH or in data/external/crs/].")
@click.option("--no-institutions", is_flag=True, help="Take the extending organisation from the agency name only.")
def import_crs(institutions: Path | None, no_institutions: bool, **kwargs) -> None:
    """Import the OECD CRS records of Italian bilateral aid in 2014 (project_CRS_6_2014.csv).

    PATH defaults to data/external/crs/project_CRS_6_2014.csv; the DAC sector and recipient code
    lists are read from the same folder (else from data/external/crs/). Prints the report and a
    final totals line (rows read, imported, skipped with their reasons).
    Exit codes: 0 imported (skipped rows are counted and reported); 1 the file cannot be imported
    as the dataset (missing columns, no such file), or rows were skipped with --fail-on-skip;
    2 usage; 3 runtime error.

    Example: graphkit import crs data/external/crs/project_CRS_6_2014.csv
    """
    inst = False if no_institutions else (institutions if institutions is not None else True)
    _run_import("crs", institutions=inst, **kwargs)


@import_group.command("evaluate")
@click.argument("sample", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=_default_data,
              show_default=DATA_DEFAULT, help="Folder of curated records and external datasets.")
@click.option("--review", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Review file whose decisions apply [default: data/resolution/review.csv].")
@click.option("--no-review", is_flag=True, help="Measure the automatic resolution, without the review decisions.")
def import_evaluate(sample: Path | None, data_dir: Path, review: Path | None, no_review: bool) -> None:
    """Measure entity resolution on a hand-checked sample: precision and recall, and every error.

    SAMPLE defaults to the sample shipped with graphkit (dataset, column, cell, expected names).
    Exit codes: 0 measured; 2 usage; 3 runtime error.

    Example: graphkit import evaluate --no-review
    """
    import tempfile

    from graphkit.imports import DATASETS, default_path, evaluate_sample, resolve_datasets

    sample = sample or paths.resolution_sample()
    if not sample.exists():
        raise CommandRefused(f"{sample} does not exist", EXIT_RUNTIME)
    files = {d: default_path(d, data_dir) for d in DATASETS if default_path(d, data_dir).is_file()}
    with tempfile.TemporaryDirectory() as tmp:
        rev = Path(tmp) / "none.csv" if no_review else review
        prepared = resolve_datasets(files, data_dir=data_dir, review=rev)
    for line in evaluate_sample(sample, prepared.resolution, data_dir).lines():
        click.echo(line)


@main.group("sources")
def sources_group() -> None:
    """The sources of the build: the curated pages (seeds) and the imported datasets.

    Example: graphkit sources list
    """


@sources_group.command("list")
@build_option
@format_option
def sources_list(build_dir: Path, fmt: str) -> None:
    """List the sources the build holds, with their named graphs' quads.

    Exit codes: 0 listed; 3 no build.

    Example: graphkit sources list --build build/graph --format csv
    """
    from graphkit.store.sources import sources_in

    rows = [{"source": s, "quads": n} for s, n in sources_in(_open(build_dir, None, "named-graphs")).items()]
    print_rows(["source", "quads"], rows, fmt)


@sources_group.command("map")
@build_option
@click.option("--source", "sources", multiple=True, metavar="SOURCE",
              help="Only these sources: seeds, eutf, crs (repeatable; default: all in the build).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The .html file to write [default: maps/italian-ngos-across-sources.html next to the --build "
                   "folder]. (--out is the deprecated name of --build here, so the file is --map.)")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the layout (same seed, same map).")
@click.option("--aggregate", type=click.Choice(["country", "community", "none"]), default="country", show_default=True,
              help="Open the page with one node per country or community, each expanding into its organisations; "
                   "none draws every organisation.")
@click.option("--geo", is_flag=True,
              help="Write the geographic view instead: the Italian NGOs and the countries their projects "
                   "work in, on a base map (default sources: eutf, crs; default file: "
                   "maps/geo-italian-ngos.html next to the --build folder).")
@click.option("--region", default="Africa", show_default=True,
              type=click.Choice(["Africa", "Americas", "Asia", "Europe", "Oceania", "all"]),
              help="With --geo: only the projects' places in this UN M49 region.")
def sources_map(build_dir: Path, sources: tuple[str, ...], map_path: Path | None, seed: int,
                aggregate: str = "country", geo: bool = False, region: str = "Africa") -> None:
    """Write the map of the Italian NGOs' network across sources (one self-contained HTML page).

    Nodes are the Italian NGOs (type NGO or NGO network, country Italy) and the organisations they
    share projects with; each node lists the sources it appears in (a Source filter and colouring).
    The page opens with one node per country, each expanding into its organisations. With --geo,
    the geographic view of the Italian NGOs and the places of their projects (in --region).

    Exit codes: 0 written; 2 usage (a source the build does not hold); 3 no build.

    Example: graphkit sources map --build build/graph --source seeds --source crs
    """
    if geo:
        from graphkit.sources import write_ngo_geo_map

        path = map_path or build_dir.parent / "maps" / "geo-italian-ngos.html"
        written = write_ngo_geo_map(path, out_dir=build_dir, sources=list(sources) or ("eutf", "crs"),
                                    region=None if region == "all" else region)
        click.echo(f"written {written}")
        return
    from graphkit.sources import write_ngo_map

    path = map_path or build_dir.parent / "maps" / "italian-ngos-across-sources.html"
    written = write_ngo_map(path, out_dir=build_dir, sources=list(sources) or None, seed=seed, aggregate=aggregate)
    click.echo(f"written {written}")


class _DraftGroup(click.Group):
    """``graphkit draft PAGE``, or ``graphkit draft evaluate``: a first word that is no subcommand
    is the page."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["page", *args]
        return super().parse_args(ctx, args)


@main.group("draft", cls=_DraftGroup)
def draft_group() -> None:
    """Draft records from a web page: graphkit draft PAGE [--language it|fr|es|en] [--url URL] [--out FILE].

    Reads the page (plain text or HTML saved from a browser), tells its language when not given,
    and writes a YAML draft in the records format: a source, the project with its participants
    (registry match or new organisation, role, quote, confidence), funds, dates, budgets, and
    what it could not place. `graphkit draft accept DRAFT` adds a reviewed draft to the records;
    `graphkit draft evaluate` scores drafts against expected records.
    Exit codes: 0 written; 1 a page that cannot be drafted (empty, binary, no organisation);
    2 usage.

    Example: graphkit draft data/pages-dev/it-passerelles.txt --out build/drafts/it-passerelles.yaml
    """


@draft_group.command("page", hidden=True)
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(["it", "fr", "es", "en"]), default=None,
              help="The page's language [default: detected from its words].")
@click.option("--url", default=None, help="The page's address, for the source entry.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The YAML file to write [default: standard output].")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=_default_data,
              show_default=DATA_DEFAULT, help="Folder of curated records (the registry).")
def draft_page_cmd(page: Path, language: str | None, url: str | None, out_path: Path | None, data_dir: Path) -> None:
    """Draft records from one page."""
    from graphkit.draft import draft_page, render, write_draft

    draft = draft_page(page, language=language, url=url, data_dir=data_dir)
    if out_path is None:
        click.echo(render(draft), nl=False)
    else:
        click.echo(f"written {write_draft(draft, out_path)}")
    orgs = [p["org"] for project in draft["projects"] for p in project.get("participants") or []]
    if orgs and all(str(o).startswith("new:") for o in orgs):
        click.echo(f"note: none of the {len(set(orgs))} organisations of {page.name} is in the registry "
                   f"({data_dir / 'organisations.yaml'}): each is proposed as a new organisation; check each "
                   "against the registry before `graphkit draft accept`, which needs their type and country",
                   err=True)


@draft_group.command("accept")
@click.argument("draft_file", metavar="DRAFT", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--page", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The page the draft was made from [default: the draft's source.file, beside the draft].")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=_default_data,
              show_default=DATA_DEFAULT, help="Folder of curated records to add the draft to.")
def draft_accept(draft_file: Path, page: Path | None, data_dir: Path) -> None:
    """Add a reviewed draft to the records: the project files, the source and its text, the new
    organisations and places; checked with the whole records folder first, all or nothing.

    Review first: correct or delete each fact, give each new organisation its type and country
    (or set the participant's org to an existing registry id). The review-only keys (confidence,
    found_by, match, candidates, role_words) and `unplaced` are dropped.
    Exit codes: 0 written; 1 a draft or records problem (naming the field), nothing written.

    Example: graphkit draft accept build/drafts/it-passerelles.yaml --page data/pages-dev/it-passerelles.txt
    """
    from graphkit.draft.accept import accept_draft

    for line in accept_draft(draft_file, page=page, data_dir=data_dir).lines():
        click.echo(line)


@draft_group.command("evaluate")
@click.option("--pages", "pages_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of page texts [default: data/pages-dev of the records folder].")
@click.option("--expected", "expected_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of expected records [default: PAGES/expected].")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=_default_data,
              show_default=DATA_DEFAULT, help="Folder of curated records (the registry).")
@click.option("--set", "which", type=click.Choice(["all", "dev", "seeds"]), default="all", show_default=True,
              help="dev: the development pages; seeds: the seed pages against their curated records; all: both.")
def draft_evaluate(pages_dir: Path | None, expected_dir: Path | None, data_dir: Path, which: str) -> None:
    """Score drafts of the pages against hand-made expected records, per page and overall: the
    development pages, and the seed pages against their curated records.

    Example: graphkit draft evaluate --pages data/pages-dev --set dev
    """
    from graphkit.draft.evaluate import LEGEND, evaluate_pages, evaluate_seeds, table

    pages_dir = pages_dir or data_dir / "pages-dev"
    if which in ("all", "dev"):
        for line in table(evaluate_pages(pages_dir, expected_dir or pages_dir / "expected", data_dir),
                          "development pages (expected records)"):
            click.echo(line)
    if which in ("all", "seeds"):
        if which == "all":
            click.echo("")
        for line in table(evaluate_seeds(data_dir), "seed pages (curated records)"):
            click.echo(line)
    click.echo(LEGEND)


@main.command()
@click.option("--projects", "n_projects", type=click.IntRange(min=1), required=True, help="How many projects.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: the same seed and size give the same files.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write (replaced).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "yaml"]), default="jsonl", show_default=True,
              help="jsonl: the bulk format (one record per line); yaml: a folder like data/.")
def synth(n_projects: int, seed: int, out_dir: Path, fmt: str) -> None:
    """Write synthetic records of N projects with a realistic shape, for scale runs.

    3 to 40 participations per project (power law), organisations whose popularity follows a
    power law (a few hubs in many projects), funds with objectives and calls, real NUTS codes and
    countries, dates 2000-2030, aliases. Every id starts with syn-, so the records can be built
    beside the curated ones (`graphkit build --add-data DIR`) without changing their answers.
    Exit codes: 0 written; 2 usage; 3 the folder cannot be written.

    Example: graphkit synth --projects 10000 --seed 1 --out build/synth/10k && graphkit build --data build/synth/10k --build build/graph-10k
    """
    from graphkit.synth import synthesize

    for line in synthesize(n_projects, seed, out_dir=out_dir, fmt=fmt).lines():
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
