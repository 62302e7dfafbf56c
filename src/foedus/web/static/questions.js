/* foedus web page, second script: plots (Vega-Lite through vega-embed, vendored, loaded on first use), the
   claim-check report (POST /api/check) and the forecast ledger with its calibration plot (GET /api/forecasts),
   and the sanctions trade series (GET /api/sanctions/trade). Uses app.js's helpers (api, esc, $, name). */
"use strict";

const VEGA_SCRIPTS = ["vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-interpreter.min.js",
  "vendor/vega-embed.min.js"];
let vegaReady = null;

/* vega, vega-lite, the expression interpreter (no eval: works under a strict Content-Security-Policy) and
   vega-embed, in order, once. */
function loadVega() {
  if (!vegaReady) {
    vegaReady = VEGA_SCRIPTS.reduce((chain, src) => chain.then(() => loadScript(src)), Promise.resolve());
  }
  return vegaReady;
}

const INK = "#1d2430";
const CONFIG = {
  font: "system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif",
  axis: { labelColor: INK, titleColor: INK, gridColor: "#e3e6ea", labelFontSize: 11, titleFontSize: 11 },
  legend: { labelColor: INK, titleColor: INK, labelFontSize: 11, titleFontSize: 11, orient: "bottom" },
  view: { stroke: null },
};

async function plot(el, spec) {
  if (!el) return null;
  await loadVega();
  const full = { $schema: "https://vega.github.io/schema/vega-lite/v5.json", config: CONFIG, autosize: { type: "fit-x", contains: "padding" },
    width: "container", ...spec };
  const result = await vegaEmbed(el, full, { actions: false, renderer: "svg", ast: true, expr: vega.expressionInterpreter,
    tooltip: true, downloadFileName: "foedus" });
  el.dataset.plotted = "true";
  const svg = el.querySelector("svg");
  if (svg && spec.description) { svg.setAttribute("role", "img"); svg.setAttribute("aria-label", spec.description); }
  return result;
}

/* Monte Carlo: probability of joining each side, one bar per state and side (the twelve most likely). */
function monteCarlo(el, m) {
  const rows = [];
  m.states.slice(0, 12).forEach((s) => {
    rows.push({ state: s.name, side: "target side", p: s.p_join_target });
    if (s.p_join_attacker > 0) rows.push({ state: s.name, side: "attacker side", p: s.p_join_attacker });
  });
  if (!rows.length) { el.innerHTML = '<p class="muted">No state joins in any draw.</p>'; return null; }
  const order = m.states.slice(0, 12).map((s) => s.name);
  return plot(el, {
    description: `Probability that each state joins, over ${m.draws} draws`,
    data: { values: rows }, height: { step: 16 },
    mark: { type: "bar", cornerRadiusEnd: 2 },
    encoding: {
      y: { field: "state", type: "nominal", sort: order, title: null, axis: { labelLimit: 140 } },
      yOffset: { field: "side" },
      x: { field: "p", type: "quantitative", title: "probability of joining", scale: { domain: [0, 1] }, axis: { format: ".0%" } },
      color: { field: "side", type: "nominal", title: null,
        scale: { domain: ["target side", "attacker side"], range: ["#0072B2", "#1d2430"] } },
      tooltip: [{ field: "state" }, { field: "side" }, { field: "p", format: ".1%", title: "probability" }],
    },
  });
}

/* ------------------------------------------------------------------ sanctions trade series */

async function showTrade() {
  const out = $("#sanctions-result");
  out.innerHTML = '<p class="muted">Loading the trade figures…</p>';
  try {
    const rows = await api("api/sanctions/trade");
    const values = rows.filter((r) => r.flow === "total" && r.value_usd !== null).map((r) => ({
      pair: `${name(r.reporter)}–${name(r.partner)}`, year: r.year, usd: r.value_usd / 1e6,
      period: r.months ? `months ${r.months}` : "full year", status: r.status, source: r.source,
    }));
    const table = rows.map((r) => `<tr><td>${esc(name(r.reporter))}–${esc(name(r.partner))}</td><td>${r.year}${r.months ? ` (${esc(r.months)})` : ""}</td>
      <td>${esc(r.flow)}</td><td>${r.value_usd === null ? "—" : `$${(r.value_usd / 1e6).toFixed(1)} m`}</td><td class="source">${esc(r.status)}: ${esc(r.source)}${r.url ? ` <span class="source">${esc(r.url)}</span>` : ""}</td></tr>`).join("");
    out.innerHTML = `<h2>Trade with the DPRK, cited figures</h2>
      <p class="muted">Totals in millions of US dollars; full years as filled dots, part-year figures as hollow ones (their months in the tooltip and the table). Competing sources appear as separate dots in a year.</p>
      <div id="trade-chart" class="chart" role="img" aria-label="Trade of Russia and China with the DPRK by year"></div>
      <details><summary>Every figure with its source (${rows.length})</summary>
      <table id="trade-table"><thead><tr><th>pair</th><th>year</th><th>flow</th><th>value</th><th>source</th></tr></thead><tbody>${table}</tbody></table></details>`;
    await plot($("#trade-chart"), {
      description: "Russia-DPRK and China-DPRK trade by year, millions of US dollars", data: { values }, height: 220,
      layer: [
        { mark: { type: "line", opacity: 0.6 }, transform: [{ filter: "datum.period === 'full year'" }],
          encoding: { x: { field: "year", type: "quantitative", axis: { format: "d" }, title: null },
            y: { field: "usd", type: "quantitative", scale: { type: "symlog" }, title: "US$ million (log)" },
            color: { field: "pair", type: "nominal", title: null, scale: { range: ["#0072B2", "#D55E00", "#009E73"] } } } },
        { mark: { type: "point", size: 50, strokeWidth: 1.5 },
          encoding: { x: { field: "year", type: "quantitative" }, y: { field: "usd", type: "quantitative" },
            color: { field: "pair", type: "nominal" },
            fill: { condition: { test: "datum.period === 'full year'", field: "pair", type: "nominal" }, value: "#fff" },
            tooltip: [{ field: "pair" }, { field: "year" }, { field: "period" }, { field: "usd", format: ",.1f", title: "US$ million" },
              { field: "status" }, { field: "source" }] } },
      ],
    });
  } catch (error) {
    showError(out, error);
  }
}

/* ------------------------------------------------------------------ the claim-check report */

const VERDICTS = ["contradicted", "overstated", "disputed", "unverifiable", "supported"];

async function checkClaims(event) {
  event.preventDefault();
  const form = event.target;
  const out = $("#claims-result");
  const text = form.text.value;
  if (new Blob([text]).size > 64 * 1024) { showError(out, new Error("The text is longer than 64 KiB: check it in parts.")); return; }
  const body = { text };
  if (form.format.value) body.format = form.format.value;
  if (form.on.value) body.on = form.on.value;
  out.innerHTML = '<p class="muted" role="status">Reading the text and checking each claim against the record (this takes some seconds)…</p>';
  try {
    const r = await api("api/check", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    renderClaims(r);
  } catch (error) {
    showError(out, error);
  }
}

function renderClaims(r) {
  const out = $("#claims-result");
  if (!r.claims.length) {
    out.innerHTML = `<p id="claims-summary">No checkable claim found (defence clauses, alliances, triangles, memberships, invocations, sanctions, trade figures, dated events).</p>`;
    return;
  }
  const counts = VERDICTS.filter((v) => r.counts[v]).map((v) => `<span class="tag verdict-${v}">${r.counts[v]} ${v}</span>`).join(" ");
  const ordered = r.claims.map((c, i) => ({ ...c, i: i + 1 })).sort((a, b) => a.start - b.start);
  // the text with each claim marked in its verdict's colour, linked to its verdict
  let at = 0;
  const parts = [];
  for (const c of ordered) {
    if (c.start < at) continue;
    parts.push(esc(r.text.slice(at, c.start)));
    parts.push(`<a class="mark verdict-${esc(c.verdict)}" href="#claim-${c.i}" title="${esc(c.verdict)}">${esc(r.text.slice(c.start, c.end))}<sup>${c.i}</sup></a>`);
    at = c.end;
  }
  parts.push(esc(r.text.slice(at)));
  const items = ordered.map((c) => `<li class="claim" id="claim-${c.i}" data-verdict="${esc(c.verdict)}">
      <span class="tag verdict-${esc(c.verdict)}">${esc(c.verdict)}</span> <span class="muted">${esc(c.kind)}</span>
      <div class="claim-text">“${esc(c.text)}”</div><div>${esc(c.explanation)}</div>
      <ul class="evidence">${c.evidence.map((e) => `<li><code>${esc(e.query)}</code> — ${esc(typeof e.answer === "string" ? e.answer : JSON.stringify(e.answer))}
        ${(e.sources || []).map((s) => `<div class="source">${esc(s)}</div>`).join("")}</li>`).join("")}</ul></li>`).join("");
  out.innerHTML = `<h2>${r.claims.length} claim(s), judged on ${esc(r.on)}</h2><p id="claims-summary">${counts}</p>
    <details open><summary>The text, claims marked</summary><div class="article">${parts.join("")}</div></details>
    <h3>Verdicts and evidence</h3><ol id="claims-list">${items}</ol>`;
}

/* ------------------------------------------------------------------ the forecast ledger */

async function loadForecasts() {
  const out = $("#forecasts-result");
  out.innerHTML = '<p class="muted">Loading the ledger…</p>';
  try {
    const r = await api("api/forecasts");
    const score = r.score;
    const forecasts = r.forecasts;
    if (!forecasts.length) {
      out.innerHTML = `<p id="forecasts-summary">The ledger${r.ledger ? ` (${esc(r.ledger)})` : ""} is empty. Record forecasts with
        <code>foedus forecast add</code> (or import <code>examples/forecasts.json</code>), settle them with <code>foedus forecast resolve</code>.</p>`;
      return;
    }
    const authors = score.authors.map((a) => `<tr><td>${esc(a.author)}</td><td>${a.resolved}</td><td>${a.open}</td>
      <td>${a.brier === null ? "—" : a.brier.toFixed(3)}</td><td>${a.log === null ? "—" : a.log.toFixed(3)}</td><td>${a.plain_will_happen}</td></tr>`).join("");
    const rows = forecasts.map((f) => `<tr data-id="${esc(f.id)}"><td>${esc(f.question)}<div class="source">${esc(f.author)}, ${esc(f.created_time)}${f.source ? ` — ${esc(f.source)}` : ""}</div></td>
      <td>${f.probability === null ? '<span class="muted">will happen (p=1)</span>' : `${Math.round(100 * f.probability)}%`}</td>
      <td>${esc(f.close_time)}<div class="source"><code>${esc(f.resolution_criteria)}</code></div></td>
      <td>${f.resolution ? `<span class="tag res-${esc(f.resolution)}">${esc(f.resolution)}</span><div class="source">${esc(f.resolved_time || "")} ${esc(f.resolution_source || "")}</div>`
        : '<span class="muted">open</span>'}${(f.resolution_evidence || []).map((e) => `<div class="source">${esc(e.query)}: ${esc(typeof e.answer === "string" ? e.answer : JSON.stringify(e.answer))}</div>`).join("")}</td></tr>`).join("");
    const cal = score.calibration.filter((c) => c.n);
    out.innerHTML = `<h2>Forecast ledger</h2>
      <p id="forecasts-summary">${forecasts.length} forecast(s): <b>${score.resolved}</b> resolved, ${score.open} open${r.ledger ? ` (${esc(r.ledger)})` : ""}. Read-only here; <code>foedus forecast resolve</code> settles them from the record.</p>
      <h3>Calibration</h3>
      ${cal.length ? '<div id="calibration-chart" class="chart" role="img" aria-label="Calibration: forecast probability against how often it happened"></div>'
        : '<p class="muted" id="calibration-chart-none">No resolved forecast yet: nothing to calibrate.</p>'}
      <h3>Scores by author</h3><p class="muted">Brier: 0 best, 1 worst. Log: 0 best. ${score.notes.map(esc).join("; ")}.</p>
      <table id="authors"><thead><tr><th>author</th><th>resolved</th><th>open</th><th>Brier</th><th>log</th><th>plain</th></tr></thead><tbody>${authors}</tbody></table>
      <h3>Forecasts</h3>
      <table id="forecasts"><thead><tr><th>forecast</th><th>p</th><th>deadline, rule</th><th>resolution</th></tr></thead><tbody>${rows}</tbody></table>`;
    if (cal.length) {
      await plot($("#calibration-chart"), {
        description: "Calibration: mean forecast probability in each bin against the share that happened; the diagonal is perfect calibration",
        height: 240,
        layer: [
          { data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, mark: { type: "line", strokeDash: [4, 4], color: "#888" },
            encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } },
          { data: { values: cal }, mark: { type: "point", filled: true, color: "#0072B2", opacity: 0.85 },
            encoding: {
              x: { field: "mean_probability", type: "quantitative", title: "forecast probability", scale: { domain: [0, 1] }, axis: { format: ".0%" } },
              y: { field: "observed", type: "quantitative", title: "share that happened", scale: { domain: [0, 1] }, axis: { format: ".0%" } },
              size: { field: "n", type: "quantitative", title: "forecasts", scale: { range: [60, 500] } },
              tooltip: [{ field: "bin" }, { field: "n", title: "forecasts" }, { field: "mean_probability", format: ".0%" }, { field: "observed", format: ".0%" }] } },
        ],
      });
    }
  } catch (error) {
    showError(out, error);
  }
}

window.foedusPlots = { loadVega, plot, monteCarlo, loadForecasts, showTrade };

document.addEventListener("DOMContentLoaded", () => {
  $("#claims-form").addEventListener("submit", checkClaims);
  $("#trade-button").addEventListener("click", showTrade);
});
