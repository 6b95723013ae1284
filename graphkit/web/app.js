// The query page of `graphkit serve`: the YASGUI editor and results viewer (graphkit/web/vendor/,
// copied there from the npm registry by web-src/), fed with the project's own prefixes, classes and
// properties, the named queries as examples, and a mark on every answer cut at the server's row cap.
// Nothing is fetched from anywhere but this server: YASGUI's completers that ask prefix.cc and
// Linked Open Vocabularies are replaced. Values from the server enter the page with textContent
// (never innerHTML), so no name or literal in the graph can run as script.
"use strict";

const state = {
  queries: [], prefixes: {}, terms: { classes: [], properties: [] }, info: null, current: null,
  yasgui: null, truncated: false, watched: new WeakSet(), errorMark: null,
};
const $ = (id) => document.getElementById(id);
const DEFAULT_QUERY = `SELECT ?project ?title WHERE {
  ?project a mcn:Project ;
           dcterms:title ?title .
}
ORDER BY ?project`;

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function declares(text, name) {
  // a parameter is sent only while the query's "#+ params:" header still declares it
  return text.split("\n").some((line) => {
    const m = /^\s*#\+\s*-\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(line);
    return m !== null && m[1] === name;
  });
}

function currentText() {
  return state.yasgui ? state.yasgui.getTab().getQuery() : "";
}

// The protocol's form fields besides the query: the named query's parameters ($name=value, bound by
// the server as RDF terms) and partial=true, since the page marks a cut answer itself.
function extraArgs(text) {
  const args = { partial: "true" };
  for (const input of $("params").querySelectorAll("input")) {
    if (declares(text, input.name)) args["$" + input.name] = input.value;
  }
  return args;
}

function fileName() {
  // the named query's name while its header is still in the editor
  const q = state.current;
  const base = q && currentText().includes("#+ summary: " + q.summary) ? q.name : "query";
  return state.truncated ? `${base}-TRUNCATED-first-${state.info.max_rows}-rows` : base;
}

function showNotice(text) {
  $("notice").textContent = text;
  $("notice").hidden = !text;
}

function truncationNotice(maxRows) {
  return "Truncated: only the first " + maxRows + " rows are shown (the server's --max-rows); " +
    "a download is marked TRUNCATED in its name. Narrow the query or page it with LIMIT and OFFSET.";
}

function registerCompleters(Yasqe) {
  // forks keep YASGUI's rules for where a completion applies and how IRIs are shortened, with our
  // own lists instead of prefix.cc and Linked Open Vocabularies (which would be asked over the web)
  Yasqe.forkAutocompleter("prefixes", {
    name: "graphkit-prefixes", persistenceId: null,
    get: () => Object.entries(state.prefixes).map(([p, iri]) => `${p}: <${iri}>`).sort(),
  }, false);
  Yasqe.forkAutocompleter("class", {
    name: "graphkit-classes", bulk: true, persistenceId: null, get: () => state.terms.classes,
  }, false);
  Yasqe.forkAutocompleter("property", {
    name: "graphkit-properties", bulk: true, persistenceId: null, get: () => state.terms.properties,
  }, false);
  Yasqe.defaults.autocompleters = ["graphkit-prefixes", "graphkit-classes", "graphkit-properties", "variables"];
  Yasqe.defaults.prefixCcApi = null;
}

function clearErrorMark() {
  if (state.errorMark) state.errorMark.clear();
  state.errorMark = null;
}

// The server's parser says where a query is wrong ("malformed SPARQL: error at 2:16: ..."): mark it.
function markServerError(yasqe, message) {
  const m = /error at (\d+):(\d+)/.exec(message || "");
  if (!m) return;
  const doc = yasqe.getDoc();
  const line = Math.min(Number(m[1]) - 1, doc.lineCount() - 1);
  const length = doc.getLine(line).length;
  const options = { className: "gk-server-error", attributes: { title: message } };
  if (length === 0) {
    yasqe.addLineClass(line, "background", "gk-server-error-line");
    state.errorMark = { clear: () => yasqe.removeLineClass(line, "background", "gk-server-error-line") };
    return;
  }
  // the parser counts columns from 1, and may point just past the end of the line
  const ch = Math.min(Math.max(0, Number(m[2]) - 1), length - 1);
  state.errorMark = doc.markText({ line, ch }, { line, ch: ch + 1 }, options);
}

function watch(yasqe) {
  if (state.watched.has(yasqe)) return;
  state.watched.add(yasqe);
  yasqe.on("change", clearErrorMark);
  yasqe.on("queryResponse", (_yasqe, response, duration) => {
    clearErrorMark();
    if (response instanceof Error || !response || !response.headers) {
      const message = response && response.message ? response.message : String(response);
      $("status").textContent = "error";
      markServerError(yasqe, message);
      state.truncated = false;
      showNotice("");
      return;
    }
    state.truncated = response.headers.get("X-Graphkit-Truncated") === "true";
    const rows = response.headers.get("X-Graphkit-Rows");
    $("status").textContent = (rows === null ? "" : rows + (rows === "1" ? " row" : " rows") + " in ") + duration + " ms";
    showNotice(state.truncated ? truncationNotice(response.headers.get("X-Graphkit-Max-Rows")) : "");
  });
}

async function downloadCsv() {
  $("status").textContent = "preparing CSV…";
  const text = currentText();
  const body = new URLSearchParams({ query: text, ...extraArgs(text) });
  const resp = await fetch("/sparql", {
    method: "POST", body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/csv" },
  });
  const csv = await resp.text();
  if (!resp.ok) {
    $("status").textContent = "error " + resp.status + ": " + csv;
    return;
  }
  state.truncated = resp.headers.get("X-Graphkit-Truncated") === "true";
  const a = el("a", null, { download: fileName() + ".csv" });
  a.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  $("status").textContent = "CSV downloaded" + (state.truncated ? " (TRUNCATED to the server's row cap)" : "");
  showNotice(state.truncated ? truncationNotice(resp.headers.get("X-Graphkit-Max-Rows")) : "");
}

// A query with PREFIX lines for the project's prefixes it uses and does not declare, put after its
// leading comments (a named query's "#+" header): the server knows every project prefix, but the
// editor's parser (and any other SPARQL server) wants them declared.
function withPrefixes(text) {
  const declared = new Set([...text.matchAll(/PREFIX\s+([A-Za-z][\w.-]*)?:/gi)].map((m) => m[1] || ""));
  const lines = Object.entries(state.prefixes)
    .filter(([p]) => !declared.has(p) && new RegExp("(^|[\\s(/^|,;{])" + p + ":", "m").test(text))
    .map(([p, iri]) => `PREFIX ${p}: <${iri}>`);
  if (!lines.length) return text;
  const all = text.split("\n");
  let head = 0;
  while (head < all.length && /^\s*#/.test(all[head])) head++;
  return [...all.slice(0, head), ...lines, ...all.slice(head)].join("\n");
}

function pick(name) {
  const q = state.queries.find((x) => x.name === name) || null;
  state.current = q;
  $("params").replaceChildren();
  $("summary").textContent = q ? q.summary + (q.description ? " — " + q.description : "") : "";
  if (!q) return;
  state.yasgui.getTab().setQuery(withPrefixes(q.text));
  for (const p of q.params) {
    const id = "param-" + p.name;
    const row = el("div", null, { class: "row" });
    row.appendChild(el("label", p.name + " (" + p.type + ")", { for: id }));
    const input = el("input", null, { id, name: p.name, type: "text", value: p.example || "" });
    input.title = p.doc;
    row.appendChild(input);
    $("params").appendChild(row);
  }
}

function showMaps(maps) {
  const list = $("maps");
  for (const m of maps) {
    const li = el("li");
    li.appendChild(el("a", m.title, { href: m.href, target: "_blank", rel: "noopener" }));
    li.appendChild(el("span", " " + m.name + (m.details ? " · " + m.details : ""), { class: "muted small" }));
    list.appendChild(li);
  }
  $("no-maps").hidden = maps.length > 0;
}

async function init() {
  const endpoint = location.origin + "/sparql";
  $("endpoint-url").textContent = endpoint;
  const [queries, info, terms] = await Promise.all(
    ["/api/queries", "/api/info", "/api/terms"].map((u) => fetch(u).then((r) => r.json())));
  state.queries = queries;
  state.info = info;
  state.prefixes = info.prefixes;
  state.terms = terms;
  $("dataset").textContent = info.triples + " triples in " + Object.keys(info.graphs).length +
    " named graphs · queries stop after " + info.timeout + " s · at most " + info.max_rows + " rows";
  for (const q of queries) $("examples").appendChild(el("option", q.name + " — " + q.summary, { value: q.name }));
  showMaps(info.maps);

  registerCompleters(Yasgui.Yasqe);
  state.yasgui = new Yasgui($("yasgui"), {
    requestConfig: {
      endpoint, method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
      args: [],
    },
    endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: "graphkit-" + location.host,
    yasqe: { value: DEFAULT_QUERY, prefixCcApi: null, lineNumbers: true },
    yasr: { prefixes: info.prefixes, defaultPlugin: "table", getDownloadFileName: fileName },
  });
  // set after the tabs copied the static settings (a function among them would be copied too, and
  // YASGUI cannot merge a function with the arguments it computes): called at every query
  state.yasgui.config.requestConfig.args = () =>
    Object.entries(extraArgs(currentText())).map(([name, value]) => ({ name, value }));
  // the endpoint is always this server's
  for (const id of Object.keys(state.yasgui._tabs)) state.yasgui._tabs[id].setEndpoint(endpoint);
  const onTab = () => {
    const tab = state.yasgui.getTab();
    tab.setEndpoint(endpoint);
    if (tab.getYasqe()) watch(tab.getYasqe());
  };
  state.yasgui.on("tabSelect", () => setTimeout(onTab, 0));
  state.yasgui.on("tabAdd", () => setTimeout(onTab, 0));
  state.yasgui.on("query", (_y, tab) => watch(tab.getYasqe()));
  onTab();
  if (state.yasgui.getTab().getQuery().trim() === DEFAULT_QUERY) state.yasgui.getTab().setQuery(withPrefixes(DEFAULT_QUERY));

  $("examples").addEventListener("change", (e) => pick(e.target.value));
  $("csv").addEventListener("click", downloadCsv);
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", init);
