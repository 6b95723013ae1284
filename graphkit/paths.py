"""Where graphkit finds its files: the one place that knows.

Two kinds of folders:

- **Shipped with the package** (``graphkit/resources/``, installed with the wheel): the ontology
  (``mcn.ttl``, ``vocabularies/``, ``shapes/``, ``alignments.ttl``), the named SPARQL queries,
  the reference tables (NUTS, ISO countries, ISTAT municipalities, each with its
  ``SOURCE.txt``) and the hand-checked sample of entity resolution. They do not depend on the
  folder graphkit runs in; :data:`ONTOLOGY_DIR`, :data:`QUERY_DIR`, :data:`REFERENCE_DIR` and
  :data:`RESOLUTION_SAMPLE` name them.
- **The user's folders**, relative to the *working folder* (the current directory when the
  function is called, not when graphkit was imported): the records are ``data/`` (or
  ``--data``), the build goes to ``build/graph``, imports to ``build/imports``, maps to
  ``build/maps``, exports to ``build/exports`` and the notebooks' figures to
  ``build/notebooks``.

A records folder may carry its own ``reference/`` folder, which then replaces the shipped
reference tables (:func:`reference_dir_of`).

This module imports nothing from graphkit, so any module may use it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ONTOLOGY_DIR", "QUERY_DIR", "REFERENCE_DIR", "RESOLUTION_SAMPLE", "RESOURCES",
    "DATASET_TRIG", "DATASET_NQUADS", "MERGED_TURTLE", "SUMMARY", "SHACL_REPORT", "DUPLICATES_REPORT", "STORE_DIR",
    "NoRecordsFolder", "build_dir", "data_dir", "default_data_dir", "exports_dir", "imports_dir",
    "maps_dir", "notebooks_dir", "ontology_dir", "query_dir", "reference_dir", "reference_dir_of",
    "resolution_sample", "work_dir",
]

RESOURCES: Path = Path(__file__).resolve().parent / "resources"
"""The package's own data files (installed with it)."""

ONTOLOGY_DIR: Path = RESOURCES / "ontology"
"""The ontology: ``mcn.ttl``, ``alignments.ttl``, ``vocabularies/*.ttl``, ``shapes/*.ttl``."""

QUERY_DIR: Path = RESOURCES / "queries"
"""The named queries (``*.rq``), with ``network/`` and ``studies/`` beneath."""

REFERENCE_DIR: Path = RESOURCES / "reference"
"""The reference tables: ``nuts/``, ``country-codes/``, ``istat-comuni/`` (each with SOURCE.txt)."""

RESOLUTION_SAMPLE: Path = RESOURCES / "resolution-sample.csv"
"""The hand-checked sample of entity resolution (``graphkit import evaluate``)."""

DATA = "data"                       # the records folder, in the working folder

# What a build folder holds (``graphkit build``).
DATASET_TRIG = "dataset.trig"
DATASET_NQUADS = "dataset.nq"
MERGED_TURTLE = "merged.ttl"
SUMMARY = "summary.json"
SHACL_REPORT = "shacl-report.txt"
DUPLICATES_REPORT = "duplicates.txt"
STORE_DIR = "store"
BUILD = Path("build")               # the outputs, in the working folder


class NoRecordsFolder(FileNotFoundError):
    """No records folder was given and the working folder has no ``data/``."""


# --------------------------------------------------------------------------------- shipped files

def ontology_dir() -> Path:
    """The ontology folder shipped with the package (``graphkit/resources/ontology``)."""
    return ONTOLOGY_DIR


def query_dir() -> Path:
    """The named queries shipped with the package (``graphkit/resources/queries``)."""
    return QUERY_DIR


def reference_dir() -> Path:
    """The reference tables shipped with the package (``graphkit/resources/reference``)."""
    return REFERENCE_DIR


def resolution_sample() -> Path:
    """The hand-checked resolution sample shipped with the package (dataset, column, cell,
    expected names), which ``graphkit import evaluate`` reads by default."""
    return RESOLUTION_SAMPLE


def reference_dir_of(data: Path | str) -> Path:
    """The reference tables for the records folder ``data``: its own ``reference/`` folder when
    it has one, else the shipped tables."""
    own = Path(data) / "reference"
    return own.resolve() if own.is_dir() else REFERENCE_DIR


# --------------------------------------------------------------------------------- user folders

def work_dir(*, parents: bool = False) -> Path:
    """The working folder: the current directory.

    With ``parents``, the nearest of the current directory and its parents that has a
    ``data/`` folder (a notebook runs in ``notebooks/`` of a project), else the current
    directory.
    """
    here = Path.cwd()
    if parents:
        for folder in (here, *here.parents):
            if (folder / DATA).is_dir():
                return folder
    return here


def default_data_dir(*, parents: bool = False) -> Path:
    """``data/`` of the working folder, whether or not it exists (see :func:`data_dir`)."""
    return work_dir(parents=parents) / DATA


def data_dir(data: Path | str | None = None, *, parents: bool = False) -> Path:
    """The records folder: ``data`` when given, else ``data/`` of the working folder.

    Raises :class:`NoRecordsFolder` (a ``FileNotFoundError``) when ``data`` is not given and
    the working folder has no ``data/``; the message names ``--data``.
    """
    if data is not None:
        return Path(data)
    found = default_data_dir(parents=parents)
    if not found.is_dir():
        raise NoRecordsFolder(
            f"no records folder: {found} does not exist. Pass --data FOLDER (the folder of "
            "curated records), or run graphkit in a folder that has a data/ folder.")
    return found


def build_dir(*, parents: bool = False) -> Path:
    """The default build folder: ``build/graph`` of the working folder."""
    return work_dir(parents=parents) / BUILD / "graph"


def imports_dir() -> Path:
    """The default folder of imported datasets: ``build/imports`` of the working folder."""
    return work_dir() / BUILD / "imports"


def maps_dir() -> Path:
    """The default folder of maps: ``build/maps`` of the working folder."""
    return work_dir() / BUILD / "maps"


def exports_dir() -> Path:
    """The default folder of network exports: ``build/exports`` of the working folder."""
    return work_dir() / BUILD / "exports"


def notebooks_dir(*, parents: bool = False) -> Path:
    """The default folder of the notebooks' figures and maps: ``build/notebooks`` of the
    working folder."""
    return work_dir(parents=parents) / BUILD / "notebooks"
