"""Seconds to draft each development and seed page, each in a fresh process as `graphkit draft`
runs (registry, tables and gazetteer read once per process), and within one process after the
first page. Run: PYTHONPATH=. python bench/draft_time.py [--data data]"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ONE = ("import sys, time; t = time.perf_counter(); from graphkit.draft import draft_page, render; "
       "render(draft_page(sys.argv[1], data_dir=sys.argv[2])); print(f'{time.perf_counter() - t:.2f}')")


def main() -> None:
    """Print, per page, the seconds of a fresh process and of a warm one, and the slowest."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default="data")
    args = ap.parse_args()
    data = Path(args.data)
    pages = sorted((data / "pages-dev").glob("*.txt")) + sorted((data / "sources").glob("*.txt"))
    from graphkit.draft import draft_page, render

    render(draft_page(pages[0], data_dir=data))          # warm the caches of this process
    worst = (0.0, "")
    print(f"{'page':45} {'fresh s':>8} {'warm s':>7}")
    for page in pages:
        fresh = float(subprocess.run([sys.executable, "-c", ONE, str(page), str(data)], capture_output=True,
                                     text=True, check=True).stdout.strip())
        t = time.perf_counter()
        render(draft_page(page, data_dir=data))
        warm = time.perf_counter() - t
        worst = max(worst, (fresh, page.name))
        print(f"{page.name:45} {fresh:8.2f} {warm:7.2f}")
    print(f"slowest fresh: {worst[1]} {worst[0]:.2f} s")


if __name__ == "__main__":
    main()
