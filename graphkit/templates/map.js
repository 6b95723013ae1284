/* graphkit map: draws the network with vis-network and wires the search, filters, timeline,
 * colouring, ego view, label culling, image export and the side panel.
 *
 * Filters (and the timeline, which is the year filter played) recompute what depends on the
 * network shown: node sizes, the metrics in the tooltips and side panel, the projects listed,
 * the components. Communities are those of the whole map (seeded Louvain, computed in Python),
 * so their colours stay put while the network changes.
 *
 * Every string of the data reaches the page through textContent or a DOM property, never as
 * HTML: the data is JSON in a <script type="application/json"> element (with <, >, & escaped)
 * read by JSON.parse, and tooltips are DOM elements built here.
 *
 * Aggregation (DATA.aggregate, when the map is written with --aggregate): the network can be drawn
 * with one node per country or community (an "aggregate", id g0, g1, ...), sized by the
 * organisations it holds and linked to the others by the links between their members, summed.
 * Aggregating is done here in data, not with vis-network's clustering: the filters, colours,
 * metrics and search keep working on the organisations themselves ("shown"), and aggregation only
 * decides which of them are drawn ("drawn") and which aggregates stand for the rest. Each grouping
 * has its own layout (graphkit.style.grouped_layout): a group expanded shows its members inside
 * the disc its aggregate stood for. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("gk-data").textContent);

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function tipElement(lines, box) {
    if (box) { box.replaceChildren(); } else { box = el("div", null, "gk-tip"); }
    lines.forEach(function (line) {
      var row = el("div");
      if (line[0]) { row.appendChild(el("b", line[0] + ": ")); }
      row.appendChild(document.createTextNode(line[1]));
      box.appendChild(row);
    });
    return box;
  }

  // The DataSets hold what vis-network draws; names, facets and evidence stay in DATA.
  var NODE_KEYS = ["id", "label", "shape", "color", "size", "x", "y", "borderWidth"];
  var EDGE_KEYS = ["id", "from", "to", "width", "dashes", "arrows"];
  function pick(obj, keys) {
    var out = {};
    keys.forEach(function (k) { if (obj[k] !== undefined) { out[k] = obj[k]; } });
    return out;
  }
  var byId = {}, edgeById = {};
  DATA.nodes.forEach(function (n) { byId[n.id] = n; });
  DATA.edges.forEach(function (e) { edgeById[e.id] = e; });
  var AGG = DATA.aggregate, aggMode = AGG ? AGG.default : "none";
  function nodeIndex(id) { return Number(id.slice(1)); }
  var nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var item = pick(n, NODE_KEYS);
    if (aggMode !== "none") {       // opens aggregated: every node in its group's layout, all groups collapsed
      var p = AGG.layouts[aggMode].pos[nodeIndex(n.id)];
      item.x = p[0]; item.y = p[1]; item.hidden = true;
    }
    return item;
  }));
  var edges = new vis.DataSet(DATA.edges.map(function (e) { return pick(e, EDGE_KEYS); }));

  function short(text, n) { text = String(text); return text.length <= n ? text : text.slice(0, n - 1) + "\u2026"; }
  function projectLabel(p) { return DATA.projects[p].label; }
  function projectSources(p) { var s = DATA.projects[p].sources; return s && s.length ? " (" + s.join(", ") + ")" : ""; }
  function roleNames(rs) { return rs.map(function (r) { return DATA.roles[r].label; }).join(", "); }

  // the tooltip lines of a link, built when it is first hovered
  function edgeTip(e) {
    var a = byId[e.from], b = byId[e.to], lines;
    if (DATA.projection === "org") {
      lines = [["", a.name + " \u2014 " + b.name], ["Shared projects", String(e.weight)]];
      e.via.forEach(function (v) {
        lines.push([projectLabel(v[0]) + projectSources(v[0]), a.name + ": " + roleNames(v[1]) + "; " + b.name + ": " + roleNames(v[2])]);
      });
    } else if (DATA.projection === "bipartite") {
      var org = a.kind === "project" ? b : a, proj = a.kind === "project" ? a : b;
      lines = [["", org.name + " in " + proj.name], ["Role", e.via.length ? roleNames(e.via[0][1]) : ""]];
      if (e.written && e.written.length) { lines.push(["Written as", e.written.join("; ")]); }
    } else if (DATA.projection === "membership") {
      lines = [["", a.name + " \u2192 " + b.name], ["Role", e.rl]];
    } else {
      lines = [["", a.name + " \u2014 " + b.name],
               ["Projects", e.via.map(function (v) { return projectLabel(v[0]); }).join("; ")]];
    }
    (e.ev || []).forEach(function (q) { lines.push(["Evidence", "\u201c" + q[0] + "\u201d (" + (q[1] || "source unknown") + ")"]); });
    return lines;
  }
  // the projects of a link that the current filters keep
  function visibleVia(e) {
    return (e.via || []).filter(function (v) { return projectOK(v[0]) && rolesOK(v[1]) && rolesOK(v[2]); });
  }
  function edgeSummary(e) {
    if (DATA.projection === "bipartite") { return e.via.length ? roleNames(e.via[0][1]) : ""; }
    if (DATA.projection === "membership") { return e.rl; }
    var via = visibleVia(e);
    var labels = via.map(function (v) { return short(projectLabel(v[0]), 24); }).join(", ");
    var noun = DATA.projection === "org" ? " shared project" : " project";
    return via.length + noun + (via.length === 1 ? "" : "s") + ": " + labels;
  }

  var container = document.getElementById("gk-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, DATA.options);
  // tooltips are DOM elements made on first hover (thousands made up front slow large maps)
  network.on("hoverNode", function (p) {
    if (!byId[p.node]) { return; }          // an aggregate: its tooltip is made with it
    var item = nodes.get(p.node);
    // one element per node, made on its first hover and refilled when the filters change
    if (item && item.title === undefined) { titled[p.node] = tipElement(tipLines(p.node)); nodes.update({ id: p.node, title: titled[p.node] }); }
  });
  network.on("hoverEdge", function (p) {
    var item = edges.get(p.edge);
    if (item && item.title === undefined) { edges.update({ id: p.edge, title: tipElement(edgeTip(edgeById[p.edge])) }); }
  });
  if (DATA.stabilize) {
    network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: { enabled: false } }); });
  }

  // ------------------------------------------------------------------ filters
  var state = { type: "", country: "", fund: "", year: "", source: "", mode: "active", roles: {} };
  var SEVERAL = "in several sources";
  var PROJECT_SOURCES = DATA.projects.some(function (p) { return p.sources !== undefined; });
  var current = null;       // the node shown in the side panel
  DATA.roles.forEach(function (r, i) { state.roles[i] = true; });

  function fillSelect(id, values, allText) {
    var sel = document.getElementById(id);
    if (!sel) { return; }
    sel.appendChild(new Option(allText, ""));
    values.forEach(function (v) { sel.appendChild(new Option(String(v), String(v))); });
    if (values.length === 0) { sel.disabled = true; }
    sel.addEventListener("change", function () { state[sel.dataset.facet] = sel.value; applyFilters(); });
  }
  fillSelect("gk-type", DATA.facets.type, "all types");
  fillSelect("gk-country", DATA.facets.country, "all countries");
  fillSelect("gk-fund", DATA.facets.fund, "all funds");
  fillSelect("gk-year", DATA.facets.year, "all years");
  fillSelect("gk-source", DATA.facets.source || [], "all sources");
  if (!(DATA.facets.source || []).length) { document.getElementById("gk-source").parentNode.hidden = true; }

  var rolesBox = document.getElementById("gk-roles");
  if (DATA.roles.length === 0) { rolesBox.parentNode.hidden = true; }
  DATA.roles.forEach(function (r, i) {
    var label = el("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.role = String(i);
    box.addEventListener("change", function () { state.roles[i] = box.checked; applyFilters(); });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + r.label));
    rolesBox.appendChild(label);
  });

  function projectOK(p) {
    var pr = DATA.projects[p];
    if (state.fund && pr.funds.indexOf(state.fund) < 0) { return false; }
    if (state.source && state.source !== SEVERAL && pr.sources && pr.sources.indexOf(state.source) < 0) { return false; }
    if (state.year) {
      if (state.mode === "asof") { if (!pr.years.length || pr.years[0] > Number(state.year)) { return false; } }
      else if (pr.years.indexOf(Number(state.year)) < 0) { return false; }
    }
    return true;
  }
  function roleOK(r) { return r < 0 || state.roles[r]; }
  function rolesOK(rs) { return !rs || rs.length === 0 || rs.some(roleOK); }
  function projectFilterActive() {
    if (state.fund || state.year) { return true; }
    if (state.source && state.source !== SEVERAL && PROJECT_SOURCES) { return true; }
    return DATA.roles.some(function (r, i) { return !state.roles[i]; });
  }

  function nodePasses(n) {
    if (state.type && n.kind !== "project" && n.typeLabel !== state.type) { return false; }
    if (state.country && n.countries.indexOf(state.country) < 0) { return false; }
    // a source: the organisations that take part in its projects; several: those of more than one
    if (state.source && n.sources) {
      if (state.source === SEVERAL ? n.sources.length < 2 : n.sources.indexOf(state.source) < 0) { return false; }
    }
    if (projectFilterActive() && n.parts) {
      return n.parts.some(function (pr) { return projectOK(pr[0]) && roleOK(pr[1]); });
    }
    return true;
  }

  function applyFilters() {
    var visible = {};
    DATA.nodes.forEach(function (n) { visible[n.id] = nodePasses(n); });
    var edgeUpdates = [], linked = {}, shownEdges = 0;
    DATA.edges.forEach(function (e) {
      var ok = visible[e.from] && visible[e.to];
      if (ok && e.via) {
        ok = e.via.some(function (v) { return projectOK(v[0]) && rolesOK(v[1]) && rolesOK(v[2]); });
      }
      if (ok) { linked[e.from] = true; linked[e.to] = true; shownEdges += 1; }
      edgeShown[e.id] = ok;
    });
    var nodeUpdates = [], shownNodes = 0;
    DATA.nodes.forEach(function (n) {
      var ok = visible[n.id];
      // a project or place kept only for its links disappears when none of its links is left
      if (ok && n.kind !== "organisation" && n.degree > 0 && !linked[n.id] && (state.type || state.country || projectFilterActive())) {
        ok = false;
      }
      if (ok) { shownNodes += 1; }
      var u = { id: n.id }, draw = ok && !collapsed(n.id);
      shown[n.id] = ok;
      if (draw !== drawn[n.id]) { drawn[n.id] = draw; u.hidden = !draw; }
      nodeUpdates.push(u);
    });
    edgeUpdates = edgeVisibility();
    metricCache = {};
    // one update per node (vis-network redraws on each): visibility and the size in the network shown
    var next = anyFilter() ? sizesOf(metric(DATA.sizeBy)) : {};
    nodeUpdates = nodeUpdates.filter(function (u) {
      var size = next[u.id] !== undefined ? next[u.id] : byId[u.id].size;
      if (size !== sizeNow[u.id]) { sizeNow[u.id] = size; u.size = size; }
      return u.hidden !== undefined || u.size !== undefined;
    });
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    recolour();
    if (ego !== null && !shown[ego.id]) { ego = null; }
    applyEgo();
    document.getElementById("gk-status").textContent =
      shownNodes + " of " + DATA.nodes.length + " nodes, " + shownEdges + " of " + DATA.edges.length + " links shown";
    refreshAggregates();
    // tooltips already made say the projects and metrics of the network shown
    Object.keys(titled).forEach(function (id) { tipElement(tipLines(id), titled[id]); });
    if (current !== null) {
      if (isAggregate(current)) { if (aggShown(current)) { showAggregate(current); } else { network.unselectAll(); showHint(); } }
      else if (!shown[current]) { network.unselectAll(); showHint(); } else { showInfo(current); }
    }
    scheduleLabels();
    return { nodes: shownNodes, edges: shownEdges };
  }

  document.getElementById("gk-reset").addEventListener("click", function () {
    ["gk-type", "gk-country", "gk-fund", "gk-year", "gk-source"].forEach(function (id) {
      var sel = document.getElementById(id);
      sel.value = "";
      state[sel.dataset.facet] = "";
    });
    Array.prototype.forEach.call(rolesBox.querySelectorAll("input"), function (box) {
      box.checked = true;
      state.roles[Number(box.dataset.role)] = true;
    });
    document.getElementById("gk-search").value = "";
    stopPlay();
    timeSlider.value = "0";
    timeMode.value = "active";
    state.mode = "active";
    ego = null;
    if (AGG) { setAggregate(AGG.default, true); }
    applyFilters();
    syncTimeline();
    network.unselectAll();
    showHint();
    network.fit({ animation: false });
    scheduleLabels();
  });

  document.getElementById("gk-fit").addEventListener("click", function () {
    var shown = nodes.getIds({ filter: function (n) { return !n.hidden; } });
    network.fit({ nodes: shown, animation: false });
    scheduleLabels();
  });

  // ------------------------------------------------------------------ side panel
  var info = document.getElementById("gk-info");
  function showHint() {
    current = null;
    info.replaceChildren(el("p", "Search for an organisation, project or place, or click a node, to see its details, projects and partners.", "gk-hint"));
    if (aggMode !== "none") {
      info.appendChild(el("p", "Each ringed node stands for a group (" + AGG_LABEL() + "): click it for its members and links, "
        + "double-click it to draw its members; a search opens the group of what it finds.", "gk-hint"));
    }
  }

  function select(id) {
    if (isAggregate(id)) {
      network.focus(id, { scale: network.getScale(), animation: false });
      showAggregate(id);
      return;
    }
    if (byId[id] && shown[id] && collapsed(id)) { expand(groupOf(id), false); }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
    showInfo(id);
  }

  function showInfo(id) {
    var n = byId[id];
    if (!n) { return; }
    current = id;
    info.replaceChildren();
    info.appendChild(el("h2", n.name));
    tipLines(id, true).slice(1).forEach(function (line) {
      var row = el("div", null, "gk-row");
      row.appendChild(el("span", line[0] + ": ", "gk-key"));
      row.appendChild(document.createTextNode(line[1]));
      info.appendChild(row);
    });
    var box = el("div", null, "gk-ego");
    var egoButton = el("button", ego && ego.id === id ? "Leave the ego view" : "Ego view");
    egoButton.type = "button";
    egoButton.id = "gk-ego";
    egoButton.addEventListener("click", function () { if (ego && ego.id === id) { setEgo(null); } else { setEgo(id, egoRadius()); } });
    var radius = document.createElement("select");
    radius.id = "gk-ego-radius";
    [["2", "partners and their partners"], ["1", "partners only"]].forEach(function (o) { radius.appendChild(new Option(o[1], o[0])); });
    radius.value = String(ego && ego.id === id ? ego.radius : 2);
    radius.addEventListener("change", function () { if (ego && ego.id === id) { setEgo(id, egoRadius()); } });
    box.appendChild(egoButton);
    box.appendChild(radius);
    info.appendChild(box);
    if (aggMode !== "none") {
      var g = groupOf(id), fold = el("button", "Collapse " + groupName(g));
      fold.type = "button";
      fold.id = "gk-collapse-group";
      fold.addEventListener("click", function () { collapse(g); });
      box.appendChild(fold);
    }
    var links = network.getConnectedEdges(id).filter(function (eid) { return edgeShown[eid]; })
      .map(function (eid) { return edgeById[eid]; });
    info.appendChild(el("h3", DATA.neighbourHeading + " (" + links.length + ")"));
    var list = el("ul");
    links.map(function (e) { return { other: e.from === id ? e.to : e.from, e: e }; })
      .sort(function (a, b) {
        return (visibleVia(b.e).length - visibleVia(a.e).length) || byId[a.other].name.localeCompare(byId[b.other].name);
      })
      .forEach(function (x) {
        var li = el("li");
        var b = el("button", byId[x.other].name, "gk-link");
        b.type = "button";
        b.addEventListener("click", function () { select(x.other); });
        li.appendChild(b);
        var summary = edgeSummary(x.e);
        if (summary) { li.appendChild(document.createTextNode(" \u2013 " + summary)); }
        list.appendChild(li);
      });
    info.appendChild(list);
    var kept = keptEvidence(n);
    if (kept.length) {
      info.appendChild(el("h3", "Evidence from the sources"));
      var ev = el("ul");
      kept.forEach(function (q) {
        var li = el("li");
        li.appendChild(el("q", q[0]));
        if (q[1]) { li.appendChild(document.createTextNode(" – " + q[1])); }
        ev.appendChild(li);
      });
      info.appendChild(ev);
    }
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      if (isAggregate(params.nodes[0])) { showAggregate(params.nodes[0]); } else { showInfo(params.nodes[0]); }
    } else if (!params.edges.length) { showHint(); }
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length && isAggregate(params.nodes[0])) { expand(aggGroup(params.nodes[0]), true); }
  });

  // ------------------------------------------------------------------ search
  var searchBox = document.getElementById("gk-search");
  var names = document.getElementById("gk-names");
  DATA.nodes.slice().sort(function (a, b) { return a.name.localeCompare(b.name); }).forEach(function (n) {
    var opt = document.createElement("option");
    opt.value = n.name;
    names.appendChild(opt);
  });
  var lastQuery = "", lastIndex = -1;
  function search(text) {
    var q = String(text || "").trim().toLowerCase();
    if (!q) { return null; }
    var exact = [], partial = [];
    DATA.nodes.forEach(function (n) {
      if (!shown[n.id]) { return; }
      if (n.names.indexOf(q) >= 0) { exact.push(n.id); }
      else if (n.names.some(function (s) { return s.indexOf(q) >= 0; })) { partial.push(n.id); }
    });
    var found = exact.concat(partial);
    if (!found.length) {
      document.getElementById("gk-status").textContent = "nothing visible matches " + JSON.stringify(String(text));
      return null;
    }
    lastIndex = (q === lastQuery) ? (lastIndex + 1) % found.length : 0;
    lastQuery = q;
    select(found[lastIndex]);
    document.getElementById("gk-status").textContent =
      (lastIndex + 1) + " of " + found.length + " match(es) for " + JSON.stringify(String(text)) + " (Enter for the next)";
    return found[lastIndex];
  }
  searchBox.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); search(searchBox.value); } });
  searchBox.addEventListener("change", function () { search(searchBox.value); });

  function setFilter(facet, value) {
    if (facet === "year") { return setYear(value); }
    var sel = document.querySelector("select[data-facet=" + facet + "]");
    sel.value = value === null || value === undefined ? "" : String(value);
    state[facet] = sel.value;
    return applyFilters();
  }
  function setRoles(slugs) {
    Array.prototype.forEach.call(rolesBox.querySelectorAll("input"), function (box) {
      var i = Number(box.dataset.role);
      box.checked = !slugs || slugs.indexOf(DATA.roles[i].slug) >= 0;
      state.roles[i] = box.checked;
    });
    return applyFilters();
  }

  // ------------------------------------------------------------------ the network shown and its metrics
  var shown = {}, edgeShown = {}, titled = {}, metricCache = {}, ego = null, egoSet = null;
  var baseColour = {}, painted = {}, sizeNow = {}, labelShown = {}, drawn = {}, edgeDrawn = {};
  // as drawn at first: every node shown, in its type colour, size and label (hidden when aggregated)
  DATA.nodes.forEach(function (n) {
    shown[n.id] = true; sizeNow[n.id] = n.size; labelShown[n.id] = true; painted[n.id] = n.color; drawn[n.id] = aggMode === "none";
  });
  DATA.edges.forEach(function (e) { edgeShown[e.id] = true; edgeDrawn[e.id] = true; });
  var SIZE_MIN = 8, SIZE_MAX = 28;
  var EDGE_COLOUR = DATA.options.edges.color;
  var DIM_NODE = { background: "#eeeeee", border: "#dddddd" }, DIM_EDGE = { color: "#eeeeee", opacity: 0.6 };

  function anyFilter() { return !!(state.type || state.country || projectFilterActive()); }
  // a link's weight in the network shown: its shared (linking) projects that the filters keep
  function edgeWeight(e) {
    if ((DATA.projection === "org" || DATA.projection === "place") && projectFilterActive()) { return visibleVia(e).length; }
    return e.weight;
  }
  function adjacency(directed) {
    var key = directed ? "out" : "adj";
    if (metricCache[key]) { return metricCache[key]; }
    var adj = {};
    DATA.nodes.forEach(function (n) { if (shown[n.id]) { adj[n.id] = []; } });
    DATA.edges.forEach(function (e) {
      if (!edgeShown[e.id] || e.from === e.to) { return; }
      var w = edgeWeight(e);
      adj[e.from].push([e.to, w]);
      if (!directed) { adj[e.to].push([e.from, w]); }
    });
    metricCache[key] = adj;
    return adj;
  }

  // Brandes' betweenness with path lengths 1 / weight, normalised by (n-1)(n-2) as networkx does
  function betweenness() {
    var adj = adjacency(DATA.directed), ids = Object.keys(adj), n = ids.length, cb = {}, counter = 0;
    ids.forEach(function (v) { cb[v] = 0; });
    function less(a, b) { return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]); }
    ids.forEach(function (s) {
      var S = [], P = {}, sigma = {}, D = {}, seen = {}, heap = [];
      function push(x) {
        heap.push(x);
        for (var i = heap.length - 1; i > 0;) {
          var p = (i - 1) >> 1;
          if (!less(heap[i], heap[p])) { break; }
          var t = heap[i]; heap[i] = heap[p]; heap[p] = t; i = p;
        }
      }
      function pop() {
        var top = heap[0], last = heap.pop();
        if (heap.length) {
          heap[0] = last;
          for (var i = 0; ;) {
            var l = 2 * i + 1, r = l + 1, m = i;
            if (l < heap.length && less(heap[l], heap[m])) { m = l; }
            if (r < heap.length && less(heap[r], heap[m])) { m = r; }
            if (m === i) { break; }
            var t = heap[i]; heap[i] = heap[m]; heap[m] = t; i = m;
          }
        }
        return top;
      }
      sigma[s] = 1; seen[s] = 0; P[s] = [];
      push([0, counter++, s, s]);
      while (heap.length) {
        var item = pop(), dist = item[0], pred = item[2], v = item[3];
        if (v in D) { continue; }
        if (v !== s) { sigma[v] += sigma[pred]; }
        S.push(v);
        D[v] = dist;
        adj[v].forEach(function (x) {
          var w = x[0], vw = dist + (x[1] > 0 ? 1 / x[1] : 1);
          if (!(w in D) && (!(w in seen) || vw < seen[w])) {
            seen[w] = vw; push([vw, counter++, v, w]); sigma[w] = 0; P[w] = [v];
          } else if (vw === seen[w]) {
            sigma[w] += sigma[v]; P[w].push(v);
          }
        });
      }
      var delta = {};
      S.forEach(function (v) { delta[v] = 0; });
      while (S.length) {
        var w = S.pop(), coeff = (1 + delta[w]) / sigma[w];
        P[w].forEach(function (v) { delta[v] += sigma[v] * coeff; });
        if (w !== s) { cb[w] += delta[w]; }
      }
    });
    var scale = n > 2 ? 1 / ((n - 1) * (n - 2)) : 1;
    ids.forEach(function (v) { cb[v] *= scale; });
    return cb;
  }
  // pairs of partners from different countries not linked to each other (graphkit.metrics.brokers)
  function brokerage(bridged) {
    var adj = adjacency(false), out = {}, linked = {};
    Object.keys(adj).forEach(function (v) { var s = {}; adj[v].forEach(function (x) { s[x[0]] = true; }); linked[v] = s; });
    Object.keys(adj).forEach(function (v) {
      var nb = Object.keys(linked[v]).filter(function (u) { return u !== v; }), count = 0, pairs = {};
      for (var i = 0; i < nb.length; i++) {
        for (var j = i + 1; j < nb.length; j++) {
          var u = nb[i], w = nb[j], gu = byId[u].place_group, gw = byId[w].place_group;
          if (linked[u][w] || !gu || !gw || gu === gw) { continue; }
          count += 1;
          pairs[gu < gw ? gu + "|" + gw : gw + "|" + gu] = true;
        }
      }
      out[v] = bridged ? Object.keys(pairs).length : count;
    });
    return out;
  }
  function componentsShown() {
    var adj = adjacency(false), seen = {}, comps = [];
    DATA.nodes.forEach(function (n) {
      if (!(n.id in adj) || seen[n.id]) { return; }
      var comp = [n.id], queue = [n.id];
      seen[n.id] = true;
      while (queue.length) {
        adj[queue.shift()].forEach(function (x) { if (!seen[x[0]]) { seen[x[0]] = true; comp.push(x[0]); queue.push(x[0]); } });
      }
      comps.push(comp);
    });
    comps.sort(function (a, b) { return b.length - a.length; });
    var out = {};
    comps.forEach(function (c, i) { c.forEach(function (id) { out[id] = i; }); });
    return out;
  }
  // {node id: value} on the network shown; with no filter, the values computed in Python
  function metric(name) {
    if (metricCache["m:" + name]) { return metricCache["m:" + name]; }
    var out = {}, adj;
    if (!anyFilter() && DATA.nodes.length && DATA.nodes[0].m[name] !== undefined) {
      DATA.nodes.forEach(function (n) { out[n.id] = n.m[name]; });
    } else if (name === "degree") {
      adj = adjacency(false);
      Object.keys(adj).forEach(function (v) { out[v] = adj[v].length; });
    } else if (name === "weighted-degree") {
      adj = adjacency(false);
      Object.keys(adj).forEach(function (v) { out[v] = adj[v].reduce(function (t, x) { return t + x[1]; }, 0); });
    } else if (name === "betweenness") {
      out = betweenness();
    } else if (name === "brokerage" || name === "bridged-pairs") {
      out = brokerage(name === "bridged-pairs");
    } else {
      throw new Error("unknown metric " + name);
    }
    metricCache["m:" + name] = out;
    return out;
  }
  function fmt(name, v) {
    if (v === undefined || v === null) { return "\u2013"; }
    return name === "betweenness" ? Number(v).toFixed(4) : String(v);
  }
  // node sizes from the size metric, as graphkit.style.sizes: area grows with the value
  function sizesOf(values) {
    var ids = Object.keys(values), out = {};
    if (!ids.length) { return out; }
    var lo = Infinity, hi = -Infinity;
    ids.forEach(function (id) { lo = Math.min(lo, values[id]); hi = Math.max(hi, values[id]); });
    ids.forEach(function (id) {
      out[id] = hi === lo ? Math.round((SIZE_MIN + SIZE_MAX) / 3 * 10) / 10
        : Math.round((SIZE_MIN + (SIZE_MAX - SIZE_MIN) * Math.sqrt(values[id] - lo) / Math.sqrt(hi - lo)) * 10) / 10;
    });
    return out;
  }
  // the tooltip and panel lines of a node, with the projects and metrics of the network shown
  function keptParts(n) {
    return (n.parts || []).filter(function (pr) { return projectOK(pr[0]) && roleOK(pr[1]); });
  }
  function keptEvidence(n) {
    return (n.evidence || []).filter(function (q) { return (q[2] < 0 || projectOK(q[2])) && roleOK(q[3]); });
  }
  function period(start, end) { return (!start && !end) ? "unknown" : (start || "?") + " \u2013 " + (end || "?"); }
  function tipLines(id, panel) {
    var n = byId[id], out = [];
    n.tip.forEach(function (line) {
      var parts;
      if (line[0] === "@projects") {
        parts = keptParts(n);
        var text = n.kind === "organisation"
          ? parts.map(function (pr) {
            var p = DATA.projects[pr[0]];
            return p.label + " (" + [pr[1] >= 0 ? DATA.roles[pr[1]].label : "", p.period].concat(p.sources || []).join(", ") + ")";
          }).join("; ")
          : parts.map(function (pr) { return DATA.projects[pr[0]].label + projectSources(pr[0]); }).join("; ");
        out.push(["Projects", text || "none under the current filters"]);
      } else if (line[0] === "@active") {
        parts = keptParts(n);
        var starts = parts.map(function (pr) { return DATA.projects[pr[0]].start; }).filter(Boolean).sort();
        var ends = parts.map(function (pr) { return DATA.projects[pr[0]].end; }).filter(Boolean).sort();
        out.push(["Active", period(starts[0], ends[ends.length - 1])]);
      } else if (line[0] === "@evidence") {
        var ev = keptEvidence(n);
        if (ev.length) {
          out.push(["Evidence", ev.slice(0, 3).map(function (q) { return "\u201c" + q[0] + "\u201d (" + q[1] + ")"; }).join("; ")
            + (ev.length > 3 ? "; +" + (ev.length - 3) + " more" : "")]);
        }
      } else if (line[0] === "@metrics") {
        metricNames().forEach(function (m) {
          out.push([DATA.metricLabels[m].charAt(0).toUpperCase() + DATA.metricLabels[m].slice(1), fmt(m, metric(m)[id])]);
        });
        if (panel) {
          out.push(["Community", n.cat.community + " of the whole map"]);
          out.push(["Measured on", anyFilter() ? "the network shown (" + document.getElementById("gk-status").textContent + ")"
            : "the whole map"]);
        }
      } else {
        out.push(line);
      }
    });
    return out;
  }
  function metricNames() {
    var names = ["degree"];
    if (DATA.projection === "org" || DATA.projection === "place") { names.push("weighted-degree"); }
    if (names.indexOf(DATA.sizeBy) < 0) { names.push(DATA.sizeBy); }
    return names;
  }

  // ------------------------------------------------------------------ colour
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
                 "#7f7f7f", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#9edae5",
                 "#dbdb8d", "#393b79"];
  var OTHER = "#d0d0d0";
  var colourSel = document.getElementById("gk-colour");
  DATA.colourBy.forEach(function (o) { colourSel.appendChild(new Option(o[1], o[0])); });
  colourSel.addEventListener("change", function () { recolour(); });
  function mix(a, b, t) {
    var pa = [1, 3, 5].map(function (i) { return parseInt(a.substr(i, 2), 16); });
    var pb = [1, 3, 5].map(function (i) { return parseInt(b.substr(i, 2), 16); });
    return "#" + pa.map(function (x, i) { return ("0" + Math.round(x + (pb[i] - x) * t).toString(16)).slice(-2); }).join("");
  }
  var legendColour = document.getElementById("gk-legend-colour"), legendType = document.getElementById("gk-legend-type");
  function recolour() {
    var key = colourSel.value || "type", rows = [];
    baseColour = {};
    if (key === "type") {
      DATA.nodes.forEach(function (n) { baseColour[n.id] = n.color; });
    } else if (key.indexOf("metric:") === 0) {
      var name = key.slice(7), values = metric(name), ids = Object.keys(values);
      var lo = Math.min.apply(null, ids.map(function (id) { return values[id]; }).concat([Infinity]));
      var hi = Math.max.apply(null, ids.map(function (id) { return values[id]; }).concat([-Infinity]));
      DATA.nodes.forEach(function (n) {
        var v = values[n.id];
        baseColour[n.id] = v === undefined ? OTHER : mix("#deebf7", "#08306b", hi > lo ? Math.sqrt((v - lo) / (hi - lo)) : 0.5);
      });
      if (ids.length) {
        rows.push(["#deebf7", fmt(name, lo) + " (lowest)", ""]);
        rows.push(["#08306b", fmt(name, hi) + " (highest)", ""]);
      }
    } else {
      // colours are given over the whole map (communities by number, largest first; other values
      // by how many nodes have them), so that a value keeps its colour while filters and the
      // timeline change what is shown; components are those of the network shown
      var comp = key === "component" ? componentsShown() : null, value = {}, count = {}, total = {};
      DATA.nodes.forEach(function (n) {
        var v = comp ? (n.id in comp ? "component " + (comp[n.id] + 1) : "") : n.cat[key];
        value[n.id] = v;
        if (v) { total[v] = (total[v] || 0) + 1; }
        if (shown[n.id] && v) { count[v] = (count[v] || 0) + 1; }
      });
      var basis = comp ? count : total;
      var order = Object.keys(basis).sort(function (a, b) {
        return (key === "community" || comp ? 0 : basis[b] - basis[a]) || a.localeCompare(b, undefined, { numeric: true });
      });
      var colour = {};
      order.forEach(function (v, i) { colour[v] = i < PALETTE.length ? PALETTE[i] : OTHER; });
      DATA.nodes.forEach(function (n) { baseColour[n.id] = colour[value[n.id]] || OTHER; });
      var present = order.filter(function (v) { return count[v]; });
      present.filter(function (v) { return colour[v] !== OTHER; }).forEach(function (v) { rows.push([colour[v], v, count[v]]); });
      var rest = present.filter(function (v) { return colour[v] === OTHER; });
      if (rest.length) {
        rows.push([OTHER, rest.length + " more", rest.reduce(function (t, v) { return t + count[v]; }, 0)]);
      }
    }
    if (legendType) { legendType.hidden = key !== "type"; }
    if (legendColour) {
      legendColour.hidden = key === "type";
      legendColour.replaceChildren();
      if (key !== "type") {
        var head = el("div");
        head.appendChild(el("b", "Colour"));
        head.appendChild(document.createTextNode(": " + colourSel.options[colourSel.selectedIndex].text));
        legendColour.appendChild(head);
        var table = el("table");
        rows.forEach(function (r) {
          var tr = el("tr"), sw = el("span", null, "gk-swatch"), td = el("td");
          sw.style.background = r[0];
          td.appendChild(sw);
          tr.appendChild(td);
          tr.appendChild(el("td", r[1]));
          tr.appendChild(el("td", r[2]));
          table.appendChild(tr);
        });
        legendColour.appendChild(table);
      }
    }
    paint();
  }

  // ------------------------------------------------------------------ aggregation (one node per country or community)
  var AGG_BORDER = "#222222", aggEdges = [], expanded = {}, aggFont = 14, aggMin = 14, aggTitle = {}, aggAdded = false;
  function groupOf(id) { return AGG.layouts[aggMode].of[nodeIndex(id)]; }
  function groupName(g) { return AGG.layouts[aggMode].groups[g][0]; }
  function collapsed(id) { return aggMode !== "none" && !expanded[groupOf(id)]; }
  function isAggregate(id) { return typeof id === "string" && id.charAt(0) === "g"; }
  function aggGroup(id) { return Number(id.slice(1)); }
  function aggregateIds() {
    return aggMode === "none" ? [] : AGG.layouts[aggMode].groups.map(function (g, i) { return "g" + i; })
      .filter(function (id) { return aggShown(id); });
  }
  // an aggregate is drawn when its group is collapsed and the filters keep some of its members
  function aggShown(id) { var g = aggGroup(id); return aggMode !== "none" && !expanded[g] && membersShown(g).length > 0; }
  var groupMembers = {};      // grouping -> group -> its nodes, made once
  function membersAll(g) {
    if (!groupMembers[aggMode]) {
      var lists = AGG.layouts[aggMode].groups.map(function () { return []; }), of = AGG.layouts[aggMode].of;
      DATA.nodes.forEach(function (n, i) { lists[of[i]].push(n); });
      groupMembers[aggMode] = lists;
    }
    return groupMembers[aggMode][g];
  }
  function membersShown(g) { return membersAll(g).filter(function (n) { return shown[n.id]; }); }
  // the node a node is drawn as: itself, or its group's aggregate
  function drawnAs(id) { return collapsed(id) ? "g" + groupOf(id) : id; }
  // which links are drawn: those shown between two nodes drawn; the vis updates to make
  function edgeVisibility() {
    var updates = [];
    DATA.edges.forEach(function (e) {
      var d = edgeShown[e.id] && drawn[e.from] && drawn[e.to];
      if (d !== edgeDrawn[e.id]) { edgeDrawn[e.id] = d; updates.push({ id: e.id, hidden: !d }); }
    });
    return updates;
  }
  // after an expand or collapse: which nodes and links are drawn, and the aggregates
  function refreshDrawn() {
    var updates = [];
    DATA.nodes.forEach(function (n) {
      var d = shown[n.id] && !collapsed(n.id);
      if (d !== drawn[n.id]) { drawn[n.id] = d; updates.push({ id: n.id, hidden: !d }); }
    });
    if (updates.length) { nodes.update(updates); }
    var eu = edgeVisibility();
    if (eu.length) { edges.update(eu); }
    refreshAggregates();
    scheduleLabels();
  }
  function aggLines(id) {
    var g = aggGroup(id), members = membersShown(g), total = membersAll(g).length;
    var links = aggEdges.filter(function (e) { return e.from === id || e.to === id; });
    return [["", groupName(g)], ["Grouped", AGG_LABEL()],
            ["Nodes", members.length + (members.length === total ? "" : " of " + total + " (the filters hide the rest)")],
            ["Links to other groups", links.length + " groups, " + links.reduce(function (t, e) { return t + e.pairs; }, 0) + " links"],
            ["", "Double-click or use the side panel to expand it"]];
  }
  // a link between two groups: 1 to 10 pixels on screen whatever the zoom, growing with the log of its weight
  function aggWidth(e) { return Math.min(10, 1 + 1.5 * Math.log2(Math.max(1, e.weight))) / Math.max(0.05, network.getScale()); }
  function AGG_LABEL() { return AGG.modes.filter(function (m) { return m[0] === aggMode; })[0][1]; }
  // the aggregates and their links, from the nodes the filters keep; sizes grow with the members
  function refreshAggregates() {
    if (!AGG) { return; }
    var groups = aggMode === "none" ? [] : AGG.layouts[aggMode].groups, updates = [];
    groups.forEach(function (gr, i) {
      var id = "g" + i, members = membersShown(i), total = membersAll(i).length, show = !expanded[i] && members.length > 0;
      var size = Math.max(aggMin * 0.6, gr[3] * 0.6 * Math.sqrt(members.length / total));
      var u = { id: id, hidden: !show, size: Math.round(size * 10) / 10,
                label: show ? gr[0] + " (" + members.length + ")" : "" };
      if (show) {
        if (!aggTitle[id]) { aggTitle[id] = el("div", null, "gk-tip"); u.title = aggTitle[id]; }
      }
      updates.push(u);
    });
    if (updates.length) { nodes.update(updates); }
    // links: the links shown summed between the nodes they are drawn as
    var sums = {};
    DATA.edges.forEach(function (e) {
      if (!edgeShown[e.id]) { return; }
      var a = drawnAs(e.from), b = drawnAs(e.to);
      if (a === b || (!isAggregate(a) && !isAggregate(b))) { return; }
      var key = a < b ? a + "|" + b : b + "|" + a, w = edgeWeight(e);
      if (!sums[key]) { sums[key] = { from: a < b ? a : b, to: a < b ? b : a, weight: 0, pairs: 0 }; }
      sums[key].weight += w;
      sums[key].pairs += 1;
    });
    if (aggEdges.length) { edges.remove(aggEdges.map(function (e) { return e.id; })); }
    aggEdges = Object.keys(sums).sort().map(function (k, i) {
      var s = sums[k];
      s.id = "ge" + i;
      s.width = Math.min(14, 1 + 2 * Math.log2(Math.max(1, s.weight)));
      s.both = isAggregate(s.from) && isAggregate(s.to);
      return s;
    });
    if (aggEdges.length) {
      edges.add(aggEdges.map(function (e) {
        var a = e.from, b = e.to;
        function name(x) { return isAggregate(x) ? groupName(aggGroup(x)) : byId[x].name; }
        var tip = tipElement([["", name(a) + " \u2014 " + name(b)], ["Links", String(e.pairs)],
                              [DATA.projection === "org" ? "Shared projects, summed over the links" : "Weight, summed", String(e.weight)]]);
        // a link from an organisation to a collapsed group is drawn lighter than one between two groups
        var item = { id: e.id, from: a, to: b, width: e.both ? aggWidth(e) : e.width, title: tip };
        if (!isAggregate(a) || !isAggregate(b)) { item.color = { color: "#b8c2cc", opacity: 0.45 }; }
        return item;
      }));
    }
    groups.forEach(function (gr, i) { if (aggTitle["g" + i]) { tipElement(aggLines("g" + i), aggTitle["g" + i]); } });
    paintAggregates();
    var status = document.getElementById("gk-agg-status");
    if (status) {
      var open = groups.filter(function (gr, i) { return expanded[i]; }).length;
      status.textContent = aggMode === "none" ? "" : aggregateIds().length + " collapsed, " + open + " expanded";
    }
  }
  // an aggregate takes the colour most of its members have under the current colouring
  function paintAggregates() {
    if (!AGG || aggMode === "none") { return; }
    var updates = [];
    AGG.layouts[aggMode].groups.forEach(function (gr, i) {
      var count = {}, best = null;
      membersShown(i).forEach(function (n) { var c = baseColour[n.id] || n.color; count[c] = (count[c] || 0) + 1; });
      Object.keys(count).sort().forEach(function (c) { if (best === null || count[c] > count[best]) { best = c; } });
      updates.push({ id: "g" + i, color: { background: best || "#d0d0d0", border: AGG_BORDER,
                                           highlight: { background: best || "#d0d0d0", border: "#d62728" } } });
    });
    nodes.update(updates);
  }
  function expand(g, fit) {
    expanded[g] = true;
    refreshDrawn();
    if (fit) {
      var ids = membersShown(g).map(function (n) { return n.id; });
      if (ids.length) { network.fit({ nodes: ids, animation: false }); scheduleLabels(); }
    }
    if (current !== null && isAggregate(current) && aggGroup(current) === g) { network.unselectAll(); showHint(); }
    return membersShown(g).map(function (n) { return n.key; }).sort();
  }
  function collapse(g) {
    expanded[g] = false;
    refreshDrawn();
    if (current !== null && !isAggregate(current) && collapsed(current)) { select("g" + g); }
    return aggregateIds().length;
  }
  function expandAll(open) {
    if (aggMode === "none") { return; }
    AGG.layouts[aggMode].groups.forEach(function (gr, i) { expanded[i] = !!open; });
    refreshDrawn();
    network.fit({ animation: false }); scheduleLabels();
  }
  // switch the grouping: positions from its layout, every group collapsed
  function setAggregate(mode, quiet) {
    if (!AGG) { return null; }
    if (aggAdded) {
      nodes.remove(AGG.layouts[aggMode].groups.map(function (g, i) { return "g" + i; }));
      aggAdded = false;
    }
    if (aggEdges.length) { edges.remove(aggEdges.map(function (e) { return e.id; })); aggEdges = []; }
    aggMode = mode in AGG.layouts ? mode : "none";
    expanded = {};
    aggTitle = {};
    var sel = document.getElementById("gk-aggregate");
    if (sel) { sel.value = aggMode; }
    nodes.update(DATA.nodes.map(function (n, i) {
      var p = aggMode === "none" ? [n.x, n.y] : AGG.layouts[aggMode].pos[i];
      return { id: n.id, x: p[0], y: p[1] };
    }));
    if (aggMode !== "none") {
      var groups = AGG.layouts[aggMode].groups, x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      groups.forEach(function (g) {
        x0 = Math.min(x0, g[1] - g[3]); x1 = Math.max(x1, g[1] + g[3]); y0 = Math.min(y0, g[2] - g[3]); y1 = Math.max(y1, g[2] + g[3]);
      });
      aggFont = aggMin = Math.max(14, Math.round(0.022 * Math.max(x1 - x0, y1 - y0)));
      aggAdded = true;
      nodes.add(groups.map(function (g, i) {
        return { id: "g" + i, x: g[1], y: g[2], shape: "dot", size: g[3] * 0.6, label: "", borderWidth: 3, hidden: true,
                 font: { size: aggFont, color: "#1b1b1b", strokeWidth: Math.max(3, aggFont / 5), strokeColor: "#ffffff" } };
      }));
    }
    if (!quiet) {
      refreshDrawn();
      network.fit({ animation: false }); scheduleLabels();
      if (current !== null && isAggregate(current)) { network.unselectAll(); showHint(); }
    }
    return aggregateIds().length;
  }
  function showAggregate(id) {
    var g = aggGroup(id), members = membersShown(g);
    current = id;
    network.selectNodes([id]);
    info.replaceChildren();
    info.appendChild(el("h2", groupName(g)));
    aggLines(id).slice(1, 4).forEach(function (line) {
      var row = el("div", null, "gk-row");
      row.appendChild(el("span", line[0] + ": ", "gk-key"));
      row.appendChild(document.createTextNode(line[1]));
      info.appendChild(row);
    });
    var box = el("div", null, "gk-ego"), open = el("button", "Expand " + groupName(g));
    open.type = "button";
    open.id = "gk-expand-group";
    open.addEventListener("click", function () { expand(g, true); });
    box.appendChild(open);
    info.appendChild(box);
    // how the members split by type and by source
    [["type", "By type"], ["source", "By source"]].forEach(function (f) {
      if (!members.length || members[0].cat[f[0]] === undefined) { return; }
      var count = {};
      members.forEach(function (n) { count[n.cat[f[0]]] = (count[n.cat[f[0]]] || 0) + 1; });
      info.appendChild(el("h3", f[1]));
      var list = el("ul");
      Object.keys(count).sort(function (a, b) { return (count[b] - count[a]) || a.localeCompare(b); })
        .forEach(function (k) { list.appendChild(el("li", k + ": " + count[k])); });
      info.appendChild(list);
    });
    var links = aggEdges.filter(function (e) { return e.from === id || e.to === id; })
      .map(function (e) { return { other: e.from === id ? e.to : e.from, e: e }; })
      .sort(function (a, b) { return b.e.weight - a.e.weight || a.other.localeCompare(b.other); });
    info.appendChild(el("h3", "Linked (" + links.length + ")"));
    var ul = el("ul");
    links.forEach(function (x) {
      var li = el("li"), name = isAggregate(x.other) ? groupName(aggGroup(x.other)) : byId[x.other].name;
      var b = el("button", name, "gk-link");
      b.type = "button";
      b.addEventListener("click", function () { if (isAggregate(x.other)) { showAggregate(x.other); } else { select(x.other); } });
      li.appendChild(b);
      li.appendChild(document.createTextNode(" \u2013 " + x.e.pairs + " links, " + x.e.weight + " shared projects"));
      ul.appendChild(li);
    });
    info.appendChild(ul);
    info.appendChild(el("h3", "Members (" + members.length + ")"));
    var ml = el("ul");
    members.slice().sort(function (a, b) { return (sizeNow[b.id] - sizeNow[a.id]) || a.name.localeCompare(b.name); })
      .forEach(function (n) {
        var li = el("li"), b = el("button", n.name, "gk-link");
        b.type = "button";
        b.addEventListener("click", function () { select(n.id); });
        li.appendChild(b);
        ml.appendChild(li);
      });
    info.appendChild(ml);
  }
  var aggSelect = document.getElementById("gk-aggregate");
  if (!AGG) {
    document.getElementById("gk-aggregation").hidden = true;
  } else {
    AGG.modes.forEach(function (m) { aggSelect.appendChild(new Option(m[1], m[0])); });
    aggSelect.value = aggMode;
    aggSelect.addEventListener("change", function () { setAggregate(aggSelect.value); });
    document.getElementById("gk-expand-all").addEventListener("click", function () { expandAll(true); });
    document.getElementById("gk-collapse-all").addEventListener("click", function () { expandAll(false); });
    setAggregate(aggMode, true);
  }

  // ------------------------------------------------------------------ ego view
  function egoRadius() { var r = document.getElementById("gk-ego-radius"); return r ? Number(r.value) : 2; }
  function setEgo(id, radius) {
    ego = (id === null || id === undefined || !shown[id]) ? null : { id: id, radius: radius || 2 };
    applyEgo();
    if (ego && aggMode !== "none") {       // the groups of the partners open, so that the ego network is drawn
      var opened = false;
      Object.keys(egoSet).forEach(function (x) { if (collapsed(x)) { expanded[groupOf(x)] = true; opened = true; } });
      if (opened) { refreshDrawn(); }
    }
    if (ego) { network.fit({ nodes: Object.keys(egoSet), animation: false }); }
    if (current !== null) { showInfo(current); }
    scheduleLabels();
    return ego ? Object.keys(egoSet).length : 0;
  }
  function applyEgo() {
    egoSet = null;
    if (ego) {
      var adj = adjacency(false), frontier = [ego.id];
      egoSet = {};
      egoSet[ego.id] = 0;
      for (var d = 1; d <= ego.radius; d++) {
        var next = [];
        frontier.forEach(function (v) {
          adj[v].forEach(function (x) { if (!(x[0] in egoSet)) { egoSet[x[0]] = d; next.push(x[0]); } });
        });
        frontier = next;
      }
    }
    paint();
  }
  var edgesDimmed = false;
  function paint() {
    var updates = [];
    DATA.nodes.forEach(function (n) {
      var dim = egoSet && !(n.id in egoSet), c = dim ? DIM_NODE.background : baseColour[n.id];
      if (painted[n.id] !== c) {
        painted[n.id] = c;
        updates.push({ id: n.id, color: dim ? DIM_NODE : c, font: { color: dim ? "#c8c8c8" : "#343434" } });
      }
    });
    if (updates.length) { nodes.update(updates); }
    paintAggregates();
    if (egoSet || edgesDimmed) {
      edges.update(DATA.edges.map(function (e) {
        var dim = egoSet && !(e.from in egoSet && e.to in egoSet);
        return { id: e.id, color: dim ? DIM_EDGE : EDGE_COLOUR };
      }));
      edgesDimmed = !!egoSet;
    }
  }

  // ------------------------------------------------------------------ labels: the largest first, none on top of another
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = "13px system-ui, sans-serif";
  var textWidth = {}, labelTimer = null, labelBoxes = [];
  function scheduleLabels() { clearTimeout(labelTimer); labelTimer = setTimeout(cullLabels, 50); }
  function cullLabels() {
    var scale = network.getScale(), font = 13 * scale, grid = {}, CELL = 80, updates = [];
    // the labels of the aggregates keep about the same size on screen at any zoom
    if (aggMode !== "none") {
      var want = Math.max(6, Math.round(15 / scale));
      if (Math.abs(want - aggFont) > aggFont * 0.1) {
        aggFont = want;
        nodes.update(AGG.layouts[aggMode].groups.map(function (g, i) { return "g" + i; }).map(function (id) {
          return { id: id, font: { size: aggFont, color: "#1b1b1b", strokeWidth: Math.max(3, aggFont / 5), strokeColor: "#ffffff" } };
        }));
        var widths = aggEdges.filter(function (e) { return e.both; }).map(function (e) { return { id: e.id, width: aggWidth(e) }; });
        if (widths.length) { edges.update(widths); }
      }
    }
    labelBoxes = [];
    var order = DATA.nodes.filter(function (n) { return drawn[n.id]; })
      .sort(function (a, b) { return (sizeNow[b.id] - sizeNow[a.id]) || (Number(a.id.slice(1)) - Number(b.id.slice(1))); });
    var hiddenOnes = DATA.nodes.filter(function (n) { return !drawn[n.id]; });
    // the nodes themselves are obstacles too: a label is not drawn across the middle of another node
    var bodies = {};
    function cellsOf(box) {
      var cells = [];
      for (var cx = Math.floor(box[0] / CELL); cx <= Math.floor(box[2] / CELL); cx++) {
        for (var cy = Math.floor(box[1] / CELL); cy <= Math.floor(box[3] / CELL); cy++) { cells.push(cx + "," + cy); }
      }
      return cells;
    }
    var screen = {};
    order.forEach(function (n) {
      var p = network.canvasToDOM(network.getPosition(n.id)), r = sizeNow[n.id] * scale * 0.5;   // the core of the disc
      screen[n.id] = p;
      var box = [p.x - r, p.y - r, p.x + r, p.y + r];
      cellsOf(box).forEach(function (c) { (bodies[c] = bodies[c] || []).push([box, n.id]); });
    });
    order.forEach(function (n) {
      var want = !!n.label && font >= 4 && !(egoSet && !(n.id in egoSet));
      if (want) {
        if (textWidth[n.id] === undefined) { textWidth[n.id] = measure.measureText(n.label).width; }
        var p = screen[n.id], w = textWidth[n.id] * scale + 4, top = p.y + sizeNow[n.id] * scale;
        var box = [p.x - w / 2, top, p.x + w / 2, top + font + 3];
        var cells = cellsOf(box);
        function over(b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; }
        var clash = cells.some(function (c) {
          return (grid[c] || []).some(over) || (bodies[c] || []).some(function (x) { return x[1] !== n.id && over(x[0]); });
        });
        if (clash) { want = false; } else {
          cells.forEach(function (c) { (grid[c] = grid[c] || []).push(box); });
          labelBoxes.push({ id: n.id, box: box });
        }
      }
      if (want !== labelShown[n.id]) { labelShown[n.id] = want; updates.push({ id: n.id, label: want ? n.label : "" }); }
    });
    hiddenOnes.forEach(function (n) { if (labelShown[n.id]) { labelShown[n.id] = false; updates.push({ id: n.id, label: "" }); } });
    if (updates.length) { nodes.update(updates); }
  }
  ["zoom", "dragEnd", "resize", "animationFinished", "stabilized"].forEach(function (ev) { network.on(ev, scheduleLabels); });

  // ------------------------------------------------------------------ timeline
  var TL = DATA.timeline, timeSlider = document.getElementById("gk-time"), timeMode = document.getElementById("gk-time-mode");
  var timeLabel = document.getElementById("gk-time-label"), playButton = document.getElementById("gk-play"), playTimer = null;
  var yearSelect = document.getElementById("gk-year");
  if (!TL.length) { document.getElementById("gk-timeline").hidden = true; }
  timeSlider.max = String(TL.length);
  function syncTimeline() {
    var y = state.year ? Number(state.year) : null;
    timeSlider.value = String(y === null ? 0 : TL.indexOf(y) + 1);
    timeLabel.textContent = y === null ? "all years" : (state.mode === "asof" ? "as of " + y : "active in " + y);
    yearSelect.value = y !== null && state.mode === "active" ? String(y) : "";
  }
  function setYear(value) {
    state.year = value === null || value === undefined || value === "" ? "" : String(value);
    var result = applyFilters();
    syncTimeline();
    return result;
  }
  function setMode(mode) {
    state.mode = mode === "asof" ? "asof" : "active";
    timeMode.value = state.mode;
    var result = applyFilters();
    syncTimeline();
    return result;
  }
  timeSlider.addEventListener("input", function () {
    stopPlay();
    var i = Number(timeSlider.value);
    setYear(i > 0 ? TL[i - 1] : "");
  });
  timeMode.addEventListener("change", function () { setMode(timeMode.value); });
  yearSelect.addEventListener("change", function () { if (state.mode !== "active") { setMode("active"); } syncTimeline(); });
  function stopPlay() {
    if (playTimer !== null) { clearInterval(playTimer); playTimer = null; }
    playButton.textContent = "\u25b6 Play";
  }
  // one step of the timeline: the next year; false at the last
  function step() {
    var i = Number(timeSlider.value);
    if (i >= TL.length) { return false; }
    setYear(TL[i]);
    return true;
  }
  function play(ms) {
    stopPlay();
    var i = Number(timeSlider.value);
    if (i === 0 || i >= TL.length) { setYear(TL[0]); }
    playButton.textContent = "\u275a\u275a Pause";
    playTimer = setInterval(function () { if (!step() || Number(timeSlider.value) >= TL.length) { stopPlay(); } }, ms || 1200);
  }
  playButton.addEventListener("click", function () { if (playTimer !== null) { stopPlay(); } else { play(); } });

  // ------------------------------------------------------------------ images
  function fileName(ext) {
    var base = (document.title || "graphkit-map").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    return (base || "graphkit-map") + "." + ext;
  }
  function png() {
    var src = container.querySelector("canvas"), c = document.createElement("canvas");
    c.width = src.width;
    c.height = src.height;
    var ctx = c.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.drawImage(src, 0, 0);
    return c.toDataURL("image/png");
  }
  // the network shown as SVG, built node by node (vis-network draws on a canvas only)
  function svg() {
    cullLabels();         // the labels of the view now, not those of before a pending cull (filters schedule one)
    var NS = "http://www.w3.org/2000/svg", ids = DATA.nodes.filter(function (n) { return drawn[n.id]; }).map(function (n) { return n.id; });
    var aggIds = aggregateIds(), pos = network.getPositions(ids.concat(aggIds)), x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    ids.concat(aggIds).forEach(function (id) {
      var p = pos[id], s = byId[id] ? sizeNow[id] : nodes.get(id).size;
      x0 = Math.min(x0, p.x - s - 60); x1 = Math.max(x1, p.x + s + 60); y0 = Math.min(y0, p.y - s - 10); y1 = Math.max(y1, p.y + s + 30);
    });
    if (!ids.length) { x0 = y0 = 0; x1 = y1 = 100; }
    function make(tag, attrs, text) {
      var e = document.createElementNS(NS, tag);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
      if (text !== undefined) { e.textContent = text; }
      return e;
    }
    var root = make("svg", { width: Math.round(x1 - x0), height: Math.round(y1 - y0),
                             viewBox: [x0, y0, x1 - x0, y1 - y0].map(function (v) { return Math.round(v); }).join(" "),
                             "font-family": "system-ui, sans-serif" });
    root.appendChild(make("title", {}, document.title));
    root.appendChild(make("rect", { x: x0, y: y0, width: x1 - x0, height: y1 - y0, fill: "#ffffff" }));
    var ge = make("g", { id: "links", "stroke-linecap": "round" });
    DATA.edges.concat(aggEdges).forEach(function (e) {
      if (e.id in edgeDrawn && !edgeDrawn[e.id]) { return; }
      var a = pos[e.from], b = pos[e.to], dim = egoSet && !(e.from in egoSet && e.to in egoSet);
      var attrs = { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: dim ? DIM_EDGE.color : EDGE_COLOUR.color,
                    "stroke-opacity": dim ? DIM_EDGE.opacity : EDGE_COLOUR.opacity, "stroke-width": e.width };
      if (Array.isArray(e.dashes)) { attrs["stroke-dasharray"] = e.dashes.join(" "); }
      ge.appendChild(make("line", attrs));
    });
    root.appendChild(ge);
    var gn = make("g", { id: "nodes", stroke: "#33333366", "stroke-width": 1 }), gl = make("g", { id: "labels", "font-size": 13,
      "text-anchor": "middle", fill: "#343434", stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" });
    ids.forEach(function (id) {
      var n = byId[id], p = pos[id], s = sizeNow[id], fill = painted[id] || n.color;
      if (n.shape === "square") {
        gn.appendChild(make("rect", { x: p.x - s, y: p.y - s, width: 2 * s, height: 2 * s, fill: fill }));
      } else if (n.shape === "triangle") {
        gn.appendChild(make("polygon", { points: [[p.x, p.y - s], [p.x - s, p.y + s * 0.8], [p.x + s, p.y + s * 0.8]].map(function (q) {
          return q[0].toFixed(1) + "," + q[1].toFixed(1); }).join(" "), fill: fill }));
      } else {
        gn.appendChild(make("circle", { cx: p.x, cy: p.y, r: s, fill: fill }));
      }
      if (labelShown[id] && n.label) { gl.appendChild(make("text", { x: p.x, y: p.y + s + 14 }, n.label)); }
    });
    aggIds.forEach(function (id) {
      var a = nodes.get(id), p = pos[id];
      gn.appendChild(make("circle", { cx: p.x, cy: p.y, r: a.size, fill: a.color.background, stroke: AGG_BORDER, "stroke-width": 3 }));
      gl.appendChild(make("text", { x: p.x, y: p.y + a.size + a.font.size, "font-size": a.font.size }, a.label));
    });
    root.appendChild(gn);
    root.appendChild(gl);
    return new XMLSerializer().serializeToString(root);
  }
  function download(name, href) {
    var a = document.createElement("a");
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  document.getElementById("gk-png").addEventListener("click", function () { download(fileName("png"), png()); });
  document.getElementById("gk-svg").addEventListener("click", function () {
    download(fileName("svg"), "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg()));
  });

  showHint();
  recolour();
  applyFilters();
  syncTimeline();
  if (aggMode !== "none") { network.fit({ animation: false }); scheduleLabels(); }
  // for notebooks, scripts and tests: the network and the page's own controls
  function byKey(values) {
    var out = {};
    Object.keys(values).forEach(function (id) { out[byId[id].key] = values[id]; });
    return out;
  }
  window.network = network;
  window.graphkitMap = {
    nodes: nodes, edges: edges, search: search, select: select, setFilter: setFilter, setRoles: setRoles,
    applyFilters: applyFilters, setYear: setYear, setMode: setMode, step: step, play: play, stop: stopPlay,
    colourBy: function (key) { colourSel.value = key; recolour(); return byKey(painted); },
    ego: setEgo, egoNodes: function () { return egoSet ? Object.keys(egoSet).map(function (id) { return byId[id].key; }).sort() : []; },
    metric: function (name) { return byKey(metric(name)); }, sizes: function () { return byKey(Object.keys(shown).filter(function (id) {
      return shown[id]; }).reduce(function (o, id) { o[id] = sizeNow[id]; return o; }, {})); },
    labels: function () { cullLabels(); return labelBoxes.map(function (b) { return { key: byId[b.id].key, box: b.box }; }); },
    png: png, svg: svg,
    keyOf: function (id) { return byId[id] && byId[id].key; },
    // aggregation: the grouping, the aggregates drawn [[name, nodes]], expanding and collapsing by name
    aggregate: setAggregate,
    aggregates: function () {
      return aggregateIds().map(function (id) { return [groupName(aggGroup(id)), membersShown(aggGroup(id)).length]; });
    },
    groupIndex: function (name) {
      return aggMode === "none" ? -1 : AGG.layouts[aggMode].groups.map(function (g) { return g[0]; }).indexOf(name);
    },
    expand: function (name) { return expand(window.graphkitMap.groupIndex(name), true); },
    collapse: function (name) { return collapse(window.graphkitMap.groupIndex(name)); },
    expandAll: function () { expandAll(true); }, collapseAll: function () { expandAll(false); },
    drawn: function () { return DATA.nodes.filter(function (n) { return drawn[n.id]; }).map(function (n) { return n.key; }).sort(); },
    shownKeys: function () { return DATA.nodes.filter(function (n) { return shown[n.id]; }).map(function (n) { return n.key; }).sort(); },
    aggregateLinks: function () {
      function name(x) { return isAggregate(x) ? groupName(aggGroup(x)) : byId[x].key; }
      return aggEdges.map(function (e) { return [name(e.from), name(e.to), e.pairs, e.weight]; });
    },
    idOf: function (key) { var f = DATA.nodes.filter(function (n) { return n.key === key; }); return f.length ? f[0].id : null; }
  };
}());
