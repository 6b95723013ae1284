// The query page of `graphkit serve`. Every value from the server is put in the page with
// textContent (never innerHTML), so no name or literal in the graph can run as script.
"use strict";

const state = { queries: [], prefixes: {}, current: null };
const $ = (id) => document.getElementById(id);

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function shorten(iri) {
  let best = null;
  for (const [p, ns] of Object.entries(state.prefixes)) {
    if (iri.startsWith(ns) && /^[A-Za-z0-9_.\-\/]*$/.test(iri.slice(ns.length))) {
      if (best === null || ns.length > state.prefixes[best].length) best = p;
    }
  }
  return best === null ? iri : best + ":" + iri.slice(state.prefixes[best].length);
}

function cell(term) {
  const td = el("td");
  if (!term) return td;
  if (term.type === "uri") {
    td.textContent = shorten(term.value);
    td.title = term.value;
    td.className = "iri";
  } else if (term.type === "bnode") {
    td.textContent = "_:" + term.value;
    td.className = "bnode";
  } else {
    td.textContent = term.value;
    if (term["xml:lang"]) td.appendChild(el("span", "@" + term["xml:lang"], { class: "tag" }));
    else if (term.datatype) td.title = term.datatype;
  }
  return td;
}

function clearOutput() {
  $("error").hidden = true;
  $("notice").hidden = true;
  $("graph").hidden = true;
  $("results").querySelector("thead").replaceChildren();
  $("results").querySelector("tbody").replaceChildren();
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
}

function declares(text, name) {
  // a parameter is sent only while the query's "#+ params:" header still declares it
  return text.split("\n").some((line) => {
    const m = /^\s*#\+\s*-\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(line);
    return m !== null && m[1] === name;
  });
}

function formBody() {
  const text = $("query").value;
  const body = new URLSearchParams();
  body.set("query", text);
  for (const input of $("params").querySelectorAll("input")) {
    if (declares(text, input.name)) body.set("$" + input.name, input.value);
  }
  return body;
}

async function post(accept) {
  const body = formBody();
  return fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
    body,
  });
}

async function run() {
  clearOutput();
  $("status").textContent = "running…";
  const started = performance.now();
  let resp;
  try {
    resp = await post("application/sparql-results+json, text/turtle;q=0.9");
  } catch (e) {
    $("status").textContent = "";
    showError("The server did not answer: " + e);
    return;
  }
  const ms = Math.round(performance.now() - started);
  const text = await resp.text();
  if (!resp.ok) {
    $("status").textContent = "error " + resp.status;
    showError(text);
    return;
  }
  const truncated = resp.headers.get("X-Graphkit-Truncated") === "true";
  const type = resp.headers.get("Content-Type") || "";
  if (type.startsWith("text/turtle")) {
    $("graph").textContent = text;
    $("graph").hidden = false;
    $("status").textContent = resp.headers.get("X-Graphkit-Rows") + " triples in " + ms + " ms";
  } else {
    const data = JSON.parse(text);
    if (typeof data.boolean === "boolean") {
      $("graph").textContent = data.boolean ? "true" : "false";
      $("graph").hidden = false;
      $("status").textContent = "ASK answered in " + ms + " ms";
    } else {
      const vars = data.head.vars;
      const head = el("tr");
      for (const v of vars) head.appendChild(el("th", v, { scope: "col" }));
      $("results").querySelector("thead").appendChild(head);
      const tbody = $("results").querySelector("tbody");
      for (const b of data.results.bindings) {
        const tr = el("tr");
        for (const v of vars) tr.appendChild(cell(b[v]));
        tbody.appendChild(tr);
      }
      const n = data.results.bindings.length;
      $("status").textContent = n + " row" + (n === 1 ? "" : "s") + " in " + ms + " ms";
    }
  }
  if (truncated) {
    $("notice").textContent = "Truncated: only the first " + resp.headers.get("X-Graphkit-Max-Rows") +
      " rows are shown (the server's --max-rows). Narrow the query or add LIMIT/OFFSET.";
    $("notice").hidden = false;
  }
}

async function downloadCsv() {
  $("status").textContent = "preparing CSV…";
  const resp = await post("text/csv");
  const text = await resp.text();
  if (!resp.ok) {
    $("status").textContent = "error " + resp.status;
    showError(text);
    return;
  }
  const blob = new Blob([text], { type: "text/csv" });
  const a = el("a", null, { download: (state.current ? state.current.name : "query") + ".csv" });
  a.href = URL.createObjectURL(blob);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  const truncated = resp.headers.get("X-Graphkit-Truncated") === "true";
  $("status").textContent = "CSV downloaded" + (truncated ? " (truncated to the server's row cap)" : "");
}

function pick(name) {
  const q = state.queries.find((x) => x.name === name) || null;
  state.current = q;
  $("params").replaceChildren();
  $("summary").textContent = q ? q.summary + (q.description ? " — " + q.description : "") : "";
  if (!q) return;
  $("query").value = q.text;
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

async function init() {
  $("endpoint-url").textContent = location.origin + "/sparql";
  const [queries, info] = await Promise.all([
    fetch("/api/queries").then((r) => r.json()),
    fetch("/api/info").then((r) => r.json()),
  ]);
  state.queries = queries;
  state.prefixes = info.prefixes;
  $("dataset").textContent = info.triples + " triples in " + Object.keys(info.graphs).length +
    " named graphs · queries stop after " + info.timeout + " s · at most " + info.max_rows + " rows";
  for (const q of queries) $("examples").appendChild(el("option", q.name + " — " + q.summary, { value: q.name }));
  $("examples").addEventListener("change", (e) => pick(e.target.value));
  const list = $("maps");
  for (const m of info.maps) {
    const li = el("li");
    li.appendChild(el("a", m.title, { href: m.href, target: "_blank", rel: "noopener" }));
    li.appendChild(el("span", " " + m.name + (m.details ? " · " + m.details : ""), { class: "muted small" }));
    list.appendChild(li);
  }
  $("no-maps").hidden = info.maps.length > 0;
  $("run").addEventListener("click", run);
  $("csv").addEventListener("click", downloadCsv);
  $("query").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run();
    }
  });
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", init);
