/* foedus web page: the commitment network on a date, states, dyads, scenarios and open triads.
   Plain browser JavaScript over the JSON API (/api); cytoscape.js draws the network. */
"use strict";

const TYPES = ["defense", "offense", "neutrality", "nonaggression", "consultation"];
const WIDTH = { defense: 1.8, offense: 1.6, neutrality: 1.1, nonaggression: 0.9, consultation: 0.7 };
const OPACITY = { defense: 0.85, offense: 0.8, neutrality: 0.55, nonaggression: 0.4, consultation: 0.25 };
const SCALE = 420;

const app = {
  on: null,          // ISO date shown
  types: new Set(TYPES),
  colors: {},
  meta: null,
  view: null,        // the last /api/network/view answer
  names: new Map(),  // ccode -> {abbr, name}
  current: null,     // what the side panel shows: {kind: "state", code} | {kind: "dyad", a, b}
  cy: null,
  request: 0,
};

const $ = (selector) => document.querySelector(selector);

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

async function api(path, options) {
  const response = await fetch(path, options);
  let body = null;
  try { body = await response.json(); } catch (_) { body = { detail: response.statusText }; }
  if (!response.ok) throw new Error(body && body.detail ? body.detail : `${response.status} ${response.statusText}`);
  return body;
}

function name(code) {
  const known = app.names.get(code);
  return known ? known.name : String(code);
}

function abbr(code) {
  const known = app.names.get(code);
  return known ? known.abbr : String(code);
}

function tags(obligations) {
  if (!obligations.length) return '<span class="muted">—</span>';
  return obligations.map((o) => `<span class="tag" style="background:${app.colors[o] || "#777"}">${esc(o)}</span>`).join("");
}

function showError(target, error) {
  target.innerHTML = `<p class="error">${esc(error.message || error)}</p>`;
}

function setStatus(text) { $("#status").textContent = text; }

/* ------------------------------------------------------------------ tabs */

function openTab(tab) {
  document.querySelectorAll(".tabs button").forEach((b) => b.setAttribute("aria-selected", String(b.dataset.tab === tab)));
  document.querySelectorAll(".tab").forEach((panel) => { panel.hidden = panel.id !== `tab-${tab}`; });
  if (tab === "triads") loadTriads();
}

function activeTab() {
  const selected = document.querySelector('.tabs button[aria-selected="true"]');
  return selected ? selected.dataset.tab : "state";
}

/* ------------------------------------------------------------------ the network */

function graphStyle() {
  return [
    { selector: "node", style: {
      "width": "data(size)", "height": "data(size)", "background-color": "#9aa4b2", "label": "data(abbr)",
      "font-size": 9, "color": "#2b3340", "text-valign": "center", "text-halign": "right", "text-margin-x": 2,
      "min-zoomed-font-size": 7, "border-width": 0 } },
    { selector: "node.west", style: { "text-halign": "left", "text-margin-x": -2 } },
    { selector: "node[?tied]", style: { "background-color": "#4a5568" } },
    { selector: "node[?major]", style: { "font-weight": "bold", "font-size": 11, "border-width": 2, "border-color": "#1d2430" } },
    { selector: "edge", style: {
      "curve-style": "haystack", "line-color": "data(color)", "width": "data(width)", "opacity": "data(opacity)" } },
    { selector: "edge[status = 'unknown_after_coverage']", style: { "line-style": "dashed" } },
    { selector: ".faded", style: { "opacity": 0.05 } },
    { selector: "node.picked", style: { "border-width": 3, "border-color": "#f1a208", "z-index": 10 } },
    { selector: "edge.picked", style: { "opacity": 1, "width": 4, "z-index": 10 } },
    { selector: "node.attacker", style: { "background-color": "#8e1b1b", "border-width": 3, "border-color": "#3d0000", "z-index": 20 } },
    { selector: "node.target", style: { "background-color": "#1f5fa8", "border-width": 3, "border-color": "#0b2a4f", "z-index": 20 } },
    { selector: "node.joins-attacker", style: { "background-color": "#e06666", "border-width": 2, "border-color": "#8e1b1b", "z-index": 15 } },
    { selector: "node.joins-target", style: { "background-color": "#6fa8dc", "border-width": 2, "border-color": "#1f5fa8", "z-index": 15 } },
    { selector: "node.conditional", style: { "background-color": "#f6dd8b", "border-width": 2, "border-color": "#b08900" } },
    { selector: "node.conflicted", style: { "background-color": "#f1c232", "border-width": 2, "border-color": "#7f6000" } },
    { selector: "node.attacker, node.target, node.joins-attacker, node.joins-target, node.conditional, node.conflicted",
      style: { "font-size": 12, "font-weight": "bold", "opacity": 1 } },
  ];
}

function elements(view) {
  const tied = new Set();
  view.edges.forEach((e) => { tied.add(e.a); tied.add(e.b); });
  const nodes = view.nodes.map((n) => ({
    group: "nodes",
    data: { id: String(n.code), code: n.code, abbr: n.abbr, name: n.name, major: n.major, tied: tied.has(n.code),
            size: 6 + Math.sqrt(n.cinc || 0) * 70 },
    position: { x: n.x * SCALE, y: n.y * SCALE },
    classes: n.x < 0 ? "west" : "east",
  }));
  const edges = view.edges.map((e) => ({
    group: "edges",
    data: { id: `${e.a}-${e.b}`, source: String(e.a), target: String(e.b), a: e.a, b: e.b, status: e.status,
            color: view.colors[e.strongest], width: WIDTH[e.strongest], opacity: OPACITY[e.strongest] },
  }));
  return nodes.concat(edges);
}

async function loadNetwork() {
  const ticket = ++app.request;
  const types = TYPES.filter((t) => app.types.has(t));
  setStatus(`Loading ${app.on}…`);
  if (!types.length) {
    app.cy.elements().remove();
    setStatus("No obligation type selected");
    return;
  }
  try {
    const view = await api(`api/network/view?on=${app.on}&types=${types.join(",")}`);
    if (ticket !== app.request) return;  // a later date was asked for meanwhile
    app.view = view;
    app.colors = view.colors;
    view.nodes.forEach((n) => app.names.set(n.code, { abbr: n.abbr, name: n.name }));
    const first = app.cy.elements().length === 0;
    app.cy.batch(() => {
      app.cy.elements().remove();
      app.cy.add(elements(view));
    });
    if (first) app.cy.fit(undefined, 20);
    const tied = app.cy.nodes("[?tied]").length;
    setStatus(`${view.on}: ${view.edges.length} pairs bound, ${tied} of ${view.nodes.length} states`);
    $("#coverage").textContent = `Coverage: ${view.coverage}. Dashed: in force when the data end, later status unknown.`;
    paintTypes();
    document.body.dataset.on = view.on;
    document.body.dataset.types = view.types.join(",");
    if (!document.body.dataset.ready) document.body.dataset.readyMs = String(Math.round(performance.now()));
    document.body.dataset.ready = "true";
  } catch (error) {
    setStatus(`Error: ${error.message}`);
  }
}

function clearMarks() {
  app.cy.elements().removeClass("faded picked attacker target joins-attacker joins-target conditional conflicted");
}

function pick(codes) {
  clearMarks();
  const set = new Set(codes.map(String));
  const nodes = app.cy.nodes().filter((n) => set.has(n.id()));
  const edges = nodes.edgesWith(nodes);
  app.cy.elements().not(nodes).not(edges).addClass("faded");
  nodes.addClass("picked");
  edges.addClass("picked");
}

/* ------------------------------------------------------------------ dates and types */

function setDate(iso, { fromSlider = false } = {}) {
  app.on = iso;
  $("#date-input").value = iso;
  if (!fromSlider) $("#date-slider").value = iso.slice(0, 4);
  history.replaceState(null, "", `#on=${iso}`);
  $('#scenario-form [name="on"]').value = iso;
}

let sliderTimer = null;
function onSlider() {
  setDate(`${$("#date-slider").value}-01-01`, { fromSlider: true });
  clearTimeout(sliderTimer);
  sliderTimer = setTimeout(dateChanged, 120);
}

function dateChanged() {
  loadNetwork().then(() => {
    if (app.current && app.current.kind === "state") showState(app.current.code, false);
    if (app.current && app.current.kind === "dyad") showDyad(app.current.a, app.current.b, false);
    if (activeTab() === "triads") loadTriads();
  });
}

function buildTypes() {
  const box = $("#types");
  TYPES.forEach((t) => {
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" value="${t}" checked> <span class="swatch" data-type="${t}"></span> ${t}`;
    label.querySelector("input").addEventListener("change", (event) => {
      if (event.target.checked) app.types.add(t); else app.types.delete(t);
      loadNetwork();
    });
    box.appendChild(label);
  });
}

function paintTypes() {
  document.querySelectorAll(".swatch").forEach((s) => { s.style.background = app.colors[s.dataset.type] || "#999"; });
}

/* ------------------------------------------------------------------ a state's commitments */

function commitmentRows(commitments, { partnerOf = null } = {}) {
  return commitments.map((c) => {
    const partner = partnerOf === null ? null : (c.from_ccode === partnerOf ? c.to_ccode : c.from_ccode);
    const direction = partnerOf === null ? `${esc(abbr(c.from_ccode))} → ${esc(abbr(c.to_ccode))}`
      : (c.from_ccode === partnerOf ? `owes ${esc(name(partner))}` : `owed by ${esc(name(partner))}`);
    const until = c.until || (c.status === "in_force" ? "in force" : `<span class="warn">${esc(c.note)}</span>`);
    const treaty = c.treaty_name ? `${esc(c.treaty_name)} (${esc(c.treaty_id)})` : esc(c.treaty_id);
    const conditions = c.conditions.length ? esc(c.conditions.join(", ")) : "unconditional";
    const attrs = partner === null ? "" : ` class="clickable" data-partner="${partner}"`;
    return `<tr${attrs}><td>${direction}</td><td>${tags(c.obligations)}<div class="source">${conditions}</div></td>
      <td><a href="api/treaty/${encodeURIComponent(c.treaty_id)}" target="_blank">${treaty}</a>
      <div class="source">${esc(c.since || "")} – ${until}</div><div class="source">${esc(c.source_text || "")}</div></td></tr>`;
  }).join("");
}

async function showState(code, switchTab = true) {
  app.current = { kind: "state", code };
  if (switchTab) openTab("state");
  const panel = $("#state-panel");
  pick([code]);
  try {
    const [answer, groups] = await Promise.all([
      api(`api/obligations?state=${code}&on=${app.on}`),
      api(`api/memberships?state=${code}&on=${app.on}`).catch(() => ({ memberships: [] })),
    ]);
    const orgs = groups.memberships.map((m) => `<li><b>${esc(m.short_name)}</b> ${esc(m.name)}: ${esc(m.status)} since ${esc(m.since)}` +
      `${m.mutual_defence ? ` — mutual defence (${esc(m.defence_article)})` : ""}${m.uncertain ? ' <span class="warn">uncertain</span>' : ""}</li>`).join("");
    const partners = new Set(answer.commitments.map((c) => (c.from_ccode === code ? c.to_ccode : c.from_ccode)));
    panel.innerHTML = `<h2>${esc(name(code))} <span class="muted">(${code})</span></h2>
      <p class="muted">${answer.commitments.length} directed commitments with ${partners.size} partners on ${esc(answer.on)}.
      Click a row for the dyad.</p>
      <table><thead><tr><th>with</th><th>obligations</th><th>treaty, dates, source</th></tr></thead>
      <tbody>${commitmentRows(answer.commitments, { partnerOf: code })}</tbody></table>
      ${orgs ? `<h3>Organizations (register)</h3><ul id="memberships">${orgs}</ul>` : ""}`;
    panel.querySelectorAll("tr[data-partner]").forEach((row) => {
      row.addEventListener("click", () => showDyad(code, Number(row.dataset.partner)));
    });
    const neighbours = [code, ...partners];
    pick(neighbours);
    app.cy.getElementById(String(code)).addClass("picked");
  } catch (error) {
    showError(panel, error);
  }
}

/* ------------------------------------------------------------------ a dyad */

async function showDyad(a, b, switchTab = true) {
  app.current = { kind: "dyad", a, b };
  if (switchTab) openTab("dyad");
  const panel = $("#dyad-panel");
  pick([a, b]);
  try {
    const [answer, periods] = await Promise.all([
      api(`api/dyad?a=${a}&b=${b}&on=${app.on}`),
      api(`api/history?a=${a}&b=${b}`),
    ]);
    const ab = answer.commitments.filter((c) => c.from_ccode === a);
    const ba = answer.commitments.filter((c) => c.from_ccode === b);
    const block = (rows, from, to) => `<h3>${esc(name(from))} owes ${esc(name(to))}</h3>` + (rows.length
      ? `<table><tbody>${commitmentRows(rows)}</tbody></table>` : '<p class="muted">nothing recorded</p>');
    panel.innerHTML = `<h2>${esc(name(a))} — ${esc(name(b))}</h2>
      <p class="muted">Commitments in force on ${esc(answer.on)} (directed: asymmetric treaties differ by direction).</p>
      ${block(ab, a, b)}${block(ba, b, a)}
      <h3>History</h3><div id="history">${renderHistory(periods, a, b)}</div>`;
  } catch (error) {
    showError(panel, error);
  }
}

function strongest(obligations) {
  return TYPES.find((t) => obligations.includes(t)) || "consultation";
}

/* The dyad's whole history (every source): one lane per treaty and direction on a shared time axis, the
   shown date marked; then every period with its source. */
function renderHistory(periods, a, b) {
  const real = periods.filter((p) => p.status !== "none");
  if (!real.length) return '<p class="muted">No commitment recorded between them, ever.</p>';
  const today = new Date().toISOString().slice(0, 10);
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
          `${p.obligations.join(", ")}${p.uncertain ? " (uncertain)" : ""} — ${p.source_text || ""}`;
        const cls = `seg ${p.status === "unknown_after_coverage" ? "unknown" : ""} ${p.uncertain ? "uncertain" : ""}`;
        return `<div class="${cls}" title="${esc(title)}" style="left:${pct(p.start).toFixed(2)}%;` +
          `width:${Math.max(pct(end) - pct(p.start), 0.6).toFixed(2)}%;background:${app.colors[strongest(p.obligations)]}"></div>`;
      }).join("");
      lanes += `<div class="lane"><div class="label" title="${esc(label)}">${esc(label)}</div><div class="bar">${segments}${marker}</div></div>`;
    }
  }
  const axis = `<div class="lane axis"><div></div><div class="ticks"><span>${new Date(lo).getUTCFullYear()}</span>` +
    `<span>${new Date(hi).getUTCFullYear()}</span></div></div>`;
  const rows = periods.map((p) => {
    const end = p.end || (p.status === "unknown_after_coverage" ? `unknown after ${p.coverage_end}` : p.status === "none" ? "" : "in force");
    const what = p.status === "none" ? '<span class="muted">no commitment</span>' : tags(p.obligations);
    const treaty = p.treaty_id ? `${esc(p.treaty_name || p.treaty_id)} (${esc(p.treaty_id)})` : "";
    const mark = p.uncertain ? ' <span class="warn">uncertain</span>' : "";
    return `<tr><td>${esc(abbr(p.from_ccode))} → ${esc(abbr(p.to_ccode))}</td><td>${esc(p.start)} – ${esc(end)}${mark}</td>
      <td>${what}<div class="source">${esc(p.change || "")}</div></td>
      <td>${treaty}<div class="source">${esc(p.status === "none" ? "" : p.source_text || "")}</div></td></tr>`;
  }).join("");
  return `<div class="timeline">${lanes}${axis}</div>
    <table class="periods"><thead><tr><th></th><th>period</th><th>obligations</th><th>treaty, source</th></tr></thead>
    <tbody>${rows}</tbody></table>`;
}

/* ------------------------------------------------------------------ scenarios */

function list(text) {
  return text.split(",").map((s) => s.trim()).filter(Boolean);
}

async function runScenario(event) {
  event.preventDefault();
  const form = event.target;
  const out = $("#scenario-result");
  const body = {
    attackers: list(form.attackers.value),
    targets: list(form.targets.value),
    on: form.on.value || app.on,
    rounds: Number(form.rounds.value || 1),
    mode: form.mode.value,
  };
  if (form.montecarlo.checked) Object.assign(body, { reliability: Number(form.reliability.value), draws: 10000 });
  out.innerHTML = '<p class="muted">Running…</p>';
  try {
    const result = await api("api/scenario", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    if (result.on !== app.on) { setDate(result.on); await loadNetwork(); }
    renderScenario(result);
  } catch (error) {
    showError(out, error);
  }
}

function renderScenario(result) {
  const out = $("#scenario-result");
  const parties = (side) => result[side].map((p) => esc(p.name)).join(", ");
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
    const rows = m.states.slice(0, 12).map((s) => `<tr><td>${esc(s.name)}</td><td>${(100 * s.p_join_target).toFixed(1)}%</td>
      <td>${(100 * s.p_join_attacker).toFixed(1)}%</td></tr>`).join("");
    mc = `<h3>Monte Carlo (${m.draws} draws, reliability ${m.reliability.defense})</h3>
      <p>Coalition size — ${size("attacker")}; ${size("target")}</p>
      <table><thead><tr><th>state</th><th>joins target side</th><th>joins attacker side</th></tr></thead><tbody>${rows}</tbody></table>
      <p class="source">${esc(m.reliability_source)}</p>`;
  }
  const unknown = result.unknown.length
    ? `<p class="warn">${result.unknown.length} commitment(s) toward the parties were in force when their dataset ends and are not counted (later status unknown).</p>` : "";
  out.innerHTML = `<h2>${parties("attackers")} attacks ${parties("targets")}</h2>
    <p class="muted">${esc(result.on)} — mode ${esc(result.mode)}, ${result.rounds} round(s).
    <b id="joiner-count">${joiners.length}</b> state(s) join; highlighted in the network.</p>
    ${capability("attacker")}${capability("target")}
    <h3>Who must act, and why</h3>${outcomes || '<p class="muted">No state has a commitment toward the parties.</p>'}
    ${unknown}${mc}`;
  highlightScenario(result);
}

function highlightScenario(result) {
  clearMarks();
  const involved = new Set();
  const mark = (code, cls) => { involved.add(String(code)); app.cy.getElementById(String(code)).addClass(cls); };
  result.attackers.forEach((p) => mark(p.ccode, "attacker"));
  result.targets.forEach((p) => mark(p.ccode, "target"));
  result.states.forEach((s) => {
    if (s.status === "conflicted") mark(s.ccode, "conflicted");
    else if (s.joins) mark(s.ccode, s.side === "attacker" ? "joins-attacker" : "joins-target");
    else if (s.status === "conditional") mark(s.ccode, "conditional");
  });
  const nodes = app.cy.nodes().filter((n) => involved.has(n.id()));
  app.cy.elements().not(nodes).not(nodes.edgesWith(nodes)).addClass("faded");
  setStatus(`Scenario on ${result.on}: ${involved.size} states highlighted`);
}

/* ------------------------------------------------------------------ open triads */

async function loadTriads() {
  const box = $("#triads-list");
  box.innerHTML = '<li class="muted">Loading…</li>';
  try {
    const found = await api(`api/triads?on=${app.on}&kind=open&top=25`);
    if (!found.length) { box.innerHTML = '<li class="muted">No open triads on this date.</li>'; return; }
    box.innerHTML = found.map((t, i) => `<li data-i="${i}"><b>${t.members.map((m) => esc(abbr(m))).join(" – ")}</b>
      <span class="muted">pivot ${esc(name(t.pivot))}, nearness ${t.score}</span>
      <div class="source">${esc(t.explanation)}</div></li>`).join("");
    box.querySelectorAll("li[data-i]").forEach((li) => {
      li.addEventListener("click", () => pick(found[Number(li.dataset.i)].members));
    });
  } catch (error) {
    box.innerHTML = `<li class="error">${esc(error.message)}</li>`;
  }
}

/* ------------------------------------------------------------------ start */

async function loadNames() {
  try {
    const found = await api("api/states?limit=1000");
    $("#state-names").innerHTML = found.states.map((s) => `<option value="${esc(s.name)}">${esc(s.abbr)} ${s.ccode}</option>`).join("");
    found.states.forEach((s) => { if (!app.names.has(s.ccode)) app.names.set(s.ccode, { abbr: s.abbr, name: s.name }); });
  } catch (_) { /* autocomplete is a convenience */ }
}

async function start() {
  app.cy = cytoscape({
    container: $("#net"), style: graphStyle(), elements: [], layout: { name: "preset" },
    minZoom: 0.2, maxZoom: 6, boxSelectionEnabled: false, autoungrabify: true,
    textureOnViewport: true, hideEdgesOnViewport: true,
  });
  window.foedusGraph = app.cy;  // for tests and the console
  app.cy.on("tap", "node", (event) => showState(event.target.data("code")));
  app.cy.on("tap", "edge", (event) => showDyad(event.target.data("a"), event.target.data("b")));
  app.cy.on("tap", (event) => { if (event.target === app.cy) clearMarks(); });
  buildTypes();
  document.querySelectorAll(".tabs button").forEach((b) => b.addEventListener("click", () => openTab(b.dataset.tab)));
  $("#date-slider").addEventListener("input", onSlider);
  $("#date-input").addEventListener("change", () => {
    if (!$("#date-input").value) return;
    setDate($("#date-input").value);
    dateChanged();
  });
  $("#scenario-form").addEventListener("submit", runScenario);

  app.meta = await api("api/meta").catch(() => null);
  const last = app.meta && app.meta.dates.commitments_coverage_end ? app.meta.dates.commitments_coverage_end : null;
  const first = app.meta && app.meta.dates.first ? Number(app.meta.dates.first.slice(0, 4)) : 1816;
  $("#date-slider").min = String(first);
  $("#date-slider").max = String(new Date().getFullYear());
  const hash = /on=(\d{4}-\d{2}-\d{2})/.exec(location.hash);
  setDate(hash ? hash[1] : `${last ? last.slice(0, 4) : new Date().getFullYear()}-01-01`);
  await loadNetwork();
  loadNames();
}

document.addEventListener("DOMContentLoaded", start);
