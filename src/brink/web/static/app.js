// brink dashboard: each page reads its inputs from the query string, calls /api/v1 and draws.
"use strict";
const B = {};
B.sid = () => document.body.dataset.sid;
B.api = async (path, opts) => {
  const r = await fetch(path, opts);
  const body = r.headers.get("content-type")?.includes("json") ? await r.json() : await r.text();
  if (!r.ok) {
    const d = body && body.detail;
    const msg = Array.isArray(d) ? d.map(x => `${(x.loc || []).slice(1).join(".")}: ${x.msg}`).join("; ") : (d || r.statusText);
    throw new Error(msg);
  }
  return body;
};
B.query = () => new URLSearchParams(location.search);
B.setQuery = (params) => { const u = new URL(location.href); u.search = params.toString(); history.replaceState(null, "", u); };
B.err = (e) => { const el = document.getElementById("error"); if (el) { el.hidden = !e; el.textContent = e ? String(e.message || e) : ""; } };
B.pct = (x) => x === null || x === undefined ? "—" : (100 * x).toFixed(1) + " %";
B.num = (x, d = 3) => x === null || x === undefined ? "—" : Number(x).toFixed(d);
B.esc = (s) => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
B.table = (el, cols, rows) => {
  el.innerHTML = "<thead><tr>" + cols.map(c => `<th>${B.esc(c[0])}</th>`).join("") + "</tr></thead><tbody>" +
    rows.map(r => "<tr>" + cols.map(c => c[1](r)).join("") + "</tr>").join("") + "</tbody>";
};
B.td = (text, cls = "", attrs = "") => `<td class="${cls}" ${attrs}>${text}</td>`;

// ------------------------------------------------------------- provenance
B.prov = [];
B.numSpan = (p) => {
  if (!p) return "—";
  B.prov.push(p);
  return `<span class="num" data-p="${B.prov.length - 1}" title="${B.esc(p.where)}">${B.esc(+p.value.toFixed(4))}</span>`;
};
B.showProv = (p) => {
  const box = document.getElementById("prov");
  let h = `<h3>${B.esc(p.where || "")}</h3><p>value <b>${B.esc(p.value)}</b></p>`;
  for (const e of p.evidence || []) {
    h += `<p class="cite">${B.esc(e.cite)}</p>` + (e.text ? `<blockquote>${e.text.map(B.esc).join("<br>")}</blockquote>` :
      `<p class="dim">(the source file is not at hand on this server)</p>`);
  }
  if (p.assumption) h += `<p><b>assumption</b>: ${B.esc(p.assumption)}</p>`;
  document.getElementById("prov-body").innerHTML = h;
  box.hidden = false;
};
document.addEventListener("click", (ev) => {
  const t = ev.target.closest(".num");
  if (t) B.showProv(B.prov[+t.dataset.p]);
  if (ev.target.id === "prov-close") document.getElementById("prov").hidden = true;
});

// ------------------------------------------------------------- jobs
B.job = async (path, body, onProgress) => {
  const start = await B.api(path, {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify(body)});
  let j = start.job;
  while (true) {
    const s = await B.api(start.url);
    onProgress(s);
    if (s.status === "done") return s;
    if (s.status === "failed") throw new Error(s.error);
    await new Promise(r => setTimeout(r, 250));
  }
};
B.progress = (s) => {
  document.getElementById("progress").hidden = false;
  document.getElementById("bar").value = s.progress;
  document.getElementById("progress-text").textContent = `${s.done.toLocaleString()} of ${s.total.toLocaleString()} runs — ${s.status}`;
};
B.formParams = (ids) => { const p = new URLSearchParams(); for (const id of ids) { const el = document.getElementById(id); if (el && el.value !== "") p.set(id, el.value); } return p; };
B.fillForm = (ids) => { const q = B.query(); for (const id of ids) { const el = document.getElementById(id); if (el && q.has(id)) el.value = q.get(id); } };

// ------------------------------------------------------------- pages
B.pages = {};
B.pages.scenario = async () => {
  const d = await B.api(`/api/v1/scenarios/${B.sid()}`);
  const el = document.getElementById("scenario-body");
  el.classList.remove("loading");
  let h = `<p>${B.esc(d.description)}</p><h2>Actors</h2><table id="actors"><thead><tr><th>id</th><th>name</th><th>kind</th><th>concerns (weight)</th></tr></thead><tbody>`;
  for (const a of d.actors) h += `<tr><td>${B.esc(a.id)}</td><td>${B.esc(a.name)}</td><td>${B.esc(a.kind)}</td><td>` +
    a.concerns.map(c => `${B.esc(c.label)} ${B.numSpan(c.weight)}`).join("<br>") + "</td></tr>";
  h += "</tbody></table><h2>Relations</h2><table><tbody>" + d.relations.map(r => `<tr><td>${B.esc(r.source)} ${B.esc(r.kind)} ${B.esc(r.target)}</td><td class="n">${B.numSpan(r.strength)}</td></tr>`).join("") + "</tbody></table>";
  h += "<h2>Fronts</h2><table><tbody>" + d.fronts.map(f => `<tr><td>${B.esc(f.id)}</td><td>${B.esc(f.label)}</td><td class="n">${B.numSpan(f.initial)}</td></tr>`).join("") + "</tbody></table>";
  h += "<h2>Channels</h2><table><tbody>" + d.channels.map(c => `<tr><td>${B.esc(c.id)}</td><td>${B.esc(c.label)}</td><td>${B.esc(c.mediator)} between ${B.esc(c.parties.join(", "))}</td><td>${B.esc(c.status)}</td></tr>`).join("") + "</tbody></table>";
  h += `<h2>Catalogue (${d.actions.length} actions)</h2><table id="actions"><thead><tr><th>id</th><th>actor</th><th>category</th><th>rung</th><th>intensity</th></tr></thead><tbody>` +
    d.actions.map(a => `<tr><td title="${B.esc(a.label)}">${B.esc(a.id)}</td><td>${B.esc(a.actor)}</td><td>${B.esc(a.category)}</td><td class="n">${a.rung}</td><td class="n">${B.numSpan(a.intensity)}</td></tr>`).join("") + "</tbody></table>";
  h += "<h2>Timeline</h2><table><tbody>" + d.timeline.map(e => `<tr><td>${e.date}</td><td>${B.esc(e.label)}</td><td>${B.esc(e.actor)}</td></tr>`).join("") + "</tbody></table>";
  h += `<h2>Parameters (${d.parameters.length})</h2><table id="parameters"><tbody>` + d.parameters.map(p => `<tr><td>${B.esc(p.name)}</td><td class="n">${B.numSpan(p)}</td></tr>`).join("") + "</tbody></table>";
  el.innerHTML = h;
};

B.pages.decision = async () => {
  const q = B.query();
  const at = document.getElementById("at"), actor = document.getElementById("actor");
  at.value = q.get("at") || "";
  let sets = new Map(q.getAll("set").map(s => s.split("=")).map(([k, v]) => [k, v]));
  let timer = null;
  const params = () => { const p = new URLSearchParams(); if (at.value) p.set("at", at.value); if (actor.value) p.set("actor", actor.value); for (const [k, v] of sets) p.append("set", `${k}=${v}`); return p; };
  const load = async (rebuild) => {
    const p = params();
    B.setQuery(p);
    document.getElementById("download").href = `/api/v1/scenarios/${B.sid()}/decision?${p}&format=csv`;
    document.getElementById("json").href = `/api/v1/scenarios/${B.sid()}/decision?${p}`;
    try {
      const d = await B.api(`/api/v1/scenarios/${B.sid()}/decision?${p}`);
      B.err(null);
      if (rebuild || !actor.options.length || actor.options.length === 1) {
        const keep = actor.value || q.get("actor") || "";
        actor.innerHTML = `<option value="">(its own)</option>` + d.actors.map(a => `<option>${B.esc(a)}</option>`).join("");
        actor.value = keep;
      }
      if (rebuild) drawSliders(d.sliders);
      drawChoice(d);
    } catch (e) { B.err(e); }
  };
  const drawSliders = (rows) => {
    const box = document.getElementById("sliders");
    box.innerHTML = rows.map(s => {
      const step = (s.hi - s.lo) / 200;
      return `<div class="slider"><label for="sl-${B.esc(s.name)}">${B.esc(s.label)} = <b class="v">${(+s.value).toPrecision(3)}</b></label>` +
        `<input type="range" id="sl-${B.esc(s.name)}" data-name="${B.esc(s.name)}" min="${s.lo}" max="${s.hi}" step="${step}" value="${s.value}"></div>`;
    }).join("");
    box.querySelectorAll("input[type=range]").forEach(inp => inp.addEventListener("input", () => {
      inp.parentElement.querySelector(".v").textContent = (+inp.value).toPrecision(3);
      sets.set(inp.dataset.name, inp.value);
      clearTimeout(timer);
      timer = setTimeout(() => load(false), 120);
    }));
  };
  const drawChoice = (d) => {
    document.getElementById("choice-title").textContent = `${d.actor_name} (${d.actor})` + (d.decision_point ? ` at ${d.decision_point}` : "") + (Object.keys(d.what_if || {}).length ? " — with what-if values" : "");
    const concerns = d.concerns.map(c => c.id);
    B.table(document.getElementById("choice-table"), [
      ["action", a => B.td(B.esc(a.label), "", `data-action="${B.esc(a.action)}"`)],
      ["P", a => B.td(B.pct(a.probability), "n p", `data-value="${a.probability}"`)],
      ["utility", a => B.td(B.num(a.utility, 4), "n")],
      ...concerns.map(c => [c, a => B.td(B.num(a.contributions[c], 4), "n")]),
    ], d.actions);
    Plotly.react("choice-plot", [{type: "bar", x: d.actions.map(a => a.label), y: d.actions.map(a => a.probability)}],
      {margin: {t: 10, b: 120}, yaxis: {title: "probability", range: [0, 1]}}, {displayModeBar: false});
  };
  at.addEventListener("change", () => { sets = new Map(); load(true); });
  actor.addEventListener("change", () => { sets = new Map(); load(true); });
  document.getElementById("reset").addEventListener("click", () => { sets = new Map(); load(true); });
  await load(true);
};

B.runPage = async (kind, ids, bodyOf, draw) => {
  B.fillForm(ids);
  const run = async () => {
    const p = B.formParams(ids); p.set("run", "1"); B.setQuery(p);
    B.err(null);
    document.getElementById("results").hidden = true;
    try {
      const s = await B.job(`/api/v1/scenarios/${B.sid()}/${kind()}`, bodyOf(), B.progress);
      document.getElementById("download").href = `/api/v1/jobs/${s.id}?format=csv`;
      document.getElementById("json").href = `/api/v1/jobs/${s.id}`;
      document.getElementById("results").hidden = false;
      draw(s.result);
    } catch (e) { B.err(e); }
  };
  document.getElementById("run").addEventListener("click", run);
  if (B.query().get("run") === "1") await run();
};

B.pages.forecast = async () => {
  const c = await B.api(`/api/v1/scenarios/${B.sid()}/companions`);
  document.getElementById("questions").innerHTML = c.questions.map(x => `<option>${B.esc(x)}</option>`).join("");
  const v = (id) => document.getElementById(id).value;
  await B.runPage(() => v("mode") === "simulate" ? "simulate" : "forecast", ["mode", "questions", "runs", "horizon", "seed"],
    () => v("mode") === "simulate" ? {runs: +v("runs"), horizon: +v("horizon"), seed: +v("seed")} :
      {questions: v("questions"), runs: +v("runs"), seed: +v("seed")},
    (r) => {
      if (r.questions) {
        B.table(document.getElementById("result-table"), [
          ["id", x => B.td(B.esc(x.id))], ["P", x => B.td(B.pct(x.probability), "n p", `data-value="${x.probability}"`)],
          ["95 %", x => B.td(`${B.pct(x.lo95)} – ${B.pct(x.hi95)}`, "n")], ["median days", x => B.td(B.num(x.median_days, 0), "n")],
          ["question", x => B.td(B.esc(x.text))]], r.questions);
        Plotly.react("plot-main", [{type: "bar", x: r.questions.map(x => x.id), y: r.questions.map(x => x.probability),
          error_y: {type: "data", symmetric: false, array: r.questions.map(x => x.hi95 - x.probability), arrayminus: r.questions.map(x => x.probability - x.lo95)}}],
          {margin: {t: 20}, yaxis: {title: "probability", range: [0, 1]}}, {displayModeBar: false});
        Plotly.purge("plot-fronts"); Plotly.purge("plot-actions");
        return;
      }
      B.table(document.getElementById("result-table"), [
        ["outcome", x => B.td(B.esc(x.label))], ["P", x => B.td(B.pct(x.probability), "n p", `data-value="${x.probability}"`)],
        ["95 %", x => B.td(`${B.pct(x.lo95)} – ${B.pct(x.hi95)}`, "n")], ["under way at the end", x => B.td(B.pct(x.at_end), "n")]], r.outcomes);
      const byO = {};
      for (const row of r.over_time) (byO[row.outcome] ||= []).push(row);
      Plotly.react("plot-main", Object.entries(byO).filter(([o, rows]) => rows.some(x => x.started_by !== null)).map(([o, rows]) =>
        ({type: "scatter", mode: "lines", name: o, x: rows.map(x => x.week), y: rows.map(x => x.started_by)})),
        {title: "P(episode started by week)", margin: {t: 40}, xaxis: {title: "week"}, yaxis: {range: [0, 1]}}, {displayModeBar: false});
      const byF = {};
      for (const row of r.fronts) (byF[row.front] ||= []).push(row);
      const traces = [];
      for (const [f, rows] of Object.entries(byF)) {
        traces.push({x: rows.map(x => x.round), y: rows.map(x => x.q95), mode: "lines", line: {width: 0}, showlegend: false, name: f});
        traces.push({x: rows.map(x => x.round), y: rows.map(x => x.q05), mode: "lines", fill: "tonexty", line: {width: 0}, name: `${f} 5–95 %`, opacity: .3});
        traces.push({x: rows.map(x => x.round), y: rows.map(x => x.q50), mode: "lines", name: `${f} median`});
      }
      Plotly.react("plot-fronts", traces, {title: "fronts: escalation (fan chart)", margin: {t: 40}, xaxis: {title: "round"}, yaxis: {range: [0, 1]}}, {displayModeBar: false});
      Plotly.react("plot-actions", [{type: "bar", x: r.actions.map(a => `${a.actor}: ${a.action}`), y: r.actions.map(a => a.share)}],
        {title: "action shares", margin: {t: 40, b: 160}}, {displayModeBar: false});
    });
};

B.pages.compare = async () => {
  const c = await B.api(`/api/v1/scenarios/${B.sid()}/companions`);
  document.getElementById("intervention").innerHTML += c.interventions.map(x => `<option>${B.esc(x)}</option>`).join("");
  const v = (id) => document.getElementById(id).value;
  const composed = () => Object.fromEntries(v("compose").split(",").map(x => x.trim()).filter(Boolean).map(x => x.split("=")).map(([k, val]) => [k.trim(), +val]));
  await B.runPage(() => "compare", ["intervention", "compose", "runs", "horizon", "seed"],
    () => ({intervention: v("intervention"), set: v("intervention") ? {} : composed(), runs: +v("runs"), horizon: +v("horizon"), seed: +v("seed")}),
    (r) => {
      B.table(document.getElementById("result-table"), [
        ["outcome", x => B.td(B.esc(x.label))], ["baseline", x => B.td(B.pct(x.baseline), "n")], ["with it", x => B.td(B.pct(x.variant), "n")],
        ["difference", x => B.td(B.pct(x.difference), "n p", `data-value="${x.difference}"`)], ["95 %", x => B.td(`${B.pct(x.lo95)} – ${B.pct(x.hi95)}`, "n")]], r.differences);
      Plotly.react("plot-main", [{type: "bar", orientation: "h", y: r.differences.map(x => x.label), x: r.differences.map(x => x.difference),
        error_x: {type: "data", symmetric: false, array: r.differences.map(x => x.hi95 - x.difference), arrayminus: r.differences.map(x => x.difference - x.lo95)}}],
        {margin: {l: 260, t: 20}, xaxis: {title: "change in probability"}}, {displayModeBar: false});
    });
};

B.pages.game = async () => {
  const at = document.getElementById("at");
  if (B.query().get("at")) at.value = B.query().get("at");
  const load = async () => {
    const p = new URLSearchParams({at: at.value}); B.setQuery(p);
    document.getElementById("json").href = `/api/v1/scenarios/${B.sid()}/game?${p}`;
    try {
      const g = await B.api(`/api/v1/scenarios/${B.sid()}/game?${p}`);
      B.err(null);
      const rows = Object.entries(g.spe.outcomes || {}).map(([o, pr]) => ({o, spe: pr, qre: (g.qre.sequential.outcomes || {})[o]}));
      B.table(document.getElementById("result-table"), [["outcome", x => B.td(B.esc(x.o))],
        ["SPE", x => B.td(B.pct(x.spe), "n p", `data-value="${x.spe}"`)], ["logit QRE", x => B.td(B.pct(x.qre), "n")]], rows);
      Plotly.react("plot-main", [{type: "bar", name: "SPE", x: rows.map(x => x.o), y: rows.map(x => x.spe)},
        {type: "bar", name: "QRE", x: rows.map(x => x.o), y: rows.map(x => x.qre)}], {barmode: "group", margin: {t: 20}}, {displayModeBar: false});
      document.getElementById("game-detail").textContent = JSON.stringify({players: g.players, lambda: g.lambda, spe: g.spe, nash: g.nash_reduced}, null, 1);
    } catch (e) { B.err(e); }
  };
  at.addEventListener("change", load);
  await load();
};

B.pages.bargain = async () => {
  B.fillForm(["draws", "seed"]);
  const load = async () => {
    const p = B.formParams(["draws", "seed"]); B.setQuery(p);
    document.getElementById("download").href = `/api/v1/scenarios/${B.sid()}/bargain?${p}&format=csv`;
    document.getElementById("json").href = `/api/v1/scenarios/${B.sid()}/bargain?${p}`;
    try {
      const b = await B.api(`/api/v1/scenarios/${B.sid()}/bargain?${p}`);
      B.err(null);
      const models = Object.keys(b.table[0] || {}).filter(k => !["issue", "label", "low", "high", "actors"].includes(k));
      B.table(document.getElementById("result-table"), [["issue", x => B.td(B.esc(x.label))],
        ...models.map(m => [m, x => B.td(B.num(x[m], 1), "n", `data-model="${m}" data-value="${x[m]}"`)])], b.table);
      Plotly.react("plot-main", models.map(m => ({type: "bar", name: m, x: b.table.map(x => x.issue), y: b.table.map(x => x[m])})),
        {barmode: "group", margin: {t: 20, b: 120}, yaxis: {title: "forecast on the 0-100 scale"}}, {displayModeBar: false});
    } catch (e) { B.err(e); }
  };
  document.getElementById("run").addEventListener("click", load);
  await load();
};

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (B.pages[page]) B.pages[page]().catch(B.err);
});

B.pages.sensitivity = async () => {
  B.fillForm(["top", "output"]);
  const out = document.getElementById("output");
  let data = null;
  const draw = () => {
    const rows = data.top.filter(r => r.output === out.value);
    const sobol = data.method === "sobol";
    const key = sobol ? "ST" : "mu_star", conf = sobol ? "ST_conf" : "mu_star_conf";
    B.table(document.getElementById("result-table"), [["rank", r => B.td(r.rank, "n")], ["judgement", r => B.td(B.esc(r.name))],
      [sobol ? "ST" : "μ*", r => B.td(B.num(r[key]), "n p", `data-value="${r[key]}"`)], ["± 95 %", r => B.td(B.num(r[conf]), "n")],
      ...(sobol ? [["S1", r => B.td(B.num(r.S1), "n")]] : [["σ", r => B.td(B.num(r.sigma), "n")]])], rows);
    Plotly.react("plot-main", [{type: "bar", orientation: "h", y: rows.map(r => r.name).reverse(), x: rows.map(r => r[key]).reverse(),
      error_x: {type: "data", array: rows.map(r => r[conf]).reverse()}}], {margin: {l: 240, t: 20}, xaxis: {title: sobol ? "total Sobol' index" : "Morris μ*"}}, {displayModeBar: false});
    const p = B.formParams(["top", "output"]); B.setQuery(p);
  };
  const load = async () => {
    const p = new URLSearchParams({top: document.getElementById("top").value});
    document.getElementById("download").href = `/api/v1/scenarios/${B.sid()}/sensitivity?${p}&format=csv`;
    document.getElementById("json").href = `/api/v1/scenarios/${B.sid()}/sensitivity?${p}`;
    try {
      data = await B.api(`/api/v1/scenarios/${B.sid()}/sensitivity?${p}`);
      B.err(null);
      if (!data.top || !data.top.length) { document.getElementById("what").textContent = data.note || "no results"; return; }
      document.getElementById("what").textContent = `${data.method}: ${data.sets} parameter sets of ${data.judgements} judgements × ${data.runs_per_set} runs, seed ${data.meta.seed} (${data.folder})`;
      const keep = out.value || B.query().get("output");
      out.innerHTML = [...new Set(data.top.map(r => r.output))].map(o => `<option>${B.esc(o)}</option>`).join("");
      if (keep) out.value = keep;
      if (!out.value) out.selectedIndex = 0;
      draw();
    } catch (e) { B.err(e); }
  };
  out.addEventListener("change", draw);
  document.getElementById("top").addEventListener("change", load);
  await load();
};
