/* foedus web page: today's alliance commitments on a world map (d3-geo, Natural Earth), the network as a second
   view (cytoscape.js, loaded when first opened), panels for states, dyads, treaties and organizations,
   scenarios, open triads and the UN sanctions. Plain browser JavaScript over the JSON API (/api); every
   file is served by foedus itself, nothing is fetched from another host. */
"use strict";

const TYPES = ["defense", "offense", "neutrality", "nonaggression", "consultation"];
const FIRST_YEAR = 1816;
const ERAS = [
  [1816, 1914, "Concert of Europe and the age of empires"], [1914, 1919, "First World War"],
  [1919, 1939, "Interwar years"], [1939, 1946, "Second World War"], [1946, 1992, "Cold War"],
  [1992, 2014, "After the Cold War"], [2014, 3000, "Since the Crimea annexation (2014)"],
];
const VIEWS = ["map", "network"];
const TIERS = ["confirmed", "presumed", "unknown"];  // strongest first
const TABS = ["state", "dyad", "org", "scenario", "triads", "sanctions", "claims", "forecasts"];

const app = {
  on: null, today: null, view: "map",
  types: new Set(TYPES),
  colors: {}, tiers: {},
  map: null,          // the last /api/map answer
  world: null,        // countries (GeoJSON)
  projection: null, path: null,
  size: [960, 500],   // the map's drawing size in CSS pixels (the SVG viewBox): dots and lines stay legible
  zoom: { k: 1, x: 0, y: 0 },
  names: new Map(),   // ccode -> {abbr, name}
  located: new Map(), // ccode -> [x, y] on the map
  cy: null, cyLoading: null,
  request: 0, playing: null,
  scenario: null,     // the last scenario result (its marks stay only on the scenario tab)
};

const $ = (selector) => document.querySelector(selector);
const $$ = (selector) => [...document.querySelectorAll(selector)];
const SVG = "http://www.w3.org/2000/svg";

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

async function api(path, options) {
  const response = await fetch(path, options);
  let body = null;
  try { body = await response.json(); } catch (_) { body = { detail: response.statusText }; }
  if (!response.ok) {
    const detail = body && body.detail;
    const text = typeof detail === "string" ? detail : Array.isArray(detail) ? detail.map((d) => d.msg || JSON.stringify(d)).join("; ")
      : `${response.status} ${response.statusText}`;
    const error = new Error(text);
    error.body = body;
    error.status = response.status;
    throw error;
  }
  return body;
}

const name = (code) => (app.names.get(code) || { name: String(code) }).name;
const abbr = (code) => (app.names.get(code) || { abbr: String(code) }).abbr;
const strongest = (obligations) => TYPES.find((t) => obligations.includes(t)) || "consultation";

function tags(obligations) {
  if (!obligations.length) return '<span class="muted">—</span>';
  return obligations.map((o) => `<span class="tag" style="background:${app.colors[o] || "#ccc"}">${esc(o)}</span>`).join("");
}

function showError(target, error) { target.innerHTML = `<p class="error">${esc(error.message || error)}</p>`; }
function setStatus(text) { $("#status").textContent = text; }

function say(text) {
  const box = $("#message");
  box.hidden = !text;
  box.textContent = text || "";
}

/* ------------------------------------------------------------------ URL state */

function readUrl() {
  const params = new URLSearchParams(location.search);
  const problems = [];
  let on = params.get("on");
  if (on !== null) {
    const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(on.trim());
    const iso = m ? `${m[1]}-${m[2] || "01"}-${m[3] || "01"}` : null;
    const parsed = iso ? new Date(`${iso}T00:00:00Z`) : null;
    if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso) {
      problems.push(`The address asks for the date “${on}”, which is not a date (write on=YYYY-MM-DD, e.g. on=2025-01-01); showing today instead.`);
      on = null;
    } else {
      on = iso;
    }
  }
  let view = params.get("view");
  if (view !== null && !VIEWS.includes(view)) {
    problems.push(`The address asks for the view “${view}”; the views are ${VIEWS.join(" and ")}. Showing the map.`);
    view = null;
  }
  return { on, view: view || "map", problems };
}

function writeUrl() {
  const params = new URLSearchParams(location.search);
  params.set("on", app.on);
  params.set("view", app.view);
  history.replaceState(null, "", `${location.pathname}?${params.toString()}`);
}

/* ------------------------------------------------------------------ date controls */

function eraOf(year) {
  const era = ERAS.find(([from, to]) => year >= from && year < to);
  return era ? era[2] : "";
}

function buildTimeline(last) {
  const slider = $("#date-slider");
  slider.min = String(FIRST_YEAR);
  slider.max = String(last);
  const span = last - FIRST_YEAR;
  const pct = (y) => `${(100 * (y - FIRST_YEAR)) / span}%`;
  const ticks = [];
  for (let y = 1825; y <= last; y += 25) ticks.push(y);
  const every = window.innerWidth < 700 ? 50 : 25;
  $("#year-ticks").innerHTML = ticks.map((y) => `<option value="${y}"></option>`).join("");
  $("#ticks").innerHTML = [FIRST_YEAR, ...ticks.filter((y) => y % every === 0 && y - FIRST_YEAR > 12 && last - y > 12), last]
    .map((y) => `<span style="left:${pct(y)}">${y}</span>`).join("");
  $("#eras").innerHTML = ERAS.filter(([from]) => from <= last).map(([from, to, label]) =>
    `<span style="left:${pct(from)};width:calc(${pct(Math.min(to, last))} - ${pct(from)})" title="${esc(label)}">${esc(label)}</span>`).join("");
}

function setDate(iso) {
  app.on = iso;
  const year = Number(iso.slice(0, 4));
  const slider = $("#date-slider");
  slider.value = String(Math.max(Number(slider.min), Math.min(Number(slider.max), year)));
  slider.setAttribute("aria-valuetext", `${year}: ${eraOf(year)}`);
  $("#date-input").value = iso;
  $("#era-label").textContent = eraOf(year);
  document.body.dataset.on = iso;
  const form = $("#scenario-form");
  if (form && !form.on.value) form.on.placeholder = iso;
}

function yearDate(year) {
  if (app.today && year === Number(app.today.slice(0, 4))) return app.today;
  return `${year}-01-01`;
}

let sliderTimer = null;
function onSlider() {
  setDate(yearDate(Number($("#date-slider").value)));
  clearTimeout(sliderTimer);
  sliderTimer = setTimeout(dateChanged, 120);
}

function step(years) {
  const slider = $("#date-slider");
  const year = Math.max(Number(slider.min), Math.min(Number(slider.max), Number(app.on.slice(0, 4)) + years));
  setDate(yearDate(year));
  dateChanged();
}

function togglePlay() {
  const button = $("#play");
  if (app.playing) {
    clearInterval(app.playing);
    app.playing = null;
    button.setAttribute("aria-pressed", "false");
    button.textContent = "▶ Play";
    return;
  }
  const slider = $("#date-slider");
  if (Number(app.on.slice(0, 4)) >= Number(slider.max)) setDate(`${FIRST_YEAR}-01-01`);
  button.setAttribute("aria-pressed", "true");
  button.textContent = "❚❚ Pause";
  app.playing = setInterval(() => {
    if (Number(app.on.slice(0, 4)) >= Number(slider.max)) { togglePlay(); return; }
    step(1);
  }, 900);
}

async function dateChanged() {
  writeUrl();
  await loadView();
  refreshPanel();
}

/* ------------------------------------------------------------------ obligation types (the legend) */

function buildTypes() {
  const box = $("#types");
  TYPES.forEach((t) => {
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" value="${t}" checked> <span class="swatch" data-type="${t}"></span> ${t}`;
    label.querySelector("input").addEventListener("change", (event) => {
      if (event.target.checked) app.types.add(t); else app.types.delete(t);
      document.body.dataset.types = TYPES.filter((x) => app.types.has(x)).join(",");
      loadView();
    });
    box.appendChild(label);
  });
}

function paintLegend() {
  $$(".swatch").forEach((s) => { s.style.background = app.colors[s.dataset.type] || "#999"; });
  $("#tier-rules").innerHTML = Object.entries(app.tiers).map(([tier, rule]) => `<dt>${esc(tier)}</dt><dd>${esc(rule)}</dd>`).join("");
}

/* ------------------------------------------------------------------ the map */

function svgEl(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

async function loadWorld() {
  const topology = await api("vendor/countries-110m.json");
  app.world = topojson.feature(topology, topology.objects.countries);
  const svg = $("#map");
  const zoomable = svgEl("g", { id: "zoomable" });
  zoomable.appendChild(svgEl("g", { class: "base", id: "base" }));
  for (const id of ["arcs", "overlay", "states", "labels"]) zoomable.appendChild(svgEl("g", { id }));
  svg.appendChild(zoomable);
  fitMap();
  svg.addEventListener("click", (event) => {
    if (app.dragged) { app.dragged = false; return; }   // the end of a pan is not a click
    const target = event.target;
    if (target.classList.contains("state")) showState(Number(target.dataset.code));
    else if (target.classList.contains("arc")) showDyad(Number(target.dataset.a), Number(target.dataset.b));
    else clearFocus();
  });
  installZoom(svg);
}

/* The projection fitted to the map's own size in CSS pixels (the inhabited world: Antarctica left out), so a
   phone's 360 px get the whole width and a dot is as many pixels wide on every screen. */
function fitMap() {
  const svg = $("#map");
  const box = svg.getBoundingClientRect();
  const width = Math.max(Math.round(box.width) || 960, 240), height = Math.max(Math.round(box.height) || 500, 140);
  app.size = [width, height];
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const land = { type: "FeatureCollection", features: app.world.features.filter((f) => f.id !== "010") };
  app.projection = d3.geoNaturalEarth1().fitExtent([[4, 4], [width - 4, height - 4]], land);
  app.path = d3.geoPath(app.projection);
  const base = $("#base");
  const countries = svgEl("g", { class: "countries" });
  for (const feature of app.world.features) countries.appendChild(svgEl("path", { class: "country", d: app.path(feature) }));
  base.replaceChildren(svgEl("path", { class: "sphere", d: app.path({ type: "Sphere" }) }), countries);
  document.body.dataset.narrow = width < 600 ? "true" : "false";
}

/* Zoom and pan without a library: the wheel or the +/− buttons zoom (around the pointer), a drag pans; dots,
   labels and line widths keep their size on screen. */
function installZoom(svg) {
  const clampK = (k) => Math.max(1, Math.min(12, k));
  const toLocal = (event) => {
    const box = svg.getBoundingClientRect();
    return [((event.clientX - box.left) / box.width) * app.size[0], ((event.clientY - box.top) / box.height) * app.size[1]];
  };
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    zoomBy(event.deltaY < 0 ? 1.4 : 1 / 1.4, toLocal(event));
  }, { passive: false });
  let start = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    start = { at: toLocal(event), x: app.zoom.x, y: app.zoom.y, moved: false, id: event.pointerId };
  });
  svg.addEventListener("pointermove", (event) => {
    if (!start || app.zoom.k === 1) return;
    const [x, y] = toLocal(event);
    const dx = x - start.at[0], dy = y - start.at[1];
    if (!start.moved && Math.hypot(dx, dy) < 4) return;
    if (!start.moved) { start.moved = true; svg.setPointerCapture(start.id); svg.classList.add("panning"); }
    setZoom(app.zoom.k, start.x + dx, start.y + dy);
  });
  const end = () => {
    if (start && start.moved) { app.dragged = true; svg.classList.remove("panning"); }
    start = null;
  };
  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointercancel", end);
  const centre = () => [app.size[0] / 2, app.size[1] / 2];
  $("#zoom-in").addEventListener("click", () => zoomBy(1.6, centre()));
  $("#zoom-out").addEventListener("click", () => zoomBy(1 / 1.6, centre()));
  $("#zoom-reset").addEventListener("click", () => setZoom(1, 0, 0));
  function zoomBy(factor, [px, py]) {
    const k = clampK(app.zoom.k * factor);
    const f = k / app.zoom.k;
    setZoom(k, px - (px - app.zoom.x) * f, py - (py - app.zoom.y) * f);
  }
}

function setZoom(k, x, y) {
  const [w, h] = app.size;
  if (k <= 1) { k = 1; x = 0; y = 0; }
  x = Math.min(0, Math.max(w - w * k, x));  // keep the world on the screen
  y = Math.min(0, Math.max(h - h * k, y));
  app.zoom = { k, x, y };
  $("#zoomable").setAttribute("transform", `translate(${x.toFixed(1)},${y.toFixed(1)}) scale(${k.toFixed(3)})`);
  document.body.dataset.zoom = k.toFixed(2);
  scaleMarks();
}

/* Dots and labels drawn at a constant size on screen, whatever the zoom. */
function scaleMarks() {
  const k = app.zoom.k;
  const narrow = app.size[0] < 600;
  $$("#states .state").forEach((dot) => {
    const base = dot.dataset.role ? 5 : dot.classList.contains("major") ? (narrow ? 5 : 4) : (narrow ? 3.6 : 2.6);
    dot.setAttribute("r", (base / Math.sqrt(k)).toFixed(2));
  });
  const labels = $("#labels");
  labels.style.fontSize = `${((narrow ? 10 : 9) / Math.sqrt(k)).toFixed(2)}px`;
  labels.classList.toggle("all", k >= 2.5);
}

let resizeTimer = null;
function onResize() {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (!app.world || $("#view-map").hidden) return;
    const box = $("#map").getBoundingClientRect();
    if (Math.abs(box.width - app.size[0]) < 2 && Math.abs(box.height - app.size[1]) < 2) return;
    fitMap();
    if (app.map) drawMap(app.map);
    setZoom(1, 0, 0);
    if (app.scenario && activeTab() === "scenario") markScenario(app.scenario);
  }, 200);
}

function drawMap(answer) {
  app.located.clear();
  const states = $("#states"), arcs = $("#arcs"), labels = $("#labels");
  const stateNodes = [], arcNodes = [], labelNodes = [];
  for (const s of answer.states) {
    app.names.set(s.code, { abbr: s.abbr, name: s.name });
    if (s.lat === null || s.lng === null) continue;
    const xy = app.projection([s.lng, s.lat]);
    app.located.set(s.code, xy);
    const classes = ["state", s.major ? "major" : "", s.partners ? "" : "untied", s.capital_carried ? "carried" : ""].join(" ").trim();
    const dot = svgEl("circle", { class: classes, cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: s.major ? 4 : 2.6,
                                  "data-code": s.code, id: `state-${s.code}` });
    const title = svgEl("title");
    title.textContent = `${s.name} (${s.abbr}) — ${s.capital || "capital unknown"}${s.capital_carried ? " (last capital in the COW capitals list)" : ""}; ${s.partners} partner(s)`;
    dot.appendChild(title);
    stateNodes.push(dot);
    if (s.major || s.partners) {
      const label = svgEl("text", { class: `label${s.major ? " major" : ""}`, x: (xy[0] + 4).toFixed(1), y: (xy[1] + 3).toFixed(1),
                                    "data-code": s.code });
      label.textContent = s.abbr;
      labelNodes.push(label);
    }
  }
  for (const e of answer.arcs) {   // weakest first: the strongest ties are drawn last, on top
    if (!app.located.has(e.a) || !app.located.has(e.b)) continue;
    const d = app.path({ type: "LineString", coordinates: [lngLat(e.a, answer), lngLat(e.b, answer)] });
    if (!d) continue;
    const arc = svgEl("path", { class: `arc ob-${e.strongest} tier-${e.tier}`, d, stroke: answer.colors[e.strongest],
                                "data-a": e.a, "data-b": e.b, id: `arc-${e.a}-${e.b}` });
    const title = svgEl("title");
    title.textContent = `${name(e.a)} – ${name(e.b)}: ${e.strongest} (${e.tier}); ${e.treaties.slice(0, 3).map((t) => answer.treaty_names[t] || t).join("; ")}`;
    arc.appendChild(title);
    arcNodes.push(arc);
  }
  states.replaceChildren(...stateNodes);
  arcs.replaceChildren(...arcNodes);
  labels.replaceChildren(...labelNodes);
  $("#overlay").replaceChildren();
  scaleMarks();
}

let lngLatIndex = null;
function lngLat(code, answer) {
  if (!lngLatIndex || lngLatIndex.answer !== answer) {
    lngLatIndex = { answer, map: new Map(answer.states.map((s) => [s.code, [s.lng, s.lat]])) };
  }
  return lngLatIndex.map.get(code);
}

function focusOn(codes, arcIds = null) {
  const svg = $("#map");
  const wanted = new Set(codes.map(Number));
  $$("#map .near, #map .picked").forEach((el) => el.classList.remove("near", "picked"));
  if (!wanted.size) { svg.classList.remove("focus"); return; }
  svg.classList.add("focus");
  $$("#arcs .arc").forEach((arc) => {
    const a = Number(arc.dataset.a), b = Number(arc.dataset.b);
    const near = arcIds ? arcIds.has(arc.id) : wanted.has(a) || wanted.has(b);
    if (near) arc.classList.add("near");
  });
  $$("#states .state").forEach((dot) => {
    if (wanted.has(Number(dot.dataset.code))) dot.classList.add("near");
  });
  if (app.cy) {
    app.cy.elements().removeClass("picked faded");
    const nodes = app.cy.nodes().filter((n) => wanted.has(n.data("code")));
    app.cy.elements().not(nodes).not(nodes.edgesWith(nodes)).addClass("faded");
    nodes.addClass("picked");
  }
}

function clearFocus() {
  focusOn([]);
  if (app.cy) app.cy.elements().removeClass("picked faded");
}

/* ------------------------------------------------------------------ loading a date */

async function loadView(prefetched = null) {
  const ticket = ++app.request;
  const types = TYPES.filter((t) => app.types.has(t));
  setStatus(`Loading ${app.on}…`);
  if (!types.length) {
    $("#arcs").replaceChildren();
    if (app.cy) app.cy.edges().remove();
    setStatus("No obligation type selected");
    return;
  }
  try {
    const answer = prefetched && prefetched.on === app.on && types.length === TYPES.length ? prefetched
      : await api(`api/map?on=${app.on}&types=${types.join(",")}`);
    if (ticket !== app.request) return;  // a later date was asked for meanwhile
    app.map = answer;
    app.colors = answer.colors;
    app.tiers = answer.tiers;
    paintLegend();
    drawMap(answer);
    if (app.view === "network") await drawNetwork(ticket);
    const tied = answer.states.filter((s) => s.partners).length;
    const unplaced = answer.states.filter((s) => s.lat === null).length;
    const defence = answer.arcs.filter((e) => e.strongest === "defense").length;
    setStatus(answer.before_data ? `${answer.on}: before the data (they start in ${answer.first_year})`
      : `${answer.on}: ${answer.arcs.length} pairs bound (${defence} by defence), ${tied} of ${answer.states.length} states`
        + (unplaced ? `, ${unplaced} without a capital on record` : ""));
    $("#coverage").textContent = `Coverage: ${answer.coverage}. Capitals: ${answer.capitals_source}.`;
    if (answer.before_data) {
      say(`The data start on 1 January ${answer.first_year}: the Correlates of War state system list (and so ATOP) begins `
        + `after the Congress of Vienna. Nothing is recorded for ${answer.on}; move the slider to ${answer.first_year} or later.`);
    } else if (app.urlProblems) {
      say(app.urlProblems.join(" "));
      app.urlProblems = null;
    } else {
      say("");
    }
    if (app.scenario && activeTab() === "scenario") markScenario(app.scenario);
  } catch (error) {
    if (ticket !== app.request) return;
    setStatus(`Could not load ${app.on}`);
    say(`${error.message} — the page keeps the last picture; choose another date.`);
  }
}

function refreshPanel() {
  const current = app.current;
  if (!current) return;
  if (current.kind === "state") showState(current.code, false);
  else if (current.kind === "dyad") showDyad(current.a, current.b, false);
  else if (current.kind === "org") showOrg(current.name, false);
  if (activeTab() === "triads") loadTriads();
}

/* ------------------------------------------------------------------ views and tabs */

function openView(view) {
  app.view = view;
  $$(".views button").forEach((b) => {
    const on = b.dataset.view === view;
    b.setAttribute("aria-selected", String(on));
    b.tabIndex = on ? 0 : -1;
  });
  $("#view-map").hidden = view !== "map";
  $("#view-network").hidden = view !== "network";
  document.body.dataset.view = view;
  writeUrl();
  if (view === "network" && app.map) drawNetwork(app.request);
}

function openTab(tab) {
  const leaving = activeTab();
  $$(".tabs button").forEach((b) => {
    const on = b.dataset.tab === tab;
    b.setAttribute("aria-selected", String(on));
    b.tabIndex = on ? 0 : -1;
  });
  $$(".tab").forEach((panel) => { panel.hidden = panel.id !== `tab-${tab}`; });
  if (leaving === "scenario" && tab !== "scenario") unmarkScenario();
  if (tab === "scenario" && app.scenario) markScenario(app.scenario);
  if (tab === "triads") loadTriads();
  if (tab === "forecasts" && window.foedusPlots) window.foedusPlots.loadForecasts();
}

function activeTab() {
  const selected = $('.tabs button[aria-selected="true"]');
  return selected ? selected.dataset.tab : "state";
}

function arrowKeys(container, selector, open) {   // WAI-ARIA tabs: arrows move between tabs
  container.addEventListener("keydown", (event) => {
    const buttons = [...container.querySelectorAll(selector)];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    let next = null;
    if (event.key === "ArrowRight") next = buttons[(i + 1) % buttons.length];
    else if (event.key === "ArrowLeft") next = buttons[(i - 1 + buttons.length) % buttons.length];
    else if (event.key === "Home") next = buttons[0];
    else if (event.key === "End") next = buttons[buttons.length - 1];
    if (!next) return;
    event.preventDefault();
    next.focus();
    open(next);
  });
}

/* ------------------------------------------------------------------ the network view (second tab) */

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}

async function ensureCy() {
  if (app.cy) return app.cy;
  if (!app.cyLoading) app.cyLoading = loadScript("vendor/cytoscape.min.js");
  await app.cyLoading;
  if (app.cy) return app.cy;
  app.cy = cytoscape({
    container: $("#net"), style: graphStyle(), elements: [], layout: { name: "preset" },
    minZoom: 0.2, maxZoom: 6, boxSelectionEnabled: false, autoungrabify: true,
    textureOnViewport: true, hideEdgesOnViewport: true,
  });
  window.foedusGraph = app.cy;
  app.cy.on("tap", "node", (event) => showState(event.target.data("code")));
  app.cy.on("tap", "edge", (event) => showDyad(event.target.data("a"), event.target.data("b")));
  app.cy.on("tap", (event) => { if (event.target === app.cy) clearFocus(); });
  return app.cy;
}

function graphStyle() {
  return [
    { selector: "node", style: {
      "width": "data(size)", "height": "data(size)", "background-color": "#9aa4b2", "label": "data(abbr)",
      "font-size": 9, "color": "#2b3340", "text-valign": "center", "text-halign": "right", "text-margin-x": 2,
      "min-zoomed-font-size": 8, "border-width": 0, "text-outline-color": "#fff", "text-outline-width": 2,
      "text-wrap": "none", "text-max-width": 60 } },
    { selector: "node[!tied]", style: { "label": "", "width": 5, "height": 5 } },
    { selector: "node[?tied]", style: { "background-color": "#4a5568" } },
    { selector: "node[?major]", style: { "font-weight": "bold", "font-size": 11, "border-width": 2, "border-color": "#1d2430" } },
    { selector: "edge", style: {
      "curve-style": "haystack", "line-color": "data(color)", "width": "data(width)", "opacity": "data(opacity)" } },
    { selector: "edge[tier = 'presumed']", style: { "line-style": "dashed" } },
    { selector: "edge[tier = 'unknown']", style: { "line-style": "dotted", "opacity": 0.2 } },
    { selector: ".faded", style: { "opacity": 0.05 } },
    { selector: "node.picked", style: { "border-width": 3, "border-color": "#E69F00", "z-index": 10 } },
    { selector: "edge.picked", style: { "opacity": 1, "width": 4, "z-index": 10 } },
    { selector: "node.attacker", style: { "background-color": "#000", "shape": "diamond", "z-index": 20 } },
    { selector: "node.target", style: { "background-color": "#fff", "border-width": 3, "border-color": "#000", "shape": "square", "z-index": 20 } },
    { selector: "node.joins-attacker", style: { "background-color": "#555", "border-width": 2, "border-color": "#000", "z-index": 15 } },
    { selector: "node.joins-target", style: { "background-color": "#fff", "border-width": 2, "border-color": "#555", "border-style": "dashed", "z-index": 15 } },
    { selector: "node.conditional", style: { "background-color": "#F0E442", "border-width": 2, "border-color": "#000" } },
    { selector: "node.conflicted", style: { "background-color": "#F0E442", "border-width": 3, "border-color": "#000", "shape": "triangle" } },
    { selector: "node.attacker, node.target, node.joins-attacker, node.joins-target, node.conditional, node.conflicted",
      style: { "font-size": 12, "font-weight": "bold", "opacity": 1 } },
  ];
}

const WIDTH = { defense: 2, offense: 1.8, neutrality: 1.2, nonaggression: 0.8, consultation: 0.7 };
const OPACITY = { defense: 0.9, offense: 0.85, neutrality: 0.6, nonaggression: 0.3, consultation: 0.25 };

/* Positions: states by longitude and latitude of their capitals pulled into a disc, so allies that are
   neighbours sit near each other and labels spread out the way the map spreads them. */
function networkElements(answer) {
  const nodes = answer.states.map((s) => {
    const lng = s.lng ?? 0, lat = s.lat ?? -60;
    return { group: "nodes", data: { id: String(s.code), code: s.code, abbr: s.abbr, name: s.name, major: s.major,
      tied: s.partners > 0, size: s.major ? 14 : 8 }, position: { x: lng * 4.2, y: -lat * 5.2 } };
  });
  const edges = answer.arcs.map((e) => ({ group: "edges", data: { id: `${e.a}-${e.b}`, source: String(e.a), target: String(e.b),
    a: e.a, b: e.b, tier: e.tier, strongest: e.strongest, color: answer.colors[e.strongest],
    width: WIDTH[e.strongest], opacity: OPACITY[e.strongest] } }));
  return nodes.concat(edges);
}

/* Force-directed (cytoscape's cose), started from the capitals' positions so the picture keeps its geography,
   with only the defence and offence ties pulling: allies gather, the non-aggression and consultation mesh
   does not collapse the world into one ball. Labels count in the node sizes, so they do not overlap nodes. */
function layoutNetwork(cy) {
  const strong = (e) => e.data("strongest") === "defense" || e.data("strongest") === "offense";
  const t0 = performance.now();
  // every edge keeps the graph one component (cose packs separate components in a grid); the weak ones barely pull
  cy.layout({
    name: "cose", animate: false, randomize: false, fit: true, padding: 20, nodeDimensionsIncludeLabels: true,
    numIter: 300, initialTemp: 60, coolingFactor: 0.95, gravity: 0.6, nestingFactor: 1,
    idealEdgeLength: (edge) => (strong(edge) ? 30 : 160),
    edgeElasticity: (edge) => (strong(edge) ? 50 : 4000), nodeRepulsion: () => 8000, nodeOverlap: 12,
  }).run();
  document.body.dataset.layoutMs = String(Math.round(performance.now() - t0));
  document.body.dataset.layout = "cose";
}

async function drawNetwork(ticket) {
  const cy = await ensureCy();
  if (ticket !== app.request || !app.map) return;
  cy.batch(() => { cy.elements().remove(); cy.add(networkElements(app.map)); });
  cy.resize();
  layoutNetwork(cy);
  if (app.scenario && activeTab() === "scenario") markScenario(app.scenario);
}

/* ------------------------------------------------------------------ search */

async function search(event) {
  event.preventDefault();
  const q = $("#search").value.trim();
  if (!q) return;
  setStatus(`Finding “${q}”…`);
  let stateError = null;
  try {
    const found = await api(`api/states?q=${encodeURIComponent(q)}&on=${app.on}`);
    if (found.resolved) { showState(found.resolved.ccode); setStatus(`Found ${found.resolved.name}`); return; }
    if (found.states && found.states.length === 1) { showState(found.states[0].ccode); return; }
  } catch (error) { stateError = error; }
  try {
    await showOrg(q);
    setStatus(`Found ${q}`);
    return;
  } catch (_) { /* not an organization or treaty */ }
  openTab("org");
  showError($("#org-panel"), new Error(`Nothing found for “${q}”: ${stateError ? stateError.message : "no state, treaty or organization of that name"}`));
  setStatus(`Nothing found for “${q}”`);
}

/* ------------------------------------------------------------------ a state's commitments */

function partnerRows(code, commitments) {
  const byPartner = new Map();
  for (const c of commitments) {
    const partner = c.from_ccode === code ? c.to_ccode : c.from_ccode;
    if (!byPartner.has(partner)) byPartner.set(partner, { partner, owes: new Set(), owed: new Set(), treaties: new Map(), tiers: new Set() });
    const row = byPartner.get(partner);
    c.obligations.forEach((o) => (c.from_ccode === code ? row.owes : row.owed).add(o));
    row.treaties.set(c.treaty_id, c.treaty_name || c.treaty_id);
    if (c.tier) row.tiers.add(c.tier);
  }
  const rank = (row) => TYPES.indexOf(strongest([...row.owes, ...row.owed]));
  const tier = (row) => Math.min(...[...row.tiers].map((t) => TIERS.indexOf(t)).filter((i) => i >= 0), TIERS.length);
  return [...byPartner.values()].sort((x, y) => rank(x) - rank(y) || tier(x) - tier(y)
    || name(x.partner).localeCompare(name(y.partner)));
}

function obligationCell(row) {
  const sort = (set) => [...set].sort((a, b) => TYPES.indexOf(a) - TYPES.indexOf(b));
  const owes = sort(row.owes), owed = sort(row.owed);
  if (owes.join() === owed.join()) return `<span class="muted">both ways</span> ${tags(owes)}`;
  return `<span class="muted">owes</span> ${tags(owes)}<br><span class="muted">owed</span> ${tags(owed)}`;
}

async function showState(code, switchTab = true) {
  app.current = { kind: "state", code };
  if (switchTab) openTab("state");
  const panel = $("#state-panel");
  focusOn([code]);
  try {
    const [answer, groups] = await Promise.all([
      api(`api/obligations?state=${code}&on=${app.on}`),
      api(`api/memberships?state=${code}&on=${app.on}`).catch(() => ({ memberships: [] })),
    ]);
    const rows = partnerRows(code, answer.commitments);
    const body = rows.map((r) => {
      const top = strongest([...r.owes, ...r.owed]);
      const treaties = [...r.treaties.values()].slice(0, 3).map(esc).join("; ") + (r.treaties.size > 3 ? ` (+${r.treaties.size - 3})` : "");
      return `<tr class="clickable" tabindex="0" data-partner="${r.partner}" data-strongest="${top}">
        <td><b>${esc(name(r.partner))}</b> <span class="muted">${esc(abbr(r.partner))}</span></td>
        <td>${obligationCell(r)}</td>
        <td class="source">${treaties}${r.tiers.size ? `<div>${esc([...r.tiers].join(", "))}</div>` : ""}</td></tr>`;
    }).join("");
    const orgs = groups.memberships.map((m) => {
      const note = (m.status_notes || []).filter((n) => n.status === m.status).slice(-1)[0];
      const since = note ? `${esc(m.status)} since ${esc(note.since)} (member since ${esc(m.since)})` : `${esc(m.status)} since ${esc(m.since)}`;
      const source = note && note.source ? `<div class="source">${esc(note.text)} — ${esc(note.source.citation || note.source.dataset)}</div>` : "";
      return `<li><button class="linkish" data-org="${esc(m.short_name || m.org_id)}">${esc(m.short_name)}</button> ${esc(m.name)}: ${since}` +
        `${m.mutual_defence ? ` — mutual defence (${esc(m.defence_article)})` : ""}${m.uncertain ? ' <span class="warn">uncertain</span>' : ""}${source}</li>`;
    }).join("");
    panel.innerHTML = `<h2>${esc(name(code))} <span class="muted">(${esc(abbr(code))}, ${code})</span></h2>
      <p class="muted">${rows.length} partners on ${esc(answer.on)}, strongest obligation first (${answer.commitments.length} directed commitments). Choose a partner for the dyad.</p>
      <table><thead><tr><th>partner</th><th>obligations</th><th>treaties, status</th></tr></thead><tbody>${body}</tbody></table>
      ${orgs ? `<h3>Organizations (register)</h3><ul id="memberships">${orgs}</ul>` : ""}`;
    panel.querySelectorAll("tr[data-partner]").forEach((row) => {
      const open = () => showDyad(code, Number(row.dataset.partner));
      row.addEventListener("click", open);
      row.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); } });
    });
    panel.querySelectorAll("button[data-org]").forEach((b) => b.addEventListener("click", () => showOrg(b.dataset.org)));
  } catch (error) {
    showError(panel, error);
  }
}

/* ------------------------------------------------------------------ a dyad */

function commitmentRows(commitments) {
  return commitments.map((c) => {
    const until = c.until || (c.status === "in_force" ? "in force" : `<span class="warn">${esc(c.note || c.status)}</span>`);
    const treaty = c.treaty_name ? `${esc(c.treaty_name)} (${esc(c.treaty_id)})` : esc(c.treaty_id);
    const conditions = c.conditions.length ? esc(c.conditions.join(", ")) : "unconditional";
    return `<tr><td>${tags(c.obligations)}<div class="source">${conditions}</div>${c.tier ? `<div class="source">${esc(c.tier)}</div>` : ""}</td>
      <td>${treaty}<div class="source">${esc(c.since || "")} – ${until}</div><div class="source">${esc(c.source_text || "")}</div></td></tr>`;
  }).join("");
}

async function showDyad(a, b, switchTab = true) {
  app.current = { kind: "dyad", a, b };
  if (switchTab) openTab("dyad");
  const panel = $("#dyad-panel");
  const id = `arc-${Math.min(a, b)}-${Math.max(a, b)}`;
  focusOn([a, b], new Set([id]));
  const arc = document.getElementById(id);
  if (arc) arc.classList.add("picked");
  try {
    const [answer, periods, events] = await Promise.all([
      api(`api/dyad?a=${a}&b=${b}&on=${app.on}`),
      api(`api/history?a=${a}&b=${b}`),
      api(`api/invocations?state=${a}`).catch(() => ({ events: [] })),
    ]);
    const ab = answer.commitments.filter((c) => c.from_ccode === a);
    const ba = answer.commitments.filter((c) => c.from_ccode === b);
    const block = (rows, from, to) => `<h3>${esc(name(from))} owes ${esc(name(to))}</h3>` + (rows.length
      ? `<table><tbody>${commitmentRows(rows)}</tbody></table>` : '<p class="muted">nothing recorded</p>');
    const treatyIds = new Set(periods.map((p) => p.treaty_id).filter(Boolean));
    const mine = (events.events || []).filter((e) => treatyIds.has(e.treaty_id) &&
      (e.invoked_by.includes(b) || (e.responses || []).some((r) => r.ccode === b) || e.invoked_by.includes(a)));
    const eventHtml = mine.map((e) => `<div class="event"><b>${esc(e.date)}</b> ${esc(e.treaty_name || e.treaty_id)} ${esc(e.article)}:
      ${esc(e.request)} by ${e.invoked_by.map((c) => esc(name(c))).join(", ")}. ${esc(e.asked || "")}
      <div>Outcome: ${esc(e.outcome || "")}</div>
      ${(e.responses || []).map((r) => `<div class="source">${esc(r.party || name(r.ccode))}: ${esc(r.action)} ${esc(r.date || "")} — ${esc(r.text || "")}</div>`).join("")}</div>`).join("");
    panel.innerHTML = `<h2>${esc(name(a))} — ${esc(name(b))}</h2>
      <p class="muted">Commitments in force on ${esc(answer.on)} (directed: asymmetric treaties differ by direction).</p>
      ${block(ab, a, b)}${block(ba, b, a)}
      <h3>History</h3><div id="history">${renderHistory(periods, a, b)}</div>
      <h3>Competing readings</h3><div id="readings">${renderReadings(periods)}</div>
      <h3>Invocations</h3><div id="invocations">${eventHtml || '<p class="muted">No invocation of their treaties recorded in the register.</p>'}</div>`;
  } catch (error) {
    showError(panel, error);
  }
}

function renderReadings(periods) {
  const seen = new Set();
  const out = [];
  for (const p of periods) {
    for (const r of p.readings || []) {
      const key = `${r.entry}|${r.field}|${r.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const sources = (r.sources || []).map((s) => `${esc(s.title)}${s.issuer ? `, ${esc(s.issuer)}` : ""}${s.date ? ` (${esc(s.date)})` : ""}`).join("; ");
      out.push(`<div class="reading"><b>${esc(p.treaty_name || p.treaty_id)}</b>: ${esc(r.field)} ${esc(r.value)} — ${esc(r.claim)}
        <div class="source">${sources} [register ${esc(r.entry)}]</div></div>`);
    }
  }
  return out.length ? out.join("") : '<p class="muted">The sources agree on every date of this dyad.</p>';
}

/* The dyad's whole history (every source): one lane per treaty and direction on a shared time axis, the
   shown date marked; then every period with its source. */
function renderHistory(periods, a, b) {
  const real = periods.filter((p) => p.status !== "none");
  if (!real.length) return '<p class="muted">No commitment recorded between them, ever.</p>';
  const today = app.today || app.on;
  const time = (iso) => Date.parse(iso.length === 4 ? `${iso}-01-01` : iso.length === 7 ? `${iso}-01` : iso);
  const lo = Math.min(...real.map((p) => time(p.start)));
  const hi = Math.max(...real.map((p) => time(p.end || today)), time(app.on));
  const pct = (iso) => (100 * (time(iso) - lo)) / Math.max(hi - lo, 1);
  const marker = `<div class="now" style="left:${pct(app.on).toFixed(2)}%" title="${esc(app.on)}"></div>`;
  let lanes = "";
  for (const [from, to] of [[a, b], [b, a]]) {
    const mine = real.filter((p) => p.from_ccode === from);
    if (!mine.length) continue;
    lanes += `<div class="direction">${esc(abbr(from))} → ${esc(abbr(to))}</div>`;
    const byTreaty = new Map();
    mine.forEach((p) => { if (!byTreaty.has(p.treaty_id)) byTreaty.set(p.treaty_id, []); byTreaty.get(p.treaty_id).push(p); });
    for (const [treaty, spans] of byTreaty) {
      const label = spans[0].treaty_name || treaty;
      const segments = spans.map((p) => {
        const end = p.end || today;
        const title = `${p.start} – ${p.end || (p.status === "unknown_after_coverage" ? "unknown after " + p.coverage_end : "in force")}: ` +
          `${p.obligations.join(", ")}${p.uncertain ? " (competing readings)" : ""} — ${p.source_text || ""}`;
        const cls = `seg ${p.status === "unknown_after_coverage" ? "unknown" : ""} ${p.uncertain ? "uncertain" : ""}`;
        return `<div class="${cls}" title="${esc(title)}" style="left:${pct(p.start).toFixed(2)}%;` +
          `width:${Math.max(pct(end) - pct(p.start), 0.6).toFixed(2)}%;background:${app.colors[strongest(p.obligations)]}"></div>`;
      }).join("");
      lanes += `<div class="lane"><div class="label" title="${esc(label)}">${esc(label)}</div><div class="bar">${segments}${marker}</div></div>`;
    }
  }
  const axis = `<div class="lane axis"><div></div><div class="ticks-row"><span>${new Date(lo).getUTCFullYear()}</span>` +
    `<span>${new Date(hi).getUTCFullYear()}</span></div></div>`;
  const rows = periods.map((p) => {
    const end = p.end || (p.status === "unknown_after_coverage" ? `unknown after ${p.coverage_end}` : p.status === "none" ? "" : "in force");
    const what = p.status === "none" ? '<span class="muted">no commitment</span>' : tags(p.obligations);
    const treaty = p.treaty_id ? `${esc(p.treaty_name || p.treaty_id)} (${esc(p.treaty_id)})` : "";
    const mark = p.uncertain ? ' <span class="warn">competing readings</span>' : "";
    return `<tr><td>${esc(abbr(p.from_ccode))} → ${esc(abbr(p.to_ccode))}</td><td>${esc(p.start)} – ${esc(end)}${mark}</td>
      <td>${what}<div class="source">${esc(p.change || "")}</div></td>
      <td>${treaty}<div class="source">${esc(p.status === "none" ? "" : p.source_text || "")}</div></td></tr>`;
  }).join("");
  return `<div class="timeline">${lanes}${axis}</div>
    <table class="periods"><thead><tr><th>direction</th><th>period</th><th>obligations</th><th>treaty, source</th></tr></thead>
    <tbody>${rows}</tbody></table>`;
}

/* ------------------------------------------------------------------ treaties and organizations */

async function showOrg(query, switchTab = true) {
  const panel = $("#org-panel");
  let org = null, treaty = null;
  try {
    org = await api(`api/organizations/${encodeURIComponent(query)}?on=${app.on}`);
  } catch (error) {
    if (error.status && error.status >= 500) throw error;
    treaty = await api(`api/treaty/${encodeURIComponent(query)}`);  // throws when neither
  }
  app.current = { kind: "org", name: query };
  if (switchTab) openTab("org");
  if (org) {
    const members = [...org.members].sort((x, y) => String(x.since).localeCompare(String(y.since)));
    const rows = members.map((m) => {
      const note = (m.status_notes || []).filter((n) => n.status === m.status).slice(-1)[0];
      const status = note ? `${esc(m.status)} since ${esc(note.since)}` : esc(m.status);
      const detail = note ? `<div class="source">${esc(note.text)} — ${esc((note.source && (note.source.citation || note.source.dataset)) || "")}</div>`
        : m.note ? `<div class="source">${esc(m.note)}</div>` : "";
      return `<tr data-member="${m.ccode}"><td><button class="linkish" data-state="${m.ccode}">${esc(name(m.ccode))}</button></td>
        <td>${esc(m.role)}</td><td>${status}${m.uncertain ? ' <span class="warn">uncertain</span>' : ""}${detail}</td><td>${esc(m.since)}</td></tr>`;
    }).join("");
    panel.innerHTML = `<h2>${esc(org.short_name)} <span class="muted">${esc(org.name)}</span></h2>
      <p>${esc(org.kind)}, founded ${esc(org.founded)}${org.mutual_defence ? `; mutual defence: ${esc(org.defence_article)}` : ""}
      ${org.treaty_id ? `; treaty ${esc(org.treaty_id)}` : ""}.</p><p class="source">${esc(org.note || "")}</p>
      <h3>Members on ${esc(org.on)} (by date joined)</h3>
      <table><thead><tr><th>state</th><th>role</th><th>status</th><th>member since</th></tr></thead><tbody>${rows}</tbody></table>`;
    panel.querySelectorAll("button[data-state]").forEach((b) => b.addEventListener("click", () => showState(Number(b.dataset.state))));
    focusOn(members.map((m) => m.ccode));
    return;
  }
  const t = treaty;
  const summary = Object.entries(t).filter(([, v]) => v !== null && typeof v !== "object").slice(0, 12)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("");
  const members = Array.isArray(t.members) ? t.members : [];
  panel.innerHTML = `<h2>${esc(t.name || t.treaty_name || t.treaty_id || query)}</h2>
    <table><tbody>${summary}</tbody></table>
    ${members.length ? `<h3>Members</h3><ul>${members.map((m) => `<li>${esc(name(m.ccode ?? m.code ?? m))} ${esc(m.since || m.start || "")}${m.until || m.end ? ` – ${esc(m.until || m.end)}` : ""}</li>`).join("")}</ul>` : ""}`;
  focusOn(members.map((m) => m.ccode ?? m.code ?? m).filter((c) => typeof c === "number"));
}

/* ------------------------------------------------------------------ scenarios */

function list(text) { return text.split(",").map((s) => s.trim()).filter(Boolean); }

/* The request body the form describes; `suppose`: the ticked suppositions (false: none, for a baseline). */
function scenarioBody(form, suppose = true) {
  const body = {
    attackers: list(form.attackers.value), targets: list(form.targets.value),
    on: form.on.value || app.on, rounds: Number(form.rounds.value || 1), mode: form.mode.value,
  };
  const supporters = list(form.supporters.value);
  if (supporters.length) body.supporters = supporters;
  const supposed = suppose ? checkedSuppositions() : [];
  if (supposed.length) body.suppose = supposed;
  if (form.montecarlo.checked) {
    body.reliability = form.reliability_kind.value === "model" ? "model" : Number(form.reliability.value);
    body.draws = 10000;
  }
  return body;
}

async function postScenario(body) {
  try {
    return await api("api/scenario", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  } catch (error) {
    // feature detection: a server without the fitted joining model refuses reliability "model"
    if (body.reliability === "model" && error.status === 422 && error.body && error.body.parameter === "reliability") {
      const option = $('#scenario-form select[name=reliability_kind] option[value=model]');
      if (option) { option.disabled = true; option.textContent = "the joining model (not on this server)"; }
      $("#scenario-form").reliability_kind.value = "fixed";
      const err = new Error(`This server's scenario engine does not take the joining model yet (${error.message}). `
        + "Choose a fixed probability, or ask without Monte Carlo.");
      err.status = 422;
      throw err;
    }
    throw error;
  }
}

async function runScenario(event) {
  event.preventDefault();
  const form = $("#scenario-form");
  const out = $("#scenario-result");
  const body = scenarioBody(form);
  out.innerHTML = '<p class="muted">Running…</p>';
  try {
    const result = await postScenario(body);
    result.supposed = body.suppose || [];
    app.scenario = result;
    if (result.on !== app.on) { setDate(result.on); writeUrl(); await loadView(); }
    renderScenario(result);
  } catch (error) {
    showError(out, error);
  }
}

function sideParties(result, side) { return result[side].map((p) => esc(p.name)).join(", "); }

function scenarioNotes(result) {
  const notes = result.notes || [];
  if (!notes.length) return "";
  const first = notes.slice(0, 2).map((n) => `<li>${esc(n)}</li>`).join("");
  const rest = notes.slice(2).map((n) => `<li>${esc(n)}</li>`).join("");
  return `<h3>Notes</h3><ul class="notes" id="scenario-notes">${first}</ul>${rest
    ? `<details><summary>${notes.length - 2} more note(s)</summary><ul class="notes">${rest}</ul></details>` : ""}`;
}

function supportersHtml(result) {
  const supporters = result.supporters || [];
  if (!supporters.length) return "";
  const items = supporters.map((p) => `<div class="outcome supporter" data-ccode="${p.ccode}">
      <span class="who">${esc(p.name)}</span> <span class="tag status-supporter">supporter, not a belligerent</span>
      <span class="muted">supports the ${esc(p.supports)} side</span>
      <ul class="explanation">${(p.findings || []).map((f) => `<li>${esc(f)}</li>`).join("")}</ul></div>`).join("");
  return `<h3>Supporters (checked against each pledge's wording)</h3><div id="supporters">${items}</div>`;
}

function renderScenario(result) {
  const out = $("#scenario-result");
  const joiners = result.states.filter((s) => s.joins && s.status !== "conflicted");
  const capability = (side) => {
    const info = result.sides[side];
    const cap = info.capability;
    const cinc = cap.year === null ? "no capability data" : `CINC ${cap.cinc.toFixed(3)} (${esc(cap.source)}, ${cap.year})`;
    return `<div><b>${side} side</b>: ${info.members.length} states, ${cinc}${cap.stale ? ' <span class="warn">(older than the date)</span>' : ""}</div>`;
  };
  const outcomes = result.states.map((s) => `<div class="outcome ${s.side}" data-ccode="${s.ccode}">
      <span class="who">${esc(s.name)}</span> <span class="tag status-${s.status}">${esc(s.status)}</span>
      <span class="muted">${s.side} side, round ${s.round}</span>
      <div class="explanation">${esc(s.explanation)}</div></div>`).join("");
  let mc = "";
  if (result.monte_carlo) {
    const m = result.monte_carlo;
    const size = (side) => `${side}: mean ${m.coalition_size[side].mean.toFixed(2)}, 5–95% ${m.coalition_size[side].p5}–${m.coalition_size[side].p95}`;
    const bar = (p, cls) => `<div class="bar-track"><div class="bar-fill ${cls}" style="width:${(100 * p).toFixed(1)}%"></div></div>`;
    const rows = m.states.slice(0, 12).map((s) => `<div class="bar-row"><span>${esc(s.name)}</span>${bar(s.p_join_target, "")}<span>${(100 * s.p_join_target).toFixed(1)}%</span></div>
      ${s.p_join_attacker > 0 ? `<div class="bar-row"><span class="muted">… attacker side</span>${bar(s.p_join_attacker, "attacker")}<span>${(100 * s.p_join_attacker).toFixed(1)}%</span></div>` : ""}`).join("");
    const reliability = m.reliability && typeof m.reliability === "object" && "defense" in m.reliability
      ? `reliability ${m.reliability.defense}` : `reliability ${esc(typeof m.reliability === "object" ? JSON.stringify(m.reliability) : m.reliability)}`;
    const why = m.states.filter((s) => s.explanation || s.why).slice(0, 12)
      .map((s) => `<li><b>${esc(s.name)}</b>: ${esc(s.explanation || s.why)}</li>`).join("");
    mc = `<h3>Monte Carlo (${m.draws} draws, ${reliability})</h3>
      <p>Coalition size — ${size("attacker")}; ${size("target")}</p>
      <div id="mc-chart" class="chart" role="img" aria-label="Probability of joining each side, by state"></div>
      <details id="mc-table"><summary>The same as a list</summary>${rows}</details>
      ${why ? `<h3>The model's explanation</h3><ul id="mc-why">${why}</ul>` : ""}
      <p class="source">${esc(m.reliability_source || m.model_source || "")}</p>`;
  }
  const unknown = result.unknown.length
    ? `<p class="warn">${result.unknown.length} commitment(s) toward the parties were in force when their dataset ends and are not counted (later status unknown).</p>` : "";
  const supposed = (result.supposed || []).length
    ? `<p class="hypothetical" id="supposed-banner">HYPOTHETICAL — supposing: ${result.supposed.map(esc).join("; ")}</p>` : "";
  out.innerHTML = `${supposed}<h2>${sideParties(result, "attackers")} attacks ${sideParties(result, "targets")}</h2>
    <p class="muted">${esc(result.on)} — mode ${esc(result.mode)}, ${result.rounds} round(s).
    <b id="joiner-count">${joiners.length}</b> state(s) join; marked on the map and the network.</p>
    ${result.warning ? `<p class="warn">${esc(result.warning)}</p>` : ""}
    ${capability("attacker")}${capability("target")}
    <h3>Who must act, and why</h3><div id="outcomes">${outcomes || '<p class="muted">No state has a commitment toward the parties.</p>'}</div>
    ${supportersHtml(result)}${scenarioNotes(result)}
    ${unknown}${mc}`;
  markScenario(result);
  if (result.monte_carlo && window.foedusPlots) window.foedusPlots.monteCarlo($("#mc-chart"), result.monte_carlo);
}

/* Baseline and supposed world side by side: the same request asked twice, without and with the ticked
   suppositions; the states whose status differs first. */
async function compareScenario() {
  const form = $("#scenario-form");
  const out = $("#scenario-result");
  if (!form.reportValidity()) return;
  const supposed = checkedSuppositions();
  if (!supposed.length) { showError(out, new Error("Tick at least one supposition to compare (or add one).")); return; }
  out.innerHTML = '<p class="muted">Running both worlds…</p>';
  try {
    const [base, what] = await Promise.all([postScenario(scenarioBody(form, false)), postScenario(scenarioBody(form, true))]);
    what.supposed = supposed;
    app.scenario = what;
    if (what.on !== app.on) { setDate(what.on); writeUrl(); await loadView(); }
    const byCode = (r) => new Map(r.states.map((s) => [s.ccode, s]));
    const b = byCode(base), w = byCode(what);
    const codes = [...new Set([...b.keys(), ...w.keys()])];
    const cell = (s) => s ? `<span class="tag status-${esc(s.status)}">${esc(s.status)}</span> <span class="muted">${esc(s.side)}${s.joins ? ", joins" : ""}</span>` : '<span class="muted">—</span>';
    const differs = (c) => { const x = b.get(c), y = w.get(c); return !x || !y || x.status !== y.status || x.side !== y.side || x.joins !== y.joins; };
    codes.sort((x, y) => Number(differs(y)) - Number(differs(x)) || (w.get(x) || b.get(x)).name.localeCompare((w.get(y) || b.get(y)).name));
    const obliged = (r) => r.states.filter((s) => s.joins && s.status !== "conflicted").length;
    const delta = obliged(what) - obliged(base);
    const rows = codes.map((c) => `<tr class="${differs(c) ? "changed" : ""}" data-ccode="${c}"><td>${esc((w.get(c) || b.get(c)).name)}</td>
      <td>${cell(b.get(c))}</td><td>${cell(w.get(c))}</td></tr>`).join("");
    const changed = codes.filter(differs).length;
    out.innerHTML = `<p class="hypothetical" id="supposed-banner">HYPOTHETICAL — supposing: ${supposed.map(esc).join("; ")}</p>
      <h2>${sideParties(what, "attackers")} attacks ${sideParties(what, "targets")}: the two worlds</h2>
      <p id="compare-summary"><b>${Math.abs(delta)} ${delta >= 0 ? "more" : "fewer"}</b> state(s) obliged to join with the suppositions
      (${obliged(base)} without, ${obliged(what)} with); ${changed} state(s) change. The map shows the supposed world.</p>
      <table id="compare"><thead><tr><th>state</th><th>without (the record)</th><th>with the suppositions</th></tr></thead><tbody>${rows}</tbody></table>
      ${scenarioNotes(what)}`;
    markScenario(what);
  } catch (error) {
    showError(out, error);
  }
}

/* ------------------------------------------------------------------ suppositions (what-if) */

const SUPPOSITIONS = ["PRK joins CSTO from 2025-01-01", "defense RUS CHN from 2026-01-01", "ARM leaves CSTO 2026-01-01"];

function addSupposition(text, checked = false) {
  text = text.trim();
  if (!text) return;
  const box = $("#suppose-list");
  const existing = [...box.querySelectorAll("input")].find((i) => i.value === text);
  if (existing) { existing.checked = checked || existing.checked; return; }
  const li = document.createElement("li");
  const id = `suppose-${box.children.length}`;
  li.innerHTML = `<input type="checkbox" id="${id}" value="${esc(text)}"${checked ? " checked" : ""}> <label for="${id}">${esc(text)}</label>`;
  box.appendChild(li);
}

function checkedSuppositions() { return $$("#suppose-list input:checked").map((i) => i.value); }

function scenarioExample(kind) {
  const form = $("#scenario-form");
  $$("#suppose-list input").forEach((i) => { i.checked = false; });
  form.supporters.value = "";
  form.rounds.value = "1";
  if (kind === "supporters") {
    form.attackers.value = "Ukraine"; form.targets.value = "Russia"; form.supporters.value = "USA, GBR";
    form.on.value = "2025-01-01";
    runScenario(new Event("submit"));
  } else if (kind === "nato") {
    form.attackers.value = "NATO"; form.targets.value = "Russia"; form.on.value = "2025-01-01";
    runScenario(new Event("submit"));
  } else if (kind === "csto") {
    form.attackers.value = "USA"; form.targets.value = "North Korea"; form.on.value = "2025-06-01";
    addSupposition(SUPPOSITIONS[0], true);
    compareScenario();
  }
}

function scenarioMarks(result) {
  const marks = new Map();
  result.attackers.forEach((p) => marks.set(p.ccode, "attacker"));
  result.targets.forEach((p) => marks.set(p.ccode, "target"));
  result.states.forEach((s) => {
    if (marks.has(s.ccode)) return;
    if (s.status === "conflicted") marks.set(s.ccode, "conflicted");
    else if (s.joins) marks.set(s.ccode, s.side === "attacker" ? "joins-attacker" : "joins-target");
    else if (s.status === "conditional") marks.set(s.ccode, "conditional");
  });
  return marks;
}

const ROLES = ["attacker", "target", "joins-attacker", "joins-target", "conditional", "conflicted"];

function markScenario(result) {
  unmarkScenario(false);
  const marks = scenarioMarks(result);
  for (const [code, cls] of marks) {
    const dot = document.getElementById(`state-${code}`);
    if (dot) { dot.classList.add(cls); dot.dataset.role = cls; }
    if (app.cy) app.cy.getElementById(String(code)).addClass(cls);
  }
  scaleMarks();
  focusOn([...marks.keys()]);
  $("#role-legend").classList.add("shown");
  setStatus(`Scenario on ${result.on}: ${marks.size} states marked`);
  document.body.dataset.scenario = "shown";
}

function unmarkScenario(resetStatus = true) {
  for (const cls of ROLES) {
    $$(`#states .state.${cls}`).forEach((dot) => { dot.classList.remove(cls); delete dot.dataset.role; });
    if (app.cy) app.cy.nodes(`.${cls}`).removeClass(cls);
  }
  scaleMarks();
  $("#role-legend").classList.remove("shown");
  if (resetStatus && document.body.dataset.scenario === "shown") {
    clearFocus();
    setStatus(`${app.on}: ${app.map ? app.map.arcs.length : 0} pairs bound`);
  }
  delete document.body.dataset.scenario;
}

/* ------------------------------------------------------------------ open triads */

async function loadTriads() {
  const box = $("#triads-list");
  box.innerHTML = '<li class="muted">Loading…</li>';
  try {
    const found = await api(`api/triads?on=${app.on}&kind=open&top=25`);
    if (!found.length) { box.innerHTML = '<li class="muted">No open triads on this date.</li>'; return; }
    box.innerHTML = found.map((t, i) => `<li data-i="${i}"><button type="button" aria-pressed="false">
      <b>${t.members.map((m) => esc(name(m))).join(" – ")}</b>
      <span class="muted">open triad pivoting on ${esc(name(t.pivot))}, nearness ${t.score}</span>
      <div class="source">${esc(t.explanation)}</div></button></li>`).join("");
    box.querySelectorAll("li[data-i] button").forEach((button) => {
      button.addEventListener("click", () => {
        box.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", "false"));
        button.setAttribute("aria-pressed", "true");
        drawTriad(found[Number(button.parentElement.dataset.i)]);
      });
    });
  } catch (error) {
    box.innerHTML = `<li class="error">${esc(error.message)}</li>`;
  }
}

function drawTriad(triad) {
  focusOn(triad.members, new Set());
  const overlay = $("#overlay");
  const lines = [];
  const [x, y, z] = triad.members;
  for (const [a, b] of [[x, y], [y, z], [x, z]]) {
    const side = (triad.sides || []).find((s) => s.pair && s.pair.includes(a) && s.pair.includes(b));
    const open = !side || side.defense !== "mutual";
    const d = app.map ? app.path({ type: "LineString", coordinates: [lngLat(a, app.map), lngLat(b, app.map)] }) : null;
    if (!d) continue;
    const line = svgEl("path", { class: `triad-side${open ? " open" : ""}`, d, "data-a": a, "data-b": b });
    lines.push(line);
  }
  overlay.replaceChildren(...lines);
  if (app.cy) {
    app.cy.elements().removeClass("picked faded");
    const nodes = app.cy.nodes().filter((n) => triad.members.includes(n.data("code")));
    app.cy.elements().not(nodes).not(nodes.edgesWith(nodes)).addClass("faded");
    nodes.addClass("picked");
  }
}

/* ------------------------------------------------------------------ sanctions */

async function checkShipment(event) {
  event.preventDefault();
  const form = event.target;
  const out = $("#sanctions-result");
  const params = new URLSearchParams({ from: form.from.value, to: form.to.value, on: app.on });
  if (form.hs.value.trim()) params.set("hs", form.hs.value.trim());
  if (form.item.value.trim()) params.set("item", form.item.value.trim());
  out.innerHTML = '<p class="muted">Checking…</p>';
  try {
    const r = await api(`api/sanctions/check?${params}`);
    const measures = (r.measures || []).map((m) => `<li><b>${esc(m.symbol)}</b> para. ${esc(m.paragraph)}: ${esc(m.title)}
      <span class="tag st-${esc(m.effect)}">${esc(m.effect)}</span>${m.requires ? `<div class="source">${esc(m.requires)}</div>` : ""}
      <div class="source">${esc(m.url || "")}${m.note ? ` — ${esc(m.note)}` : ""}</div></li>`).join("");
    out.innerHTML = `<p class="verdict" id="verdict">Verdict: <span class="tag st-${esc(r.verdict)}">${esc(r.verdict)}</span></p>
      <p class="muted">${esc(name(r.shipment.from))} → ${esc(name(r.shipment.to))}, HS ${esc(r.shipment.hs || "")}, ${esc(r.shipment.date)}</p>
      ${measures ? `<h3>Measures</h3><ul>${measures}</ul>` : '<p>No UN measure covers this shipment.</p>'}`;
  } catch (error) {
    showError(out, error);
  }
}

async function showPermitted() {
  const out = $("#sanctions-result");
  out.innerHTML = '<p class="muted">Loading…</p>';
  try {
    const r = await api(`api/sanctions/permitted?on=${app.on}`);
    if (!r.regime_in_force) { out.innerHTML = `<p>${esc(r.regime)} is not in force on ${esc(r.date)}: everything not otherwise banned is permitted.</p>`; return; }
    const counts = (d) => Object.entries(r.counts[d]).map(([k, v]) => `${v} ${esc(k)}`).join(", ");
    const rows = r.sections.flatMap((s) => s.chapters.map((c) => `<tr><td>${esc(c.chapter)}</td><td>${esc(c.title)}</td>
      <td><span class="tag st-${esc(c.to_dprk.status)}">${esc(c.to_dprk.status)}</span></td>
      <td><span class="tag st-${esc(c.from_dprk.status)}">${esc(c.from_dprk.status)}</span></td></tr>`)).join("");
    out.innerHTML = `<h2>What remains permitted on ${esc(r.date)}</h2><p>${esc(r.regime)}.</p>
      <p>To the DPRK: ${counts("to_dprk")}. From the DPRK: ${counts("from_dprk")} (HS chapters).</p>
      <dl>${Object.entries(r.statuses).map(([k, v]) => `<dt><span class="tag st-${esc(k)}">${esc(k)}</span></dt><dd>${esc(v)}</dd>`).join("")}</dl>
      <table id="permitted"><thead><tr><th>HS</th><th>chapter</th><th>to DPRK</th><th>from DPRK</th></tr></thead><tbody>${rows}</tbody></table>`;
  } catch (error) {
    showError(out, error);
  }
}

/* ------------------------------------------------------------------ start */

async function loadNames() {
  try {
    const found = await api("api/states?limit=1000");
    $("#state-names").innerHTML = found.states.map((s) => `<option value="${esc(s.name)}">${esc(s.abbr)} ${s.ccode}</option>`).join("");
    const orgs = ["NATO", "CSTO", "SCO", "BRICS", "Arab League", "Rio Treaty", "ANZUS", "atop:3440"];
    $("#search-names").innerHTML = $("#state-names").innerHTML + orgs.map((o) => `<option value="${esc(o)}">organization or treaty</option>`).join("");
    $("#actor-names").innerHTML = orgs.filter((o) => !o.includes(":")).map((o) => `<option value="${esc(o)}">organization: its members on the date</option>`).join("")
      + $("#state-names").innerHTML;
    found.states.forEach((s) => { if (!app.names.has(s.ccode)) app.names.set(s.ccode, { abbr: s.abbr, name: s.name }); });
  } catch (_) { /* autocomplete is a convenience */ }
}

async function start() {
  const t0 = performance.now();
  buildTypes();
  $$(".tabs button").forEach((b) => b.addEventListener("click", () => openTab(b.dataset.tab)));
  $$(".views button").forEach((b) => b.addEventListener("click", () => openView(b.dataset.view)));
  arrowKeys($(".tabs"), "button", (b) => openTab(b.dataset.tab));
  arrowKeys($(".views"), "button", (b) => openView(b.dataset.view));
  $("#date-slider").addEventListener("input", onSlider);
  $("#date-input").addEventListener("change", () => {
    const value = $("#date-input").value;
    if (!value) { say("That is not a complete date: write it as YYYY-MM-DD."); return; }
    setDate(value);
    dateChanged();
  });
  $("#play").addEventListener("click", togglePlay);
  $("#year-back").addEventListener("click", () => step(-1));
  $("#year-next").addEventListener("click", () => step(1));
  $("#search-form").addEventListener("submit", search);
  $("#scenario-form").addEventListener("submit", runScenario);
  $("#sanctions-form").addEventListener("submit", checkShipment);
  $("#permitted-button").addEventListener("click", showPermitted);
  $("#compare-button").addEventListener("click", compareScenario);
  $$(".examples button[data-example]").forEach((b) => b.addEventListener("click", () => scenarioExample(b.dataset.example)));
  SUPPOSITIONS.forEach((text) => addSupposition(text));
  const addNew = () => { addSupposition($("#suppose-new").value, true); $("#suppose-new").value = ""; };
  $("#suppose-add").addEventListener("click", addNew);
  $("#suppose-new").addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); addNew(); } });
  window.addEventListener("resize", onResize);
  document.addEventListener("keydown", (event) => {   // , and . step a year when no field has the focus
    const field = event.target.closest && event.target.closest("input, select, textarea");
    if (field) return;
    if (event.key === ",") step(-1);
    else if (event.key === ".") step(1);
  });

  const wanted = readUrl();
  app.urlProblems = wanted.problems.length ? wanted.problems : null;
  if (app.urlProblems) say(app.urlProblems.join(" "));
  const world = loadWorld();
  // today: the server's clock (FOEDUS_TODAY when set), so the page and the API agree on the day
  const first = api(`api/map${wanted.on ? `?on=${wanted.on}` : ""}`).catch(() => null);
  const [, probe] = await Promise.all([world, first]);
  const serverToday = probe && !wanted.on ? probe.on : null;
  app.today = serverToday || new Date().toISOString().slice(0, 10);
  buildTimeline(Math.max(Number(app.today.slice(0, 4)), FIRST_YEAR + 1));
  setDate(wanted.on || app.today);
  openView(wanted.view);
  await loadView(probe);
  document.body.dataset.ready = "true";
  document.body.dataset.loadMs = String(Math.round(performance.now() - t0));
  document.body.dataset.readyAt = String(Math.round(performance.now()));  // since navigation start
  loadNames();
}

document.addEventListener("DOMContentLoaded", start);
