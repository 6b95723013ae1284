/* graphkit map: draws the network with vis-network and wires the search, filters and panel.
 *
 * Every string of the data reaches the page through textContent or a DOM property, never as
 * HTML: the data is JSON in a <script type="application/json"> element (with <, >, & escaped)
 * read by JSON.parse, and tooltips are DOM elements built here. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("gk-data").textContent);

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function tipElement(lines) {
    var box = el("div", null, "gk-tip");
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
  var nodes = new vis.DataSet(DATA.nodes.map(function (n) { return pick(n, NODE_KEYS); }));
  var edges = new vis.DataSet(DATA.edges.map(function (e) { return pick(e, EDGE_KEYS); }));

  function short(text, n) { text = String(text); return text.length <= n ? text : text.slice(0, n - 1) + "\u2026"; }
  function projectLabel(p) { return DATA.projects[p].label; }
  function roleNames(rs) { return rs.map(function (r) { return DATA.roles[r].label; }).join(", "); }

  // the tooltip lines of a link, built when it is first hovered
  function edgeTip(e) {
    var a = byId[e.from], b = byId[e.to], lines;
    if (DATA.projection === "org") {
      lines = [["", a.name + " \u2014 " + b.name], ["Shared projects", String(e.weight)]];
      e.via.forEach(function (v) {
        lines.push([projectLabel(v[0]), a.name + ": " + roleNames(v[1]) + "; " + b.name + ": " + roleNames(v[2])]);
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
    var item = nodes.get(p.node);
    if (item && item.title === undefined) { nodes.update({ id: p.node, title: tipElement(byId[p.node].tip) }); }
  });
  network.on("hoverEdge", function (p) {
    var item = edges.get(p.edge);
    if (item && item.title === undefined) { edges.update({ id: p.edge, title: tipElement(edgeTip(edgeById[p.edge])) }); }
  });
  if (DATA.stabilize) {
    network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: { enabled: false } }); });
  }

  // ------------------------------------------------------------------ filters
  var state = { type: "", country: "", fund: "", year: "", roles: {} };
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
    if (state.year && pr.years.indexOf(Number(state.year)) < 0) { return false; }
    return true;
  }
  function roleOK(r) { return r < 0 || state.roles[r]; }
  function rolesOK(rs) { return !rs || rs.length === 0 || rs.some(roleOK); }
  function projectFilterActive() {
    if (state.fund || state.year) { return true; }
    return DATA.roles.some(function (r, i) { return !state.roles[i]; });
  }

  function nodePasses(n) {
    if (state.type && n.kind !== "project" && n.typeLabel !== state.type) { return false; }
    if (state.country && n.countries.indexOf(state.country) < 0) { return false; }
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
      edgeUpdates.push({ id: e.id, hidden: !ok });
    });
    var nodeUpdates = [], shownNodes = 0;
    DATA.nodes.forEach(function (n) {
      var ok = visible[n.id];
      // a project or place kept only for its links disappears when none of its links is left
      if (ok && n.kind !== "organisation" && n.degree > 0 && !linked[n.id] && (state.type || state.country || projectFilterActive())) {
        ok = false;
      }
      if (ok) { shownNodes += 1; }
      nodeUpdates.push({ id: n.id, hidden: !ok });
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    if (current !== null) {
      if (nodes.get(current).hidden) { network.unselectAll(); showHint(); } else { showInfo(current); }
    }
    document.getElementById("gk-status").textContent =
      shownNodes + " of " + DATA.nodes.length + " nodes, " + shownEdges + " of " + DATA.edges.length + " links shown";
    return { nodes: shownNodes, edges: shownEdges };
  }

  document.getElementById("gk-reset").addEventListener("click", function () {
    ["gk-type", "gk-country", "gk-fund", "gk-year"].forEach(function (id) {
      var sel = document.getElementById(id);
      sel.value = "";
      state[sel.dataset.facet] = "";
    });
    Array.prototype.forEach.call(rolesBox.querySelectorAll("input"), function (box) {
      box.checked = true;
      state.roles[Number(box.dataset.role)] = true;
    });
    document.getElementById("gk-search").value = "";
    applyFilters();
    network.unselectAll();
    showHint();
    network.fit({ animation: false });
  });

  document.getElementById("gk-fit").addEventListener("click", function () {
    var shown = nodes.getIds({ filter: function (n) { return !n.hidden; } });
    network.fit({ nodes: shown, animation: false });
  });

  // ------------------------------------------------------------------ side panel
  var info = document.getElementById("gk-info");
  function showHint() {
    current = null;
    info.replaceChildren(el("p", "Search for an organisation, project or place, or click a node, to see its details, projects and partners.", "gk-hint"));
  }

  function select(id) {
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
    n.tip.slice(1).forEach(function (line) {
      var row = el("div", null, "gk-row");
      row.appendChild(el("span", line[0] + ": ", "gk-key"));
      row.appendChild(document.createTextNode(line[1]));
      info.appendChild(row);
    });
    var links = network.getConnectedEdges(id).filter(function (eid) { var x = edges.get(eid); return x && !x.hidden; })
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
    if (n.evidence && n.evidence.length) {
      info.appendChild(el("h3", "Evidence from the sources"));
      var ev = el("ul");
      n.evidence.forEach(function (q) {
        var li = el("li");
        li.appendChild(el("q", q[0]));
        if (q[1]) { li.appendChild(document.createTextNode(" – " + q[1])); }
        ev.appendChild(li);
      });
      info.appendChild(ev);
    }
  }

  network.on("click", function (params) {
    if (params.nodes.length) { showInfo(params.nodes[0]); } else if (!params.edges.length) { showHint(); }
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
      if (nodes.get(n.id).hidden) { return; }
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

  showHint();
  applyFilters();
  // for notebooks, scripts and tests: the network and the page's own controls
  window.network = network;
  window.graphkitMap = { nodes: nodes, edges: edges, search: search, select: select, setFilter: setFilter,
                         setRoles: setRoles, applyFilters: applyFilters, keyOf: function (id) { return byId[id] && byId[id].key; },
                         idOf: function (key) { var f = DATA.nodes.filter(function (n) { return n.key === key; }); return f.length ? f[0].id : null; } };
}());
