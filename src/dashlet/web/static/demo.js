// The demo host page's own script: what a host application writes around dashlet-embed.js.
"use strict";
(function () {
  const frame = document.getElementById("dashlet-frame");
  const log = document.getElementById("event-log");
  const started = performance.now();

  function show(name, detail) {
    const item = document.createElement("li");
    const head = document.createElement("div");
    const label = document.createElement("strong");
    label.textContent = name;
    const time = document.createElement("span");
    time.textContent = "+" + ((performance.now() - started) / 1000).toFixed(2) + " s";
    head.append(label, time);
    item.dataset.event = name;
    const body = Object.assign({}, detail);
    delete body.type;
    delete body.version;
    const text = JSON.stringify(body);
    item.append(head);
    if (text !== "{}") {
      const pre = document.createElement("code");
      pre.textContent = text.length > 300 ? text.slice(0, 300) + "…" : text;
      item.append(pre);
    }
    log.prepend(item);
    while (log.children.length > 60) log.lastElementChild.remove();
  }

  async function getToken() {
    const response = await fetch(frame.dataset.tokenUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error("The host could not sign a token (HTTP " + response.status + ")");
    return (await response.json()).token;
  }

  const dashlet = window.Dashlet.mount(frame, {
    getToken,
    onEvent(name, detail) {
      show(name, detail);
      // Keep the viewer's filters in the host's URL, so a reload or a shared link keeps them.
      if (name === "filters-changed") {
        const url = new URL(window.location.href);
        for (const key of [...url.searchParams.keys()]) if (key.startsWith("var.")) url.searchParams.delete(key);
        for (const [key, value] of Object.entries(detail.values || {})) {
          for (const item of [].concat(value === null ? [] : value)) url.searchParams.append("var." + key, String(item));
        }
        window.history.replaceState(null, "", url);
      }
    },
  });

  document.getElementById("refresh-token").addEventListener("click", async () => {
    try {
      dashlet.setToken(await getToken());
      show("(host) set-token sent", {});
    } catch (error) {
      show("(host) token refresh failed", { message: String(error) });
    }
  });
  document.getElementById("clear-filters").addEventListener("click", () => {
    const values = {};
    const url = new URL(window.location.href);
    for (const key of url.searchParams.keys()) if (key.startsWith("var.")) values[key.slice(4)] = null;
    dashlet.setFilters(values);
    show("(host) set-filters sent", { values });
  });
  for (const picker of document.querySelectorAll("#host-picker select")) {
    picker.addEventListener("change", () => picker.form.submit());
  }
})();
