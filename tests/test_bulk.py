"""The scale path: synthetic records, the bulk (JSON Lines) format, the streaming build.

Fast checks only; the scale runs themselves are the benchmark (bench/run.py, docs/benchmarks.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import DATA
from graphkit.builder import DEFAULT_ONTOLOGY, build
from graphkit.cli import main
from graphkit.queries import list_queries, plain_rows, run_query
from graphkit.rdf.mapping import records_to_dataset, records_to_nquads as map_all
from graphkit.records import RecordsInvalid, load_records
from graphkit.store import EmbeddedStore
from graphkit.synth import synthesize


def quads(text: str) -> set:
    """The quads of N-Quads text without blank nodes (the ontology's OWL axioms get new labels)."""
    return {q for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def rdflib_quads(recs) -> set:
    return quads(records_to_dataset(recs, DEFAULT_ONTOLOGY).serialize(format="nquads"))


# ------------------------------------------------------------------------------ the generator

def test_synth_is_deterministic_by_seed(tmp_path):
    a, b, c = (synthesize(40, seed, out_dir=tmp_path / name) for seed, name in ((7, "a"), (7, "b"), (8, "c")))
    assert a.projects == b.projects == 40
    for name in ("projects.jsonl", "organisations.jsonl", "funds.jsonl", "sources.jsonl", "places.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "projects.jsonl").read_bytes() != (tmp_path / "c" / "projects.jsonl").read_bytes()


def test_synth_tiny_counts_and_shape(tmp_path):
    s = synthesize(5, 0, out_dir=tmp_path / "s")
    assert (s.projects, s.organisations, s.participations, s.funds, s.sources) == (5, 30, 17, 59, 13)
    projects = [json.loads(line) for line in (tmp_path / "s" / "projects.jsonl").open(encoding="utf-8")]
    assert [p["id"] for p in projects] == [f"syn-{i:07d}" for i in range(5)]
    assert [len(p["participants"]) for p in projects] == [4, 4, 3, 3, 3]
    for p in projects:
        assert [pa["role"] for pa in p["participants"]].count("lead") == 1
        assert all(pa["org"].startswith("syn-org-") for pa in p["participants"])


def test_synth_shape_at_a_thousand_projects(tmp_path):
    synthesize(1000, 1, out_dir=tmp_path / "s")
    projects = [json.loads(line) for line in (tmp_path / "s" / "projects.jsonl").open(encoding="utf-8")]
    sizes = [len(p["participants"]) for p in projects]
    assert min(sizes) >= 3 and max(sizes) <= 40 and 4.5 < sum(sizes) / len(sizes) < 7.5
    per_org: dict[str, int] = {}
    for p in projects:
        for pa in p["participants"]:
            per_org[pa["org"]] = per_org.get(pa["org"], 0) + 1
    counts = sorted(per_org.values(), reverse=True)
    # a power law: the biggest hub is in a large share of projects, most organisations in a few
    assert counts[0] > 150 and counts[0] > 20 * counts[len(counts) // 2]
    years = {p["dates"]["started"]["value"][:4] for p in projects}
    assert min(years) >= "2000" and max(years) <= "2030"
    assert {pl["place"].split(":")[0] for p in projects for pl in p["places"]} == {"nuts", "comune", "country"}


# ------------------------------------------------------------------------------ same RDF both ways

def test_streaming_mapping_equals_rdflib_mapping_on_the_seeds():
    recs = load_records(DATA)
    assert quads("".join(map_all(recs, DEFAULT_ONTOLOGY))) == rdflib_quads(recs)


def test_bulk_and_yaml_records_give_the_same_quads(tmp_path):
    synthesize(30, 2, out_dir=tmp_path / "jsonl")
    synthesize(30, 2, out_dir=tmp_path / "yaml", fmt="yaml")
    expected = rdflib_quads(load_records(tmp_path / "yaml"))            # YAML, pydantic, rdflib
    build(tmp_path / "jsonl", tmp_path / "out", docs=False, store="none")   # JSON Lines, streamed
    got = quads((tmp_path / "out" / "dataset.nq").read_text(encoding="utf-8"))
    assert got == expected
    assert len(got) > 30 * 50


# ------------------------------------------------------------------------------ errors of the bulk format

def _bulk(tmp_path: Path) -> Path:
    folder = tmp_path / "bulk"
    synthesize(3, 0, out_dir=folder)
    return folder


def _problems(folder: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / "out" / "graph"
    with pytest.raises(RecordsInvalid) as exc:
        build(folder, out, docs=False)
    assert not out.exists() and list(out.parent.iterdir()) == []     # nothing written
    return [str(p) for p in exc.value.problems]


def test_bulk_errors_name_file_line_and_field(tmp_path):
    folder = _bulk(tmp_path)
    lines = (folder / "projects.jsonl").read_text(encoding="utf-8").splitlines()
    p0, p1, p2 = (json.loads(x) for x in lines)
    p0["participants"][0]["org"] = "syn-org-nobody"
    p1["colour"] = "blue"
    p1["dates"]["started"]["value"] = "2017-02-30"
    p2["id"] = p0["id"]
    (folder / "projects.jsonl").write_text("\n".join([json.dumps(p0), json.dumps(p1), "{not json", json.dumps(p2)]) + "\n",
                                           encoding="utf-8")
    got = _problems(folder, tmp_path)
    assert got == [
        "projects.jsonl: project (line 3): not valid JSON: key must be a string at line 1 column 2",
        "projects.jsonl: project syn-0000000 (line 1): participants[0].org: unknown organisation 'syn-org-nobody'",
        "projects.jsonl: project syn-0000000 (line 4): id: duplicate id 'syn-0000000'",
        "projects.jsonl: project syn-0000001 (line 2): colour: unknown field (check its spelling against docs/records.md)",
        "projects.jsonl: project syn-0000001 (line 2): dates.started.value: '2017-02-30' has no day 30 (the month has 28 days)",
    ]


def test_bulk_errors_in_the_registry_and_the_quotes(tmp_path):
    folder = _bulk(tmp_path)
    orgs = (folder / "organisations.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(orgs[0])
    first["type"] = "guild"
    orgs[0] = json.dumps(first)
    orgs.append(orgs[1])
    (folder / "organisations.jsonl").write_text("\n".join(orgs) + "\n", encoding="utf-8")
    projects = [json.loads(x) for x in (folder / "projects.jsonl").read_text(encoding="utf-8").splitlines()]
    projects[2]["participants"][1]["quote"] = "Partner: nessuno"
    (folder / "projects.jsonl").write_text("".join(json.dumps(p) + "\n" for p in projects), encoding="utf-8")
    got = _problems(folder, tmp_path)
    assert got[0].startswith("organisations.jsonl: organisation syn-org-0000000: type: unknown organisation-type 'guild'")
    assert got[1:] == [
        "organisations.jsonl: organisation syn-org-0000001 (line 31): id: duplicate id 'syn-org-0000001' "
        "(first defined in organisations.jsonl)",
        "projects.jsonl: project syn-0000002 (line 3): participants[1].quote: quote 'Partner: nessuno' does not occur "
        "in source 'syn-src-0000002'",
    ]


def test_bulk_quotes_of_spans_are_checked_and_built_by_the_streaming_build(tmp_path):
    folder = _bulk(tmp_path)
    projects = [json.loads(x) for x in (folder / "projects.jsonl").read_text(encoding="utf-8").splitlines()]
    written = projects[0]["participants"][1]["as_written"]          # "Associazione Vela 20"
    projects[0]["participants"][1]["quote"] = ["Partner:", written]
    projects[1]["participants"][1]["quote"] = ["Partner:", "nessuno"]
    (folder / "projects.jsonl").write_text("".join(json.dumps(p) + "\n" for p in projects), encoding="utf-8")
    assert _problems(folder, tmp_path) == [
        "projects.jsonl: project syn-0000001 (line 2): participants[1].quote[1]: quote span 2 of 2 'nessuno' "
        "does not occur in source 'syn-src-0000001'"]
    projects[1]["participants"][1]["quote"] = ["Partner:", projects[1]["participants"][1]["as_written"]]
    (folder / "projects.jsonl").write_text("".join(json.dumps(p) + "\n" for p in projects), encoding="utf-8")
    build(folder, tmp_path / "graph", docs=False, store="none")
    store = ox.Store()
    store.load(path=str(tmp_path / "graph" / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    rows = [tuple(b.value for b in r) for r in store.query("""
        PREFIX mcn: <https://w3id.org/graphkit/mcn#>
        SELECT ?quote ?i ?span WHERE { GRAPH ?g {
            <https://w3id.org/graphkit/id/participation/syn-0000000--syn-org-0000020--partner> mcn:hasEvidence ?e .
            ?e mcn:quote ?quote ; mcn:hasQuoteSpan ?s . ?s mcn:spanIndex ?i ; mcn:spanText ?span } }
        ORDER BY ?i""")]
    assert rows == [(f"Partner: … {written}", "1", "Partner:"), (f"Partner: … {written}", "2", written)]


def test_synthetic_names_beside_the_seeds_must_not_collide(tmp_path):
    folder = _bulk(tmp_path)
    orgs = [json.loads(x) for x in (folder / "organisations.jsonl").read_text(encoding="utf-8").splitlines()]
    orgs[3]["aliases"] = ["Cicsene"]
    (folder / "organisations.jsonl").write_text("".join(json.dumps(o) + "\n" for o in orgs), encoding="utf-8")
    with pytest.raises(RecordsInvalid) as exc:
        build(DATA, tmp_path / "out", add_data=[folder], docs=False)
    assert [str(p) for p in exc.value.problems] == [
        f"{folder}/organisations.jsonl: organisation syn-org-0000003: aliases: the name 'Cicsene' also names "
        "organisation 'cicsene': one name, one organisation"]


# ------------------------------------------------------------------------------ seeds beside synthetic data

SEED_PARAMS = {
    "network-members": {"network": "organisation:cop"},
    "organisation-evidence": {"name": "COP"},
    "organisation-projects": {"name": "Iscos"},
    "project-participants": {"project": "project:discorsi"},
    "projects-active-on": {"date": "2017-06-01"},
    "projects-by-fund": {"fund": "fund:fami"},
    "projects-in-place": {"place": "country:ITA"},
    "programme-projects": {"programme": "project:impra"},
    "organisation-projects-with-units": {"org": "organisation:regione-lazio"},
}


def _seed_rows(store, query) -> list[tuple]:
    """The rows of a query that mention no synthetic record, values normalised (GROUP_CONCAT parts sorted)."""
    out = []
    for row in plain_rows(run_query(store, query, SEED_PARAMS.get(query.name, {}))):
        values = tuple(" | ".join(sorted(v.split(" | "))) if isinstance(v, str) else v for v in row.values())
        if not any(isinstance(v, str) and "syn-" in v for v in values):
            out.append(values)
    return out


@pytest.fixture(scope="module")
def seeds_and_synth(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mixed")
    synthesize(1000, 1, out_dir=root / "synth")
    build(DATA, root / "graph", add_data=[root / "synth"], docs=False, store="disk")
    return root / "graph"


def test_seed_answers_are_unchanged_beside_a_thousand_synthetic_projects(store, seeds_and_synth):
    mixed = EmbeddedStore.from_build(seeds_and_synth)
    assert mixed.on_disk                       # the build's on-disk store, opened without loading
    assert len(mixed) > len(store) + 1000 * 100
    for q in list_queries():
        assert _seed_rows(mixed, q) == _seed_rows(store, q), q.name
    n = mixed.select("SELECT (COUNT(*) AS ?n) WHERE { ?p a mcn:Project }").rows[0][0]
    assert int(n.value) == 1005


def test_streaming_build_summary_and_report(seeds_and_synth):
    summary = json.loads((seeds_and_synth / "summary.json").read_text(encoding="utf-8"))
    assert summary["projects"] == 1005 and summary["organisations"] == 83 + 300
    assert "graph:source/* (1013 graphs)" in summary["graphs"]
    assert summary["triples"] == sum(summary["graphs"].values())
    report = (seeds_and_synth / "shacl-report.txt").read_text(encoding="utf-8")
    assert report.startswith("SHACL validated a sample") and "\nviolations:\n\nwarnings:\n" in report


def test_synth_and_bulk_build_commands(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["synth", "--projects", "20", "--seed", "3", "--out", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    assert "projects        20" in res.output
    res = runner.invoke(main, ["build", "--data", str(tmp_path / "s"), "--build", str(tmp_path / "g"), "--no-docs",
                               "--store", "disk"])
    assert res.exit_code == 0, res.output
    assert "projects        20" in res.output and (tmp_path / "g" / "store").is_dir()
    res = runner.invoke(main, ["query", "project-participants", "-p", "project", "project:syn-0000003",
                               "--build", str(tmp_path / "g"), "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == "project,org,name,role,role_label,group,via,as_written"


def test_rewritten_violation_checks_still_fire(built):
    """The *-violation.rq checks were rewritten for speed (docs/benchmarks.md): each still finds its fault."""
    broken = EmbeddedStore.from_build(built)
    part = "https://w3id.org/graphkit/id/participation/"
    broken.store.update(f"""
        PREFIX mcn: <https://w3id.org/graphkit/mcn#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        DELETE WHERE {{ GRAPH ?g {{ <{part}impra--cisv--partner> mcn:hasEvidence ?e }} }};
        DELETE WHERE {{ GRAPH ?g {{ ?ev mcn:quote ?q . <{part}impra--cop--lead> mcn:hasEvidence ?ev }} }};
        DELETE {{ GRAPH ?g {{ <{part}impra--cicsene--partner> mcn:role ?r }} }}
        INSERT {{ GRAPH ?g {{ <{part}impra--cicsene--partner> mcn:role <https://w3id.org/graphkit/vocab/role/boss> }} }}
        WHERE {{ GRAPH ?g {{ <{part}impra--cicsene--partner> mcn:role ?r }} }};
        DELETE WHERE {{ GRAPH ?g {{ <https://w3id.org/graphkit/id/project/impra> mcn:activeUntil ?x }} }};
        INSERT DATA {{ GRAPH <urn:test> {{ <https://w3id.org/graphkit/id/organisation/cisv> skos:altLabel "cicsene" }} }}
        """)
    got = {q: sorted(plain_rows(run_query(broken, q)), key=str) for q in (
        "participation-without-evidence-violation", "participation-unknown-role-violation",
        "project-active-period-violation", "organisation-name-collision-violation")}
    assert got == {
        "participation-without-evidence-violation": [{"participation": "participation:impra--cisv--partner"},
                                                     {"participation": "participation:impra--cop--lead"}],
        "participation-unknown-role-violation": [{"participation": "participation:impra--cicsene--partner",
                                                  "role": "role:boss"}],
        "project-active-period-violation": [{"project": "project:impra", "active_from": "2013-09-30",
                                             "active_until": None}],
        "organisation-name-collision-violation": [
            {"name": "CICSENE", "org1": "organisation:cicsene", "org2": "organisation:cisv"},
            {"name": "Cicsene", "org1": "organisation:cicsene", "org2": "organisation:cisv"}],
    }
    # the build runs them side by side in threads: the same rows, each under its own check
    from graphkit.builder.streaming import violation_checks

    assert {k: sorted(v) for k, v in violation_checks(broken.store).items()} == {
        "organisation-name-collision-violation": [
            "name=CICSENE, org1=organisation:cicsene, org2=organisation:cisv",
            "name=Cicsene, org1=organisation:cicsene, org2=organisation:cisv"],
        "participation-unknown-role-violation": ["participation=participation:impra--cicsene--partner, role=role:boss"],
        "participation-without-evidence-violation": ["participation=participation:impra--cisv--partner",
                                                     "participation=participation:impra--cop--lead"],
        "project-active-period-violation": ["project=project:impra, active_from=2013-09-30, active_until=None"],
        "project-leads-per-source-violation": [],
    }


def test_a_store_only_build_keeps_no_nquads(tmp_path):
    synthesize(8, 4, out_dir=tmp_path / "s")
    with pytest.raises(ValueError, match="store='disk'"):
        build(tmp_path / "s", tmp_path / "g", docs=False, nquads=False)
    build(tmp_path / "s", tmp_path / "g", docs=False, store="disk", nquads=False)
    assert not (tmp_path / "g" / "dataset.nq").exists() and not (tmp_path / "g" / ".parts").exists()
    store = EmbeddedStore.from_build(tmp_path / "g")
    assert [r["project"] for r in plain_rows(run_query(store, "project-participants", {"project": "project:syn-0000002"}))]


def test_weights_only_projection_equals_the_full_one_on_a_thousand_projects(seeds_and_synth):
    # hubs in many projects, organisations in one: the sparse pair count must agree with SPARQL's
    from test_network import _same_weights

    from graphkit.network import Filters, organisation_network, resolve_filters

    mixed = EmbeddedStore.from_build(seeds_and_synth)
    for filters in (Filters(), resolve_filters(mixed, roles="lead,partner"), Filters.of_year(2015)):
        full = organisation_network(mixed, filters)
        weights = organisation_network(mixed, filters, detail="weights")
        _same_weights(full, weights)
        assert full.number_of_edges() > 1000


def test_no_store_checks_skips_only_the_whole_store_checks(tmp_path, monkeypatch):
    import graphkit.builder.streaming as sb
    from graphkit.builder import BuildFailed

    synthesize(10, 4, out_dir=tmp_path / "s")
    calls = []

    def fake_checks(store, query_dir=None):      # a store check that finds one fault
        calls.append(len(store))
        return {"participation-without-evidence-violation": ["participation=participation:x"]}

    monkeypatch.setattr(sb, "violation_checks", fake_checks)
    with pytest.raises(BuildFailed, match="participation-without-evidence-violation"):
        build(tmp_path / "s", tmp_path / "g1", docs=False, store="disk")
    assert len(calls) == 1 and not (tmp_path / "g1").exists()        # nothing half-written
    res = CliRunner().invoke(main, ["build", "--data", str(tmp_path / "s"), "--build", str(tmp_path / "g2"),
                                    "--no-docs", "--store", "disk", "--no-store-checks"])
    assert res.exit_code == 0, res.output
    assert len(calls) == 1                                             # not called again
    report = (tmp_path / "g2" / "shacl-report.txt").read_text(encoding="utf-8")
    assert report.splitlines()[0].endswith(
        "Every *-violation.rq check ran on the whole dataset: skipped (--no-store-checks); run them on the store "
        "with `graphkit query NAME --out OUT`: organisation-name-collision-violation, "
        "participation-unknown-role-violation, participation-without-evidence-violation, "
        "project-active-period-violation, project-leads-per-source-violation.")
    res = CliRunner().invoke(main, ["query", "participation-without-evidence-violation", "--build", str(tmp_path / "g2"),
                                    "--format", "csv"])
    assert (res.exit_code, res.output.splitlines()) == (0, ["participation"])
    # the records are still validated: a broken record fails the build with the flag too
    bad = tmp_path / "s" / "projects.jsonl"
    bad.write_text(bad.read_text(encoding="utf-8").replace('"syn-0000002"', '"syn 2"', 1), encoding="utf-8")
    res = CliRunner().invoke(main, ["build", "--data", str(tmp_path / "s"), "--build", str(tmp_path / "g3"),
                                    "--no-docs", "--no-store-checks"])
    assert res.exit_code == 1 and "projects.jsonl" in res.output and not (tmp_path / "g3").exists()


def test_the_store_is_compacted_while_the_checks_run(tmp_path, monkeypatch):
    # the loaders leave overlapping files; the build compacts them (Store.optimize) before anyone
    # queries the store (1M projects: a hub's look-up 72 s -> 12 s), and runs the whole-store
    # checks on the other core meanwhile
    import graphkit.builder.streaming as sb

    synthesize(10, 5, out_dir=tmp_path / "s")
    calls: list[str] = []
    real_compact, real_checks = sb._compact, sb.violation_checks

    def compact(store):
        calls.append("compact")
        real_compact(store)

    def checks(store, query_dir=None):
        calls.append("checks")
        return real_checks(store, query_dir)

    monkeypatch.setattr(sb, "_compact", compact)
    monkeypatch.setattr(sb, "violation_checks", checks)
    steps: list[str] = []
    build(tmp_path / "s", tmp_path / "g", docs=False, store="disk", progress=steps.append)
    top = [m for m in steps if not m.startswith(" ")]
    assert top[top.index("finishing the on-disk store"):] == [
        "finishing the on-disk store",
        "compacting the on-disk store while the SPARQL violation checks run on the whole dataset"]
    assert sorted(calls) == ["checks", "compact"]
    assert len(EmbeddedStore.from_build(tmp_path / "g")) == json.loads(
        (tmp_path / "g" / "summary.json").read_text(encoding="utf-8"))["triples"]
    # without the checks the store is still compacted
    calls.clear(), steps.clear()
    build(tmp_path / "s", tmp_path / "g2", docs=False, store="disk", store_checks=False, progress=steps.append)
    assert calls == ["compact"] and steps[-1] == "compacting the on-disk store"


def test_a_failing_compaction_leaves_nothing_behind(tmp_path, monkeypatch):
    import pyoxigraph as ox

    import graphkit.builder.streaming as sb

    synthesize(10, 5, out_dir=tmp_path / "s")
    checked = []
    real_checks = sb.violation_checks

    def checks(store, query_dir=None):
        found = real_checks(store, query_dir)
        checked.append(found)
        return found

    real_store = ox.Store

    class FullDisk:         # the store, but compacting it fails
        def __init__(self, path):
            self.store = real_store(path)

        def optimize(self):
            raise OSError("No space left on device")

        def __getattr__(self, name):
            return getattr(self.store, name)

    monkeypatch.setattr(sb, "violation_checks", checks)
    monkeypatch.setattr(ox, "Store", FullDisk)
    with pytest.raises(RuntimeError, match="compacting the store failed: No space left on device"):
        build(tmp_path / "s", tmp_path / "g", docs=False, store="disk")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]          # no output, no temporary folder
    assert checked == [{name: [] for name in sb.violation_query_names()}]   # the checks had run meanwhile


def test_parts_loaded_side_by_side_give_the_store_the_whole_file(tmp_path, monkeypatch):
    # the build hands parts of the N-Quads to LOADERS threads; with parts of 64 KiB, 30 projects
    # make dozens of them: the store must hold exactly the quads of dataset.nq
    import graphkit.builder.streaming as sb

    monkeypatch.setattr(sb, "_PART_BYTES", 64 << 10)
    monkeypatch.setattr(sb, "_LINES", 200)
    handed: list[str] = []
    real = sb._Output._load_part

    def counting(self, path):
        handed.append(path.name)
        real(self, path)

    monkeypatch.setattr(sb._Output, "_load_part", counting)
    synthesize(30, 6, out_dir=tmp_path / "s")
    build(tmp_path / "s", tmp_path / "g", docs=False, store="disk")
    assert sb.LOADERS == 2 and len(handed) > 10 and len(set(handed)) == len(handed)
    assert sorted(handed) == [f"part-{i:05d}.nq" for i in range(1, len(handed) + 1)]
    store = ox.Store.read_only(str(tmp_path / "g" / "store"))
    text = (tmp_path / "g" / "dataset.nq").read_text(encoding="utf-8")
    named = {q for q in store if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
    assert named == quads(text) and len(store) == text.count("\n") == len(set(text.splitlines()))
    assert not (tmp_path / "g" / ".parts").exists()


def test_a_failing_loader_leaves_nothing_behind(tmp_path, monkeypatch):
    import graphkit.builder.streaming as sb

    monkeypatch.setattr(sb, "_PART_BYTES", 64 << 10)
    monkeypatch.setattr(sb, "_LINES", 200)
    real = sb._Output._load_part

    def failing(self, path):
        if path.name == "part-00004.nq":
            raise OSError("No space left on device")
        real(self, path)

    monkeypatch.setattr(sb._Output, "_load_part", failing)
    synthesize(30, 6, out_dir=tmp_path / "s")
    with pytest.raises(RuntimeError, match=r"^loading the store failed: No space left on device$"):
        build(tmp_path / "s", tmp_path / "g", docs=False, store="disk")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]       # no output, no temporary folder
