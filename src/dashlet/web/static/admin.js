// Dashlet admin: small progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // The organization switcher goes on change.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Forms that break things ask first.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  // Copy buttons copy the text of the element they name.
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const source = document.querySelector(button.dataset.copy);
      if (!source) return;
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = "Copied";
      } catch {
        window.getSelection().selectAllChildren(source);
        button.textContent = "Press Ctrl+C";
      }
      window.setTimeout(() => { button.textContent = "Copy"; }, 2000);
    });
  }
  // Example-code tabs.
  const tabs = document.querySelectorAll("[data-tab]");
  for (const tab of tabs) {
    tab.addEventListener("click", () => {
      for (const other of tabs) other.setAttribute("aria-selected", String(other === tab));
      for (const panel of document.querySelectorAll("[data-panel]")) {
        panel.hidden = panel.dataset.panel !== tab.dataset.tab;
      }
    });
  }
  // The native dashboard view: its frame grows with the dashboard (dashlet-embed.js), and the
  // address bar keeps the filters as var.NAME, so a reload or a shared link shows the same.
  const nativeFrame = document.querySelector("iframe[data-native-dashboard]");
  if (nativeFrame && window.Dashlet) {
    window.Dashlet.mount(nativeFrame, {
      onEvent(name, detail) {
        if (name !== "filters-changed") return;
        const url = new URL(window.location.href);
        for (const key of [...url.searchParams.keys()]) if (key.startsWith("var.")) url.searchParams.delete(key);
        for (const [key, value] of Object.entries(detail.values || {})) {
          for (const item of [].concat(value === null ? [] : value)) url.searchParams.append("var." + key, String(item));
        }
        window.history.replaceState(null, "", url);
      },
    });
  }
});
