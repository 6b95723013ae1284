/* graphkit geographic view: draws the countries, places, organisations and arcs in SVG with
 * d3-geo (the inlined bundle `gkgeo`), and wires pan and zoom, the search box, the filters (type,
 * country, fund, year with the timeline, roles) and the side panel.
 *
 * What is shown follows one rule, the network maps' own: a project is kept when its fund and
 * period match; a participation when its project is kept and its role is ticked; an organisation
 * is shown when its type and country match and it has a kept participation; a project is shown
 * when a shown organisation takes part in it; a place is shown when a shown project is linked to
 * it (of action, recipient or origin: the relations of the projects shown decide its fill).
 *
 * Every string of the data reaches the page through textContent or a DOM property, never as
 * HTML: the data is JSON in a script element of type application/json (with <, >, & escaped)
 * read by JSON.parse. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("gk-data").textContent);
  var WORLD = JSON.parse(document.getElementById("gk-world-data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg";
  var svg = document.getElementById("gk-svg");
  var gWorld = document.getElementById("gk-world"), gArcs = document.getElementById("gk-arcs-layer");
  var gPlaces = document.getElementById("gk-places"), gOrgs = document.getElementById("gk-orgs");
  var tip = document.getElementById("gk-tip"), info = document.getElementById("gk-info");
  var ACTION = DATA.colours.action, ORIGIN = DATA.colours.origin;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function sv(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  // ------------------------------------------------------------------ projection, pan and zoom
  var projection = gkgeo.geoNaturalEarth1();
  var path = gkgeo.geoPath(projection);
  var countries = gkgeo.feature(WORLD, WORLD.objects.countries).features;
  var view = {k: 1, x: 0, y: 0};                 // screen = view.k * projected + (view.x, view.y)
  function size() { var r = svg.getBoundingClientRect(); return [Math.max(r.width, 100), Math.max(r.height, 100)]; }
  projection.fitExtent([[0, 0], size()], {type: "Sphere"});
  countries.forEach(function (f) {
    var p = sv("path", {d: path(f) || ""});
    p.appendChild(sv("title")).textContent = f.properties.name;
    gWorld.appendChild(p);
  });
  DATA.places.forEach(function (p) { p.xy = projection([p.lon, p.lat]); });
  function screen(xy) { return [view.k * xy[0] + view.x, view.k * xy[1] + view.y]; }

  function applyView() {
    gWorld.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")");
    drawMarkers();
  }

  function fitTo(points, least) {
    var wh = size(), pad = 60;
    least = least || 3;                 // the smallest extent shown, in projected units (about degrees / 3)
    if (!points.length) { view = {k: 1, x: 0, y: 0}; applyView(); return; }
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    points.forEach(function (xy) { x0 = Math.min(x0, xy[0]); x1 = Math.max(x1, xy[0]); y0 = Math.min(y0, xy[1]); y1 = Math.max(y1, xy[1]); });
    var w = Math.max(x1 - x0, least), h = Math.max(y1 - y0, least);
    var k = Math.min((wh[0] - 2 * pad) / w, (wh[1] - 2 * pad) / h, 400);
    view = {k: k, x: wh[0] / 2 - k * (x0 + x1) / 2, y: wh[1] / 2 - k * (y0 + y1) / 2};
    applyView();
  }

  var drag = null;
  svg.addEventListener("mousedown", function (ev) {
    if (ev.button !== 0) { return; }
    drag = {x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false};
  });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) { return; }
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; svg.classList.add("gk-dragging"); }
    if (drag.moved) { view.x = drag.vx + dx; view.y = drag.vy + dy; applyView(); }
  });
  window.addEventListener("mouseup", function () {
    if (drag && drag.moved) { svg.dataset.dragged = "1"; setTimeout(function () { delete svg.dataset.dragged; }, 0); }
    drag = null; svg.classList.remove("gk-dragging");
  });
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = svg.getBoundingClientRect(), mx = ev.clientX - r.left, my = ev.clientY - r.top;
    var f = Math.exp(-ev.deltaY * 0.0015), k = Math.max(0.5, Math.min(800, view.k * f));
    f = k / view.k;
    view = {k: k, x: mx - f * (mx - view.x), y: my - f * (my - view.y)};
    applyView();
  }, {passive: false});

  // ------------------------------------------------------------------ filters
  var state = {type: "", country: "", fund: "", year: "", mode: "active", roles: DATA.roles.map(function () { return true; }),
               arcs: true, selected: null};
  var shown = {orgs: [], places: [], projects: [], arcs: []};

  function projectKept(p) {
    if (state.fund && p.funds.indexOf(state.fund) < 0) { return false; }
    if (state.year) {
      var y = Number(state.year);
      if (!p.years.length) { return false; }
      if (state.mode === "asof") { return p.years[0] <= y; }
      return p.years.indexOf(y) >= 0;
    }
    return true;
  }

  function compute() {
    var keptProject = DATA.projects.map(projectKept);
    var projectShown = DATA.projects.map(function () { return false; });
    var orgs = [];
    DATA.orgs.forEach(function (o, i) {
      if (state.type && o.type !== state.type) { return; }
      if (state.country && o.country !== state.country) { return; }
      var parts = o.parts.filter(function (x) { return keptProject[x[0]] && state.roles[x[1]]; });
      if (!parts.length) { return; }
      orgs.push({i: i, parts: parts});
      parts.forEach(function (x) { projectShown[x[0]] = true; });
    });
    var rel = {};
    function mark(pi, how) { (rel[pi] = rel[pi] || {action: false, origin: false, recipient: false})[how] = true; }
    var projects = [];
    DATA.projects.forEach(function (p, j) {
      if (!projectShown[j]) { return; }
      projects.push(j);
      p.action.forEach(function (pi) { mark(pi, "action"); });
      p.recipient.forEach(function (pi) { mark(pi, "recipient"); });
      p.origin.forEach(function (pi) { mark(pi, "origin"); });
    });
    orgs.forEach(function (o) { var b = DATA.orgs[o.i].base; if (b !== null && !rel[b]) { rel[b] = {action: false, origin: false, recipient: false}; } });
    // arcs: organisation base -> places of action (and recipient countries) of its shown projects
    var arcs = {};
    orgs.forEach(function (o) {
      var b = DATA.orgs[o.i].base;
      if (b === null) { return; }
      o.parts.forEach(function (x) {
        var p = DATA.projects[x[0]];
        p.action.concat(p.recipient).forEach(function (pi) {
          if (pi === b) { return; }
          var key = b + ">" + pi, a = arcs[key] || (arcs[key] = {from: b, to: pi, projects: {}, orgs: {}});
          a.projects[x[0]] = true; a.orgs[o.i] = true;
        });
      });
    });
    shown = {orgs: orgs, places: Object.keys(rel).map(Number).sort(function (a, b) { return a - b; }), rel: rel,
             projects: projects, arcs: Object.keys(arcs).sort().map(function (k) { return arcs[k]; })};
  }

  // ------------------------------------------------------------------ drawing
  var SIZES = {city: 5, region: 6, country: 8};
  function placeShape(p, r) {
    if (p.shape === "city") { return sv("circle", {r: r}); }
    if (p.shape === "region") { return sv("rect", {x: -r, y: -r, width: 2 * r, height: 2 * r}); }
    return sv("path", {d: "M0 " + (-r * 1.35) + " L" + (r * 1.35) + " 0 L0 " + (r * 1.35) + " L" + (-r * 1.35) + " 0 Z"});
  }
  function placeStyle(shape, p, how) {
    var action = how.action || how.recipient;
    shape.setAttribute("fill", action ? ACTION : (how.origin ? "rgba(255,255,255,0.55)" : "#ffffff"));
    shape.setAttribute("stroke", how.origin ? ORIGIN : (action ? "#5a2a00" : "#555"));
    shape.setAttribute("stroke-width", how.origin ? 3 : 1.2);
    if (p.approx) { shape.setAttribute("stroke-dasharray", "3 2"); }
  }

  // organisations around their base, on a sunflower spiral (deterministic, apart)
  function orgOffsets() {
    var byBase = {}, out = {};
    shown.orgs.forEach(function (o) {
      var b = DATA.orgs[o.i].base;
      if (b === null) { return; }
      (byBase[b] = byBase[b] || []).push(o.i);
    });
    Object.keys(byBase).forEach(function (b) {
      byBase[b].forEach(function (i, n) {
        var r = 9 + 4.2 * Math.sqrt(n), a = n * 2.39996323 - Math.PI / 2;      // the first above: labels are on the right
        out[i] = [Number(b), r * Math.cos(a), r * Math.sin(a)];
      });
    });
    return out;
  }

  var placeEls = {}, orgEls = {};
  function buildMarkers() {
    gPlaces.replaceChildren(); gOrgs.replaceChildren(); gArcs.replaceChildren();
    placeEls = {}; orgEls = {};
    shown.places.forEach(function (pi) {
      var p = DATA.places[pi], g = sv("g", {"class": "gk-marker gk-place"});
      g.dataset.key = p.key;
      var how = shown.rel[pi];
      g.dataset.relation = ["action", "recipient", "origin"].filter(function (k) { return how[k]; }).join(" ") || "base";
      var s = placeShape(p, SIZES[p.shape]);
      placeStyle(s, p, how);
      g.appendChild(s);
      var label = sv("text", {x: SIZES[p.shape] + 4, y: 4});
      // a NUTS 3 region is often named after its city (Torino): say which one this is
      label.textContent = p.level === 3 ? p.name + " (NUTS 3)" : p.name;
      g.appendChild(label);
      g.addEventListener("click", function (ev) { ev.stopPropagation(); if (!svg.dataset.dragged) { select("place", pi); } });
      g.addEventListener("mousemove", function (ev) { showTip(ev, p.name + " (" + describePlace(p) + ")"); });
      g.addEventListener("mouseleave", hideTip);
      gPlaces.appendChild(g);
      placeEls[pi] = g;
    });
    shown.orgs.forEach(function (o) {
      var d = DATA.orgs[o.i];
      if (d.base === null) { return; }
      var g = sv("g", {"class": "gk-marker gk-org"});
      g.dataset.key = d.key;
      var c = sv("circle", {r: 3.6, fill: d.approx ? "#ffffff" : d.colour, stroke: d.approx ? d.colour : "#222",
                            "stroke-width": d.approx ? 1.6 : 0.8});
      g.appendChild(c);
      g.addEventListener("click", function (ev) { ev.stopPropagation(); if (!svg.dataset.dragged) { select("org", o.i); } });
      g.addEventListener("mousemove", function (ev) { showTip(ev, d.name + (d.approx ? " (base not recorded: " + d.country + ")" : "")); });
      g.addEventListener("mouseleave", hideTip);
      gOrgs.appendChild(g);
      orgEls[o.i] = g;
    });
    if (state.selected) { markSelected(); }
  }

  function arcPath(a, b) {
    var dx = b[0] - a[0], dy = b[1] - a[1], mx = (a[0] + b[0]) / 2 - dy * 0.18, my = (a[1] + b[1]) / 2 + dx * 0.18;
    return "M" + a[0].toFixed(1) + " " + a[1].toFixed(1) + " Q" + mx.toFixed(1) + " " + my.toFixed(1) + " " + b[0].toFixed(1) + " " + b[1].toFixed(1);
  }

  function drawMarkers() {
    var off = orgOffsets();
    shown.places.forEach(function (pi) {
      var s = screen(DATA.places[pi].xy);
      placeEls[pi].setAttribute("transform", "translate(" + s[0].toFixed(1) + "," + s[1].toFixed(1) + ")");
      // labels of small places only when zoomed in, of countries always
      var text = placeEls[pi].lastChild;
      text.style.display = DATA.places[pi].shape === "country" || view.k > 2.5 ? "" : "none";
    });
    Object.keys(orgEls).forEach(function (i) {
      var o = off[i], s = screen(DATA.places[o[0]].xy);
      orgEls[i].setAttribute("transform", "translate(" + (s[0] + o[1]).toFixed(1) + "," + (s[1] + o[2]).toFixed(1) + ")");
    });
    gArcs.replaceChildren();
    if (!state.arcs) { return; }
    var own = state.selected && state.selected.kind === "org" ? state.selected.i : null;
    shown.arcs.forEach(function (a) {
      var n = Object.keys(a.projects).length;
      var p = sv("path", {d: arcPath(screen(DATA.places[a.from].xy), screen(DATA.places[a.to].xy)),
                          "stroke-width": Math.min(1 + Math.sqrt(n) * 1.2, 9)});
      p.dataset.from = DATA.places[a.from].key; p.dataset.to = DATA.places[a.to].key; p.dataset.projects = String(n);
      gArcs.appendChild(p);
    });
    // the selected organisation's own arcs start at its dot
    if (own !== null && off[own]) {
      var o = off[own], base = screen(DATA.places[o[0]].xy), from = [base[0] + o[1], base[1] + o[2]];
      var d = DATA.orgs[own], seen = {};
      shown.orgs.filter(function (x) { return x.i === own; }).forEach(function (x) {
        x.parts.forEach(function (pp) {
          var pr = DATA.projects[pp[0]];
          pr.action.concat(pr.recipient).forEach(function (pi) {
            if (seen[pi] || pi === d.base) { return; }
            seen[pi] = true;
            var p = sv("path", {d: arcPath(from, screen(DATA.places[pi].xy)), "stroke-width": 2.2, "class": "gk-own"});
            p.dataset.from = d.key; p.dataset.to = DATA.places[pi].key;
            gArcs.appendChild(p);
          });
        });
      });
    }
  }

  function describePlace(p) {
    var kind = p.shape === "country" ? "country" : p.shape === "city" ? (p.type === "municipality" ? "municipality" : "city")
      : (p.level !== null && p.level !== undefined ? "NUTS " + p.level + " region" : "region");
    return kind + (p.country && p.shape !== "country" ? ", " + p.country : "");
  }

  function showTip(ev, text) {
    var r = svg.getBoundingClientRect();
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = (ev.clientX - r.left + 12) + "px";
    tip.style.top = (ev.clientY - r.top + 12) + "px";
  }
  function hideTip() { tip.hidden = true; }

  // ------------------------------------------------------------------ side panel
  function row(key, value) {
    var d = el("div", null, "gk-row");
    d.appendChild(el("span", key + ": ", "gk-key"));
    d.appendChild(document.createTextNode(value));
    return d;
  }
  function link(text, fn) {
    var b = el("button", text, "gk-link");
    b.type = "button";
    b.addEventListener("click", fn);
    return b;
  }
  function list(items) {
    var ul = el("ul");
    items.forEach(function (x) { var li = el("li"); if (typeof x === "string") { li.textContent = x; } else { li.appendChild(x); } ul.appendChild(li); });
    return ul;
  }
  function roleLabel(r) { return DATA.roles[r].label; }
  function period(p) { return (p.start || "?") + " \u2013 " + (p.end || "?"); }

  function showOrg(i) {
    var d = DATA.orgs[i], s = shown.orgs.filter(function (o) { return o.i === i; })[0];
    info.replaceChildren();
    info.appendChild(el("h2", d.name));
    if (d.acronym) { info.appendChild(row("Acronym", d.acronym)); }
    info.appendChild(row("Type", d.type));
    info.appendChild(row("Country", d.country));
    var base = d.base !== null ? DATA.places[d.base] : null;
    info.appendChild(row("Drawn at", base ? base.name + (d.approx ? " (approximate: the base is not recorded)" : "") : "not on the map (no base, no country point)"));
    var parts = s ? s.parts : [];
    info.appendChild(el("h3", "Projects (" + new Set(parts.map(function (x) { return x[0]; })).size + " shown)"));
    info.appendChild(list(parts.map(function (x) {
      var p = DATA.projects[x[0]];
      return p.name + " \u2014 " + roleLabel(x[1]) + " (" + period(p) + ")";
    })));
    var places = {};
    parts.forEach(function (x) {
      var p = DATA.projects[x[0]];
      p.action.forEach(function (pi) { places[pi] = places[pi] || "place of action"; });
      p.recipient.forEach(function (pi) { places[pi] = places[pi] || "recipient country"; });
      p.origin.forEach(function (pi) { if (!places[pi]) { places[pi] = "country of origin"; } });
    });
    info.appendChild(el("h3", "Places of its projects"));
    info.appendChild(list(Object.keys(places).map(Number).sort(function (a, b) { return DATA.places[a].name < DATA.places[b].name ? -1 : 1; })
      .map(function (pi) { return link(DATA.places[pi].name + " (" + places[pi] + ")", function () { select("place", pi, true); }); })));
  }

  function showPlace(pi) {
    var p = DATA.places[pi];
    info.replaceChildren();
    info.appendChild(el("h2", p.name));
    info.appendChild(row("Kind", describePlace(p)));
    info.appendChild(row("Point", p.lat.toFixed(4) + ", " + p.lon.toFixed(4) + " (" + p.precision + (p.approx ? ", approximate" : "") + ")"));
    info.appendChild(row("Source", p.source));
    var action = [], origin = [];
    shown.projects.forEach(function (j) {
      var pr = DATA.projects[j];
      if (pr.action.indexOf(pi) >= 0 || pr.recipient.indexOf(pi) >= 0) { action.push(pr.name); }
      if (pr.origin.indexOf(pi) >= 0) { origin.push(pr.name); }
    });
    if (action.length) { info.appendChild(el("h3", "Place of action of")); info.appendChild(list(action)); }
    if (origin.length) { info.appendChild(el("h3", "Country of origin targeted by")); info.appendChild(list(origin)); }
    var working = shown.orgs.filter(function (o) {
      return o.parts.some(function (x) { var pr = DATA.projects[x[0]]; return pr.action.indexOf(pi) >= 0 || pr.recipient.indexOf(pi) >= 0; });
    });
    if (working.length) {
      info.appendChild(el("h3", "Organisations working here (" + working.length + ")"));
      info.appendChild(list(working.map(function (o) { return link(DATA.orgs[o.i].name, function () { select("org", o.i, true); }); })));
    }
    var based = shown.orgs.filter(function (o) { return DATA.orgs[o.i].base === pi; });
    if (based.length) {
      info.appendChild(el("h3", "Organisations drawn here (" + based.length + ")"));
      info.appendChild(list(based.map(function (o) { return link(DATA.orgs[o.i].name + (DATA.orgs[o.i].approx ? " (approximate)" : ""), function () { select("org", o.i, true); }); })));
    }
  }

  function markSelected() {
    Array.prototype.forEach.call(svg.querySelectorAll(".gk-selected"), function (e) { e.classList.remove("gk-selected"); });
    if (!state.selected) { return; }
    var e = state.selected.kind === "org" ? orgEls[state.selected.i] : placeEls[state.selected.i];
    if (e) { e.classList.add("gk-selected"); }
  }

  function select(kind, i, zoom) {
    state.selected = kind === null ? null : {kind: kind, i: i};
    if (kind === "org") { showOrg(i); } else if (kind === "place") { showPlace(i); }
    markSelected();
    if (zoom && kind) {
      var pts = [], least = 3;
      if (kind === "place") { pts.push(DATA.places[i].xy); least = {country: 40, region: 8, city: 3}[DATA.places[i].shape]; }
      else {
        var d = DATA.orgs[i];
        if (d.base !== null) { pts.push(DATA.places[d.base].xy); }
        (shown.orgs.filter(function (o) { return o.i === i; })[0] || {parts: []}).parts.forEach(function (x) {
          var p = DATA.projects[x[0]];
          p.action.concat(p.recipient).forEach(function (pi) { pts.push(DATA.places[pi].xy); });
        });
      }
      fitTo(pts, least);
    } else {
      drawMarkers();
    }
  }
  svg.addEventListener("click", function () { if (!svg.dataset.dragged && state.selected) { select(null); info.replaceChildren(el("p", "Click a place or an organisation, or search a name.", "gk-hint")); } });

  // ------------------------------------------------------------------ controls
  function fill(select, values, all) {
    select.replaceChildren();
    var o = el("option", all); o.value = ""; select.appendChild(o);
    values.forEach(function (v) { var x = el("option", String(v)); x.value = String(v); select.appendChild(x); });
  }
  var menus = {type: document.getElementById("gk-type"), country: document.getElementById("gk-country"),
               fund: document.getElementById("gk-fund"), year: document.getElementById("gk-year")};
  fill(menus.type, DATA.facets.type, "all types");
  fill(menus.country, DATA.facets.country, "all countries");
  fill(menus.fund, DATA.facets.fund, "all funds");
  fill(menus.year, DATA.facets.year, "all years");
  Object.keys(menus).forEach(function (k) {
    menus[k].addEventListener("change", function () { setFilter(k, menus[k].value); });
  });
  var rolesBox = document.getElementById("gk-roles");
  DATA.roles.forEach(function (r, i) {
    var l = el("label"), c = el("input");
    c.type = "checkbox"; c.checked = true; c.dataset.role = r.slug;
    c.addEventListener("change", function () { state.roles[i] = c.checked; refresh(); });
    l.appendChild(c); l.appendChild(document.createTextNode(" " + r.label));
    rolesBox.appendChild(l);
  });
  var time = document.getElementById("gk-time"), timeLabel = document.getElementById("gk-time-label");
  var mode = document.getElementById("gk-time-mode"), play = document.getElementById("gk-play");
  time.max = String(DATA.timeline.length);
  function syncTime() {
    var idx = state.year ? DATA.timeline.indexOf(Number(state.year)) + 1 : 0;
    time.value = String(idx);
    timeLabel.textContent = state.year ? (state.mode === "asof" ? "as of " : "") + state.year : "all years";
  }
  time.addEventListener("input", function () {
    var i = Number(time.value);
    setFilter("year", i ? String(DATA.timeline[i - 1]) : "");
  });
  mode.addEventListener("change", function () { state.mode = mode.value; refresh(); });
  var timer = null;
  function stop() { if (timer) { clearInterval(timer); timer = null; play.textContent = "\u25B6 Play"; } }
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (!DATA.timeline.length) { return; }
    var i = 0;
    play.textContent = "\u275A\u275A Pause";
    function step() {
      if (i >= DATA.timeline.length) { stop(); return; }
      setFilter("year", String(DATA.timeline[i])); i += 1;
    }
    step();
    timer = setInterval(step, 1000);
  });
  document.getElementById("gk-arcs").addEventListener("change", function (ev) { state.arcs = ev.target.checked; drawMarkers(); });
  document.getElementById("gk-fit").addEventListener("click", function () { fitShown(); });
  document.getElementById("gk-reset").addEventListener("click", function () { reset(); });

  var datalist = document.getElementById("gk-names"), search = document.getElementById("gk-search");
  var searchIndex = [];
  DATA.orgs.forEach(function (o, i) {
    searchIndex.push({text: o.name, kind: "org", i: i, names: o.names});
  });
  DATA.places.forEach(function (p, i) { searchIndex.push({text: p.name, kind: "place", i: i, names: [p.name.toLowerCase()]}); });
  searchIndex.forEach(function (s) { var o = el("option"); o.value = s.text; datalist.appendChild(o); });
  function find(text) {
    var t = String(text).trim().toLowerCase();
    if (!t) { return null; }
    var exact = searchIndex.filter(function (s) { return s.names.indexOf(t) >= 0 || s.text.toLowerCase() === t; });
    if (exact.length) { return exact[0]; }
    var part = searchIndex.filter(function (s) { return s.names.some(function (n) { return n.indexOf(t) >= 0; }); });
    return part.length ? part[0] : null;
  }
  search.addEventListener("change", function () {
    var hit = find(search.value);
    if (hit) { select(hit.kind, hit.i, true); }
  });

  function status() {
    var n = 0; Object.keys(orgEls).forEach(function () { n += 1; });
    document.getElementById("gk-status").textContent = shown.orgs.length + " organisations (" + n + " on the map), "
      + shown.projects.length + " projects, " + shown.places.length + " places, " + shown.arcs.length + " arcs";
  }

  function refresh() {
    compute();
    buildMarkers();
    drawMarkers();
    syncTime();
    status();
    if (state.selected) {
      if (state.selected.kind === "org") { showOrg(state.selected.i); } else { showPlace(state.selected.i); }
    }
  }
  function setFilter(facet, value) {
    if (facet === "mode") { state.mode = value; mode.value = value; }
    else { state[facet] = value === null || value === undefined ? "" : String(value); if (menus[facet]) { menus[facet].value = state[facet]; } }
    refresh();
  }
  function setRoles(slugs) {
    DATA.roles.forEach(function (r, i) { state.roles[i] = slugs.indexOf(r.slug) >= 0; });
    Array.prototype.forEach.call(rolesBox.querySelectorAll("input"), function (c, i) { c.checked = state.roles[i]; });
    refresh();
  }
  function fitShown() {
    var pts = shown.places.map(function (pi) { return DATA.places[pi].xy; });
    fitTo(pts);
  }
  function reset() {
    stop();
    state.type = state.country = state.fund = state.year = ""; state.mode = "active"; mode.value = "active";
    Object.keys(menus).forEach(function (k) { menus[k].value = ""; });
    state.roles = DATA.roles.map(function () { return true; });
    Array.prototype.forEach.call(rolesBox.querySelectorAll("input"), function (c) { c.checked = true; });
    state.selected = null;
    info.replaceChildren(el("p", "Click a place or an organisation, or search a name.", "gk-hint"));
    refresh();
    fitShown();
  }
  window.addEventListener("resize", function () { drawMarkers(); });

  // what the map draws, for the tests and for a reader's console
  function drawn() {
    return {
      places: Array.prototype.map.call(gPlaces.querySelectorAll(".gk-place"), function (g) { return [g.dataset.key, g.dataset.relation]; }),
      orgs: Array.prototype.map.call(gOrgs.querySelectorAll(".gk-org"), function (g) { return g.dataset.key; }),
      organisations: shown.orgs.map(function (o) { return DATA.orgs[o.i].key; }),
      projects: shown.projects.map(function (j) { return DATA.projects[j].key; }),
      arcs: shown.arcs.map(function (a) { return [DATA.places[a.from].key, DATA.places[a.to].key, Object.keys(a.projects).length]; })
    };
  }
  function screenOf(key) {
    var e = gPlaces.querySelector('[data-key="' + CSS.escape(key) + '"]') || gOrgs.querySelector('[data-key="' + CSS.escape(key) + '"]');
    if (!e) { return null; }
    var r = e.firstChild.getBoundingClientRect();      // the symbol, not its label
    return [r.left + r.width / 2, r.top + r.height / 2];
  }
  function placeIndex(key) { for (var i = 0; i < DATA.places.length; i++) { if (DATA.places[i].key === key) { return i; } } return -1; }
  function orgIndex(key) { for (var i = 0; i < DATA.orgs.length; i++) { if (DATA.orgs[i].key === key) { return i; } } return -1; }

  window.graphkitGeo = {
    drawn: drawn, setFilter: setFilter, setRoles: setRoles, reset: reset, fit: fitShown, screenOf: screenOf,
    search: function (text) { var hit = find(text); if (!hit) { return null; } select(hit.kind, hit.i, true); return hit.kind === "org" ? DATA.orgs[hit.i].key : DATA.places[hit.i].key; },
    selectOrg: function (key) { select("org", orgIndex(key), true); },
    selectPlace: function (key) { select("place", placeIndex(key), true); },
    view: function () { return {k: view.k, x: view.x, y: view.y}; },
    // the page coordinates of a WGS84 point, as the markers are placed
    project: function (lon, lat) { var s = screen(projection([lon, lat])), r = svg.getBoundingClientRect(); return [s[0] + r.left, s[1] + r.top]; }
  };
  refresh();
  fitShown();
  document.body.dataset.ready = "1";
}());
