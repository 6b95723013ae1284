"""The streaming build: records of any size -> N-Quads -> an on-disk Oxigraph store, in one pass.

Used by :func:`graphkit.builder.build` when a data folder is in the bulk format (JSON Lines,
:mod:`graphkit.records.bulk`) or several folders are built together (the curated records and a folder of
synthetic or imported ones). The small build (:mod:`graphkit.builder`) holds the whole dataset in
rdflib; this one never does:

1. the registries (sources, organisations, funds, places) of every folder are read, validated and
   cross-checked, as in the small build;
2. projects are read one at a time, validated and checked (every problem is collected, with file,
   record and line, and field) and, while no problem has been seen, mapped to N-Quads lines
   (:mod:`graphkit.rdf.mapping`, the one mapping every build uses), written to
   ``dataset.nq`` and, part by part, bulk-loaded into the on-disk store ``store/`` by
   :data:`LOADERS` threads while the mapping goes on; the store is then compacted
   (``Store.optimize``: fewer, larger files; queries on disk 1.3-6 times faster) while step 5
   runs;
3. any problem: nothing is written (the temporary folder is removed) and
   :class:`~graphkit.records.RecordsInvalid` lists them all;
4. SHACL (pySHACL) validates a sample: every project of the YAML folders and the first
   :data:`SHACL_SAMPLE` projects of each bulk file, with what they refer to; pySHACL over millions
   of triples would take hours (DESIGN §10) and every project goes through the same mapping code,
   so the sample checks the shape and the record checks the data;
5. every ``*-violation.rq`` named query runs on the whole store (:data:`CHECK_THREADS` side by
   side, as it is compacted) and must return no rows;
6. the summary is written and the folder replaces the previous build.

Outputs: ``dataset.nq`` (always), ``store/`` (an Oxigraph on-disk store that
:meth:`graphkit.store.EmbeddedStore.from_build` opens without loading; kept when the dataset
has at least :data:`STORE_MIN_QUADS` quads or ``store="disk"``), ``shacl-report.txt``,
``summary.json`` and, with ``docs``, ``ontology.html``. No TriG or merged Turtle (rdflib would
have to hold the whole graph); ``graphkit build`` on the curated records alone still writes them.
"""

from __future__ import annotations

import json
import queue
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Sequence

from graphkit.builder.shacl import BuildFailed, merged_graph, shacl_validate
from graphkit.builder.summary import Summary
from graphkit.builder.duplicates import check_duplicates, report_text
from graphkit.paths import DATASET_NQUADS, DUPLICATES_REPORT, SHACL_REPORT, STORE_DIR, SUMMARY
from graphkit.records.bulk import count_lines, is_bulk_folder, iter_projects, read_registry, read_yaml_projects
from graphkit.records.checks import Checker, check_raw_project, walk_quotes
from graphkit.folders import swap_into_place, temporary_beside
from graphkit.namespaces import GRAPH, ONTOLOGY_GRAPH, curie
from graphkit.rdf.mapping import RecordMapper, ontology_nquads
from graphkit.records import Located, Problem, Records, RecordsInvalid, reference_dir_of
from graphkit.records.reference import load_reference
from graphkit.records.vocab import load_vocabularies

STORE_MODES = ("auto", "disk", "none")
STORE_MIN_QUADS = 1_000_000     # "auto" keeps the on-disk store from this size on
SHACL_SAMPLE = 100              # projects of each bulk file validated with pySHACL
_CHUNK = 1 << 20                # bytes of file and pipe buffers
_LINES = 20_000                 # lines mapped before they are written
_PART_BYTES = 256 << 20         # bytes of each part file handed to the store loader
LOADERS = 2                     # parts bulk-loaded side by side
CHECK_THREADS = 2               # violation checks run side by side


class _Output:
    """``dataset.nq``, written batch by batch, and optionally the on-disk Oxigraph store, loaded
    while the mapping goes on.

    The lines also go to part files of :data:`_PART_BYTES`; each finished part is bulk-loaded by
    one of :data:`LOADERS` threads (pyoxigraph releases the GIL) and deleted, so the store grows
    while Python maps the next records and at most a few parts are on disk. One bulk load keeps
    about one core busy (it parses in one thread and sorts and writes the indexes in another);
    two loading parts side by side, as Oxigraph's own command line loads several files, keep
    both cores of this machine busy once the mapping is done (docs/benchmarks.md). Feeding the
    loader through a pipe instead was slower: from a pipe Oxigraph parses in one thread (1.36M
    quads: 13 s from a pipe against 9 s from a file).
    """

    def __init__(self, nq_path: Path | None, store_path: Path | None):
        self.nq_path = nq_path
        self.store_path = store_path
        self.file = nq_path.open("wb", buffering=_CHUNK) if nq_path is not None else None
        self.store = None
        self.part = None
        if store_path is not None:
            import pyoxigraph as ox

            self.store = ox.Store(str(store_path))
            self.parts_dir = store_path.parent / ".parts"
            self.parts_dir.mkdir()
            self.n_parts = 0
            self.error: BaseException | None = None
            self.queue: queue.Queue = queue.Queue(maxsize=LOADERS)
            self.threads = [threading.Thread(target=self._load, name=f"graphkit-store-loader-{i}", daemon=True)
                            for i in range(LOADERS)]
            for t in self.threads:
                t.start()
            self._new_part()

    def _new_part(self) -> None:
        self.n_parts += 1
        self.part_path = self.parts_dir / f"part-{self.n_parts:05d}.nq"
        self.part = self.part_path.open("wb", buffering=_CHUNK)
        self.part_size = 0

    def _load(self) -> None:
        while True:
            path = self.queue.get()
            if path is None:
                return
            if self.error is None:
                try:
                    self._load_part(path)
                except BaseException as exc:  # reported by close()
                    self.error = exc
            path.unlink(missing_ok=True)

    def _load_part(self, path: Path) -> None:
        import pyoxigraph as ox

        # lenient: the lines were written here, from validated records (IRIs checked and escaped)
        self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS, lenient=True)

    def _hand_over(self) -> None:
        self.part.close()
        self.queue.put(self.part_path)     # blocks while every loader is busy and as many parts wait
        if self.error is not None:
            raise RuntimeError(f"loading the store failed: {self.error}") from self.error

    def write(self, lines: list[str]) -> None:
        """Write lines (each ending in a newline)."""
        data = "".join(lines).encode("utf-8")
        if self.file is not None:
            self.file.write(data)
        if self.part is not None:
            self.part.write(data)
            self.part_size += len(data)
            if self.part_size >= _PART_BYTES:
                self._hand_over()
                self._new_part()

    def finish(self) -> None:
        """Close the file and hand the last part to the loader (which may still be working)."""
        if self.file is not None:
            self.file.close()
        if self.part is not None:
            self._hand_over()
            self.part = None
            self._stop_loaders()

    def _stop_loaders(self) -> None:
        for _t in self.threads:
            self.queue.put(None)

    def close(self, progress: Callable[[str], None]):
        """Finish the file and the store. Returns the store (or None)."""
        self.finish()
        if self.store is None:
            return None
        progress("finishing the on-disk store")
        for t in self.threads:
            t.join()
        self.parts_dir.rmdir()
        if self.error is not None:
            raise RuntimeError(f"loading the store failed: {self.error}") from self.error
        store, self.store = self.store, None
        return store

    def abort(self) -> None:
        """Stop: the loader skips the parts not yet loaded; wait for it before the folder goes."""
        if self.file is not None:
            self.file.close()
        if self.store is not None:
            self.error = self.error or RuntimeError("aborted")
            if self.part is not None:
                self.part.close()
                self.part = None
                self._stop_loaders()
            for t in self.threads:
                t.join()
        self.store = None


def _sample_records(recs: Records, projects: list) -> Records:
    """The records a sample of projects needs: their sources, the organisations they name (and the
    ones those name, transitively), every fund and place."""
    orgs, sources = set(), set()
    for p in projects:
        sources.add(p.source)
        for _path, _quote, src in walk_quotes(p, ""):
            if src:
                sources.add(src)
        for pa in p.participants:
            orgs.add(pa.org)
            if pa.via:
                orgs.add(pa.via)
        for a in p.activities:
            orgs.update(a.responsible)
        for ev in p.events:
            orgs.update(ev.organisers)
    for sid in list(sources):
        pub = recs.sources[sid].record.publisher
        if pub:
            orgs.add(pub)
    todo = list(orgs)
    while todo:
        o = recs.organisations[todo.pop()].record
        linked = [o.parent, o.unit_of, o.successor.org if o.successor else None, *(m.of for m in o.memberships),
                  *(k.org for k in o.collaborates_with), o.same_as]
        for x in linked:
            if x and x not in orgs:
                orgs.add(x)
                todo.append(x)
        for _path, _quote, src in walk_quotes(o, ""):
            if src:
                sources.add(src)
    for f in recs.funds.values():
        if f.record.source:
            sources.add(f.record.source)
    for sid in list(sources):
        pub = recs.sources[sid].record.publisher
        if pub and pub not in orgs:   # a publisher's own links do not matter to the shapes
            orgs.add(pub)
    sample = Records(data_dir=recs.data_dir, reference=recs.reference, vocab=recs.vocab)
    sample.sources = {k: recs.sources[k] for k in recs.sources if k in sources}
    sample.organisations = {k: recs.organisations[k] for k in recs.organisations if k in orgs}
    sample.funds = dict(recs.funds)
    sample.places = dict(recs.places)
    sample.geonames = dict(recs.geonames)
    sample.projects = {p.id: Located("", p) for p in projects}
    return sample


def _violation_queries(query_dir: Path | None = None) -> list:
    """The ``*-violation.rq`` named queries: the checks of step 5."""
    from graphkit.queries import QUERY_DIR, list_queries

    return [q for q in list_queries(query_dir or QUERY_DIR) if q.name.endswith("-violation")]


def violation_query_names(query_dir: Path | None = None) -> list[str]:
    """The names of the checks of step 5, sorted."""
    return sorted(q.name for q in _violation_queries(query_dir))


def violation_checks(store, query_dir: Path | None = None) -> dict[str, list[str]]:
    """Rows of every ``*-violation.rq`` named query on ``store`` (an Oxigraph store), by query.

    The checks run side by side in :data:`CHECK_THREADS` threads (pyoxigraph releases the GIL
    while it evaluates): 100,000 projects on disk, 17 s one after the other, 12.5 s in two."""
    from graphkit.queries import plain_rows
    from graphkit.store import EmbeddedStore

    es = EmbeddedStore.__new__(EmbeddedStore)
    es.store, es.on_disk = store, True

    def rows(q) -> list[str]:
        return [", ".join(f"{k}={v}" for k, v in row.items()) for row in plain_rows(es.select(q.text))]

    queries = _violation_queries(query_dir)
    with ThreadPoolExecutor(CHECK_THREADS, thread_name_prefix="graphkit-check") as pool:
        return {q.name: found for q, found in zip(queries, pool.map(rows, queries))}


def _compact(store) -> None:
    # The loaders leave hundreds of overlapping files; compacted, the store is smaller and every
    # query reads fewer of them (1M projects: 43 GB to 25 GB in 8 minutes; a hub's look-up 72 s
    # to 12 s; docs/benchmarks.md).
    try:
        store.optimize()
    except OSError as exc:
        raise RuntimeError(f"compacting the store failed: {exc}") from exc


def _compact_and_check(store, checks: bool, progress: Callable[[str], None]) -> dict[str, list[str]]:
    """Compact the loaded store and, meanwhile, run the violation checks on it (unless
    ``checks`` is false); their rows by check.

    Compaction keeps one core busy; the checks read the store as it is compacted (RocksDB
    reads see every quad throughout) and use the other one: 100,000 projects, 30 s side by side
    against 38 s one after the other (docs/benchmarks.md)."""
    if not checks:
        progress("compacting the on-disk store")
        _compact(store)
        return {}
    progress("compacting the on-disk store while the SPARQL violation checks run on the whole dataset")
    with ThreadPoolExecutor(1, thread_name_prefix="graphkit-compact") as compactor:
        compacted = compactor.submit(_compact, store)
        found = violation_checks(store)      # on error, leaving the block still waits for compaction
        compacted.result()
    return found


def build_streaming(
    data_dirs: Sequence[Path],
    out_dir: Path,
    *,
    ontology_dir: Path,
    docs: bool = True,
    progress: Callable[[str], None] = lambda _m: None,
    store: str = "auto",
    shacl_sample: int = SHACL_SAMPLE,
    nquads: bool = True,
    store_checks: bool = True,
    strict_duplicates: bool = False,
) -> Summary:
    """Build the records of ``data_dirs`` (YAML or bulk folders) into ``out_dir``, streaming.

    ``nquads=False`` keeps no ``dataset.nq`` (only the on-disk store, ``store="disk"``): at a
    million projects the file would be 27 GB beside a 25 GB store (43 GB while loading).

    ``store_checks=False`` skips step 5, the ``*-violation.rq`` checks on the whole store: at a
    million projects they took 10 minutes and the build's peak memory (12.8 GiB against
    8.2 GiB while loading, docs/benchmarks.md). Every record is still validated and the
    SHACL sample still runs; the report says the checks were skipped, and each can be run on the
    finished store afterwards (``graphkit query participation-without-evidence-violation --out
    OUT``).

    Raises:
        RecordsInvalid: the records have problems (each with file, record and field).
        BuildFailed: the SHACL sample or a SPARQL violation check fails.
        Nothing is written in either case.
    """
    if store not in STORE_MODES:
        raise ValueError(f"unknown store mode {store!r} (choose {', '.join(STORE_MODES)})")
    if not nquads and store != "disk":
        raise ValueError("without dataset.nq the build must keep its on-disk store (store='disk')")
    dirs = [Path(d) for d in data_dirs]
    for d in dirs:
        if not d.is_dir():
            raise RecordsInvalid([Problem(str(d), "(folder)", "", "no such data folder")])
    out_dir, ontology_dir = Path(out_dir), Path(ontology_dir)
    problems: list[Problem] = []
    progress("reading and validating the registries")
    recs = Records(data_dir=dirs[0])
    recs.reference = load_reference(reference_dir_of(dirs[0]))
    recs.vocab = load_vocabularies(ontology_dir)
    for i, d in enumerate(dirs):
        read_registry(d, recs, problems, primary=i == 0)
    yaml_projects: list[Located] = []
    invalid: list[tuple[str, str, dict]] = []
    for i, d in enumerate(dirs):
        if not is_bulk_folder(d):
            valid, bad = read_yaml_projects(d, problems, primary=i == 0)
            yaml_projects += valid
            invalid += bad
    checker = Checker(recs)
    recs.source_texts = {}          # the checker keeps its own (normalised) copy
    checker.registries()
    # Duplicates are looked for in a registry without problems (its records are all there).
    duplicates = check_duplicates(recs, progress, strict_duplicates) if not (problems or checker.problems) else []
    bulk_dirs = [(i, d) for i, d in enumerate(dirs) if is_bulk_folder(d)]
    expected = len(yaml_projects) + sum(count_lines(d) for _, d in bulk_dirs)

    tmp = temporary_beside(out_dir)
    output: _Output | None = None
    try:
        output = _Output(tmp / DATASET_NQUADS if nquads else None, tmp / STORE_DIR if store != "none" else None)
        counts: dict[str, int] = {}
        mapper = RecordMapper(recs)

        def write_counted() -> None:
            """Write the mapper's lines, counting them by named graph (registries: mixed graphs)."""
            lines = mapper.take()
            for line in lines:
                g = line[line.rindex(" <", 0, -3) + 1:-3]
                counts[g] = counts.get(g, 0) + 1
            output.write(lines)

        ok = not problems and not checker.problems
        if ok:
            progress("mapping the registries to RDF")
            onto = ontology_nquads(ontology_dir)
            counts[f"<{ONTOLOGY_GRAPH}>"] = onto.count("\n")
            output.write([onto])
            mapper.sources()
            write_counted()
            mapper.organisations()
            write_counted()
            mapper.funds()
            mapper.local_places()
            write_counted()
        seen: set[str] = set()
        part_of: list[tuple[str, str, str]] = []
        sample: list = []
        buf = mapper.buf
        stats = {"projects": 0, "participations": 0}
        step = max(1, expected // 10)
        t0 = time.monotonic()
        progress(f"validating and mapping {expected} projects")

        def handle(label: str, record: str, p, in_sample: bool) -> None:
            nonlocal ok
            if p.id in seen:
                problems.append(Problem(label, record, "id", f"duplicate id {p.id!r}"))
                return
            seen.add(p.id)
            before = len(checker.problems)
            checker.project(p, label)
            if len(checker.problems) > before and record != f"project {p.id}":
                checker.problems[before:] = [Problem(x.file, record, x.field, x.message)
                                             for x in checker.problems[before:]]
            if p.part_of:
                part_of.append((p.part_of.project, label, record))
            ok = ok and not problems and len(checker.problems) == 0
            if ok:
                before = len(buf)
                mapper.project(p)
                if any(pa.source and pa.source != p.source for pa in p.participants) or \
                        any(b.source and b.source != p.source for b in p.budgets):
                    for line in buf[before:]:   # facts of other sources land in their graphs
                        g = line[line.rindex(" <"):].strip(" .\n")
                        counts[g] = counts.get(g, 0) + 1
                else:
                    g = f"<{GRAPH}source/{p.source}>"
                    counts[g] = counts.get(g, 0) + len(buf) - before
                if len(buf) >= _LINES:
                    output.write(mapper.take())
                stats["projects"] += 1
                stats["participations"] += len(p.participants)
                if in_sample:
                    sample.append(p)
            n = len(seen)
            if n % step == 0:
                progress(f"  {n}/{expected} projects ({time.monotonic() - t0:.0f} s)")

        for loc in yaml_projects:
            handle(loc.file, f"project {loc.record.id}", loc.record, True)
        for i, d in bulk_dirs:
            taken = 0
            for label, n, p in iter_projects(d, problems, primary=i == 0,
                                             invalid=lambda f, r, raw: invalid.append((f, r, raw))):
                handle(label, f"project {p.id} (line {n})", p, taken < shacl_sample)
                taken += 1
        for ref, label, record in part_of:
            if ref not in seen:
                problems.append(Problem(label, record, "part_of", f"unknown project {ref!r}"))
        for f, r, raw in invalid:
            check_raw_project(checker, f, r, raw)
        problems += checker.problems
        if problems:
            raise RecordsInvalid(problems)

        output.write(mapper.take())
        mapper.name_keys()
        mapper.reference()
        write_counted()
        output.finish()

        # while the loader thread finishes the store
        progress(f"validating a sample of {len(sample)} projects with the SHACL shapes")
        from graphkit.rdf.mapping import records_to_dataset

        shacl = shacl_validate(merged_graph(records_to_dataset(_sample_records(recs, sample), ontology_dir)),
                               ontology_dir / "shapes")
        ox_store = output.close(progress)
        output = None
        if ox_store is not None:
            checks = _compact_and_check(ox_store, store_checks, progress)
            if store_checks:
                for name, rows in checks.items():
                    shacl.violations += [f"{name}: {r}" for r in rows]
                shacl.conforms = not shacl.violations
        if not shacl.conforms:
            raise BuildFailed(shacl)

        triples = len(ox_store) if ox_store is not None else sum(counts.values())
        keep_store = ox_store is not None and (store == "disk" or triples >= STORE_MIN_QUADS)
        del ox_store
        if not keep_store and (tmp / STORE_DIR).exists():
            shutil.rmtree(tmp / STORE_DIR)
        graphs: dict[str, int] = {}
        source_prefix = f"<{GRAPH}source/"
        sources_total = sum(v for k, v in counts.items() if k.startswith(source_prefix))
        n_sources = sum(1 for k in counts if k.startswith(source_prefix))
        for k, v in counts.items():
            if not k.startswith(source_prefix) or n_sources <= 50:
                graphs[curie(str(k[1:-1]))] = v
        if n_sources > 50:
            graphs[f"graph:source/* ({n_sources} graphs)"] = sources_total
        report = [f"SHACL validated a sample: every curated (YAML) project and the first {shacl_sample} projects of "
                  f"each bulk file ({len(sample)} projects), with the records they refer to. Every "
                  "*-violation.rq check ran on the whole dataset" + (
                      ": skipped (--store none)." if store == "none" else
                      " (store)." if store_checks else
                      ": skipped (--no-store-checks); run them on the store with `graphkit query NAME --out "
                      "OUT`: " + ", ".join(violation_query_names()) + "."),
                  "", "violations:", *shacl.violations, "", "warnings:", *shacl.warnings, "", "info:", *shacl.infos]
        (tmp / SHACL_REPORT).write_text("\n".join(report) + "\n", encoding="utf-8")
        (tmp / DUPLICATES_REPORT).write_text(report_text(duplicates), encoding="utf-8")
        if docs:
            from graphkit.builder.ontology import write_docs

            write_docs(tmp)
        summary = Summary(projects=stats["projects"], organisations=len(recs.organisations),
                          participations=stats["participations"], triples=triples, graphs=graphs,
                          shacl_warnings=len(shacl.warnings), output=str(out_dir),
                          duplicates=[str(c) for c in duplicates])
        (tmp / SUMMARY).write_text(json.dumps(asdict(summary), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        swap_into_place(tmp, out_dir)
    except BaseException:
        if output is not None:
            output.abort()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


__all__ = ["build_streaming", "violation_checks", "violation_query_names", "STORE_MODES", "STORE_MIN_QUADS", "SHACL_SAMPLE", "STORE_DIR"]
