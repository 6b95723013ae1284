/* graphkit WebGL map: draws a large organisation network with sigma.js (WebGL) on a graphology
 * graph, and wires the search, filters, timeline, colouring, ego view, labels, PNG export and
 * the side panel.
 *
 * The data are columns (graphkit/glmap.py): a node's participations are a flat list
 * [project, role mask, ...], a link's shared projects [project, role mask of one end, role mask
 * of the other, ...]. A filter marks the projects it keeps (one pass over the projects), then a
 * node is drawn when one of its participations is kept with a kept role (its size: the projects
 * it keeps), a link when both ends are drawn and a project they share is kept with a kept role
 * on both sides. Positions come computed; the page never runs a layout.
 *
 * Every string of the data reaches the page through textContent or a DOM property, never as
 * HTML; node labels are drawn on a canvas by sigma. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("gk-data").textContent);
  var ND = DATA.nodes, ED = DATA.edges, PR = DATA.projects;
  var N = ND.key.length, M = ED.src.length, P = PR.label.length;
  var ROLE_ALL = DATA.roles.length ? Math.pow(2, DATA.roles.length) - 1 : 0;
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
                 "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1"];
  var OTHER = "#b0b0b0", DIM = "#e9e9e9", EDGE = "#c3cad3", EDGE_DIM = "#f2f2f2";

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  // ------------------------------------------------------------------ state
  var state = { type: -1, country: -1, fund: -1, year: 0, mode: "active", roleMask: ROLE_ALL };
  var projOK = new Uint8Array(P), kept = new Int32Array(N), nodeShown = new Uint8Array(N), edgeShown = new Uint8Array(M);
  var colourOf = new Array(N), colourMode = "type";
  var ego = null, egoDist = null;          // the ego node and the hop count of each node in its view
  var current = -1;                        // the node in the side panel

  // each node's links (CSR: the links of node i are adjEdge[adjStart[i] .. adjStart[i + 1]])
  var adjStart = new Int32Array(N + 1), adjEdge = new Int32Array(2 * M);
  (function () {
    var e, fill = new Int32Array(N);
    for (e = 0; e < M; e++) { adjStart[ED.src[e] + 1]++; adjStart[ED.dst[e] + 1]++; }
    for (e = 0; e < N; e++) { adjStart[e + 1] += adjStart[e]; }
    for (e = 0; e < M; e++) {
      adjEdge[adjStart[ED.src[e]] + fill[ED.src[e]]++] = e;
      adjEdge[adjStart[ED.dst[e]] + fill[ED.dst[e]]++] = e;
    }
  })();

  function sizeOf(count) { return 2 + 1.8 * Math.log2(1 + count); }
  function maskOK(m) { return m === 0 || (m & state.roleMask) !== 0; }
  function projectFilterActive() { return state.fund >= 0 || state.year > 0 || state.roleMask !== ROLE_ALL; }

  function computeProjects() {
    var fundOK = DATA.fundSets.map(function (s) { return state.fund < 0 || s.indexOf(state.fund) >= 0; });
    var y = state.year, asof = state.mode === "asof";
    for (var p = 0; p < P; p++) {
      var ok = fundOK[PR.funds[p]];
      if (ok && y > 0) {
        var a = PR.y0[p], b = PR.y1[p];
        ok = asof ? (a >= 0 && a <= y) : (a >= 0 && b >= 0 && a <= y && y <= b);
      }
      projOK[p] = ok ? 1 : 0;
    }
  }

  // which nodes and links the filters keep, and each node's kept projects
  function computeShown() {
    computeProjects();
    var active = projectFilterActive(), i, j, e;
    for (i = 0; i < N; i++) {
      var parts = ND.parts[i], count = 0;
      for (j = 0; j < parts.length; j += 2) {
        if (projOK[parts[j]] && maskOK(parts[j + 1])) { count++; }
      }
      kept[i] = count;
      nodeShown[i] = ((state.type < 0 || ND.type[i] === state.type) && (state.country < 0 || ND.country[i] === state.country)
                      && (!active || count > 0)) ? 1 : 0;
    }
    var links = 0, nodes = 0;
    for (e = 0; e < M; e++) {
      var ok = nodeShown[ED.src[e]] && nodeShown[ED.dst[e]];
      if (ok && active) { ok = keptShared(e, true) > 0; }
      edgeShown[e] = ok ? 1 : 0;
      links += edgeShown[e];
    }
    for (i = 0; i < N; i++) { nodes += nodeShown[i]; }
    return { nodes: nodes, edges: links };
  }
  // the projects a link's two ends share that the filters keep (with ``first``: stop at one)
  function keptShared(e, first) {
    var via = ED.via[e], n = 0;
    for (var k = 0; k < via.length; k += 3) {
      if (projOK[via[k]] && maskOK(via[k + 1]) && maskOK(via[k + 2])) { n++; if (first) { return n; } }
    }
    return n;
  }

  // ------------------------------------------------------------------ colours
  function rankedPalette(values) {
    var count = {}, i;
    for (i = 0; i < N; i++) { count[values[i]] = (count[values[i]] || 0) + 1; }
    var order = Object.keys(count).sort(function (a, b) { return (count[b] - count[a]) || (Number(a) - Number(b)); });
    var colour = {};
    order.forEach(function (v, k) { colour[v] = k < PALETTE.length ? PALETTE[k] : OTHER; });
    return { colour: colour, order: order, count: count };
  }
  function recolour() {
    colourMode = document.getElementById("gk-colour").value;
    var legend = document.getElementById("gk-colour-legend"), rows = [], i;
    if (colourMode === "type") {
      for (i = 0; i < N; i++) { colourOf[i] = DATA.typeColours[ND.type[i]]; }
      var tc = {};
      for (i = 0; i < N; i++) { tc[ND.type[i]] = (tc[ND.type[i]] || 0) + 1; }
      Object.keys(tc).sort(function (a, b) { return tc[b] - tc[a] || a - b; }).forEach(function (t) {
        rows.push([DATA.typeColours[t], DATA.facets.type[t], tc[t]]);
      });
    } else {
      var values = colourMode === "community" ? ND.community : ND.country;
      var pal = rankedPalette(values);
      for (i = 0; i < N; i++) { colourOf[i] = pal.colour[values[i]]; }
      var rest = 0, restCount = 0;
      pal.order.forEach(function (v) {
        if (pal.colour[v] === OTHER) { rest += 1; restCount += pal.count[v]; return; }
        rows.push([pal.colour[v], colourMode === "community" ? "community " + (Number(v) + 1) : DATA.facets.country[v], pal.count[v]]);
      });
      if (rest) { rows.push([OTHER, rest + " more", restCount]); }
    }
    legend.replaceChildren(el("b", "Colour"));
    legend.appendChild(document.createTextNode(": " + document.getElementById("gk-colour").selectedOptions[0].textContent));
    var table = el("table");
    rows.forEach(function (r) {
      var tr = el("tr"), sw = el("span", null, "gk-swatch");
      sw.style.background = r[0];
      var td = el("td");
      td.appendChild(sw);
      tr.appendChild(td);
      tr.appendChild(el("td", r[1]));
      tr.appendChild(el("td", r[2]));
      table.appendChild(tr);
    });
    legend.appendChild(table);
  }

  // ------------------------------------------------------------------ the graph and sigma
  var graph = new gkSigma.Graph({ type: "undirected", multi: false, allowSelfLoops: false });
  recolour();
  computeShown();
  var i0;
  for (i0 = 0; i0 < N; i0++) {
    graph.addNode(String(i0), { x: ND.x[i0], y: -ND.y[i0], size: sizeOf(kept[i0]), color: colourOf[i0],
                                label: ND.label[i0], hidden: !nodeShown[i0] });
  }
  for (i0 = 0; i0 < M; i0++) {
    graph.addEdgeWithKey("e" + i0, String(ED.src[i0]), String(ED.dst[i0]),
                         { i: i0, size: 0.4 + 0.5 * Math.log2(ED.weight[i0]), color: EDGE, hidden: !edgeShown[i0] });
  }
  var container = document.getElementById("gk-network");
  var renderer = new gkSigma.Sigma(graph, container, {
    itemSizesReference: "screen", hideEdgesOnMove: M > 20000, labelRenderedSizeThreshold: 8,
    labelDensity: 0.45, labelGridCellSize: 80, minEdgeThickness: 0.6, zIndex: true,
    labelFont: "system-ui, sans-serif", labelSize: 12,
  });
  window.__gkDrawn = performance.now();     // sigma drew the graph in its constructor

  function redraw() {
    graph.updateEachNodeAttributes(function (key, a) {
      var i = Number(key), dim = egoDist !== null && egoDist[i] < 0;
      a.hidden = !nodeShown[i];
      a.size = sizeOf(kept[i]);
      a.color = dim ? DIM : colourOf[i];
      a.zIndex = dim ? 0 : 1;
      a.label = dim ? "" : ND.label[i];
      return a;
    }, { attributes: ["hidden", "size", "color", "zIndex", "label"] });
    graph.updateEachEdgeAttributes(function (key, a) {
      a.hidden = !edgeShown[a.i];
      a.color = egoDist !== null && (egoDist[ED.src[a.i]] < 0 || egoDist[ED.dst[a.i]] < 0) ? EDGE_DIM : EDGE;
      return a;
    }, { attributes: ["hidden", "color"] });
  }

  function applyFilters() {
    var counts = computeShown();
    if (ego !== null && !nodeShown[ego.node]) { ego = null; }
    computeEgo();
    redraw();
    document.getElementById("gk-status").textContent =
      counts.nodes + " of " + N + " organisations, " + counts.edges + " of " + M + " links drawn";
    if (current >= 0) { if (nodeShown[current]) { showInfo(current); } else { showHint(); } }
    return counts;
  }

  // ------------------------------------------------------------------ filters
  function fillSelect(id, values, allText, facet) {
    var sel = document.getElementById(id);
    sel.appendChild(new Option(allText, ""));
    values.forEach(function (v, k) { sel.appendChild(new Option(String(v), facet === "year" ? String(v) : String(k))); });
    if (!values.length) { sel.disabled = true; }
    sel.addEventListener("change", function () {
      state[facet] = sel.value === "" ? (facet === "year" ? 0 : -1) : Number(sel.value);
      if (facet === "year") { syncTimeline(); }
      applyFilters();
    });
  }
  fillSelect("gk-type", DATA.facets.type, "all types", "type");
  fillSelect("gk-country", DATA.facets.country, "all countries", "country");
  fillSelect("gk-fund", DATA.facets.fund, "all funds", "fund");
  fillSelect("gk-year", DATA.facets.year, "all years", "year");

  var rolesBox = document.getElementById("gk-roles");
  if (!DATA.roles.length) { rolesBox.parentNode.hidden = true; }
  DATA.roles.forEach(function (r, k) {
    var label = el("label"), box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.role = String(k);
    box.addEventListener("change", function () {
      state.roleMask = box.checked ? (state.roleMask | (1 << k)) : (state.roleMask & ~(1 << k));
      applyFilters();
    });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + r.label));
    rolesBox.appendChild(label);
  });

  // ------------------------------------------------------------------ timeline
  var TL = DATA.timeline, slider = document.getElementById("gk-time"), timeMode = document.getElementById("gk-time-mode");
  var timeLabel = document.getElementById("gk-time-label"), playButton = document.getElementById("gk-play"), playTimer = null;
  slider.max = String(TL.length);
  if (!TL.length) { document.getElementById("gk-timeline").hidden = true; }
  function syncTimeline() {
    var k = state.year > 0 ? TL.indexOf(state.year) : -1;
    slider.value = String(k + 1);
    timeLabel.textContent = state.year > 0 ? (state.mode === "asof" ? "by " : "") + state.year : "all years";
    var sel = document.getElementById("gk-year");
    sel.value = state.year > 0 && state.mode === "active" && DATA.facets.year.indexOf(state.year) >= 0 ? String(state.year) : "";
  }
  function setYear(year, mode) {
    state.year = year || 0;
    if (mode) { state.mode = mode; timeMode.value = mode; }
    syncTimeline();
    return applyFilters();
  }
  slider.addEventListener("input", function () { var k = Number(slider.value); setYear(k > 0 ? TL[k - 1] : 0); });
  timeMode.addEventListener("change", function () { setYear(state.year, timeMode.value); });
  function stopPlay() { if (playTimer !== null) { clearInterval(playTimer); playTimer = null; } playButton.textContent = "\u25B6 Play"; }
  function step() {
    var k = Number(slider.value);
    if (k >= TL.length) { return false; }
    setYear(TL[k]);
    return true;
  }
  playButton.addEventListener("click", function () {
    if (playTimer !== null) { stopPlay(); return; }
    if (Number(slider.value) >= TL.length) { setYear(0); }
    playButton.textContent = "\u23F8 Pause";
    playTimer = setInterval(function () { if (!step()) { stopPlay(); } }, 1200);
  });

  // ------------------------------------------------------------------ ego view
  function computeEgo() {
    egoDist = null;
    if (ego === null) { return; }
    egoDist = new Int8Array(N).fill(-1);
    egoDist[ego.node] = 0;
    var frontier = [ego.node];
    for (var d = 1; d <= ego.radius; d++) {
      var next = [];
      frontier.forEach(function (v) {
        for (var k = adjStart[v]; k < adjStart[v + 1]; k++) {
          var e = adjEdge[k];
          if (!edgeShown[e]) { continue; }
          var w = ED.src[e] === v ? ED.dst[e] : ED.src[e];
          if (egoDist[w] < 0) { egoDist[w] = d; next.push(w); }
        }
      });
      frontier = next;
    }
  }
  function setEgo(node, radius) {
    ego = (node === null || node === undefined || node < 0 || !nodeShown[node]) ? null : { node: node, radius: radius || 2 };
    computeEgo();
    redraw();
    if (current >= 0) { showInfo(current); }
    return egoNodes().length;
  }
  function egoNodes() {
    var out = [];
    if (egoDist === null) { return out; }
    for (var i = 0; i < N; i++) { if (egoDist[i] >= 0) { out.push(i); } }
    return out;
  }

  // ------------------------------------------------------------------ side panel
  var info = document.getElementById("gk-info");
  function showHint() {
    current = -1;
    info.replaceChildren(el("p", "Search for an organisation or click a node to see its projects and partners.", "gk-hint"));
  }
  function row(key, value) {
    var r = el("div", null, "gk-row");
    r.appendChild(el("span", key + ": ", "gk-key"));
    r.appendChild(document.createTextNode(value));
    return r;
  }
  function linksOf(i) {
    var out = [];
    for (var k = adjStart[i]; k < adjStart[i + 1]; k++) {
      var e = adjEdge[k];
      if (edgeShown[e]) { out.push({ other: ED.src[e] === i ? ED.dst[e] : ED.src[e], shared: keptShared(e, false) }); }
    }
    return out.sort(function (a, b) { return (b.shared - a.shared) || ND.name[a.other].localeCompare(ND.name[b.other]); });
  }
  function showInfo(i) {
    current = i;
    info.replaceChildren(el("h2", ND.name[i]));
    info.appendChild(row("Type", DATA.facets.type[ND.type[i]]));
    info.appendChild(row("Country", DATA.facets.country[ND.country[i]]));
    info.appendChild(row("Projects kept by the filters", String(kept[i])));
    var box = el("div", null, "gk-ego"), button = el("button", ego && ego.node === i ? "Leave the ego view" : "Ego view");
    button.type = "button";
    button.id = "gk-ego";
    var radius = document.createElement("select");
    radius.id = "gk-ego-radius";
    [["2", "partners and their partners"], ["1", "partners only"]].forEach(function (o) { radius.appendChild(new Option(o[1], o[0])); });
    radius.value = String(ego && ego.node === i ? ego.radius : 2);
    button.addEventListener("click", function () { setEgo(ego && ego.node === i ? null : i, Number(radius.value)); });
    radius.addEventListener("change", function () { if (ego && ego.node === i) { setEgo(i, Number(radius.value)); } });
    box.appendChild(button);
    box.appendChild(radius);
    info.appendChild(box);
    var links = linksOf(i);
    info.appendChild(el("h3", "Partners on the links drawn (" + links.length + ")"));
    var list = el("ul");
    links.slice(0, 200).forEach(function (x) {
      var li = el("li"), b = el("button", ND.name[x.other], "gk-link");
      b.type = "button";
      b.addEventListener("click", function () { select(x.other); });
      li.appendChild(b);
      li.appendChild(document.createTextNode(" \u2013 " + x.shared + " shared project" + (x.shared === 1 ? "" : "s")));
      list.appendChild(li);
    });
    if (links.length > 200) { list.appendChild(el("li", "and " + (links.length - 200) + " more")); }
    info.appendChild(list);
    var parts = ND.parts[i], projects = [];
    for (var j = 0; j < parts.length; j += 2) { if (projOK[parts[j]] && maskOK(parts[j + 1])) { projects.push(parts[j]); } }
    info.appendChild(el("h3", "Projects kept (" + projects.length + ")"));
    var plist = el("ul");
    projects.slice(0, 100).forEach(function (p) {
      var span = PR.y0[p] >= 0 ? " (" + PR.y0[p] + (PR.y1[p] !== PR.y0[p] ? "\u2013" + (PR.y1[p] >= 0 ? PR.y1[p] : "?") : "") + ")" : "";
      plist.appendChild(el("li", PR.label[p] + span));
    });
    if (projects.length > 100) { plist.appendChild(el("li", "and " + (projects.length - 100) + " more")); }
    info.appendChild(plist);
  }
  function select(i) {
    if (i < 0 || !nodeShown[i]) { return false; }
    var d = renderer.getNodeDisplayData(String(i));
    if (d) { renderer.getCamera().setState({ x: d.x, y: d.y, ratio: Math.min(renderer.getCamera().ratio, 0.15) }); }
    showInfo(i);
    return true;
  }
  renderer.on("clickNode", function (ev) { showInfo(Number(ev.node)); });
  renderer.on("clickStage", function () { showHint(); });

  // ------------------------------------------------------------------ search
  var searchBox = document.getElementById("gk-search"), lastQuery = "", lastHit = -1;
  function search(text) {
    var q = String(text || "").trim().toLowerCase(), exact = [], partial = [];
    if (!q) { return []; }
    for (var i = 0; i < N; i++) {
      if (!nodeShown[i]) { continue; }
      var names = ND.names[i];
      if (names.indexOf(q) >= 0) { exact.push(i); }
      else if (names.some(function (s) { return s.indexOf(q) >= 0; })) { partial.push(i); }
    }
    return exact.concat(partial);
  }
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") { return; }
    var found = search(searchBox.value), status = document.getElementById("gk-status");
    if (!found.length) { status.textContent = "nothing drawn matches " + JSON.stringify(searchBox.value); return; }
    lastHit = searchBox.value === lastQuery ? (lastHit + 1) % found.length : 0;
    lastQuery = searchBox.value;
    select(found[lastHit]);
    status.textContent = "match " + (lastHit + 1) + " of " + found.length + " (Enter: next)";
  });

  // ------------------------------------------------------------------ labels, fit, reset, PNG
  var labels = document.getElementById("gk-labels");
  function setLabels(v) {
    v = Number(v);
    labels.value = String(v);
    renderer.setSetting("renderLabels", v > 0);
    renderer.setSetting("labelDensity", 0.05 * v * v);
    renderer.setSetting("labelRenderedSizeThreshold", Math.max(1, 11 - v));
  }
  labels.addEventListener("input", function () { setLabels(labels.value); });
  document.getElementById("gk-colour").addEventListener("change", function () { recolour(); redraw(); });
  document.getElementById("gk-fit").addEventListener("click", function () { renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }); });
  document.getElementById("gk-reset").addEventListener("click", function () {
    ["gk-type", "gk-country", "gk-fund", "gk-year"].forEach(function (id) { document.getElementById(id).value = ""; });
    state.type = state.country = state.fund = -1;
    state.roleMask = ROLE_ALL;
    Array.prototype.forEach.call(rolesBox.querySelectorAll("input"), function (b) { b.checked = true; });
    stopPlay();
    ego = null;
    searchBox.value = "";
    setYear(0, "active");
    renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
    showHint();
  });
  // the layers sigma draws (links and nodes in WebGL, labels on 2D canvases) on one white canvas
  function png() {
    renderer.refresh();
    var layers = container.querySelectorAll("canvas"), out = document.createElement("canvas");
    out.width = layers[0].width;
    out.height = layers[0].height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    Array.prototype.forEach.call(layers, function (c) { ctx.drawImage(c, 0, 0, out.width, out.height); });
    return out.toDataURL("image/png");
  }
  document.getElementById("gk-png").addEventListener("click", function () {
    var a = document.createElement("a");
    a.href = png();
    a.download = (document.title || "network").replace(/[^\w.-]+/g, "-") + ".png";
    a.click();
  });

  showHint();
  syncTimeline();
  applyFilters();

  // for scripts and tests: the state of the page, by node key
  window.graphkitGL = {
    renderer: renderer, graph: graph,
    keyOf: function (i) { return ND.key[i]; },
    indexOf: function (key) { return ND.key.indexOf(key); },
    drawnNodes: function () { return graph.filterNodes(function (k, a) { return !a.hidden; }).map(function (k) { return ND.key[Number(k)]; }).sort(); },
    drawnEdges: function () {
      return graph.filterEdges(function (k, a) { return !a.hidden; }).map(function (k) {
        var e = graph.getEdgeAttribute(k, "i"), a = ND.key[ED.src[e]], b = ND.key[ED.dst[e]];
        return a < b ? [a, b] : [b, a];
      }).sort();
    },
    setFacet: function (facet, value) {
      var id = { type: "gk-type", country: "gk-country", fund: "gk-fund", year: "gk-year" }[facet];
      var sel = document.getElementById(id), values = DATA.facets[facet];
      var k = value === "" || value === null ? -1 : values.indexOf(facet === "year" ? Number(value) : value);
      if (value !== "" && value !== null && k < 0) { throw new Error("no " + facet + " " + value); }
      sel.value = k < 0 ? "" : (facet === "year" ? String(values[k]) : String(k));
      sel.dispatchEvent(new Event("change"));
      return { nodes: Array.prototype.reduce.call(nodeShown, function (t, x) { return t + x; }, 0),
               edges: Array.prototype.reduce.call(edgeShown, function (t, x) { return t + x; }, 0) };
    },
    setRoles: function (slugs) {
      Array.prototype.forEach.call(rolesBox.querySelectorAll("input"), function (b) {
        b.checked = slugs.indexOf(DATA.roles[Number(b.dataset.role)].slug) >= 0;
        state.roleMask = b.checked ? (state.roleMask | (1 << Number(b.dataset.role))) : (state.roleMask & ~(1 << Number(b.dataset.role)));
      });
      return applyFilters();
    },
    setYear: setYear,
    setEgo: function (key, radius) { return setEgo(key === null ? null : ND.key.indexOf(key), radius); },
    egoNodes: function () { return egoNodes().map(function (i) { return ND.key[i]; }).sort(); },
    dimmedNodes: function () { return graph.filterNodes(function (k, a) { return !a.hidden && a.color === DIM; }).map(function (k) { return ND.key[Number(k)]; }).sort(); },
    search: function (text) { return search(text).map(function (i) { return ND.key[i]; }); },
    select: function (key) { return select(ND.key.indexOf(key)); },
    kept: function (key) { return kept[ND.key.indexOf(key)]; },
    setLabels: setLabels,
    png: png,
  };
})();
