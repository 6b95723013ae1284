"""The benchmark's report (bench/run.py): the growth table is computed from the measured figures.

The benchmark itself is not run by the tests (docs/benchmarks.md); its tables are pure functions
of its results, checked here on figures made up for the purpose.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("graphkit_bench_run", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def size(n, build_s, quads, queries, disk=None, peak=2 ** 30):
    return {"projects": n, "build": {"wall": build_s, "triples": quads, "peak_rss": peak},
            "queries_memory": {"queries": {q: {"seconds": s} for q, s in queries.items()}},
            "queries_disk": {"queries": disk or {}}}


def test_growth_gives_each_ratio_and_its_exponent(bench):
    results = {"sizes": [
        size(1000, 2.0, 100_000, {"a": 0.01, "b": 0.02, "c": 0.5}),
        size(10_000, 20.0, 1_000_000, {"a": 0.1, "b": 2.0, "c": 5.0}, peak=4 * 2 ** 30),
        # a query cut at its time limit has no seconds: left out of the median
        size(100_000, 2000.0, 10_000_000, {"a": 1.0, "b": 20.0, "c": 50.0},
             disk={"a": {"seconds": None, "timeout": 150}}, peak=4 * 2 ** 30),
    ]}
    lines = bench.growth(results)
    assert lines[0].startswith("| from → to projects | × projects | quads | build s | build peak memory |")
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]
    assert [r[:5] for r in rows] == [
        ["1,000 → 10,000", "10.00", "×10.0 (k 1.00)", "×10.0 (k 1.00)", "×4.0 (k 0.60)"],
        ["10,000 → 100,000", "10.00", "×10.0 (k 1.00)", "×100.0 (k 2.00)", "×1.0 (k 0.00)"],
    ]
    # the median of each query's ratio: a ×10, b ×100, c ×10 -> ×10; then ×10, ×10, ×10
    assert [r[-2:] for r in rows] == [["×10.0 (k 1.00) over 3", "–"], ["×10.0 (k 1.00) over 3", "–"]]
    # not measured: a dash, never a made-up figure
    assert rows[0][5:9] == ["–", "–", "–", "–"]


def test_growth_needs_two_built_sizes(bench):
    assert bench.growth({"sizes": [size(1000, 2.0, 100_000, {})]})[2:] == []
    assert bench.growth({"sizes": [size(1000, 2.0, 100_000, {}), {"projects": 10_000, "build": {"error": "x"}}]})[2:] == []


def test_build_cpu_shows_how_many_cores_were_busy(bench):
    # 237 s of CPU in 130 s of wall time: 1.83 of the machine's cores on average
    assert bench._cpu({"wall": 130.0, "cpu": 237.4}) == "237 (1.83)"
    assert bench._cpu({"wall": 4.0, "cpu": 3.0}) == "3.00 (0.75)"
    assert bench._cpu({"wall": 130.0}) == "–"          # a run measured before the CPU was recorded
