"""Write the datasets that guard the one mapping from records to RDF (decision 0015).

Three datasets, each as sorted, gzipped N-Quads under ``tests/fixtures/datasets/``:

- ``curated.nq.gz``: ``graphkit build`` of the curated records (``data/``);
- ``with-imports.nq.gz``: the same with both imported datasets (EUTF, OECD CRS) added;
- ``synthetic.nq.gz``: the streaming build of a synthetic sample (300 projects, seed 7).

The import's ``prov:generatedAtTime`` (the time it ran) is left out. ``tests/test_mapping_fixtures.py``
builds the three again with the current code and compares them quad for quad.

Run it with the Python of an installed graphkit, from the root of the checkout whose code
writes the fixtures (it calls the ``graphkit`` command of that Python)::

    .venv/bin/python bench/mapping_fixtures.py --out tests/fixtures/datasets
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
from pathlib import Path

GENERATED_AT = "<http://www.w3.org/ns/prov#generatedAtTime>"
SYNTH_PROJECTS, SYNTH_SEED = 300, 7
NEWLINE = b"\n"


def normalised(nq: Path) -> bytes:
    """The file's lines without the import timestamps, sorted, as one block of bytes."""
    lines = {line for line in nq.read_text(encoding="utf-8").splitlines() if line.strip()
             and f" {GENERATED_AT} " not in line}
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8")


def run(*args: str, cwd: Path) -> None:
    cmd = [str(Path(sys.executable).with_name("graphkit")), *args]
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("tests/fixtures/datasets"))
    ap.add_argument("--root", type=Path, default=Path.cwd(), help="checkout whose data/ is built")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    root = args.root.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        run("build", "--data", str(root / "data"), "--out", str(t / "curated"), "--no-docs", "-q", cwd=root)
        for name in ("eutf", "crs"):
            run("import", name, "--data", str(root / "data"), "--out", str(t / "imports" / name),
                "--review", str(root / "data/resolution/review.csv"), "--no-review-update", "-q", cwd=root)
        run("build", "--data", str(root / "data"), "--out", str(t / "with-imports"), "--no-docs", "-q",
            "--with-imports", "--imports", str(t / "imports"), cwd=root)
        run("synth", "--projects", str(SYNTH_PROJECTS), "--seed", str(SYNTH_SEED), "--out", str(t / "synth"),
            cwd=root)
        run("build", "--data", str(t / "synth"), "--out", str(t / "synthetic"), "--no-docs", "-q",
            "--store", "none", cwd=root)
        for name in ("curated", "with-imports", "synthetic"):
            data = normalised(t / name / "dataset.nq")
            (args.out / f"{name}.nq.gz").write_bytes(gzip.compress(data, mtime=0))
            print(f"{name}: {data.count(NEWLINE)} quads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
