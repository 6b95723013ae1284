"""How fast the geographic maps open, beside the network maps of the same data (the baseline).

For the seeds and for the Italian NGOs of the imported datasets, writes the geographic map and the
network map of the same selection (`graphkit map`'s organisation network; `graphkit sources map`),
then opens each in headless Chromium with the network cut, several times, and prints: the page
size, the seconds to write it, the median seconds from navigation to the first drawing (the page's
ready flag), and the seconds to apply a year filter; the last column is geographic / network.

With the npm packages installed (web-src/node_modules), also measures the geographic seeds map
with Natural Earth's 1:110m countries instead of the bundled 1:50m, to show what the finer base
map costs.

Run (after `graphkit build --with-imports`):
    PYTHONPATH=. python bench/geo_maps.py [--build build/graph] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO_READY = "document.body.dataset.ready === '1'"
NET_READY = "typeof window.network === 'object'"


def _open_times(browser, path: Path, ready: str, runs: int, filter_js: str) -> tuple[float, float]:
    """Median seconds to open ``path`` until ``ready`` and to run ``filter_js`` once open."""
    opens, filters = [], []
    for _ in range(runs):
        t = time.perf_counter()
        browser.open(path, ready=ready)
        opens.append(time.perf_counter() - t)
        t = time.perf_counter()
        browser.evaluate(filter_js)
        filters.append(time.perf_counter() - t)
    return statistics.median(opens), statistics.median(filters)


def main() -> None:
    """Write the four maps, open each ``--runs`` times and print the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", type=Path, default=ROOT / "build" / "graph")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    from graphkit import geomap
    from graphkit.browser import Chromium
    from graphkit.maps import write_map
    from graphkit.network import organisation_network
    from graphkit.network.geo import geo_network
    from graphkit.sources import italian_ngo_geo_network, italian_ngo_network
    from graphkit.store.sources import open_sources

    out = Path(tempfile.mkdtemp(prefix="graphkit-geo-bench-"))
    seeds = open_sources(args.build, ["seeds"])
    datasets = open_sources(args.build, ["eutf", "crs"])
    cases = []

    def timed(fn):
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    path = out / "geo-seeds.html"
    w_geo = timed(lambda: geomap.write_geo_map(geo_network(seeds), path))
    path_net = out / "org-seeds.html"
    w_net = timed(lambda: write_map(organisation_network(seeds), path_net, index=False))
    cases.append(("seeds", path, w_geo, path_net, w_net, "2017"))
    path = out / "geo-datasets.html"
    w_geo = timed(lambda: geomap.write_geo_map(italian_ngo_geo_network(datasets), path))
    path_net = out / "org-datasets.html"
    w_net = timed(lambda: write_map(italian_ngo_network(datasets), path_net, index=False))
    cases.append(("Italian NGOs, eutf + crs", path, w_geo, path_net, w_net, "2014"))

    fine = ROOT / "web-src" / "node_modules" / "world-atlas" / "countries-110m.json"
    coarse_path = None
    if fine.exists():
        coarse_path = out / "geo-seeds-110m.html"
        original = geomap.BASE_MAP
        try:
            # the 1:110m file beside the bundled one, for this measurement only
            (geomap.VENDOR / "countries-110m.json").write_text(fine.read_text(encoding="utf-8"), encoding="utf-8")
            geomap.BASE_MAP = "countries-110m.json"
            geomap.write_geo_map(geo_network(seeds), coarse_path)
        finally:
            geomap.BASE_MAP = original
            (geomap.VENDOR / "countries-110m.json").unlink(missing_ok=True)

    print(f"{'map':28} {'page':>8} {'write s':>8} {'open s':>7} {'year s':>7}   {'network map: page':>17} "
          f"{'write s':>8} {'open s':>7} {'year s':>7}   {'open ratio':>10}")
    with Chromium() as browser:
        for name, geo_path, w_geo, net_path, w_net, year in cases:
            g_open, g_year = _open_times(browser, geo_path, GEO_READY, args.runs,
                                         f"graphkitGeo.setFilter('year', '{year}')")
            n_open, n_year = _open_times(browser, net_path, NET_READY, args.runs,
                                         f"graphkitMap.setFilter('year', '{year}')")
            print(f"{name:28} {geo_path.stat().st_size / 1e6:7.2f}M {w_geo:8.2f} {g_open:7.2f} {g_year:7.3f}   "
                  f"{net_path.stat().st_size / 1e6:16.2f}M {w_net:8.2f} {n_open:7.2f} {n_year:7.3f}   "
                  f"{g_open / n_open:10.2f}")
        if coarse_path is not None:
            c_open, c_year = _open_times(browser, coarse_path, GEO_READY, args.runs,
                                         "graphkitGeo.setFilter('year', '2017')")
            print(f"{'seeds, 1:110m base map':28} {coarse_path.stat().st_size / 1e6:7.2f}M {'':>8} {c_open:7.2f} "
                  f"{c_year:7.3f}")
        if browser.console_errors:
            print("console errors:", browser.console_errors)


if __name__ == "__main__":
    main()
