"""Seconds to draft each development and seed page: `graphkit draft PAGE` in a fresh process
(wall-clock and CPU seconds: on a busy machine the wall clock waits for the cores, the CPU
seconds do not), and within one process once its tables are read (warm).

Run: PYTHONPATH=. python bench/draft_time.py [--data data]"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    """Print, per page, the wall and CPU seconds of a fresh `graphkit draft`, the warm seconds, and the slowest."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default="data")
    args = ap.parse_args()
    data = Path(args.data)
    pages = sorted((data / "pages-dev").glob("*.txt")) + sorted((data / "sources").glob("*.txt"))
    from graphkit.draft import draft_page, render

    render(draft_page(pages[0], data_dir=data))          # read the tables in this process once
    worst = (0.0, "")
    print(f"{'page':32} {'fresh wall s':>12} {'fresh cpu s':>11} {'warm s':>7}")
    for page in pages:
        cpu, wall = _cpu(), time.perf_counter()
        subprocess.run([sys.executable, "-m", "graphkit.cli", "draft", str(page), "--data", str(data)],
                       capture_output=True, check=True)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        t = time.perf_counter()
        render(draft_page(page, data_dir=data))
        warm = time.perf_counter() - t
        worst = max(worst, (cpu, page.name))
        print(f"{page.name:32} {wall:12.2f} {cpu:11.2f} {warm:7.2f}")
    print(f"slowest (cpu): {worst[1]} {worst[0]:.2f} s; load average now {Path('/proc/loadavg').read_text().split()[0]}")


if __name__ == "__main__":
    main()
