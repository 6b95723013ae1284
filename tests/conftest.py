"""Shared fixtures: one build of the real records per test session, and a store over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graphkit.build import DEFAULT_DATA, build
from graphkit.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The real records built into a temporary folder (with the ontology docs)."""
    out = tmp_path_factory.mktemp("build") / "graph"
    build(DEFAULT_DATA, out)
    return out


@pytest.fixture(scope="session")
def store(built) -> EmbeddedStore:
    return EmbeddedStore.from_build(built)


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A private copy of the data folder that a test may break (reference tables linked, not copied)."""
    dst = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, dst, ignore=shutil.ignore_patterns("reference"))
    (dst / "reference").symlink_to(DEFAULT_DATA / "reference")
    return dst
