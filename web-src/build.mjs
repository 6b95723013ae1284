// Copies the npm registry's build of YASGUI (@zazuko/yasgui: the editor, YASQE, and the results
// viewer, YASR, with CodeMirror, DataTables and their other dependencies inside) into
// graphkit/web/vendor/, with one file naming every package it holds and its licence.
// Run with `npm ci && npm run build` in web-src/; the output is committed, so neither the
// tests nor a researcher's `pip install` needs Node.js or the network.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "graphkit", "web", "vendor");
const yasgui = join(here, "node_modules", "@zazuko", "yasgui");
mkdirSync(out, { recursive: true });

// the source map is not shipped, so its comment goes too
const script = readFileSync(join(yasgui, "build", "yasgui.min.js"), "utf8");
writeFileSync(join(out, "yasgui.min.js"), script.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n"));
copyFileSync(join(yasgui, "build", "yasgui.min.css"), join(out, "yasgui.min.css"));

// packages whose npm tarball carries no licence file: the licence their package.json names
const MIT = (holder) => `MIT License

Copyright (c) ${holder}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`;

const dirs = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: here, encoding: "utf8" })
  .split("\n").map((s) => s.trim()).filter((s) => s && s !== here).sort();
const seen = new Set();
const parts = [
  "Third-party software in yasgui.min.js and yasgui.min.css, built by the npm registry's package",
  `@zazuko/yasgui ${JSON.parse(readFileSync(join(yasgui, "package.json"), "utf8")).version}, with the licence of each package it holds.`,
  "Rebuild: cd web-src && npm ci && npm run build.",
  "",
];
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const id = `${pkg.name}@${pkg.version}`;
  if (seen.has(id)) continue;
  seen.add(id);
  const files = readdirSync(dir).filter((f) => /^(licen[cs]e|copying)/i.test(f));
  const author = typeof pkg.author === "string" ? pkg.author : pkg.author?.name;
  let text;
  if (files.length) text = readFileSync(join(dir, files[0]), "utf8").trim();
  else if (pkg.license === "MIT") text = MIT(author || pkg.name).trim();
  else text = `Licence: ${pkg.license} (the package carries no licence text)`;
  parts.push("=".repeat(78), `${id} (${pkg.license})`, "=".repeat(78), text, "");
}
writeFileSync(join(out, "LICENSES.txt"), parts.join("\n"));
if (!existsSync(join(out, "yasgui.min.js"))) throw new Error("yasgui.min.js was not written");
console.log(`wrote ${out}: yasgui.min.js, yasgui.min.css, LICENSES.txt (${seen.size} packages)`);
