"""Shared fixtures: one build of the real records per test session, and a store over it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from graphkit.builder import build
from graphkit.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"       # the curated records (the reference tables ship with the package)


@pytest.fixture(scope="session", autouse=True)
def in_repository():
    """Run every test in the repository's root, the working folder whose data/ and build/ the
    defaults name (graphkit.paths), wherever pytest was started."""
    before = Path.cwd()
    os.chdir(ROOT)
    yield
    os.chdir(before)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The real records built into a temporary folder (with the ontology docs)."""
    out = tmp_path_factory.mktemp("build") / "graph"
    build(DATA, out)
    return out


@pytest.fixture(scope="session")
def store(built) -> EmbeddedStore:
    return EmbeddedStore.from_build(built)


@pytest.fixture(scope="session")
def imported(tmp_path_factory) -> dict:
    """Both real datasets imported into a temporary folder, reading the shipped review file:
    ``{dataset: (import result, folder)}``."""
    from graphkit.imports import import_dataset

    out = tmp_path_factory.mktemp("imports")
    return {d: (import_dataset(d, out_dir=out / d, update_review=False), out / d) for d in ("eutf", "crs")}


@pytest.fixture(scope="session")
def combined_build(built, imported, tmp_path_factory) -> Path:
    """`graphkit build --with-imports`: the curated records and both imported datasets (one build
    for the import, cross-source map and geographic map tests)."""
    from click.testing import CliRunner

    from graphkit.cli import main

    out = tmp_path_factory.mktemp("combined") / "graph"
    imports = imported["crs"][1].parent
    result = CliRunner().invoke(main, ["build", "--with-imports", "--imports", str(imports), "--build", str(out),
                                       "--no-docs", "--quiet"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A private copy of the data folder that a test may break."""
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    return dst


# --- servers on loopback, started and stopped by the tests themselves ------------------------

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Wait until ``url`` answers (any status), failing early if ``proc`` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode} before answering")
        try:
            httpx.get(url, timeout=1.0, trust_env=False)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    """Stop a server this test session started (by its own handle, never by name)."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def start_oxigraph(*args: str) -> tuple[subprocess.Popen, str]:
    """``oxigraph serve ARGS`` (the server binary of the PyPI package ``oxigraph``) on a free port."""
    port = free_port()
    proc = subprocess.Popen([str(BIN / "oxigraph"), "serve", "--bind", f"127.0.0.1:{port}", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/query?query=ASK%7B%7D", proc)
    return proc, base


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = {max_seconds}
"""


def start_virtuoso(folder: Path, max_rows: int = 10_000, *, buffers: int = 20_000,
                   max_seconds: int = 60) -> tuple[subprocess.Popen, str]:
    """Virtuoso 7 (Debian's ``virtuoso-opensource``) with its database in ``folder``, on free loopback
    ports, with the settings of a fresh install (answers capped at ``max_rows`` rows, as Debian's
    ``ResultSetMaxRows``), and SPARQL Update and the Graph Store protocol (``/sparql-graph-crud``)
    opened to the anonymous SPARQL user, as a test needs. Returns the process and the base URL.
    ``buffers`` (8 KiB pages in memory) and ``max_seconds`` (a query's time limit) are larger for
    the benchmark (``bench/servers.py``).

    Raises:
        RuntimeError: virtuoso-t is not installed (``./setup.sh --tests`` installs it) or did not start.
    """
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not binary or not isql:
        raise RuntimeError("virtuoso-t and isql-vt are not installed: run ./setup.sh --tests "
                           "(apt-get install virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port, max_rows=max_rows,
                                   buffers=buffers, dirty_buffers=buffers * 3 // 4, max_seconds=max_seconds))
    log = open(folder / "stdout.log", "wb")
    proc = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for_http(f"{base}/sparql?query=ASK%7B%7D", proc, timeout=120)
        deadline = time.monotonic() + 60
        while True:  # the SQL port may open a moment after the HTTP one
            grant = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba",
                                    'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                                   capture_output=True, text=True, timeout=60)
            if grant.returncode == 0 and "Error" not in grant.stdout + grant.stderr:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"isql-vt could not grant SPARQL_UPDATE: {grant.stdout}{grant.stderr}")
            time.sleep(0.5)
    except BaseException:
        stop(proc)
        log.close()
        raise
    log.close()
    return proc, base


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A Virtuoso 7 server for the session, on loopback, with a temporary database; stopped after."""
    proc, base = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield base
    stop(proc)
