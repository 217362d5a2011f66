// The layout at a glance: every chart as a box of its width (of 12 columns) and height, in page
// order, as the dashboard's grid places them. A box's button goes to that chart's fields.

import { el } from "./dom";
import { type ChartDoc, DEFAULT_HEIGHT, DEFAULT_WIDTH } from "./model";

function size(value: unknown, fallback: number): number {
  const number = Number(value ?? fallback);
  return Number.isInteger(number) && number >= 1 && number <= 12 ? number : fallback;
}

export function layoutPreview(charts: ChartDoc[], onPick: (index: number) => void): HTMLElement {
  const grid = el("ol", "editor-layout");
  grid.setAttribute("aria-label", "Layout preview");
  charts.forEach((chart, index) => {
    const width = size(chart.width, DEFAULT_WIDTH);
    const height = size(chart.height, DEFAULT_HEIGHT);
    const pick = el("button", "editor-layout-box", el("span", "editor-layout-title", chart.title || chart.slug || "(untitled)"), el("span", "editor-hint", `${width}×${height}`));
    pick.type = "button";
    pick.setAttribute("aria-label", `Chart ${index + 1}: ${chart.title || chart.slug}, ${width} columns by ${height} rows`);
    pick.addEventListener("click", () => onPick(index));
    const item = el("li", "", pick);
    item.style.gridColumn = `span ${width}`;
    item.style.gridRow = `span ${height}`;
    grid.append(item);
  });
  if (charts.length === 0) grid.append(el("li", "editor-hint", "No charts yet."));
  return grid;
}
