// A number chart: one big value, optionally compared with another column (last period).

import type { ChartConfig, Result } from "./config";
import { formatNumber, humanize, numberFormat } from "./format";

function columnValue(result: Result, name: unknown): number | null {
  const index = typeof name === "string" ? result.columns.findIndex((c) => c.name === name) : 0;
  const value = result.rows[0]?.[Math.max(index, 0)];
  return typeof value === "number" ? value : null;
}

export function renderNumber(chart: ChartConfig, result: Result): HTMLElement {
  const format = chart.encoding.format as string | undefined;
  const value = columnValue(result, chart.encoding.value);
  const box = document.createElement("div");
  box.className = "dashlet-number";
  const big = document.createElement("p");
  big.className = "dashlet-number-value";
  // Cents on a number in the hundred thousands are noise on a headline figure.
  const shown = format ?? (value !== null && Math.abs(value) >= 100_000 ? "integer" : undefined);
  big.textContent = value === null ? "–" : formatNumber(value, shown);
  big.title = value === null ? "" : formatNumber(value, format);
  box.append(big);
  const compareName = chart.encoding.compare;
  if (typeof compareName === "string") box.append(comparison(value, columnValue(result, compareName), compareName, format));
  return box;
}

function comparison(value: number | null, base: number | null, name: string, format?: string): HTMLElement {
  const line = document.createElement("p");
  line.className = "dashlet-number-compare";
  const against = `vs ${humanize(name)}${base === null ? "" : ` (${formatNumber(base, format)})`}`;
  if (value === null || base === null || base === 0) {
    line.textContent = against;
    return line;
  }
  const change = (value - base) / Math.abs(base);
  const direction = change > 0 ? "up" : change < 0 ? "down" : "flat";
  line.dataset.direction = direction;
  const delta = document.createElement("span");
  delta.className = "dashlet-delta";
  const arrow = direction === "up" ? "▲" : direction === "down" ? "▼" : "■";
  const percent = numberFormat({ style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(change);
  delta.textContent = `${arrow} ${percent}`;
  delta.setAttribute("aria-label", `${direction === "up" ? "up" : direction === "down" ? "down" : "unchanged"} ${percent}`);
  line.append(delta, ` ${against}`);
  return line;
}
