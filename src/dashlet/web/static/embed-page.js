// Embedded dashboard page (server-rendered shell + one streamed data request).
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("dashlet-config").textContent);
  const cards = new Map();
  document.querySelectorAll("[data-chart]").forEach((el) => cards.set(el.dataset.chart, el));
  const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

  function postHeight() {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({ type: "dashlet:resize", version: 1, height }, "*");
  }
  new ResizeObserver(postHeight).observe(document.documentElement);

  function cell(value, type) {
    const td = document.createElement("td");
    if (value === null || value === undefined) td.textContent = "";
    else if (type === "integer" || type === "number") { td.textContent = numberFormat.format(value); td.className = "num"; }
    else td.textContent = String(value);
    return td;
  }

  function renderTable(result) {
    const table = document.createElement("table");
    table.className = "dashlet-table";
    const head = table.createTHead().insertRow();
    result.columns.forEach((c) => { const th = document.createElement("th"); th.scope = "col"; th.textContent = c.name; head.appendChild(th); });
    const body = table.createTBody();
    result.rows.forEach((row) => { const tr = body.insertRow(); row.forEach((v, i) => tr.appendChild(cell(v, result.columns[i].type))); });
    return table;
  }

  function renderResult(card, chart, result) {
    const body = card.querySelector(".dashlet-card-body");
    body.replaceChildren();
    if (result.rows.length === 0) {
      const empty = document.createElement("p"); empty.className = "dashlet-empty"; empty.textContent = "No data.";
      body.appendChild(empty);
    } else if (chart.type === "number") {
      const column = chart.encoding.value || result.columns[0].name;
      const index = Math.max(0, result.columns.findIndex((c) => c.name === column));
      const big = document.createElement("div"); big.className = "dashlet-number";
      big.textContent = numberFormat.format(result.rows[0][index]);
      body.appendChild(big);
    } else {
      body.appendChild(renderTable(result));
    }
    const meta = card.querySelector(".dashlet-card-meta");
    meta.textContent = "As of " + new Date(result.computed_at).toLocaleString() + (result.cached ? " · cached" : "");
    card.dataset.state = "loaded";
  }

  function renderError(card, error) {
    const body = card.querySelector(".dashlet-card-body");
    const p = document.createElement("p"); p.className = "dashlet-chart-error"; p.setAttribute("role", "alert");
    p.textContent = error.message + " (" + error.code + ")";
    body.replaceChildren(p);
    card.dataset.state = "error";
  }

  async function load() {
    const charts = new Map(config.charts.map((c) => [c.slug, c]));
    const response = await fetch(config.dataUrl, { headers: { Authorization: "Bearer " + config.token } });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({ error: { code: "network", message: "The data could not be loaded." } }));
      cards.forEach((card) => renderError(card, problem.error));
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = JSON.parse(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        const card = cards.get(line.chart);
        if (!card) continue;
        if (line.error) renderError(card, line.error);
        else renderResult(card, charts.get(line.chart), line.result);
      }
    }
    document.querySelector(".dashlet-dashboard").setAttribute("aria-busy", "false");
  }
  load();
})();
