// A chart's run preview: test values for the variables its SQL binds (typed as text, prefilled
// with their defaults), the unsaved chart run by the server, and its result drawn by the embed
// page's own card (chart, table or number) with the rows listed under it.

import { Card, type ChartModule } from "../page/cards";
import type { ChartConfig, Result } from "../page/config";
import { renderTable } from "../page/table";
import { ApiProblem, type PreviewAnswer, type SpecProblem, type TestValues } from "./api";
import { button, el } from "./dom";
import { type ChartDoc, type ChartTypeInfo, DEFAULT_HEIGHT, DEFAULT_WIDTH, LIST_KEYS, type VariableDoc, splitList, valueText } from "./model";
import { describe } from "./problems";
import { usedVariables } from "./sql";

/** Rows listed under a preview (the chart itself draws every row the server sent). */
export const SHOWN_ROWS = 100;
const ROW_PIXELS = 64; // the embed grid's row height and gap, so a preview is the card's size
const GAP_PIXELS = 14;

export interface PreviewHost {
  readonly chartTypes: Record<string, ChartTypeInfo>;
  variables(): VariableDoc[];
  run(chart: ChartDoc, values: TestValues): Promise<PreviewAnswer>;
  charts(): Promise<ChartModule>;
  /** The problems a refused preview named: shown next to their inputs too. */
  refused(problems: SpecProblem[]): void;
}

/** The chart as the embed page's card reads it. */
export function chartConfig(chart: ChartDoc, types: Record<string, ChartTypeInfo>): ChartConfig {
  const encoding: Record<string, unknown> = {};
  for (const key of types[chart.type]?.encoding ?? []) {
    const value = chart[key];
    if (value !== undefined) encoding[key] = LIST_KEYS.has(key) && !Array.isArray(value) ? [value] : value;
  }
  return {
    slug: chart.slug,
    title: chart.title,
    type: chart.type as ChartConfig["type"],
    width: Number(chart.width ?? DEFAULT_WIDTH),
    height: Number(chart.height ?? DEFAULT_HEIGHT),
    encoding,
    variables: [],
  };
}

export class PreviewPanel {
  readonly element: HTMLElement;
  private readonly inputs = el("div", "editor-test-values");
  private readonly status = el("p", "editor-preview-status");
  private readonly output = el("div", "editor-preview-output");
  /** Test values typed so far, by variable name (others show the variable's default). */
  private readonly typed = new Map<string, string>();
  private card: Card | null = null;
  private runs = 0;

  constructor(
    private readonly host: PreviewHost,
    private readonly chart: ChartDoc,
  ) {
    this.status.setAttribute("role", "status");
    this.element = el(
      "section",
      "editor-preview",
      el("h3", "", "Run preview"),
      this.inputs,
      button("Run preview", () => void this.run(), { className: "editor-run" }),
      this.status,
      this.output,
    );
    this.element.dataset.state = "idle";
    this.refresh();
  }

  /** The test value inputs for the variables the chart's SQL uses now. */
  refresh(): void {
    const declared = new Map(this.host.variables().map((variable) => [variable.name, variable]));
    const used = usedVariables(this.chart.sql ?? "");
    const rows: HTMLElement[] = [];
    for (const name of used) {
      const variable = declared.get(name);
      if (!variable) continue;
      const input = el("input");
      input.type = "text";
      input.name = name;
      input.value = this.typed.get(name) ?? valueText(variable.default);
      input.addEventListener("input", () => this.typed.set(name, input.value));
      const kind = `${variable.type}${variable.multi === true ? ", comma-separated" : ""}`;
      rows.push(el("label", "editor-test-value", `${name} `, el("span", "editor-hint", `(${kind})`), input));
    }
    const undeclared = used.filter((name) => !declared.has(name));
    if (undeclared.length > 0) rows.push(el("p", "editor-hint", `Not declared (add under Variables): ${undeclared.join(", ")}`));
    if (used.length === 0) rows.push(el("p", "editor-hint", "This SQL binds no variable."));
    this.inputs.replaceChildren(...rows);
  }

  /** What the card drew last (null before a run, and for tables and numbers). */
  option(): unknown {
    return this.card?.option() ?? null;
  }

  async run(): Promise<void> {
    const run = ++this.runs;
    this.refresh();
    this.element.dataset.state = "running";
    this.status.textContent = "Running…";
    const config = chartConfig(this.chart, this.host.chartTypes);
    try {
      const answer = await this.host.run(this.chart, this.values());
      if (run === this.runs) await this.show(config, answer);
    } catch (error) {
      if (run !== this.runs) return;
      const problem = error instanceof ApiProblem ? error : new ApiProblem(0, "preview_failed", String(error));
      this.showProblem(config, problem);
    }
  }

  private values(): TestValues {
    const values: TestValues = {};
    const declared = new Map(this.host.variables().map((variable) => [variable.name, variable]));
    for (const input of this.inputs.querySelectorAll("input")) {
      const text = input.value;
      if (text.trim() === "") continue; // left out: the variable's default, if any
      values[input.name] = declared.get(input.name)?.multi === true ? splitList(text) : text;
    }
    return values;
  }

  private async show(config: ChartConfig, answer: PreviewAnswer): Promise<void> {
    const result: Result = { ...answer, cached: false };
    const shown = { ...result, rows: result.rows.slice(0, SHOWN_ROWS) };
    const count = `${answer.rows.length} ${answer.rows.length === 1 ? "row" : "rows"}`;
    const truncated = answer.truncated ? `, truncated at ${answer.row_limit}` : "";
    const listed = answer.rows.length > SHOWN_ROWS ? `; the first ${SHOWN_ROWS} are listed` : "";
    this.status.textContent = `${count}${truncated} in ${Math.round(answer.duration_ms)} ms${listed}.`;
    const card = this.newCard(config);
    try {
      await card.show(config.type === "table" ? shown : result);
    } catch {
      card.fail({ code: "chart_draw_failed", message: "This chart could not be drawn in this browser." });
    }
    if (config.type !== "table" && answer.rows.length > 0) {
      const rows = el("details", "editor-preview-rows", el("summary", "", "Rows"));
      rows.open = true;
      rows.append(renderTable(shown, { caption: `${config.title}: rows` }));
      this.output.append(rows);
    }
    this.element.dataset.state = card.element.dataset.state === "error" ? "error" : "done";
  }

  private showProblem(config: ChartConfig, problem: ApiProblem): void {
    this.status.textContent = "The preview was refused.";
    this.newCard(config).fail({ code: problem.code, message: problem.message });
    if (problem.problems.length > 0) {
      this.output.append(el("ul", "editor-problem-list", ...problem.problems.map((p) => el("li", "", describe(p)))));
      this.host.refused(problem.problems);
    }
    // A refused test value names its variable: mark that input.
    for (const input of this.inputs.querySelectorAll("input")) {
      const named = new RegExp(`\\b${input.name}\\b`).test(problem.message);
      if (named) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    this.element.dataset.state = "error";
  }

  private newCard(config: ChartConfig): Card {
    const title = el("h4", "dashlet-card-title", config.title);
    const element = el(
      "section",
      "dashlet-card editor-preview-card",
      el("header", "dashlet-card-head", title, el("div", "dashlet-card-actions")),
      el("div", "dashlet-card-body"),
      el("footer", "dashlet-card-meta"),
    );
    element.dataset.chart = config.slug;
    element.dataset.type = config.type;
    const rows = Math.min(Math.max(config.height, 2), 8);
    element.style.height = `${rows * ROW_PIXELS + (rows - 1) * GAP_PIXELS}px`;
    this.output.replaceChildren(element);
    this.card = new Card(element, config, () => this.host.charts(), null);
    return this.card;
  }
}
