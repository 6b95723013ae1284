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
