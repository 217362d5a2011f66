// The embedded page's entry: the dashboard when the page carries a config, else (the error
// page) only the protocol, which tells the host what went wrong.

import { Dashboard } from "./dashboard";
import { readConfig } from "./config";
import { HostChannel } from "./protocol";
import { reportHeight } from "./resize";
import "./embed.css";

declare global {
  interface Window {
    /** Read-only inspection of what each chart drew, for tests and for debugging an embed. */
    dashletCharts?: { option(slug: string): unknown };
  }
}

const config = readConfig(document);
const channel = new HostChannel(config?.frameAncestors ?? []);
reportHeight(channel);
channel.emit("ready");

if (config) {
  const dashboard = new Dashboard(config, channel);
  window.dashletCharts = { option: (slug) => dashboard.option(slug) };
  dashboard.start();
} else {
  const refusal = document.querySelector<HTMLElement>("[data-code]");
  if (refusal) {
    const message = refusal.querySelector(".dashlet-error-message")?.textContent?.trim() ?? "";
    channel.emit("error", { code: refusal.dataset.code, message });
  }
}
