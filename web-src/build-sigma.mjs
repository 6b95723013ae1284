// Bundles sigma.js and graphology from the npm registry (pinned in package.json) into one
// minified script, build/vendor/sigma.min.js, which defines the global `gkSigma` ({ Graph,
// Sigma }), with build/vendor/LICENSES-sigma.txt naming every package inside and its licence.
// Only the renderer comparison of bench/map_scale.py (--sigma) uses it: the WebGL map page
// (graphkit/glmap.py) draws with WebGL itself, ten times faster in software WebGL (decision
// 0023), so nothing of this is shipped in the package. Run: npm ci && npm run build-sigma.
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "build", "vendor");
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: [join(here, "sigma-entry.js")],
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "gkSigma",
  target: ["es2019"],
  legalComments: "none",          // the licences are in LICENSES-sigma.txt
  metafile: true,
  write: false,
  logLevel: "warning",
});
const code = result.outputFiles[0].text;
if (/<\/script/i.test(code)) throw new Error("the bundle contains '</script' and cannot be inlined");
writeFileSync(join(out, "sigma.min.js"), code);

// every npm package with a file in the bundle, with the licence text its tarball carries
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const parts = relative(here, input).split(/[\\/]/);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) continue;
  const name = parts[at + 1].startsWith("@") ? parts.slice(at + 1, at + 3).join("/") : parts[at + 1];
  const dir = join(here, ...parts.slice(0, at + 1), ...name.split("/"));
  packages.set(name, dir);
}
const lines = [
  "Third-party software in sigma.min.js (the renderer compared by bench/map_scale.py --sigma), bundled by esbuild",
  "from the npm registry's packages, with the licence of each package it holds.",
  "Rebuild: cd web-src && npm ci && npm run build-sigma.",
  "",
];
for (const [name, dir] of [...packages].sort()) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const files = readdirSync(dir).filter((f) => /^(licen[cs]e|copying)/i.test(f));
  const text = files.length ? readFileSync(join(dir, files[0]), "utf8").trim()
    : `Licence: ${pkg.license} (the package carries no licence text)`;
  lines.push("=".repeat(78), `${name}@${pkg.version} (${pkg.license})`, "=".repeat(78), text, "");
}
writeFileSync(join(out, "LICENSES-sigma.txt"), lines.join("\n"));
if (!existsSync(join(out, "sigma.min.js"))) throw new Error("sigma.min.js was not written");
console.log(`wrote ${out}: sigma.min.js (${code.length} bytes), LICENSES-sigma.txt (${packages.size} packages: ${[...packages.keys()].join(", ")})`);
