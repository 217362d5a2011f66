// One chart card: its states (loading skeleton, refreshing, drawn, empty, error), the
// "view as table" toggle, the CSV button, and the "as of" line.

import type { DrawnChart } from "../charts/index";
import type { ChartConfig, Problem, Result } from "./config";
import { dateFormat, formatComputedAt } from "./format";
import { renderNumber } from "./number";
import { renderTable, shownColumns } from "./table";

export type ChartModule = typeof import("../charts/index");

const VISUAL_TYPES = new Set(["bar", "line", "area", "pie", "scatter"]);
const TYPE_NAMES: Record<string, string> = {
  bar: "Bar chart",
  line: "Line chart",
  area: "Area chart",
  pie: "Pie chart",
  scatter: "Scatter plot",
};

export function drawsWithCharts(chart: ChartConfig): boolean {
  return VISUAL_TYPES.has(chart.type);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

export class Card {
  private readonly body: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly tableToggle: HTMLButtonElement | null = null;
  private visual: HTMLElement | null = null;
  private drawn: DrawnChart | null = null;
  private result: Result | null = null;
  private renders = 0;

  constructor(
    readonly element: HTMLElement,
    readonly chart: ChartConfig,
    private readonly loadCharts: () => Promise<ChartModule>,
    download: ((card: Card) => void) | null,
  ) {
    this.body = element.querySelector(".dashlet-card-body") as HTMLElement;
    this.meta = element.querySelector(".dashlet-card-meta") as HTMLElement;
    this.actions = element.querySelector(".dashlet-card-actions") as HTMLElement;
    if (drawsWithCharts(chart)) {
      this.tableToggle = this.action("View as table", "table", () => this.toggleTable());
      this.tableToggle.setAttribute("aria-pressed", "false");
      this.tableToggle.disabled = true;
    }
    if (download) this.action(`Download ${chart.title} as CSV`, "csv", () => download(this));
  }

  /** The last option drawn on the canvas (null for tables and numbers). */
  option(): unknown {
    return this.drawn?.option() ?? null;
  }

  /** New data is on its way: keep what is shown, marked as refreshing. */
  refreshing(): void {
    this.element.setAttribute("aria-busy", "true");
  }

  async show(result: Result): Promise<void> {
    this.result = result;
    if (result.rows.length === 0) {
      this.replaceBody(this.notice("dashlet-empty", "No data to show for these filters."));
    } else if (this.chart.type === "table") {
      const columns = shownColumns(result, this.chart.encoding.columns);
      this.replaceBody(renderTable(result, { caption: this.chart.title, columns, format: this.format }));
    } else if (this.chart.type === "number") {
      this.replaceBody(renderNumber(this.chart, result));
    } else {
      const charts = await this.loadCharts();
      if (this.result !== result) return; // newer data arrived while the renderer loaded
      try {
        this.drawVisual(charts, result);
      } catch (problem) {
        if (problem instanceof charts.EncodingProblem) return this.fail({ code: problem.code, message: problem.message });
        throw problem;
      }
    }
    this.meta.replaceChildren(...this.asOf(result));
    this.settle("loaded");
  }

  fail(problem: Problem): void {
    this.result = null;
    const box = element("div", "dashlet-chart-error");
    box.setAttribute("role", "alert");
    box.append(element("p", "dashlet-chart-error-message", problem.message), element("p", "dashlet-chart-error-code", `Error code: ${problem.code}`));
    this.replaceBody(box);
    this.meta.replaceChildren();
    this.settle("error");
  }

  private get format(): string | undefined {
    return this.chart.encoding.format as string | undefined;
  }

  private drawVisual(charts: ChartModule, result: Result): void {
    if (!this.visual) {
      this.visual = element("div", "dashlet-visual");
      this.visual.setAttribute("role", "img");
      this.replaceBody(this.visual);
    }
    const rows = result.rows.length;
    this.visual.setAttribute(
      "aria-label",
      `${TYPE_NAMES[this.chart.type]}: ${this.chart.title}, ${rows} ${rows === 1 ? "row" : "rows"}. Use "View as table" to read the values.`,
    );
    if (this.drawn) this.drawn.draw(this.chart, result);
    else this.drawn = charts.drawChart(this.visual, this.chart, result);
    if (this.tableToggle) {
      this.tableToggle.disabled = false;
      if (this.tableToggle.getAttribute("aria-pressed") === "true") this.showTable(true);
    }
  }

  private toggleTable(): void {
    const pressed = this.tableToggle?.getAttribute("aria-pressed") !== "true";
    this.tableToggle?.setAttribute("aria-pressed", String(pressed));
    this.showTable(pressed);
  }

  private showTable(shown: boolean): void {
    if (!this.visual || !this.result) return;
    this.body.querySelector(".dashlet-table-wrap")?.remove();
    this.visual.hidden = shown;
    if (shown) this.body.append(renderTable(this.result, { caption: this.chart.title, format: this.format }));
  }

  private replaceBody(content: HTMLElement): void {
    if (content !== this.visual) {
      this.tableToggle?.setAttribute("disabled", "");
      this.drawn?.dispose();
      this.drawn = null;
      this.visual = null;
    }
    this.body.replaceChildren(content);
  }

  private settle(state: "loaded" | "error"): void {
    this.renders += 1;
    this.element.dataset.state = state;
    this.element.dataset.renders = String(this.renders);
    this.element.removeAttribute("aria-busy");
  }

  private notice(className: string, text: string): HTMLElement {
    return element("p", className, text);
  }

  private asOf(result: Result): Node[] {
    const time = element("time", "dashlet-as-of", `As of ${formatComputedAt(result.computed_at)}`);
    time.dateTime = result.computed_at;
    time.title = `Computed ${dateFormat({ dateStyle: "medium", timeStyle: "medium" }).format(new Date(result.computed_at))} in ${Math.round(result.duration_ms)} ms`;
    const parts: Node[] = [time];
    if (result.cached) {
      const cached = element("span", "dashlet-cached", "cached");
      cached.title = "Served from the cache";
      parts.push(cached);
    }
    if (result.truncated) parts.push(element("span", "dashlet-truncated", `first ${result.rows.length} rows`));
    return parts;
  }

  private action(label: string, icon: "table" | "csv", onClick: () => void): HTMLButtonElement {
    const button = element("button", `dashlet-action dashlet-action-${icon}`);
    button.type = "button";
    button.setAttribute("aria-label", label);
    button.title = label;
    button.append(iconSvg(icon), element("span", "dashlet-action-text", icon === "csv" ? "CSV" : "Table"));
    button.addEventListener("click", onClick);
    this.actions.append(button);
    return button;
  }
}

const ICONS: Record<string, string> = {
  table: "M3 4h18v16H3zM3 9h18M3 14h18M9 4v16",
  csv: "M12 4v11m0 0-4-4m4 4 4-4M5 19h14",
};

function iconSvg(name: string): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}
