/* graphkit WebGL map: draws a large organisation network with WebGL (links in one gl.LINES draw,
 * nodes in one gl.POINTS draw, labels on a 2D canvas above), and wires the search, filters,
 * timeline, colouring, ego view, labels, PNG export and the side panel. Decision 0023 says why
 * it draws with WebGL itself rather than through sigma.js (measured ten times faster here).
 *
 * The data are columns (graphkit/glmap.py): a node's participations are a flat list
 * [project, role mask, ...], a link's shared projects [project, role mask of one end, role mask
 * of the other, ...]. A filter marks the projects it keeps (one pass over the projects), then a
 * node is drawn when one of its participations is kept with a kept role (its size: the projects
 * it keeps), a link when both ends are drawn and a project they share is kept with a kept role
 * on both sides. Positions come computed; the page never runs a layout.
 *
 * Every string of the data reaches the page through textContent or a DOM property, never as
 * HTML; node labels are drawn on a canvas (fillText). */
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

  // ------------------------------------------------------------------ the WebGL view
  // Links are one gl.LINES draw and nodes one gl.POINTS draw (round sprites), from buffers rebuilt
  // when the filters, colours or ego view change; panning and zooming only change two uniforms.
  // Labels and the hovered node's name are drawn on a 2D canvas above (fillText: text, never HTML).
  var container = document.getElementById("gk-network");
  var canvas = document.createElement("canvas"), overlay = document.createElement("canvas");
  canvas.id = "gk-gl";
  overlay.id = "gk-labels-layer";
  container.appendChild(canvas);
  container.appendChild(overlay);
  var gl = canvas.getContext("webgl", { antialias: false, preserveDrawingBuffer: true, alpha: false });
  var ctx = overlay.getContext("2d");
  var W = 1, H = 1, DPR = window.devicePixelRatio || 1;
  var cam = { x: 0, y: 0, scale: 1 }, fitScale = 1;
  var hovered = -1, labelLevel = 3, order = [];
  var bounds = (function () {
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (var i = 0; i < N; i++) {
      x0 = Math.min(x0, ND.x[i]); x1 = Math.max(x1, ND.x[i]); y0 = Math.min(y0, ND.y[i]); y1 = Math.max(y1, ND.y[i]);
    }
    return N ? [x0, y0, x1, y1] : [0, 0, 1, 1];
  })();

  function shader(type, text) {
    var sh = gl.createShader(type);
    gl.shaderSource(sh, text);
    gl.compileShader(sh);
    if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS)) { throw new Error("WebGL shader: " + gl.getShaderInfoLog(sh)); }
    return sh;
  }
  function program(vs, fs) {
    var pr = gl.createProgram();
    gl.attachShader(pr, shader(gl.VERTEX_SHADER, vs));
    gl.attachShader(pr, shader(gl.FRAGMENT_SHADER, fs));
    gl.linkProgram(pr);
    if (!gl.getProgramParameter(pr, gl.LINK_STATUS)) { throw new Error("WebGL program: " + gl.getProgramInfoLog(pr)); }
    return pr;
  }
  var VIEW = "uniform vec2 u_centre; uniform vec2 u_scale; attribute vec2 a_pos; attribute vec4 a_colour; varying vec4 v_colour;" +
             "vec4 place() { return vec4((a_pos - u_centre) * u_scale, 0.0, 1.0); }";
  var lineProgram = program(VIEW + "void main() { gl_Position = place(); v_colour = a_colour; }",
                            "precision mediump float; varying vec4 v_colour; void main() { gl_FragColor = v_colour; }");
  var pointProgram = program(VIEW + "attribute float a_size; uniform float u_size; uniform float u_max;" +
                             "void main() { gl_Position = place(); v_colour = a_colour; gl_PointSize = clamp(a_size * u_size, 2.0, u_max); }",
                             "precision mediump float; varying vec4 v_colour; void main() {" +
                             " vec2 d = gl_PointCoord - vec2(0.5); float r = dot(d, d); if (r > 0.25) { discard; }" +
                             " gl_FragColor = r > 0.16 ? vec4(v_colour.rgb * 0.75, v_colour.a) : v_colour; }");
  var maxPoint = gl.getParameter(gl.ALIASED_POINT_SIZE_RANGE)[1];
  var buf = { linePos: gl.createBuffer(), lineCol: gl.createBuffer(), nodePos: gl.createBuffer(), nodeCol: gl.createBuffer(),
              nodeSize: gl.createBuffer(), lines: 0, points: 0 };

  function rgb(hex) { return [parseInt(hex.substr(1, 2), 16), parseInt(hex.substr(3, 2), 16), parseInt(hex.substr(5, 2), 16)]; }
  var rgbCache = {};
  function rgbOf(hex) { return rgbCache[hex] || (rgbCache[hex] = rgb(hex)); }

  // the buffers of what is drawn: shown links (dimmed ones first), shown nodes (dimmed first, big last)
  function rebuild() {
    var e, i, k = 0, lp = new Float32Array(4 * M), lc = new Uint8Array(8 * M);
    var dimE = rgbOf(EDGE_DIM), normE = rgbOf(EDGE);
    for (var pass = 0; pass < 2; pass++) {
      for (e = 0; e < M; e++) {
        if (!edgeShown[e]) { continue; }
        var a = ED.src[e], b = ED.dst[e], dim = egoDist !== null && (egoDist[a] < 0 || egoDist[b] < 0);
        if ((pass === 0) !== dim) { continue; }
        var c = dim ? dimE : normE, alpha = dim ? 120 : 150, o = 8 * k;
        lp[4 * k] = ND.x[a]; lp[4 * k + 1] = ND.y[a]; lp[4 * k + 2] = ND.x[b]; lp[4 * k + 3] = ND.y[b];
        lc[o] = lc[o + 4] = c[0]; lc[o + 1] = lc[o + 5] = c[1]; lc[o + 2] = lc[o + 6] = c[2]; lc[o + 3] = lc[o + 7] = alpha;
        k++;
      }
    }
    buf.lines = k;
    order = [];
    for (i = 0; i < N; i++) { if (nodeShown[i]) { order.push(i); } }
    var rank = new Float64Array(N);     // dimmed first, then by projects kept, then by index
    for (i = 0; i < N; i++) { rank[i] = (egoDist !== null && egoDist[i] < 0 ? 0 : 1e12) + kept[i] * 1e5 + i; }
    order.sort(function (x, y) { return rank[x] - rank[y]; });
    var np = new Float32Array(2 * order.length), nc = new Uint8Array(4 * order.length), ns = new Float32Array(order.length);
    order.forEach(function (n, j) {
      var dim = egoDist !== null && egoDist[n] < 0, c = rgbOf(dim ? DIM : colourOf[n]);
      np[2 * j] = ND.x[n]; np[2 * j + 1] = ND.y[n];
      nc[4 * j] = c[0]; nc[4 * j + 1] = c[1]; nc[4 * j + 2] = c[2]; nc[4 * j + 3] = 255;
      ns[j] = 2 * sizeOf(kept[n]);
    });
    buf.points = order.length;
    upload(buf.linePos, lp.subarray(0, 4 * k));
    upload(buf.lineCol, lc.subarray(0, 8 * k));
    upload(buf.nodePos, np);
    upload(buf.nodeCol, nc);
    upload(buf.nodeSize, ns);
    order.reverse();            // labels: biggest first
  }
  function upload(b, data) { gl.bindBuffer(gl.ARRAY_BUFFER, b); gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW); }
  function attribute(pr, name, b, size, type, normalised) {
    var loc = gl.getAttribLocation(pr, name);
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, size, type, normalised, 0, 0);
    return loc;
  }
  // node sizes grow with the zoom (as its square root) and, on small maps, with the room each node has
  var roomy = 1;
  function zoomFactor() { return roomy * Math.sqrt(cam.scale / fitScale); }
  function draw() {
    gl.viewport(0, 0, canvas.width, canvas.height);
    gl.clearColor(1, 1, 1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    var sx = 2 * cam.scale / W, sy = -2 * cam.scale / H, locs = [];
    if (buf.lines) {
      gl.useProgram(lineProgram);
      gl.uniform2f(gl.getUniformLocation(lineProgram, "u_centre"), cam.x, cam.y);
      gl.uniform2f(gl.getUniformLocation(lineProgram, "u_scale"), sx, sy);
      locs.push(attribute(lineProgram, "a_pos", buf.linePos, 2, gl.FLOAT, false));
      locs.push(attribute(lineProgram, "a_colour", buf.lineCol, 4, gl.UNSIGNED_BYTE, true));
      gl.drawArrays(gl.LINES, 0, 2 * buf.lines);
      locs.forEach(function (l) { gl.disableVertexAttribArray(l); });
    }
    if (buf.points) {
      gl.useProgram(pointProgram);
      gl.uniform2f(gl.getUniformLocation(pointProgram, "u_centre"), cam.x, cam.y);
      gl.uniform2f(gl.getUniformLocation(pointProgram, "u_scale"), sx, sy);
      gl.uniform1f(gl.getUniformLocation(pointProgram, "u_size"), DPR * zoomFactor());
      gl.uniform1f(gl.getUniformLocation(pointProgram, "u_max"), maxPoint);
      locs = [attribute(pointProgram, "a_pos", buf.nodePos, 2, gl.FLOAT, false),
              attribute(pointProgram, "a_colour", buf.nodeCol, 4, gl.UNSIGNED_BYTE, true),
              attribute(pointProgram, "a_size", buf.nodeSize, 1, gl.FLOAT, false)];
      gl.drawArrays(gl.POINTS, 0, buf.points);
      locs.forEach(function (l) { gl.disableVertexAttribArray(l); });
    }
    drawLabels();
  }
  var frame = null;
  function schedule() { if (frame === null) { frame = requestAnimationFrame(function () { frame = null; draw(); }); } }

  function toScreen(i) { return [(ND.x[i] - cam.x) * cam.scale + W / 2, (ND.y[i] - cam.y) * cam.scale + H / 2]; }
  function radiusOf(i) { return sizeOf(kept[i]) * zoomFactor(); }
  // labels of the biggest nodes on screen, none overlapping another (more with a higher density)
  function drawLabels() {
    ctx.setTransform(DPR, 0, 0, DPR, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.fillStyle = "#222";
    if (labelLevel > 0) {
      var boxes = [], limit = 12 * labelLevel * labelLevel, shownLabels = 0;
      for (var j = 0; j < order.length && shownLabels < limit; j++) {
        var i = order[j];
        if (egoDist !== null && egoDist[i] < 0) { continue; }
        var r = radiusOf(i), p = toScreen(i);
        if (p[0] < -50 || p[1] < -20 || p[0] > W + 50 || p[1] > H + 20) { continue; }
        var text = ND.label[i], w = ctx.measureText(text).width, box = [p[0] + r + 2, p[1] - 7, p[0] + r + 4 + w, p[1] + 7];
        if (boxes.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; })) { continue; }
        boxes.push(box);
        ctx.strokeText(text, box[0], p[1]);
        ctx.fillText(text, box[0], p[1]);
        shownLabels++;
      }
    }
    if (hovered >= 0 && nodeShown[hovered]) {
      var hp = toScreen(hovered), hr = radiusOf(hovered), name = ND.name[hovered];
      ctx.font = "bold 13px system-ui, sans-serif";
      var hw = ctx.measureText(name).width;
      ctx.fillStyle = "rgba(255,255,255,0.95)";
      ctx.strokeStyle = "#555";
      ctx.lineWidth = 1;
      ctx.fillRect(hp[0] + hr + 2, hp[1] - 10, hw + 8, 20);
      ctx.strokeRect(hp[0] + hr + 2, hp[1] - 10, hw + 8, 20);
      ctx.beginPath();
      ctx.arc(hp[0], hp[1], hr + 1.5, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.fillStyle = "#111";
      ctx.fillText(name, hp[0] + hr + 6, hp[1]);
    }
  }

  function resize() {
    var r = container.getBoundingClientRect();
    W = Math.max(1, r.width);
    H = Math.max(1, r.height);
    [canvas, overlay].forEach(function (c) {
      c.width = Math.round(W * DPR);
      c.height = Math.round(H * DPR);
      c.style.width = W + "px";
      c.style.height = H + "px";
    });
  }
  function fit() {
    moved = false;
    var bw = Math.max(bounds[2] - bounds[0], 1), bh = Math.max(bounds[3] - bounds[1], 1);
    fitScale = 0.92 * Math.min(W / bw, H / bh);
    cam = { x: (bounds[0] + bounds[2]) / 2, y: (bounds[1] + bounds[3]) / 2, scale: fitScale };
    roomy = Math.min(Math.max(Math.sqrt(W * H / Math.max(N, 1)) / 14, 0.3), 2.5);
  }
  // the node under a point of the view (the topmost drawn, within its radius plus 3 pixels)
  function pick(px, py) {
    var best = -1, bestD = Infinity;
    for (var j = 0; j < order.length; j++) {
      var i = order[j], p = toScreen(i), d = Math.hypot(p[0] - px, p[1] - py), r = radiusOf(i) + 3;
      if (d <= r && d < bestD) { best = i; bestD = d; }
    }
    return best;
  }
  var drag = null;
  overlay.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX, y: ev.clientY, cx: cam.x, cy: cam.y, moved: false }; });
  window.addEventListener("mouseup", function (ev) {
    if (drag && !drag.moved) {
      var r = overlay.getBoundingClientRect(), hit = pick(ev.clientX - r.left, ev.clientY - r.top);
      if (hit >= 0) { showInfo(hit); } else if (ev.target === overlay) { showHint(); }
    }
    drag = null;
  });
  overlay.addEventListener("mousemove", function (ev) {
    var r = overlay.getBoundingClientRect();
    if (drag) {
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; moved = true; }
      cam.x = drag.cx - dx / cam.scale;
      cam.y = drag.cy - dy / cam.scale;
      schedule();
      return;
    }
    var hit = pick(ev.clientX - r.left, ev.clientY - r.top);
    overlay.style.cursor = hit >= 0 ? "pointer" : "grab";
    if (hit !== hovered) { hovered = hit; drawLabels(); }
  });
  overlay.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    moved = true;
    var r = overlay.getBoundingClientRect(), px = ev.clientX - r.left - W / 2, py = ev.clientY - r.top - H / 2;
    var gx = cam.x + px / cam.scale, gy = cam.y + py / cam.scale;
    cam.scale = Math.min(Math.max(cam.scale * Math.pow(1.0015, -ev.deltaY), fitScale / 4), fitScale * 400);
    cam.x = gx - px / cam.scale;
    cam.y = gy - py / cam.scale;
    schedule();
  }, { passive: false });
  // a new size of the view (the window, the controls wrapping): the same centre, or fit if not moved
  new ResizeObserver(function () {
    var r = container.getBoundingClientRect();
    if (Math.abs(r.width - W) < 1 && Math.abs(r.height - H) < 1) { return; }
    resize();
    if (!moved) { fit(); }
    schedule();
  }).observe(container);

  recolour();
  var firstCounts = computeShown(), moved = false;
  document.getElementById("gk-status").textContent =
    firstCounts.nodes + " of " + N + " organisations, " + firstCounts.edges + " of " + M + " links drawn";
  resize();
  fit();
  rebuild();
  draw();
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));   // wait until the GPU has drawn
  window.__gkDrawn = performance.now();

  function redraw() {
    rebuild();
    schedule();
  }

  function applyFilters() {
    var counts = computeShown();
    if (ego !== null && !nodeShown[ego.node]) { ego = null; }
    computeEgo();
    redraw();
    showStatus(counts);
    if (current >= 0) { if (nodeShown[current]) { showInfo(current); } else { showHint(); } }
    return counts;
  }
  function showStatus(counts) {
    document.getElementById("gk-status").textContent =
      counts.nodes + " of " + N + " organisations, " + counts.edges + " of " + M + " links drawn";
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
    cam.x = ND.x[i];
    cam.y = ND.y[i];
    cam.scale = Math.max(cam.scale, fitScale * Math.min(6, Math.max(1.5, Math.sqrt(N) / 5)));
    moved = true;
    hovered = i;
    schedule();
    showInfo(i);
    return true;
  }

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
    labelLevel = v;
    drawLabels();
  }
  labels.addEventListener("input", function () { setLabels(labels.value); });
  document.getElementById("gk-colour").addEventListener("change", function () { recolour(); redraw(); });
  document.getElementById("gk-fit").addEventListener("click", function () { fit(); schedule(); });
  document.getElementById("gk-reset").addEventListener("click", function () {
    ["gk-type", "gk-country", "gk-fund", "gk-year"].forEach(function (id) { document.getElementById(id).value = ""; });
    state.type = state.country = state.fund = -1;
    state.roleMask = ROLE_ALL;
    Array.prototype.forEach.call(rolesBox.querySelectorAll("input"), function (b) { b.checked = true; });
    stopPlay();
    ego = null;
    searchBox.value = "";
    setYear(0, "active");
    fit();
    schedule();
    showHint();
  });
  // the WebGL drawing and the labels above it, as one PNG
  function png() {
    draw();
    var out = document.createElement("canvas");
    out.width = canvas.width;
    out.height = canvas.height;
    var c2 = out.getContext("2d");
    c2.drawImage(canvas, 0, 0);
    c2.drawImage(overlay, 0, 0);
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

  // for scripts and tests: the state of the page, by node key
  window.graphkitGL = {
    drawn: function () { return { points: buf.points, lines: buf.lines }; },
    keyOf: function (i) { return ND.key[i]; },
    indexOf: function (key) { return ND.key.indexOf(key); },
    drawnNodes: function () { return order.map(function (i) { return ND.key[i]; }).sort(); },
    drawnEdges: function () {
      var out = [];
      for (var e = 0; e < M; e++) {
        if (edgeShown[e]) { var a = ND.key[ED.src[e]], b = ND.key[ED.dst[e]]; out.push(a < b ? [a, b] : [b, a]); }
      }
      return out.sort();
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
    dimmedNodes: function () { return order.filter(function (i) { return egoDist !== null && egoDist[i] < 0; }).map(function (i) { return ND.key[i]; }).sort(); },
    search: function (text) { return search(text).map(function (i) { return ND.key[i]; }); },
    select: function (key) { return select(ND.key.indexOf(key)); },
    kept: function (key) { return kept[ND.key.indexOf(key)]; },
    setLabels: setLabels,
    png: png,
    // where a node is drawn, in the viewport's CSS pixels (for a mouse)
    screenOf: function (key) {
      var p = toScreen(ND.key.indexOf(key)), r = overlay.getBoundingClientRect();
      return [p[0] + r.left, p[1] + r.top];
    },
    hovered: function () { return hovered < 0 ? null : ND.key[hovered]; },
  };
})();
