"""Importers of external datasets: each maps a real dataset of the field onto the ontology, in its
own named graph with its provenance, with its organisations resolved against the seed registry
and across datasets.

- ``eutf``: the EU Emergency Trust Fund for Africa projects (:mod:`graphkit.imports.eutf`)
- ``crs``: the OECD CRS records of Italian bilateral aid in 2014 (:mod:`graphkit.imports.crs`)

An import writes ``build/imports/{dataset}/``: ``graph.nq`` (the named graph
``https://w3id.org/graphkit/graph/dataset/{dataset}``), ``report.json`` and ``report.txt``
(rows read, imported and skipped with their reasons), ``resolution.csv`` (every organisation
name of the dataset and what it was resolved to). It updates the review file
``data/resolution/review.csv`` with the candidate matches below the threshold, keeping every
decision already written there. ``graphkit build --with-imports`` adds the imported graphs to
the build (docs/decisions/0006-external-datasets.md).

Example (offline, on the copies under data/external/)::

    from graphkit.imports import import_dataset
    report = import_dataset("crs")
    print(report.totals_line())   # crs: rows read 3633, imported 3633, skipped 0
"""

from __future__ import annotations

import csv
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable


from graphkit import paths as where   # the name ``paths`` is a dict of dataset files below
from graphkit.imports import crs, eutf
from graphkit.folders import swap_into_place, temporary_beside
from graphkit.imports.base import DatasetError, ImportReport, sha256
from graphkit.resolve.places import DEMONYMS, EXTRA_PLACES  # noqa: F401 - re-exported
from graphkit.resolve.places import place_words as resolve_place_words, registry_analyser
from graphkit.rdf.datasets import DatasetMapper, QuadWriter
from graphkit.records.reference import load_reference
from graphkit.resolve import (
    Mention, Resolution, Resolver, ReviewError, read_review, write_review,
)

DATASETS: dict[str, ModuleType] = {"eutf": eutf, "crs": crs}
GRAPH_FILE = "graph.nq"
REPORT_JSON = "report.json"
REPORT_TEXT = "report.txt"
RESOLUTION_CSV = "resolution.csv"

__all__ = ["DATASETS", "DatasetError", "ImportReport", "ReviewError", "import_dataset", "resolve_datasets",
           "default_path", "review_file", "imported_graphs"]


def default_path(dataset: str, data_dir: Path | None = None) -> Path:
    """The project's copy of a dataset's main file (``data/external/{dataset}/...``; ``data_dir``
    defaults to ``data/`` of the working folder)."""
    return where.data_dir(data_dir) / "external" / dataset / DATASETS[dataset].FILE


def review_file(data_dir: Path | None = None) -> Path:
    """The review file of candidate matches: ``data/resolution/review.csv``."""
    return where.data_dir(data_dir) / "resolution" / "review.csv"


def seed_organisations(data_dir: Path) -> list[dict[str, Any]]:
    """The seed registry's organisations (``data/organisations.yaml``) as plain dicts, read by
    :func:`graphkit.resolve.registry.registry_entries` (the page drafter's reader too)."""
    from graphkit.resolve.registry import RegistryError, registry_entries

    try:
        return registry_entries(data_dir, "organisations")
    except RegistryError as exc:
        raise DatasetError(str(exc)) from None


def place_words(reference_dir: Path) -> tuple[set[str], set[str]]:
    """Place names that distinguish branches of an organisation (Italian regions, provinces and their
    capitals, countries), and the Italian province codes written in brackets (``(BO)``): see
    :func:`graphkit.resolve.places.place_words`, here with the country names of the reference tables."""
    tables = load_reference(reference_dir)
    return resolve_place_words(reference_dir, [n for c in tables.countries.values() for n in c.names.values()])


@dataclass
class Prepared:
    """Everything the resolver needs, computed once for every dataset of the project."""

    resolution: Resolution
    mentions: list[Mention]
    seed_labels: set[str]


def resolve_datasets(paths: dict[str, Path], *, data_dir: Path | None = None, review: Path | None = None,
                     options: dict[str, dict[str, Any]] | None = None) -> Prepared:
    """Resolve the organisation names of the given datasets together (with the review decisions)."""
    data_dir = where.data_dir(data_dir)
    seeds = seed_organisations(data_dir)
    mentions: list[Mention] = []
    for name, path in paths.items():
        mentions.extend(DATASETS[name].mentions(path, data_dir, **(options or {}).get(name, {})))
    reference_dir = where.reference_dir_of(data_dir)
    countries = [n for c in load_reference(reference_dir).countries.values() for n in c.names.values()]
    analyser = registry_analyser([*(m.name for m in mentions), *(o["name"] for o in seeds),
                                  *(a for o in seeds for a in (o.get("aliases") or []))], reference_dir, countries)
    decisions = read_review(review if review is not None else review_file(data_dir))
    resolution = Resolver(seeds, analyser, decisions).resolve(mentions)
    labels = {x.casefold() for o in seeds for x in [o["name"], *(o.get("aliases") or []), o.get("acronym") or ""] if x}
    return Prepared(resolution, mentions, labels)


def import_dataset(dataset: str, path: Path | str | None = None, *, data_dir: Path | str | None = None,
                   out_dir: Path | str | None = None, review: Path | str | None = None, encoding: str = "utf-8",
                   delimiter: str | None = None, update_review: bool = True,
                   progress: Callable[[str], None] | None = None, **options: Any) -> ImportReport:
    """Import one dataset file into ``out_dir`` (default ``build/imports/{dataset}``).

    Args:
        dataset: ``eutf`` or ``crs``.
        path: the dataset file (default: the project's copy under ``data/external/{dataset}/``).
        review: the review file to read decisions from and to add new candidates to
            (default ``data/resolution/review.csv``); ``update_review=False`` only reads it.
        encoding, delimiter: of the CSV file (delimiter default: detected from the header).
        options: dataset options (``institutions=`` path of the DGCS-layout file for ``crs``,
            ``False`` for none).

    Returns:
        The :class:`ImportReport`: rows read = imported + skipped, with every skip's reason.

    Raises:
        DatasetError: the file cannot be imported (missing, unreadable, wrong columns).
        ReviewError: the review file has a bad row.
    """
    if dataset not in DATASETS:
        raise DatasetError(f"unknown dataset {dataset!r} (known: {', '.join(DATASETS)})")
    spec = DATASETS[dataset]
    started = time.perf_counter()
    say = progress or (lambda _m: None)
    data_dir = where.data_dir(data_dir)
    path = Path(path) if path is not None else default_path(dataset, data_dir)
    out = Path(out_dir) if out_dir is not None else where.imports_dir() / dataset
    review_path = Path(review) if review is not None else review_file(data_dir)
    # the file must look like the dataset before anything else happens
    from graphkit.imports.base import detect_delimiter

    detect_delimiter(path, spec.REQUIRED, encoding, delimiter)
    say(f"reading organisation names of {path}")
    paths = {dataset: path}
    opts: dict[str, dict[str, Any]] = {dataset: {"encoding": encoding, "delimiter": delimiter, **options}}
    for other in DATASETS:
        if other != dataset and default_path(other, data_dir).is_file():
            paths[other] = default_path(other, data_dir)
    say(f"resolving organisations against the seed registry and across {', '.join(sorted(paths))}")
    prepared = resolve_datasets(paths, data_dir=data_dir, review=review_path, options=opts)
    resolution = prepared.resolution
    tables = load_reference(where.reference_dir_of(data_dir))
    report = ImportReport(dataset=dataset, path=str(path), encoding=encoding)
    tmp = temporary_beside(out)
    try:
        writer = QuadWriter(tmp / GRAPH_FILE)
        mapper = DatasetMapper(spec.INFO, writer, resolution, report)
        say(f"mapping {path.name} to RDF")
        spec.run(path, mapper, report, tables, data_dir, encoding=encoding, delimiter=delimiter, progress=say,
                 **options)
        report.organisations_seed, report.organisations_new = mapper.organisations(prepared.seed_labels)
        report.organisations = report.organisations_seed + report.organisations_new
        files = [{"name": path.name, "sha256": sha256(path), "path": str(path)}]
        for f in spec.INFO.files[1:]:
            p = path.parent / f
            if not p.is_file():
                p = data_dir / "external" / dataset / f
            if p.is_file():
                files.append({"name": f, "sha256": sha256(p), "path": str(p)})
        report.files = files
        mapper.provenance(files)
        writer.close()
        own = [mt for mt in prepared.mentions if mt.dataset == dataset]
        names = Counter(mt.name for mt in own)
        report.names = len({resolution.keys.get(n) for n in names if n in resolution.keys})
        report.names_resolved_to_seeds = len({resolution.keys[n] for n in names if n in resolution.keys
                                              and resolution.entities[resolution.resolve(n).org].seed})
        report.review_candidates = sum(1 for r in resolution.review if dataset in r.dataset.split(",")
                                       and not r.decision)
        report.projects = len(mapper.projects)
        report.participations = len(mapper.participations)
        report.triples = writer.count
        _write_resolution(tmp / RESOLUTION_CSV, names, resolution)
        report.seconds = time.perf_counter() - started
        report.output = str(out)
        (tmp / REPORT_JSON).write_text(report.to_json(), encoding="utf-8")
        (tmp / REPORT_TEXT).write_text("\n".join(report.lines()) + "\n", encoding="utf-8")
        swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if update_review:       # only once the import succeeded: a failed import changes nothing
        write_review(review_path, resolution.review)
    return report


def _write_resolution(path: Path, names: Counter, resolution: Resolution) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "mentions", "key", "organisation", "organisation_name", "seed", "confidence", "method",
                    "unit_of"])
        for name in sorted(names, key=lambda n: (n.casefold(), n)):
            mt = resolution.resolve(name)
            if mt.org is None:
                w.writerow([name, names[name], "", "", "", "", "", "placeholder", ""])
                continue
            e = resolution.entities[mt.org]
            w.writerow([name, names[name], resolution.keys.get(name, ""), f"organisation:{mt.org}", e.label,
                        "yes" if e.seed else "no", f"{mt.confidence:.2f}", mt.method,
                        f"organisation:{mt.unit_of}" if mt.unit_of else ""])


def imported_graphs(imports_dir: Path | None = None) -> list[Path]:
    """The ``graph.nq`` files of the imports written under ``imports_dir`` (default:
    ``build/imports`` of the working folder), by dataset name."""
    imports_dir = Path(imports_dir) if imports_dir is not None else where.imports_dir()
    return [imports_dir / name / GRAPH_FILE for name in DATASETS if (imports_dir / name / GRAPH_FILE).is_file()]


# ---------------------------------------------------------------------------------------- evaluation


@dataclass
class Evaluation:
    """Entity resolution measured on a hand-checked sample of dataset cells."""

    cells: int
    mentions: int
    split_correct: int
    placeholders_correct: int
    placeholders: int
    pairwise: Any               # graphkit.resolve.Scores over every pair of mentions
    seed_links: Any             # graphkit.resolve.Scores of links to the seed registry
    errors: list[str]

    def lines(self) -> list[str]:
        """The evaluation as printed lines: cells split right, placeholders recognised, precision and
        recall over pairs of mentions and over links to the seed registry, then every error."""
        p, s = self.pairwise, self.seed_links
        return [
            f"cells {self.cells}, names {self.mentions}; cells split right {self.split_correct}/{self.cells}; "
            f"placeholders recognised {self.placeholders_correct}/{self.placeholders}",
            f"same-organisation pairs: precision {p.precision:.3f} recall {p.recall:.3f} "
            f"(true {p.true_positives}, wrong merges {p.false_positives}, missed {p.false_negatives})",
            f"links to seed organisations: precision {s.precision:.3f} recall {s.recall:.3f} "
            f"(right {s.true_positives}, wrong {s.false_positives}, missed {s.false_negatives})",
            *self.errors,
        ]


def split_names_of(dataset: str, column: str, cell: str, data_dir: Path | None = None) -> list[str]:
    """The names a cell of a dataset column lists, as the importer splits them."""
    if dataset == "eutf":
        data_dir = where.data_dir(data_dir)
        return eutf.split_names(cell, eutf.read_lexicon(eutf.lexicon_path(default_path("eutf", data_dir), data_dir)))
    if column == "channelreportedname":
        return crs.channel_names(cell)
    return [" ".join(cell.split())] if cell.strip() else []


def evaluate_sample(sample: Path, resolution: Resolution, data_dir: Path | None = None) -> Evaluation:
    """Compare the resolution with a hand-checked sample (:func:`graphkit.paths.resolution_sample`:
    dataset, column, cell, expected names in order as ``organisation:{seed}``, ``={label}`` for an
    organisation outside the registry, ``-`` for a cell part that names no organisation)."""
    from graphkit.resolve import link_scores, pairwise_scores

    gold: dict[str, str] = {}
    pred: dict[str, str | None] = {}
    gold_links: dict[str, str | None] = {}
    pred_links: dict[str, str | None] = {}
    errors: list[str] = []
    cells = mentions = split_ok = ph = ph_ok = 0
    with Path(sample).open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=1):
            cells += 1
            expected = [x.strip() for x in row["expected"].split("|")]
            names = split_names_of(row["dataset"], row["column"], row["cell"], data_dir)
            if len(names) == len(expected):
                split_ok += 1
            else:
                errors.append(f"split   {row['cell']!r}: {len(names)} names, expected {len(expected)}")
            for j, exp in enumerate(expected):
                mid = f"{i}.{j}"
                match = resolution.resolve(names[j]) if j < len(names) and len(names) == len(expected) else None
                got = match.org if match else None
                if exp == "-":
                    ph += 1
                    ph_ok += got is None
                    if got is not None:
                        errors.append(f"placeholder {row['cell']!r} resolved to {got}")
                    continue
                mentions += 1
                gold[mid] = exp
                pred[mid] = got
                seed = exp.removeprefix("organisation:") if exp.startswith("organisation:") else None
                gold_links[mid] = seed
                got_seed = got if got and resolution.entities[got].seed else None
                pred_links[mid] = got_seed
                if seed != got_seed:
                    errors.append(f"seed    {names[j] if j < len(names) else row['cell']!r}: "
                                  f"expected {seed or 'no seed organisation'}, got {got_seed or got}")
    pairwise = pairwise_scores(gold, pred)
    # name the wrong merges and the missed ones (pairs of names)
    ids = sorted(gold)
    text = {}
    with Path(sample).open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=1):
            for j, n in enumerate(split_names_of(row["dataset"], row["column"], row["cell"], data_dir)):
                text[f"{i}.{j}"] = n
    seen: set[tuple[str, str]] = set()
    for a_i, a in enumerate(ids):
        for b in ids[a_i + 1:]:
            g, p = gold[a] == gold[b], pred[a] is not None and pred[a] == pred[b]
            key = (text.get(a, a), text.get(b, b))
            if g != p and key not in seen and key[0] != key[1]:
                seen.add(key)
                errors.append(f"{'merged ' if p else 'missed '} {key[0]!r} / {key[1]!r}")
    return Evaluation(cells, mentions, split_ok, ph_ok, ph, pairwise, link_scores(gold_links, pred_links), errors)
