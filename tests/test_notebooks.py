"""The notebooks in notebooks/: each runs from a clean kernel on a fresh build, shows a chart and
an interactive map, and is committed without outputs (so that a review reads its source)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from graphkit import studies

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 120   # seconds per cell; a whole notebook takes a few seconds here


@pytest.fixture(scope="session")
def kernels(tmp_path_factory) -> Path:
    """A Jupyter path whose ``python3`` kernel is this interpreter (the venv's), found before any
    kernel registered elsewhere on the machine."""
    path = tmp_path_factory.mktemp("jupyter")
    spec = path / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (graphkit tests)", "language": "python"}), encoding="utf-8")
    return path


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; clear them before committing"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "BUILD = " in first.source and "OUT = " in first.source, \
        f"{path.name}: the first code cell holds the parameters"
    assert not any("sys.path" in c.source for c in nb.cells), f"{path.name}: import the installed package"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_from_a_clean_kernel(path, built, kernels, tmp_path, monkeypatch):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    monkeypatch.setenv("JUPYTER_PATH", str(kernels))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv(studies.BUILD_ENV, str(built))
    monkeypatch.setenv(studies.DATA_ENV, str(ROOT / "data"))   # the kernel runs in tmp_path
    monkeypatch.setenv(studies.OUTPUT_ENV, str(tmp_path / "out"))
    work = tmp_path / path.name                       # run a copy: the committed file stays clean
    work.write_bytes(path.read_bytes())
    nb = nbformat.read(work, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, startup_timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{exc}", pytrace=False)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{path.name} shows no chart"
    maps = [o["data"]["text/html"] for o in outputs if "<iframe srcdoc=" in o.get("data", {}).get("text/html", "")]
    assert maps and all("vis-network" in m for m in maps), f"{path.name} shows no interactive map"
    assert not any("https://" in m.split("srcdoc=", 1)[0] for m in maps)
    written = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert ".html" in written and ".png" in written, f"{path.name} wrote {written} under the output folder"
