"""Measure the cross-source map aggregated by country against the same map drawn whole.

Writes `graphkit sources map` twice from a build with both datasets imported (``--aggregate none``,
the baseline, and ``--aggregate country``, the default), opens each in headless Chromium and prints,
side by side with a ratio: the time to write the page, its size, the time to open it, the nodes and
links drawn on the first screen; then, on the aggregated page, the time to expand and collapse Italy,
to apply and clear a Source filter and to switch to the communities, and for comparison the time
vis-network's own clustering (``network.cluster`` per country, ``openCluster``) takes on the page
drawn whole, and whether a cluster follows a filter.

    .venv/bin/python bench/cross_source_map.py --build build/graph    # a build made with --with-imports
    .venv/bin/python bench/cross_source_map.py                        # imports and builds in a temporary folder
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

VISIBLE = ("[network.body.data.nodes.get({filter: function (n) { return !n.hidden; }}).length,"
           " network.body.data.edges.get({filter: function (e) { return !e.hidden; }}).length]")
IN_PAGE = """(function () { var r = {}, t;
  t = performance.now(); graphkitMap.expand('Italy'); r.expand = performance.now() - t;
  t = performance.now(); graphkitMap.collapse('Italy'); r.collapse = performance.now() - t;
  t = performance.now(); graphkitMap.setFilter('source', 'seeds'); r.filter = performance.now() - t;
  t = performance.now(); graphkitMap.setFilter('source', ''); r.clear = performance.now() - t;
  t = performance.now(); graphkitMap.aggregate('community'); r.community = performance.now() - t;
  t = performance.now(); graphkitMap.aggregate('country'); r.country = performance.now() - t;
  return r; }())"""
CLUSTERING = """(function () {
  var data = JSON.parse(document.getElementById('gk-data').textContent), country = {}, r = {};
  data.nodes.forEach(function (n) { country[n.id] = n.cat.country; });
  var names = Array.from(new Set(Object.values(country))), t = performance.now();
  names.forEach(function (c, i) {
    network.cluster({ joinCondition: function (o) { return country[o.id] === c; },
                      clusterNodeProperties: { id: 'c' + i, label: c, shape: 'dot' } });
  });
  r.cluster = performance.now() - t;
  var italy = 'c' + names.indexOf('Italy');
  var hide = data.nodes.filter(function (n) { return n.cat.country === 'Italy' && n.cat.source === 'crs'; });
  network.body.data.nodes.update(hide.map(function (n) { return { id: n.id, hidden: true }; }));
  r.hidden = hide.length;
  r.inCluster = network.getNodesInCluster(italy).length;
  t = performance.now(); network.openCluster(italy); r.open = performance.now() - t;
  return r; }())"""


def combined_build(tmp: Path) -> Path:
    """Import both datasets and build them with the curated records into ``tmp``."""
    from click.testing import CliRunner

    from graphkit.cli import main
    from graphkit.imports import import_dataset

    for d in ("eutf", "crs"):
        import_dataset(d, out_dir=tmp / "imports" / d, update_review=False)
    res = CliRunner().invoke(main, ["build", "--with-imports", "--imports", str(tmp / "imports"),
                                    "--build", str(tmp / "graph"), "--no-docs", "--quiet"])
    if res.exit_code:
        raise SystemExit(res.output)
    return tmp / "graph"


def main() -> None:
    """Write, open and measure both pages; print the table."""
    from graphkit.browser import Chromium
    from graphkit.sources import write_ngo_map

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, default=None, help="A build made with --with-imports.")
    ap.add_argument("--repeats", type=int, default=3, help="Times each page is opened (the median is shown).")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        build_dir = args.build or combined_build(tmp)
        pages, write_s = {}, {}
        for mode in ("none", "country"):
            t = time.monotonic()
            pages[mode] = write_ngo_map(tmp / f"{mode}.html", out_dir=build_dir, aggregate=mode)
            write_s[mode] = time.monotonic() - t
        opened, first = {}, {}
        with Chromium() as browser:
            for mode in ("none", "country"):
                times = []
                for _ in range(args.repeats):
                    t = time.monotonic()
                    browser.open(pages[mode])
                    times.append(time.monotonic() - t)
                opened[mode] = statistics.median(times)
                first[mode] = browser.evaluate(VISIBLE)
            in_page = browser.evaluate(IN_PAGE)
            browser.open(pages["none"])
            clustering = browser.evaluate(CLUSTERING)
            errors = browser.console_errors
        size = {mode: pages[mode].stat().st_size / 1e6 for mode in pages}
    rows = [("write the page (s)", write_s["none"], write_s["country"]),
            ("page size (MB)", size["none"], size["country"]),
            (f"open in Chromium (s, median of {args.repeats})", opened["none"], opened["country"]),
            ("nodes drawn first", first["none"][0], first["country"][0]),
            ("links drawn first", first["none"][1], first["country"][1])]
    print(f"{'':44} {'none (baseline)':>16} {'by country':>12} {'ratio':>7}")
    for label, base, new in rows:
        print(f"{label:44} {base:16.2f} {new:12.2f} {new / base if base else float('nan'):7.2f}")
    print("\nOn the page aggregated by country (ms):")
    for key, label in (("expand", "expand Italy"), ("collapse", "collapse Italy"), ("filter", "Source = seeds"),
                       ("clear", "Source = all"), ("community", "switch to communities"), ("country", "back to countries")):
        print(f"  {label:40} {in_page[key]:8.1f}")
    print("\nvis-network clustering on the page drawn whole, for comparison (ms):")
    print(f"  {'cluster the countries':40} {clustering['cluster']:8.1f}")
    print(f"  {'open the Italy cluster':40} {clustering['open']:8.1f}")
    print(f"  after hiding {clustering['hidden']} Italian organisations (a filter), the Italy cluster still "
          f"holds {clustering['inCluster']}")
    print(f"\nconsole errors: {len(errors)}")


if __name__ == "__main__":
    main()
