// The dashboard: per model and version, the monitoring rollups of GET /models/{name}/metrics drawn with Chart.js
// (served from the app, never a CDN), and a heatmap of GET /models/{name}/drift (features × hours, coloured by PSI
// against the model's threshold). It reads only the JSON APIs, with the signed-in user's token when Entra ID is on.
// The charts' x axis is time (minutes without traffic leave a gap); the model list has a filter for hundreds of models.
// A model with a rollout shows GET /models/{name}/rollout: its versions side by side, beside the gates, and its decisions.
// window.maasDashboard exposes the charts, the heatmap's cells, the rollout's rows and the reports they were drawn from.
(async () => {
  const config = JSON.parse(document.getElementById("maas-page-config").textContent);
  const token = config.auth ? await signIn(config.auth) : null;
  const status = document.getElementById("maas-status");
  const modelSelect = document.getElementById("maas-model");
  const modelFilter = document.getElementById("maas-model-filter");
  const versionSelect = document.getElementById("maas-version");
  const rangeSelect = document.getElementById("maas-range");
  const driftPanel = document.getElementById("maas-drift");
  const rolloutSection = document.getElementById("rollout-section");
  const rolloutPanel = document.getElementById("maas-rollout");
  const state = { charts: {}, report: null, drift: null, driftCells: [], driftVersion: null, driftNote: "", rollout: null, rolloutRows: [], model: null, ready: false };
  window.maasDashboard = state;

  // A 404 answers null when allowed (a model without a rollout); any other failure throws with the API's message.
  async function api(path, allowMissing = false) {
    const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (allowMissing && response.status === 404) {
      return null;
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(`${path} answered ${response.status}: ${body.detail || body.error || ""}`);
    }
    return response.json();
  }

  // Times on a linear axis in milliseconds, labelled HH:MM (UTC): a period without traffic is a gap, not a neighbour.
  const timeAxis = { type: "linear", ticks: { callback: value => new Date(value).toISOString().slice(11, 16), maxTicksLimit: 8 } };
  const axisOf = () => ({ ...timeAxis, ticks: { ...timeAxis.ticks } });

  function chart(id, type, datasets, options = {}, x = axisOf()) {
    state.charts[id] = new Chart(document.getElementById(id), {
      type,
      data: { labels: [], datasets: datasets.map(label => ({ label, data: [], borderWidth: 2, pointRadius: 2, spanGaps: false })) },
      options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { x, y: { beginAtZero: true } }, ...options },
    });
    return state.charts[id];
  }

  const requests = chart("chart-requests", "bar", ["requests", "errors"]);
  const latency = chart("chart-latency", "line", ["p50", "p95", "p99"]);
  const batch = chart("chart-batch", "line", ["mean batch size (calls that ran)"]);
  const cold = chart("chart-cold", "bar", ["cold loads"]);
  const callers = chart("chart-callers", "bar", ["requests"], { indexAxis: "y" }, { beginAtZero: true });
  const tokens = chart("chart-tokens", "bar", ["prompt tokens", "completion tokens"]);
  const firstToken = chart("chart-ttft", "line", ["p50", "p95"]);

  function draw(report) {
    const points = report.points;
    const times = points.map(p => Date.parse(p.time));
    const period = report.grain === "hour" ? 3600e3 : 60e3;
    // The axis spans the range asked for, in whole periods, so the ticks fall on minutes (or hours).
    const [from, to] = [Math.floor(Date.parse(report.from) / period) * period, Math.ceil(Date.parse(report.to) / period) * period];
    const step = Math.max(1, Math.ceil((to - from) / period / 6)) * period;
    const set = (target, series) => {
      Object.assign(target.options.scales.x, { min: from - period / 2, max: to + period / 2 });
      Object.assign(target.options.scales.x.ticks, { stepSize: step });
      series.forEach((values, i) => { target.data.datasets[i].data = values.map((y, j) => ({ x: times[j], y })); });
      target.update();
    };
    set(requests, [points.map(p => p.requests), points.map(p => p.requests - (p.outcomes.ok || 0))]);
    set(latency, [points.map(p => p.latencyMs.p50), points.map(p => p.latencyMs.p95), points.map(p => p.latencyMs.p99)]);
    set(batch, [points.map(p => p.meanBatchSize)]);
    set(cold, [points.map(p => p.coldLoads)]);
    const byCaller = {};
    points.forEach(p => Object.entries(p.callers || {}).forEach(([caller, figures]) => { byCaller[caller] = (byCaller[caller] || 0) + figures.requests; }));
    callers.data.labels = Object.keys(byCaller);
    callers.data.datasets[0].data = Object.values(byCaller);
    callers.update();
    // A generative model is metered in tokens: its sections show only when the range has some.
    const generative = points.some(p => p.promptTokens > 0);
    document.getElementById("tokens-section").hidden = !generative;
    document.getElementById("ttft-section").hidden = !generative;
    if (generative) {
      set(tokens, [points.map(p => p.promptTokens), points.map(p => p.completionTokens)]);
      set(firstToken, [points.map(p => p.timeToFirstTokenMs?.p50 ?? null), points.map(p => p.timeToFirstTokenMs?.p95 ?? null)]);
    }
  }

  function note(text) {
    const p = document.createElement("p");
    p.textContent = text;
    driftPanel.replaceChildren(p);
  }

  // One row per input/output feature (or channel, or tensor) and predicted-class distribution, one column per hour.
  function drawDrift(report) {
    state.driftCells = [];
    if (!report.thresholds) {
      return note(`${state.driftNote}Version ${report.version} has no drift configured (config.json "drift").`);
    }
    if (!report.baseline) {
      return note(`${state.driftNote}Version ${report.version} has no drift baseline yet.`);
    }
    const minimum = report.thresholds.minimumValues;
    const hours = [...new Set(report.tensors.flatMap(t => t.hours.map(h => h.hour)))].sort();
    if (hours.length === 0) {
      return note(`${state.driftNote}No drift summaries for version ${report.version} in the last day.`);
    }
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    head.appendChild(document.createElement("th")).textContent = `${state.driftNote}version ${report.version} (flagged: PSI over ${report.thresholds.psi} or JSD over ${report.thresholds.jsd}; grey: fewer than ${minimum} values, too few to flag)`;
    hours.forEach(hour => { head.appendChild(document.createElement("th")).textContent = `${hour.slice(5, 10)} ${hour.slice(11, 16)}`; });
    const body = table.createTBody();
    for (const tensor of report.tensors) {
      for (let f = 0; f < tensor.features; f++) {
        const row = body.insertRow();
        const label = row.appendChild(document.createElement("th"));
        label.scope = "row";
        label.textContent = tensor.granularity === "tensor" ? `${tensor.side} ${tensor.name}` : `${tensor.side} ${tensor.name}[${f}]`;
        for (const hour of hours) {
          const cell = row.insertCell();
          const figures = tensor.hours.find(h => h.hour === hour)?.features[f];
          if (!figures || figures.psi === null) {
            continue;
          }
          const tooFew = figures.count < minimum;
          const severity = Math.min(figures.psi / report.thresholds.psi, 2) / 2;
          cell.textContent = figures.psi.toFixed(2);
          cell.title = `PSI ${figures.psi.toFixed(4)}, JSD ${figures.jsd.toFixed(4)}, mean shift ${figures.meanShift === null ? "n/a" : figures.meanShift.toFixed(2)} sd, ${figures.count} values${tooFew ? ` (too few values: under ${minimum}, never flagged)` : ""}`;
          cell.style.background = tooFew ? "#eaeef2" : `hsl(${120 - 120 * severity}, 70%, ${88 - 30 * severity}%)`;
          cell.classList.toggle("too-few", tooFew);
          cell.classList.toggle("flagged", figures.flagged);
          state.driftCells.push({ side: tensor.side, name: tensor.name, feature: f, hour, psi: figures.psi, flagged: figures.flagged, tooFew });
        }
      }
    }
    driftPanel.replaceChildren(table);
  }

  // The version drift is shown for: the one picked, else the default; a model with no default version (every version
  // rejected by its gate) shows its highest Ready version and says so.
  function driftVersion() {
    state.driftNote = "";
    if (versionSelect.value !== "all") {
      return versionSelect.value;
    }
    const model = state.model;
    if (model && model.defaultVersion == null) {
      const ready = model.versions.filter(v => v.status === "Ready").map(v => v.version).sort((a, b) => b - a);
      if (ready.length > 0) {
        state.driftNote = `No default version (no version passes its evaluation gates): showing version ${ready[0]}, the highest Ready. `;
        return String(ready[0]);
      }
    }
    return null;
  }

  async function refreshDrift(name) {
    const query = new URLSearchParams({ from: new Date(Date.now() - 24 * 3600e3).toISOString() });
    const version = driftVersion();
    state.driftVersion = version;
    if (version !== null) {
      query.set("version", version);
    }
    try {
      state.drift = await api(`/models/${encodeURIComponent(name)}/drift?${query}`);
      drawDrift(state.drift);
    } catch (error) {
      state.drift = null;
      note(error.message);
    }
  }

  // One row per version (default, canary, shadow) over the rollout so far; a figure past its gate is outlined.
  function drawRollout(report) {
    state.rolloutRows = [];
    rolloutSection.hidden = !report;
    if (!report) {
      rolloutPanel.replaceChildren();
      return;
    }
    const gates = report.gates;
    const split = [
      report.split.canary ? `canary version ${report.split.canary.version} takes ${report.split.canary.percent}% of the calls made without a version${report.split.canary.serving ? "" : " (not now)"}` : null,
      report.split.shadow ? `shadow version ${report.split.shadow.version} runs copies of ${report.split.shadow.percent}% of the default's calls${report.split.shadow.running ? "" : " (not now)"}` : null,
    ].filter(Boolean).join("; ");
    const summary = document.createElement("p");
    summary.textContent = `State: ${report.state}. Default: version ${report.defaultVersion ?? "none"}. ${split.charAt(0).toUpperCase()}${split.slice(1)}.`;
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    const columns = ["version", "role", "calls", "failed", `error rate (max ${gates.maxErrorRate ?? "–"})`, `p95 ms (max ${gates.maxP95Ms ?? "–"})`, "shadow copies", `agreement (min ${gates.minAgreement ?? "–"})`, "copies dropped"];
    columns.forEach(text => { head.appendChild(document.createElement("th")).textContent = text; });
    const body = table.createTBody();
    for (const v of report.versions) {
      const row = body.insertRow();
      const label = row.appendChild(document.createElement("th"));
      label.scope = "row";
      label.textContent = v.version;
      const cells = [v.role, v.requests, v.failed, v.errorRate.toFixed(4), v.p95Ms.toFixed(1), v.shadowCalls, v.agreement === null ? "–" : v.agreement.toFixed(4), v.shadowDropped];
      // Which figure each gate outlines: the API says which gates the version's figures are past.
      const gateOf = [null, null, null, "errorRate", "p95Ms", null, "agreement", null];
      const breaches = gateOf.map(gate => gate !== null && v.pastGates.includes(gate));
      cells.forEach((text, i) => {
        const cell = row.insertCell();
        cell.textContent = text;
        if (breaches[i]) {
          cell.className = "breach";
        }
      });
      state.rolloutRows.push({ ...v, breaches: breaches.filter(Boolean).length });
    }
    const decisions = document.createElement("ol");
    report.decisions.forEach(d => { decisions.appendChild(document.createElement("li")).textContent = `${d.at.slice(0, 16).replace("T", " ")} ${d.reason}`; });
    rolloutPanel.replaceChildren(summary, table, decisions);
  }

  async function refresh() {
    state.ready = false;
    const name = modelSelect.value;
    if (!name) {
      status.textContent = "No models registered yet.";
      return;
    }
    const grain = rangeSelect.value;
    const span = grain === "hour" ? 24 * 3600e3 : 3600e3;
    const query = new URLSearchParams({ grain, from: new Date(Date.now() - span).toISOString() });
    if (versionSelect.value !== "all") {
      query.set("version", versionSelect.value);
    }
    try {
      state.report = await api(`/models/${encodeURIComponent(name)}/metrics?${query}`);
      draw(state.report);
      await refreshDrift(name);
      state.rollout = await api(`/models/${encodeURIComponent(name)}/rollout`, true);
      drawRollout(state.rollout);
      const total = state.report.points.reduce((sum, p) => sum + p.requests, 0);
      const periods = state.report.points.length;
      status.textContent = `${name}: ${total} requests in ${periods} ${grain}${periods === 1 ? "" : "s"} with traffic`;
      state.ready = true;
    } catch (error) {
      status.textContent = error.message;
    }
  }

  async function loadVersions() {
    state.ready = false;
    const model = await api(`/models/${encodeURIComponent(modelSelect.value)}`);
    state.model = model;
    versionSelect.replaceChildren(new Option("all versions", "all"), ...model.versions.map(v => new Option(`${v.version} (${v.status}${v.version === model.defaultVersion ? ", default" : ""})`, v.version)));
  }

  let names = [];
  // Lists the models whose name contains the filter's text; keeps the selection when it is still listed.
  function listModels() {
    const text = modelFilter.value.trim().toLowerCase();
    const selected = modelSelect.value;
    const shown = names.filter(name => name.toLowerCase().includes(text));
    modelSelect.replaceChildren(...shown.map(name => new Option(name, name)));
    if (shown.includes(selected)) {
      modelSelect.value = selected;
    }
    return modelSelect.value !== selected;
  }

  try {
    const models = await api("/models");
    names = models.map(m => m.name);
    listModels();
    const preselected = new URLSearchParams(location.search).get("model");
    if (preselected && models.some(m => m.name === preselected)) {
      modelSelect.value = preselected;
    }
    if (modelSelect.value) {
      await loadVersions();
    }
  } catch (error) {
    status.textContent = error.message;
    return;
  }

  modelSelect.addEventListener("change", async () => { await loadVersions(); await refresh(); });
  modelFilter.addEventListener("input", async () => {
    if (listModels() && modelSelect.value) {
      await loadVersions();
      await refresh();
    }
  });
  versionSelect.addEventListener("change", refresh);
  rangeSelect.addEventListener("change", refresh);
  await refresh();
})();
