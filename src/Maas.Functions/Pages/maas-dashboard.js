// The dashboard: per model and version, the monitoring rollups of GET /models/{name}/metrics drawn with Chart.js
// (served from the app, never a CDN), and a heatmap of GET /models/{name}/drift (features × hours, coloured by PSI
// against the model's threshold). It reads only the JSON APIs, with the signed-in user's token when Entra ID is on.
// window.maasDashboard exposes the charts, the heatmap's cells and the reports they were drawn from.
(async () => {
  const config = JSON.parse(document.getElementById("maas-page-config").textContent);
  const token = config.auth ? await signIn(config.auth) : null;
  const status = document.getElementById("maas-status");
  const modelSelect = document.getElementById("maas-model");
  const versionSelect = document.getElementById("maas-version");
  const rangeSelect = document.getElementById("maas-range");
  const driftPanel = document.getElementById("maas-drift");
  const state = { charts: {}, report: null, drift: null, driftCells: [], ready: false };
  window.maasDashboard = state;

  async function api(path) {
    const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(`${path} answered ${response.status}: ${body.detail || body.error || ""}`);
    }
    return response.json();
  }

  function chart(id, type, datasets, options = {}) {
    state.charts[id] = new Chart(document.getElementById(id), {
      type,
      data: { labels: [], datasets: datasets.map(label => ({ label, data: [], borderWidth: 2, pointRadius: 2 })) },
      options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } }, ...options },
    });
    return state.charts[id];
  }

  const requests = chart("chart-requests", "bar", ["requests", "errors"]);
  const latency = chart("chart-latency", "line", ["p50", "p95", "p99"]);
  const batch = chart("chart-batch", "line", ["mean batch size"]);
  const cold = chart("chart-cold", "bar", ["cold loads"]);
  const callers = chart("chart-callers", "bar", ["requests"], { indexAxis: "y" });

  function draw(report) {
    const points = report.points;
    const labels = points.map(p => new Date(p.time).toISOString().slice(11, 16));
    const set = (target, series) => {
      target.data.labels = labels;
      series.forEach((values, i) => { target.data.datasets[i].data = values; });
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
      return note(`Version ${report.version} has no drift configured (config.json "drift").`);
    }
    if (!report.baseline) {
      return note(`Version ${report.version} has no drift baseline yet.`);
    }
    const hours = [...new Set(report.tensors.flatMap(t => t.hours.map(h => h.hour)))].sort();
    if (hours.length === 0) {
      return note(`No drift summaries for version ${report.version} in the last day.`);
    }
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    head.appendChild(document.createElement("th")).textContent = `version ${report.version} (flagged: PSI over ${report.thresholds.psi} or JSD over ${report.thresholds.jsd})`;
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
          const severity = Math.min(figures.psi / report.thresholds.psi, 2) / 2;
          cell.textContent = figures.psi.toFixed(2);
          cell.title = `PSI ${figures.psi.toFixed(4)}, JSD ${figures.jsd.toFixed(4)}, mean shift ${figures.meanShift === null ? "n/a" : figures.meanShift.toFixed(2)} sd, ${figures.count} values`;
          cell.style.background = `hsl(${120 - 120 * severity}, 70%, ${88 - 30 * severity}%)`;
          cell.classList.toggle("flagged", figures.flagged);
          state.driftCells.push({ side: tensor.side, name: tensor.name, feature: f, hour, psi: figures.psi, flagged: figures.flagged });
        }
      }
    }
    driftPanel.replaceChildren(table);
  }

  async function refreshDrift(name) {
    const query = new URLSearchParams({ from: new Date(Date.now() - 24 * 3600e3).toISOString() });
    if (versionSelect.value !== "all") {
      query.set("version", versionSelect.value);
    }
    try {
      state.drift = await api(`/models/${encodeURIComponent(name)}/drift?${query}`);
      drawDrift(state.drift);
    } catch (error) {
      state.drift = null;
      note(error.message);
    }
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
      const total = state.report.points.reduce((sum, p) => sum + p.requests, 0);
      const periods = state.report.points.length;
      status.textContent = `${name}: ${total} requests in ${periods} ${grain}${periods === 1 ? "" : "s"} with traffic`;
      state.ready = true;
    } catch (error) {
      status.textContent = error.message;
    }
  }

  async function loadVersions() {
    const model = await api(`/models/${encodeURIComponent(modelSelect.value)}`);
    versionSelect.replaceChildren(new Option("all versions", "all"), ...model.versions.map(v => new Option(`${v.version} (${v.status}${v.version === model.defaultVersion ? ", default" : ""})`, v.version)));
  }

  try {
    const models = await api("/models");
    modelSelect.replaceChildren(...models.map(m => new Option(m.name, m.name)));
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
  versionSelect.addEventListener("change", refresh);
  rangeSelect.addEventListener("change", refresh);
  await refresh();
})();
