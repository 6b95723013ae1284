"""Time graphkit's builds against a baseline commit, side by side in one run.

The baseline's code is checked out into a temporary git worktree and run with the same Python
(its package first on ``PYTHONPATH``); each build runs in its own process, baseline and current
alternating (A B A B ...), so both see the same machine. Prints each side's minimum, median and
maximum wall time and the ratio of the medians (current / baseline: below 1 is faster).

    .venv/bin/python bench/compare.py --baseline a842b30 --projects 10000 --repeats 3
    .venv/bin/python bench/compare.py --baseline a842b30 --curated --repeats 5

``--projects N`` builds N synthetic projects (``graphkit synth``, seed 1, made once and built by
both); ``--curated`` builds the curated records of ``data/``. Nothing is kept: every output goes to
a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _graphkit(code: Path, args: list[str], cwd: Path) -> float:
    """Run ``graphkit ARGS`` with the package of ``code`` and return its wall time in seconds."""
    env = dict(os.environ, PYTHONPATH=str(code))
    cmd = [sys.executable, "-c", "import sys; from graphkit.cli import main; sys.exit(main())", *args]
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def _line(name: str, times: list[float]) -> str:
    return (f"{name:<10} min {min(times):7.2f} s  median {statistics.median(times):7.2f} s  "
            f"max {max(times):7.2f} s  ({len(times)} runs)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", required=True, help="commit (or tag, branch) to compare with")
    ap.add_argument("--projects", type=int, default=0, help="build N synthetic projects")
    ap.add_argument("--curated", action="store_true", help="build the curated records of data/")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    if bool(args.projects) == args.curated:
        ap.error("give one of --projects N and --curated")
    with tempfile.TemporaryDirectory(prefix="graphkit-compare-") as tmp:
        t = Path(tmp)
        base = t / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base), args.baseline],
                       check=True)
        try:
            if args.curated:
                data = {"baseline": base / "data", "current": ROOT / "data"}
                extra = []
            else:
                synth = t / "synth"
                subprocess.run([sys.executable, "-c", "import sys; from graphkit.cli import main; sys.exit(main())",
                                "synth", "--projects", str(args.projects), "--seed", "1", "--out", str(synth)],
                               check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=str(ROOT)))
                data = {"baseline": synth, "current": synth}
                extra = ["--store", "disk"]
            code = {"baseline": base, "current": ROOT}
            times: dict[str, list[float]] = {"baseline": [], "current": []}
            for i in range(args.repeats):
                for side in ("baseline", "current"):
                    out = t / f"out-{side}-{i}"
                    times[side].append(_graphkit(code[side], ["build", "--data", str(data[side]), "--out", str(out),
                                                              "--no-docs", "-q", *extra], cwd=code[side]))
            what = "the curated records" if args.curated else f"{args.projects:,} synthetic projects"
            print(f"build of {what}: baseline {args.baseline}, current {ROOT.name} working tree")
            print(_line("baseline", times["baseline"]))
            print(_line("current", times["current"]))
            ratio = statistics.median(times["current"]) / statistics.median(times["baseline"])
            print(f"ratio current/baseline (medians): {ratio:.3f}")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
