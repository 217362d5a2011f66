// ECharts options for each chart type, built from a result and the chart's encoding.
// Pure functions: what the page draws is exactly what these return.

import type { BarSeriesOption, LineSeriesOption, PieSeriesOption, ScatterSeriesOption } from "echarts/charts";
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from "echarts/components";
import type { ComposeOption } from "echarts/core";
import type { ChartConfig, Result } from "../page/config";
import { dateAxisFormatter, formatAxisNumber, formatValue, humanize, numberFormat } from "../page/format";
import type { ChartTheme } from "./theme";

export type Option = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

/** A chart whose encoding names a column its query does not return. */
export class EncodingProblem extends Error {
  readonly code = "chart_encoding";
}

function column(result: Result, name: unknown, key: string): number {
  const index = result.columns.findIndex((c) => c.name === name);
  if (index < 0) {
    throw new EncodingProblem(`The chart's ${key} is the column "${String(name)}", which its query does not return.`);
  }
  return index;
}

function asNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  const number = typeof value === "number" ? value : Number(value);
  return Number.isFinite(number) ? number : null;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

export interface Series {
  name: string;
  values: (number | null)[];
}

/**
 * Categories along x and one series per y column (or per value of `series` and y column).
 * An empty value, or with `series` a combination without a row, is `missing` (null: a gap;
 * 0: nothing added to a stack).
 */
export function pivot(chart: ChartConfig, result: Result, missing: number | null = null): { categories: unknown[]; series: Series[] } {
  const x = column(result, chart.encoding.x, "x");
  const ys = asList(chart.encoding.y).map((name) => ({ name: String(name), index: column(result, name, "y") }));
  if (chart.encoding.series === undefined) {
    return {
      categories: result.rows.map((row) => row[x]),
      series: ys.map((y) => ({ name: y.name, values: result.rows.map((row) => asNumber(row[y.index]) ?? missing) })),
    };
  }
  const split = column(result, chart.encoding.series, "series");
  const categories: unknown[] = [];
  const position = new Map<string, number>();
  const groups = new Map<string, Map<string, Map<number, number | null>>>();
  for (const row of result.rows) {
    const key = String(row[x]);
    if (!position.has(key)) {
      position.set(key, categories.length);
      categories.push(row[x]);
    }
    const group = String(row[split]);
    if (!groups.has(group)) groups.set(group, new Map(ys.map((y) => [y.name, new Map()])));
    for (const y of ys) groups.get(group)?.get(y.name)?.set(position.get(key) ?? 0, asNumber(row[y.index]) ?? missing);
  }
  const series: Series[] = [];
  for (const [group, byY] of groups) {
    for (const [yName, values] of byY) {
      series.push({
        name: ys.length > 1 ? `${group} · ${humanize(yName)}` : group,
        values: categories.map((_, i) => values.get(i) ?? missing),
      });
    }
  }
  return { categories, series };
}

function base(theme: ChartTheme, legend: boolean): Option {
  return {
    animation: theme.animate,
    animationDuration: 350,
    color: theme.palette,
    textStyle: { color: theme.text, fontFamily: "inherit" },
    legend: legend
      ? { type: "scroll", top: 0, left: 0, icon: "roundRect", itemWidth: 10, itemHeight: 10, textStyle: { color: theme.muted }, pageTextStyle: { color: theme.muted } }
      : { show: false },
    tooltip: {
      backgroundColor: theme.card,
      borderColor: theme.border,
      textStyle: { color: theme.text },
      confine: true,
      // Drawn on the canvas: HTML tooltips carry style attributes the page's CSP refuses.
      renderMode: "richText",
    },
  };
}

/** Room per category: every label shown (long ones wrapped) when there is, else ECharts skips some. */
function categoryLabels(count: number, width: number): object {
  const band = (width - 60) / Math.max(count, 1);
  return band >= 56 ? { interval: 0, width: Math.floor(band - 6), overflow: "break" } : { hideOverlap: true };
}

export function categoricalOption(chart: ChartConfig, result: Result, theme: ChartTheme, width: number): Option {
  const kind = chart.type as "bar" | "line" | "area";
  // Stacked areas add up: a channel without sales in a month adds 0, not a hole in the stack.
  const { categories, series } = pivot(chart, result, kind === "area" ? 0 : null);
  const format = chart.encoding.format as string | undefined;
  const xType = result.columns[column(result, chart.encoding.x, "x")].type;
  const dates = xType === "date" || xType === "datetime";
  const legend = series.length > 1;
  const stacked = kind === "area" && series.length > 1;
  return {
    ...base(theme, legend),
    tooltip: { ...base(theme, legend).tooltip, trigger: "axis", valueFormatter: (v) => formatValue(v, "number", format) },
    grid: { left: 4, right: 12, top: legend ? 34 : 12, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "axisLabel" },
    xAxis: {
      type: "category",
      data: categories.map((c) => (c === null ? "" : String(c))),
      boundaryGap: kind === "bar",
      axisLabel: {
        color: theme.muted,
        ...(kind === "bar" ? categoryLabels(categories.length, width) : { hideOverlap: true }),
        formatter: dates ? dateAxisFormatter(categories) : (v: string) => (typeof categories[0] === "number" ? formatValue(Number(v), "number") : v),
      },
      axisLine: { lineStyle: { color: theme.border } },
      axisTick: { show: false },
    },
    yAxis: {
      type: "value",
      axisLabel: { color: theme.muted, formatter: (v: number) => formatAxisNumber(v) },
      splitLine: { lineStyle: { color: theme.border } },
    },
    series: series.map((s): BarSeriesOption | LineSeriesOption =>
      kind === "bar"
        ? { type: "bar", name: humanize(s.name), data: s.values, barMaxWidth: 44, itemStyle: { borderRadius: [3, 3, 0, 0] }, emphasis: { focus: "series" } }
        : {
            type: "line",
            name: humanize(s.name),
            data: s.values,
            showSymbol: categories.length <= 24,
            symbolSize: 5,
            lineStyle: { width: 2 },
            stack: stacked ? "total" : undefined,
            areaStyle: kind === "area" ? { opacity: stacked ? 0.55 : 0.2 } : undefined,
            emphasis: { focus: "series" },
          },
    ),
  };
}

export function pieOption(chart: ChartConfig, result: Result, theme: ChartTheme): Option {
  const label = column(result, chart.encoding.label, "label");
  const value = column(result, chart.encoding.value, "value");
  const format = chart.encoding.format as string | undefined;
  const data = result.rows.map((row) => ({ name: row[label] === null ? "(none)" : String(row[label]), value: asNumber(row[value]) ?? 0 }));
  const total = data.reduce((sum, slice) => sum + Math.max(slice.value, 0), 0);
  const share = new Map(data.map((slice) => [slice.name, total > 0 ? slice.value / total : 0]));
  const percent = numberFormat({ style: "percent", maximumFractionDigits: 1 });
  const legend = base(theme, true).legend as LegendComponentOption;
  return {
    ...base(theme, false),
    // Shares in the legend: outside labels collide as soon as a card is narrow.
    legend: { ...legend, type: "plain", top: undefined, bottom: 0, left: "center", formatter: (name: string) => `${name}  ${percent.format(share.get(name) ?? 0)}` },
    tooltip: { ...base(theme, false).tooltip, trigger: "item", valueFormatter: (v) => formatValue(v, "number", format) },
    series: [
      {
        type: "pie",
        name: chart.title,
        radius: ["40%", "66%"],
        center: ["50%", "40%"],
        itemStyle: { borderColor: theme.card, borderWidth: 2 },
        label: { show: false, position: "center", color: theme.text },
        emphasis: { label: { show: true, formatter: "{b}\n{d}%", fontSize: 14, fontWeight: "bold" } },
        labelLine: { show: false },
        data,
      },
    ],
  };
}

export function scatterOption(chart: ChartConfig, result: Result, theme: ChartTheme): Option {
  const x = column(result, chart.encoding.x, "x");
  const y = column(result, asList(chart.encoding.y)[0], "y");
  const split = chart.encoding.series === undefined ? -1 : column(result, chart.encoding.series, "series");
  // A point's name is the first text column the axes do not use (a product, a customer).
  const nameIndex = result.columns.findIndex((c, i) => c.type === "string" && i !== split);
  const groups = new Map<string, { name: string; value: [number | null, number | null] }[]>();
  for (const row of result.rows) {
    const group = split < 0 ? humanize(String(chart.encoding.y)) : String(row[split]);
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)?.push({ name: nameIndex < 0 ? "" : String(row[nameIndex]), value: [asNumber(row[x]), asNumber(row[y])] });
  }
  const legend = groups.size > 1;
  const format = chart.encoding.format as string | undefined;
  const axis = (name: string) => ({
    type: "value" as const,
    name: humanize(name),
    nameLocation: "middle" as const,
    nameGap: 26,
    nameTextStyle: { color: theme.muted },
    scale: true,
    axisLabel: { color: theme.muted, formatter: (v: number) => formatAxisNumber(v) },
    axisLine: { lineStyle: { color: theme.border } },
    splitLine: { lineStyle: { color: theme.border } },
  });
  return {
    ...base(theme, legend),
    tooltip: {
      ...base(theme, legend).tooltip,
      trigger: "item",
      formatter: (params) => {
        const point = params as unknown as { name: string; seriesName: string; value: [number, number] };
        const xName = humanize(result.columns[x].name);
        const yName = humanize(result.columns[y].name);
        const title = point.name ? `${point.name} (${point.seriesName})` : point.seriesName;
        return [title, `${xName}: ${formatValue(point.value[0], "number", format)}`, `${yName}: ${formatValue(point.value[1], "number", format)}`].join("\n");
      },
    },
    grid: { left: 8, right: 12, top: legend ? 34 : 12, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "all" },
    xAxis: axis(result.columns[x].name),
    yAxis: { ...axis(result.columns[y].name), nameRotate: 90, nameGap: 36 },
    series: [...groups].map(([name, data]): ScatterSeriesOption => ({ type: "scatter", name, data, symbolSize: 9, emphasis: { focus: "series" } })),
  };
}

/** The option for any canvas chart drawn `width` pixels wide. */
export function chartOption(chart: ChartConfig, result: Result, theme: ChartTheme, width: number): Option {
  if (chart.type === "pie") return pieOption(chart, result, theme);
  if (chart.type === "scatter") return scatterOption(chart, result, theme);
  return categoricalOption(chart, result, theme, width);
}
