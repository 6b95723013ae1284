"""The geographic view: points of places, the geographic projection, and its maps in headless Chromium.

Points are checked against independent values (GeoNames' own coordinates of Torino and Khouribga,
the bounding boxes of regions); the pages are opened with the network cut and must draw exactly the
expected places, organisations and projects for each filter, log no error, load nothing, and show
hostile names as text.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit import geo
from graphkit.browser import Chromium
from graphkit.builder import build
from graphkit.cli import main
from graphkit.gazetteer import distance_km
from graphkit.geomap import GeoMapError, geo_data, render_geo_map, write_geo_map
from graphkit.network import resolve_filters
from graphkit.network.geo import geo_network
from graphkit.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "network" / "data"
READY = "document.body.dataset.ready === '1'"
HOSTILE_TITLE = 'Map "><script>window.__pwned=9</script>'
HOSTILE_PLACE = "</script><script>window.__pwned=8</script><img src=x onerror=alert(2)>"

# every place the seeds map draws, with how the five projects use it ("base": only organisations sit there)
SEED_PLACES = [
    ["country:ALB", "origin"], ["country:BEL", "base"], ["country:CHE", "base"], ["country:ITA", "base"],
    ["country:MAR", "action origin"], ["country:PER", "origin"], ["country:SEN", "origin"],
    ["nuts:ES51", "action"], ["nuts:FR71", "action"], ["nuts:FRK", "action"], ["nuts:FRK2", "base"],
    ["nuts:ITC1", "action"], ["nuts:ITC11", "action"], ["nuts:ITI3", "base"], ["nuts:ITI35", "action"],
    ["nuts:ITI4", "action"], ["nuts:ITI45", "base"], ["place:comune-001272", "base"],
    ["place:comune-003106", "base"], ["place:comune-004029", "base"], ["place:comune-005005", "base"],
    ["place:comune-006003", "base"], ["place:comune-043023", "base"], ["place:comune-109006", "base"],
    ["place:khouribga", "action"], ["place:lyon", "base"],
]


# ------------------------------------------------------------------------------ points

def test_points_of_torino_piemonte_khouribga_and_morocco():
    torino = geo.locate("comune:001272")              # GeoNames 3165524: 45.07049, 7.68682
    assert (torino.lat, torino.lon, torino.precision, torino.approximate) == (
        pytest.approx(45.0705, abs=1e-3), pytest.approx(7.6868, abs=1e-3), "municipality", False)
    assert torino.source == "GeoNames 3165524 (matched to ISTAT 001272)"
    assert geo.locate("place:comune-001272") == torino
    piemonte = geo.locate("nuts:ITC1")
    assert piemonte.precision == "nuts-2" and piemonte.source == "GISCO NUTS 2021 ITC1"
    assert 6.6 < piemonte.lon < 9.2 and 44.0 < piemonte.lat < 46.5          # inside Piemonte's bounding box
    assert (piemonte.lon, piemonte.lat) == (pytest.approx(7.92, abs=0.05), pytest.approx(45.06, abs=0.05))
    province = geo.locate("nuts:ITC11")                 # the NUTS 3 region Torino, not the city
    assert province.precision == "nuts-3"
    # Torino the city, Torino the province and Piemonte are three points, tens of kilometres apart
    assert distance_km(torino.lat, torino.lon, piemonte.lat, piemonte.lon) > 15
    assert distance_km(torino.lat, torino.lon, province.lat, province.lon) > 15
    khouribga = geo.locate("geonames:2544248")          # Khouribga, a city: 32.8811, -6.9063
    assert (khouribga.lat, khouribga.lon, khouribga.precision) == (
        pytest.approx(32.881, abs=1e-3), pytest.approx(-6.906, abs=1e-3), "city")
    morocco = geo.locate("http://publications.europa.eu/resource/authority/country/MAR")
    assert morocco.precision == "country" and morocco.source == "Natural Earth (Morocco)"
    assert (morocco.lon, morocco.lat) == (pytest.approx(-8.728, abs=0.01), pytest.approx(29.767, abs=0.01))
    # France's point is in metropolitan France, not pulled towards its overseas departments
    france = geo.locate("country:FRA")
    assert -5 < france.lon < 8 and 42 < france.lat < 51


def test_nuts_versions_each_have_their_points():
    rhone_alpes = geo.locate("nuts:FR71")               # NUTS 2013 only
    assert rhone_alpes.source == "GISCO NUTS 2013 FR71"
    assert 4.0 < rhone_alpes.lon < 7.2 and 44.1 < rhone_alpes.lat < 46.5
    assert geo.nuts_point("ITC1", 2016).source == "GISCO NUTS 2016 ITC1"
    assert geo.locate("nuts:FRK2").source == "GISCO NUTS 2021 FRK2"


def test_every_nuts_code_of_the_reference_tables_has_a_point():
    tables = ROOT / "graphkit" / "resources" / "reference" / "nuts"
    missing = []
    for name, year in (("nuts-2016.csv", 2016), ("NUTS2021.csv", 2021)):
        with (tables / name).open(encoding="utf-8-sig", newline="") as fh:
            for row in list(csv.reader(fh, delimiter=";"))[1:]:
                code = row[0].strip()
                if not code or code == "00" or code.endswith("Z"):      # extra-regio codes have no territory
                    continue
                if len(code) == 2 and year == 2021:     # the 2021 table also lists every ISO country code
                    continue
                try:
                    geo.nuts_point(code, year)
                except geo.UnknownPlace:
                    missing.append((year, code))
    assert missing == []


def test_unknown_references_are_clear_errors():
    cases = {"nuts:XX9": "unknown NUTS code 'XX9'", "country:XXX": "unknown country 'XXX'",
             "comune:999999": "unknown ISTAT municipality code '999999'",
             "geonames:1": "GeoNames id 1 is not in the gazetteer",
             "place:khouribga": "'place:khouribga': no coordinates for this reference"}
    for ref, message in cases.items():
        with pytest.raises(geo.UnknownPlace) as err:
            geo.locate(ref)
        assert message in str(err.value)
        assert err.value.exit_code == 2


def test_municipality_match_rate_and_the_table_rebuilds_the_same(tmp_path):
    import importlib.util

    assert geo.match_rate() == (7604, 7904)             # 96.2 % placed by GeoNames, docs/networks.md
    spec = importlib.util.spec_from_file_location("build_comuni", ROOT / "web-src" / "build_comuni.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    counts = module.build(tmp_path / "comuni.csv")
    assert counts == {"municipalities": 7904, "geonames": 7604, "nuts-3": 300}
    assert (tmp_path / "comuni.csv").read_bytes() == (geo.COORDINATES / "comuni.csv").read_bytes()
    rows = list(csv.DictReader((geo.COORDINATES / "comuni.csv").open(encoding="utf-8")))
    matched = [r["from"] for r in rows if r["precision"] == "municipality"]
    assert len(set(matched)) == len(matched) == 7604          # no GeoNames place stands for two municipalities
    assert {r["from"] for r in rows if r["istat"] in ("001272", "058091", "015146")} == {
        "geonames:3165524", "geonames:3169070", "geonames:3173435"}           # Torino, Roma, Milano
    fallback = geo.comune_point(next(r["istat"] for r in csv.DictReader((geo.COORDINATES / "comuni.csv").open(encoding="utf-8"))
                                     if r["precision"] == "nuts-3"))
    assert fallback.approximate and fallback.precision == "nuts-3"


def test_world_regions():
    assert [geo.world_region(c) for c in ("MAR", "SEN", "ITA", "PER")] == ["Africa", "Africa", "Europe", "Americas"]


# ------------------------------------------------------------------------------ the projection

def test_geo_network_of_the_seeds(store):
    g = geo_network(store)
    links = {n: d["links"] for n, d in g.nodes(data=True) if d.get("kind") == "project"}
    assert links["project:khouribga"] == [["country:MAR", "action"], ["nuts:ITC1", "action"],
                                          ["place:khouribga", "action"], ["country:MAR", "origin"]]
    assert links["project:impra"] == [["nuts:FR71", "action"], ["nuts:ITC1", "action"], ["nuts:ITC11", "action"],
                                      ["country:MAR", "origin"], ["country:SEN", "origin"]]
    cop, cicsene = g.nodes["organisation:cop"], g.nodes["organisation:cicsene"]
    assert (cop["base"], cop["base_approximate"]) == ("place:comune-001272", False)
    # the records do not say where CICSENE sits: it is drawn at Italy's point, marked approximate
    assert (cicsene["base"], cicsene["base_approximate"]) == ("country:ITA", True)
    places = g.graph["places"]
    assert sorted(places) == sorted(k for k, _ in SEED_PLACES)
    kh = places["place:khouribga"]
    assert (kh["type"], kh["country"], kh["point"]["precision"], kh["point"]["source"]) == (
        "city", "country:MAR", "city", "GeoNames 2544248")
    assert (kh["point"]["lat"], kh["point"]["lon"]) == (pytest.approx(32.8811), pytest.approx(-6.9063))
    assert (places["place:comune-001272"]["type"], places["nuts:ITC11"]["type"], places["nuts:ITC11"]["nuts_level"],
            places["country:MAR"]["type"]) == ("municipality", "nuts-region", 3, "country")
    assert places["nuts:FR71"]["point"]["source"] == "GISCO NUTS 2013 FR71"


def test_filters_select_the_projects_of_the_geo_network(store):
    g = geo_network(store, resolve_filters(store, fund="FAMI"))
    assert sorted(n for n, d in g.nodes(data=True) if d.get("kind") == "project") == [
        "project:discorsi", "project:ipocad-azione-4", "project:somicis"]


def test_a_geo_map_is_one_html_file(store, tmp_path):
    with pytest.raises(GeoMapError):
        write_geo_map(geo_network(store), tmp_path / "map.png")
    page = render_geo_map(geo_network(store))
    assert page.count("<script") == 4 and "http://" not in page.split('id="gk-data"')[0].replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert render_geo_map(geo_network(store)) == page                     # the same every time


# ------------------------------------------------------------------------------ in the browser

@pytest.fixture(scope="module")
def browser():
    with Chromium() as b:
        yield b


@pytest.fixture(scope="module")
def seeds_map(store, tmp_path_factory) -> Path:
    return write_geo_map(geo_network(store), tmp_path_factory.mktemp("geo") / "geo-seeds.html",
                         title="The curated projects on the map")


def _open(browser: Chromium, path: Path) -> None:
    browser.console_errors.clear()
    browser.requests.clear()
    browser.dialogs.clear()
    browser.open(path, ready=READY)


def _only_the_page(browser: Chromium, path: Path) -> None:
    assert [u for u in browser.requests if u != path.resolve().as_uri() and not u.startswith("data:")] == []
    assert browser.console_errors == [] and browser.dialogs == []


def _drawn(browser: Chromium) -> dict:
    return browser.evaluate("graphkitGeo.drawn()")


def test_the_seeds_map_draws_every_place_and_organisation(browser, seeds_map, store):
    _open(browser, seeds_map)
    drawn = _drawn(browser)
    assert drawn["places"] == SEED_PLACES
    orgs = sorted(n for n, d in geo_network(store).nodes(data=True) if d.get("kind") != "project")
    assert sorted(drawn["orgs"]) == orgs and len(orgs) == 73
    assert drawn["projects"] == ["project:khouribga", "project:impra", "project:ipocad-azione-4", "project:discorsi",
                                 "project:somicis"]
    # the symbols: a circle for a city, a square for a region, a diamond for a country; origins ringed
    shapes = browser.evaluate("Array.from(document.querySelectorAll('#gk-places .gk-place')).map("
                              "g => [g.dataset.key, g.firstChild.tagName, g.firstChild.getAttribute('stroke')])")
    by_key = {k: (tag, stroke) for k, tag, stroke in shapes}
    assert by_key["place:comune-001272"][0] == "circle" and by_key["place:khouribga"][0] == "circle"
    assert by_key["nuts:ITC1"][0] == "rect" and by_key["nuts:ITC11"][0] == "rect"
    assert by_key["country:MAR"] == ("path", "#6a51a3") and by_key["country:SEN"] == ("path", "#6a51a3")
    fills = dict(browser.evaluate("Array.from(document.querySelectorAll('#gk-places .gk-place')).map("
                                  "g => [g.dataset.key, g.firstChild.getAttribute('fill')])"))
    assert fills["nuts:ITC1"] == fills["place:khouribga"] == fills["country:MAR"] == "#e6550d"
    assert fills["country:SEN"] == "rgba(255,255,255,0.55)"              # a country of origin only: a ring
    assert browser.evaluate("document.getElementById('gk-status').textContent") == (
        "73 organisations (73 on the map), 5 projects, 26 places, 66 arcs")
    _only_the_page(browser, seeds_map)


def test_markers_sit_at_their_points_torino_apart_from_piemonte(browser, seeds_map):
    _open(browser, seeds_map)
    browser.evaluate("graphkitGeo.selectPlace('place:comune-001272')")       # zooms in on Torino
    def at(key):
        return browser.evaluate(f"graphkitGeo.screenOf({json.dumps(key)})")

    def where(lon, lat):
        return browser.evaluate(f"graphkitGeo.project({lon}, {lat})")

    torino, piemonte, province = at("place:comune-001272"), at("nuts:ITC1"), at("nuts:ITC11")
    expected = where(7.68682, 45.07049)                 # GeoNames' Torino
    assert abs(torino[0] - expected[0]) < 2 and abs(torino[1] - expected[1]) < 2
    assert ((torino[0] - piemonte[0]) ** 2 + (torino[1] - piemonte[1]) ** 2) ** 0.5 > 100
    assert ((torino[0] - province[0]) ** 2 + (torino[1] - province[1]) ** 2) ** 0.5 > 100
    # COP is based in Torino: its dot sits around Torino's marker
    cop = at("organisation:cop")
    assert ((cop[0] - torino[0]) ** 2 + (cop[1] - torino[1]) ** 2) ** 0.5 < 30
    info = browser.evaluate("document.getElementById('gk-info').innerText")
    assert "Kind: municipality, Italy" in info and "GeoNames 3165524" in info
    assert "Consorzio Ong Piemontesi" in info


def test_an_analyst_finds_cicsene_on_a_map_of_piedmont_and_morocco(browser, seeds_map):
    _open(browser, seeds_map)
    assert browser.evaluate("graphkitGeo.search('Cicsene')") == "organisation:cicsene"
    info = browser.evaluate("document.getElementById('gk-info').innerText")
    assert info.startswith("CICSENE – Cooperazione e Sviluppo Locale")
    assert "Drawn at: Italy (approximate: the base is not recorded)" in info
    for line in ("Piemonte (place of action)", "Torino (place of action)", "Khouribga (place of action)",
                 "Morocco (place of action)", "Senegal (country of origin)"):
        assert line in info
    own = browser.evaluate("Array.from(document.querySelectorAll('#gk-arcs-layer path.gk-own'))"
                           ".filter(p => p.dataset.from === 'organisation:cicsene').map(p => p.dataset.to).sort()")
    assert own == ["country:MAR", "nuts:ES51", "nuts:FR71", "nuts:FRK", "nuts:ITC1", "nuts:ITC11", "place:khouribga"]
    # the view is zoomed to CICSENE and its places: Piemonte and Khouribga are both on screen
    box = browser.evaluate("(r => [r.left, r.top, r.right, r.bottom])(document.getElementById('gk-map').getBoundingClientRect())")
    for key in ("nuts:ITC1", "place:khouribga", "country:MAR", "organisation:cicsene"):
        x, y = browser.evaluate(f"graphkitGeo.screenOf({json.dumps(key)})")
        assert box[0] <= x <= box[2] and box[1] <= y <= box[3], key


@pytest.mark.parametrize("action, projects, organisations", [
    ("graphkitGeo.setFilter('fund', 'FAMI')", ["project:ipocad-azione-4", "project:discorsi", "project:somicis"], 57),
    ("graphkitGeo.setFilter('year', '2010')", ["project:khouribga"], 12),
    ("graphkitGeo.setFilter('year', '2013')", ["project:impra"], 16),
    ("graphkitGeo.setFilter('year', '2011')", [], 0),
    ("graphkitGeo.setFilter('mode', 'asof'), graphkitGeo.setFilter('year', '2013')", ["project:khouribga", "project:impra"], 24),   # 12 + 16 less COP, CICSENE, ISCOS, RETE
])
def test_fund_and_year_filters_change_what_is_drawn(browser, seeds_map, store, action, projects, organisations):
    _open(browser, seeds_map)
    browser.evaluate(action)
    drawn = _drawn(browser)
    assert drawn["projects"] == projects
    assert len(drawn["organisations"]) == organisations == len(drawn["orgs"])


def test_year_2010_draws_khouribga_morocco_and_piemonte_only(browser, seeds_map):
    _open(browser, seeds_map)
    browser.evaluate("graphkitGeo.setFilter('year', '2010')")
    drawn = _drawn(browser)
    assert drawn["places"] == [["country:CHE", "base"], ["country:ITA", "base"], ["country:MAR", "action origin"],
                               ["nuts:ITC1", "action"], ["place:comune-001272", "base"], ["place:khouribga", "action"]]
    assert drawn["organisations"] == [
        "organisation:aibi", "organisation:anapec", "organisation:camera-commercio-khouribga", "organisation:cicsene",
        "organisation:commune-khouribga", "organisation:cop", "organisation:entraide-nationale",
        "organisation:iscos-piemonte", "organisation:oim", "organisation:progettomondo-mlal",
        "organisation:regione-piemonte", "organisation:rete"]


def test_type_country_and_role_filters_change_what_is_drawn(browser, seeds_map):
    _open(browser, seeds_map)
    browser.evaluate("graphkitGeo.setRoles(['lead'])")
    assert _drawn(browser)["organisations"] == ["organisation:cicsene", "organisation:cop", "organisation:prefettura-fermo",
                                                "organisation:regione-lazio-direzione-lavoro"]
    browser.evaluate("graphkitGeo.reset(), graphkitGeo.setFilter('type', 'NGO network')")
    assert _drawn(browser)["organisations"] == ["organisation:cop", "organisation:focsiv", "organisation:lafede-cat",
                                                "organisation:resacoop"]
    browser.evaluate("graphkitGeo.reset(), graphkitGeo.setFilter('country', 'France')")
    drawn = _drawn(browser)
    assert drawn["organisations"] == ["organisation:ciedel", "organisation:cosim", "organisation:forum-refugies-cosi",
                                      "organisation:resacoop"]
    assert drawn["places"] == [["country:ALB", "origin"], ["country:MAR", "origin"], ["country:PER", "origin"],
                               ["country:SEN", "origin"], ["nuts:ES51", "action"], ["nuts:FR71", "action"],
                               ["nuts:FRK", "action"], ["nuts:FRK2", "base"], ["nuts:ITC1", "action"],
                               ["nuts:ITC11", "action"], ["place:lyon", "base"]]
    # the menus are the page's own controls: choosing in them does the same
    browser.evaluate("graphkitGeo.reset(); (s => { s.value = 'France'; s.dispatchEvent(new Event('change')); })"
                     "(document.getElementById('gk-country'))")
    assert _drawn(browser)["organisations"] == drawn["organisations"]


def test_the_timeline_slider_and_play(browser, seeds_map):
    _open(browser, seeds_map)
    # the slider: position 8 of 2010..2018 is 2017
    browser.evaluate("(t => { t.value = '8'; t.dispatchEvent(new Event('input')); })(document.getElementById('gk-time'))")
    assert browser.evaluate("document.getElementById('gk-time-label').textContent") == "2017"
    assert _drawn(browser)["projects"] == ["project:ipocad-azione-4", "project:discorsi"]
    browser.evaluate("graphkitGeo.reset(); document.getElementById('gk-play').click()")
    assert browser.evaluate("document.getElementById('gk-time-label').textContent") == "2010"
    assert _drawn(browser)["projects"] == ["project:khouribga"]
    browser.wait_for("document.getElementById('gk-time-label').textContent === '2011'", timeout=5)
    assert _drawn(browser)["projects"] == [] and _drawn(browser)["places"] == []
    browser.evaluate("document.getElementById('gk-play').click()")           # pause
    assert browser.evaluate("document.getElementById('gk-play').textContent") == "\u25b6 Play"
    _only_the_page(browser, seeds_map)


def test_hostile_names_are_shown_as_text_and_run_nothing(browser, tmp_path_factory):
    root = tmp_path_factory.mktemp("geo-hostile")
    shutil.copytree(FIXTURE, root / "data")
    build(root / "data", root / "graph", docs=False)
    g = geo_network(EmbeddedStore.from_build(root / "graph"))
    g.graph["places"]["nuts:ITC11"]["label"] = HOSTILE_PLACE
    path = write_geo_map(g, root / "hostile.html", title=HOSTILE_TITLE)
    text = path.read_text(encoding="utf-8")
    assert "<img src=x" not in text and "<script>window.__pwned" not in text
    _open(browser, path)
    assert browser.evaluate("document.title") == HOSTILE_TITLE
    assert browser.evaluate("document.querySelector('h1').textContent") == HOSTILE_TITLE
    names = []
    for key in _drawn(browser)["orgs"]:
        browser.evaluate(f"graphkitGeo.selectOrg({json.dumps(key)})")
        names.append(browser.evaluate("document.querySelector('#gk-info h2').textContent"))
    assert "<img src=x onerror=alert(1)>" in names and "\"><script>window.__pwned=1</script>" in names
    browser.evaluate("graphkitGeo.selectPlace('nuts:ITC11')")
    assert browser.evaluate("document.querySelector('#gk-info h2').textContent") == HOSTILE_PLACE
    assert browser.evaluate("document.querySelector('#gk-places [data-key=\"nuts:ITC11\"] text').textContent") == (
        HOSTILE_PLACE + " (NUTS 3)")
    browser.evaluate("(s => { s.value = '<svg onload=alert(5)>'; s.dispatchEvent(new Event('change')); })"
                     "(document.getElementById('gk-search'))")
    assert browser.evaluate("document.querySelector('#gk-info h2').textContent") == "<img src=x onerror=alert(1)>"
    for facet in ("type", "country", "fund", "year"):
        for value in browser.evaluate(f"Array.from(document.querySelectorAll('#gk-{facet} option')).map(o => o.value)"):
            browser.evaluate(f"graphkitGeo.setFilter({json.dumps(facet)}, {json.dumps(value)})")
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert browser.evaluate("document.querySelectorAll('#gk-info img, #gk-info script, #gk-places img, #gk-legend img').length") == 0
    _only_the_page(browser, path)


# ------------------------------------------------------------------------------ the imported datasets

def test_the_datasets_map_draws_the_african_countries_of_the_italian_ngos(browser, combined_build, tmp_path):
    from graphkit.store.sources import open_sources

    result = CliRunner().invoke(main, ["sources", "map", "--geo", "--build", str(combined_build),
                                       "--map", str(tmp_path / "geo-ngos.html")])
    assert result.exit_code == 0, result.output
    # the expected countries, asked of the store directly
    store = open_sources(combined_build, ["eutf", "crs"])
    rows = store.select("""
        SELECT DISTINCT ?country WHERE {
          ?org org:classification ?type ; mcn:country country:ITA .
          FILTER(?type IN (orgtype:ngo, orgtype:ngo-network))
          ?part a mcn:Participation ; mcn:participant ?org ; mcn:inProject ?project .
          { ?project mcn:takesPlaceIn ?country } UNION { ?project mcn:recipientCountry ?country }
          ?country a mcn:Country .
        }""").rows
    countries = {"country:" + r[0].value.rsplit("/", 1)[1] for r in rows}
    african = sorted(c for c in countries if geo.world_region(c.split(":")[1]) == "Africa")
    assert len(african) == 48 and {"country:SEN", "country:ETH", "country:MAR", "country:BFA"} <= set(african)
    path = tmp_path / "geo-ngos.html"
    _open(browser, path)
    drawn = _drawn(browser)
    assert sorted(k for k, how in drawn["places"] if how != "base") == african
    # the seed organisations among them keep their base (COP in Torino)
    assert [k for k, how in drawn["places"] if how == "base"] == ["country:ITA", "place:comune-001272"]
    g_orgs = drawn["organisations"]
    assert len(g_orgs) == 236 and "organisation:lvia" in g_orgs and "organisation:cisv" in g_orgs
    _only_the_page(browser, path)


def test_cli_geomap_writes_the_seeds_map(built, tmp_path):
    result = CliRunner().invoke(main, ["geomap", "--build", str(built), "--map", str(tmp_path / "g.html")])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote {tmp_path / 'g.html'} (73 organisations, 5 projects, 26 places)"
    result = CliRunner().invoke(main, ["geomap", "--build", str(built), "--fund", "FAMI", "--year", "2017",
                                       "--map", str(tmp_path / "f.html")])
    assert result.exit_code == 0, result.output
    data = json.loads(render_geo_map_data(tmp_path / "f.html"))
    assert sorted(p["key"] for p in data["projects"]) == ["project:discorsi", "project:ipocad-azione-4"]
    bad = CliRunner().invoke(main, ["geomap", "--build", str(built), "--source", "nope"])
    assert bad.exit_code == 2
    # both pages are listed in the folder's index.html, the geographic one by what it holds
    manifest = json.loads((tmp_path / "maps.json").read_text(encoding="utf-8"))
    assert manifest["g.html"] == {
        "title": "The curated projects on the map", "projection": "geographic", "nodes": 73, "size_by": "projects",
        "filters": "all projects, all roles; sources: seeds",
        "summary": "geographic view, 73 organisations, 5 projects, 26 places"}
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert ('<li><a href="g.html">The curated projects on the map</a> – geographic view, 73 organisations, '
            "5 projects, 26 places; all projects, all roles; sources: seeds; size: projects</li>") in index
    assert '<a href="f.html">' in index


def render_geo_map_data(path: Path) -> str:
    """The JSON data of a written geographic map (the page's gk-data element)."""
    text = path.read_text(encoding="utf-8")
    start = text.index('<script type="application/json" id="gk-data">') + len('<script type="application/json" id="gk-data">')
    return text[start:text.index("</script>", start)]


def test_geo_data_lists_unplaced_places(store):
    g = geo_network(store)
    g.graph["places"]["nuts:ITI35"] = dict(g.graph["places"]["nuts:ITI35"], point=None)
    data = geo_data(g)
    assert data["unplaced"] == ["Fermo"]
    somicis = next(p for p in data["projects"] if p["key"] == "project:somicis")
    assert somicis["action"] == [] and somicis["unplaced"] == ["Fermo"]
