// The dashboard: cards fed by the one streamed data request, filters that refetch only the
// charts using the changed variable (and any a whole-request refusal left failed), and the
// host commands (set-token, set-filters).

import type { Message } from "../shared/messages";
import { Card, type ChartModule, drawsWithCharts } from "./cards";
import type { PageConfig, Problem, Result, Scalar, VariableConfig } from "./config";
import { downloadCsv } from "./csv";
import { FilterBar, type Values, valuesFromUrl } from "./filters";
import type { HostChannel } from "./protocol";
import { RequestProblem, authorizedFetch, jsonLines, withParams } from "./stream";
import { ExpiryAlarm, tokenExpiry } from "./token";

type Reason = "initial" | "filters" | "token";

const DRAW_FAILED: Problem = { code: "chart_draw_failed", message: "This chart could not be drawn in this browser." };

interface Line {
  chart: string;
  result?: Result;
  error?: Problem;
}

function variableParams(values: Values): [string, string][] {
  const params: [string, string][] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.push([`var.${name}`, String(item)]);
  }
  return params;
}

export class Dashboard {
  private readonly cards = new Map<string, Card>();
  private readonly filters: FilterBar;
  private readonly alarm: ExpiryAlarm;
  private token: string;
  /** Per chart, the request whose answer it should show: an older answer never overwrites a newer one. */
  private readonly latest = new Map<string, number>();
  private requests = 0;
  private inFlight = new Map<number, { charts: string[]; abort: AbortController }>();
  /** Charts whose last request was refused as a whole (a missing or bad filter value): any filter change retries them. */
  private readonly refusedWhole = new Set<string>();
  private chartModule: Promise<ChartModule> | null = null;

  constructor(
    private readonly config: PageConfig,
    private readonly channel: HostChannel,
    private readonly root: HTMLElement = document.body,
  ) {
    this.token = config.token;
    this.alarm = new ExpiryAlarm(config.serverTime, (expiresAt) => channel.emit("token-expiring", { expiresAt }));
    this.alarm.set(config.expiresAt);
    const download = config.allowCsv ? (card: Card) => this.download(card) : null;
    for (const chart of config.charts) {
      const element = root.querySelector<HTMLElement>(`[data-chart="${chart.slug}"]`);
      if (element) this.cards.set(chart.slug, new Card(element, chart, () => this.charts(), download));
    }
    this.filters = new FilterBar(
      root.querySelector("#dashlet-filters") as HTMLElement,
      config.variables,
      valuesFromUrl(window.location.search, config.variables),
      (variable, values) => this.choices(variable, values),
      (changed, source) => this.filtersChanged(changed, source),
    );
    channel.on("set-token", (data) => this.setToken(data));
    channel.on("set-filters", (data) => this.setFilters(data));
  }

  /** Start drawing: fetch the renderer now if any chart needs it, and every chart's data. */
  start(): void {
    if (this.config.charts.some(drawsWithCharts)) void this.charts();
    void this.load([...this.cards.keys()], "initial");
  }

  /** What a chart last drew (tests and debugging: `dashletCharts.option(slug)`). */
  option(slug: string): unknown {
    return this.cards.get(slug)?.option() ?? null;
  }

  private charts(): Promise<ChartModule> {
    this.chartModule ??= import("../charts/index");
    return this.chartModule;
  }

  private async load(slugs: string[], reason: Reason): Promise<void> {
    if (slugs.length === 0) return;
    const id = ++this.requests;
    for (const slug of slugs) {
      this.latest.set(slug, id);
      this.cards.get(slug)?.refreshing();
    }
    this.abortSuperseded();
    const abort = new AbortController();
    this.inFlight.set(id, { charts: slugs, abort });
    const all = slugs.length === this.cards.size;
    const url = withParams(this.config.dataUrl, [
      ...(all ? [] : ([["charts", slugs.join(",")]] as [string, string][])),
      ...variableParams(this.filters.values()),
    ]);
    const painting: Promise<void>[] = [];
    const failed: { chart: string; code: string; message: string }[] = [];
    try {
      const response = await authorizedFetch(url, this.token, abort.signal);
      for await (const line of jsonLines(response) as AsyncGenerator<Line>) {
        const card = this.cards.get(line.chart);
        if (!card || this.latest.get(line.chart) !== id) continue;
        this.refusedWhole.delete(line.chart);
        if (line.error) {
          failed.push({ chart: line.chart, ...line.error });
          card.fail(line.error);
        } else if (line.result) {
          painting.push(card.show(line.result).catch(() => card.fail(DRAW_FAILED)));
        }
      }
    } catch (error) {
      if (abort.signal.aborted) return;
      const problem = error instanceof RequestProblem ? error.problem : { code: "network_error", message: String(error) };
      this.pageProblem(problem, slugs.filter((slug) => this.latest.get(slug) === id));
      return;
    } finally {
      this.inFlight.delete(id);
    }
    await Promise.all(painting);
    // Let the canvas paint before telling the host everything is drawn.
    await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    if (this.inFlight.size === 0) {
      this.root.querySelector(".dashlet-dashboard")?.setAttribute("aria-busy", "false");
      this.channel.emit("loaded", { reason, charts: slugs.length, errors: failed });
    }
  }

  private abortSuperseded(): void {
    for (const [id, request] of this.inFlight) {
      if (request.charts.every((slug) => this.latest.get(slug) !== id)) {
        request.abort.abort();
        this.inFlight.delete(id);
      }
    }
  }

  /** A whole request was refused (an expired token, a bad filter value): every card says so. */
  private pageProblem(problem: Problem, slugs: string[]): void {
    for (const slug of slugs) {
      this.cards.get(slug)?.fail(problem);
      this.refusedWhole.add(slug);
    }
    if (problem.code.startsWith("token_")) {
      document.documentElement.dataset.state = "token-expired";
      const banner = this.root.querySelector<HTMLElement>("#dashlet-banner");
      if (banner) {
        banner.textContent =
          problem.code === "token_expired"
            ? "This dashboard's session has expired. Reload the page to see current data."
            : problem.message;
        banner.hidden = false;
      }
    }
    this.channel.emit("error", problem);
  }

  private filtersChanged(changed: string[], source: "viewer" | "host"): void {
    const affected = [...this.cards.values()]
      .filter((card) => this.refusedWhole.has(card.chart.slug) || card.chart.variables.some((name) => changed.includes(name)))
      .map((card) => card.chart.slug);
    this.channel.emit("filters-changed", { values: this.filters.values(), changed, source });
    void this.load(affected, "filters");
  }

  private setToken(data: Message): void {
    if (typeof data.token !== "string" || data.token === "") return;
    this.token = data.token;
    this.alarm.set(tokenExpiry(data.token));
    delete document.documentElement.dataset.state;
    const banner = this.root.querySelector<HTMLElement>("#dashlet-banner");
    if (banner) banner.hidden = true;
    // The viewer's filters stay as they are: the fresh token only replaces the old one.
    void this.load([...this.cards.keys()], "token");
  }

  private setFilters(data: Message): void {
    if (typeof data.values !== "object" || data.values === null) return;
    const ignored = this.filters.set(data.values as Record<string, unknown>);
    if (ignored.length > 0) {
      this.channel.emit("error", {
        code: "variable_locked",
        message: `These variables have no filter on this dashboard and were not changed: ${ignored.join(", ")}.`,
      });
    }
    this.filters.apply("host");
  }

  private async choices(variable: VariableConfig, values: Values): Promise<Scalar[]> {
    if (variable.choices !== null) return variable.choices;
    const uses = Object.fromEntries(variable.choicesVariables.map((name) => [name, values[name] ?? null]));
    const url = withParams(`${this.config.choicesUrl}${encodeURIComponent(variable.name)}/choices.json`, variableParams(uses));
    try {
      const response = await authorizedFetch(url, this.token);
      return ((await response.json()) as { choices: Scalar[] }).choices;
    } catch {
      return [];
    }
  }

  private download(card: Card): void {
    const slug = card.chart.slug;
    const url = withParams(`${this.config.chartUrl}${slug}.csv`, variableParams(this.filters.values()));
    downloadCsv(url, this.token, `${slug}.csv`).catch((error: unknown) => {
      if (error instanceof RequestProblem) this.channel.emit("error", error.problem);
    });
  }
}
