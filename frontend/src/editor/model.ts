// The dashboard being edited: its dashboards-as-code document (the structure GET .../document
// gives) and the rules for changing it. Keys at their default are left out, as `dashlet export`
// writes them; keys the editor does not show (theme, embed, sql_file...) stay as they came.

export type VariableType = "string" | "integer" | "number" | "boolean" | "date" | "datetime";
export const VARIABLE_TYPES: VariableType[] = ["string", "integer", "number", "boolean", "date", "datetime"];

export interface VariableDoc {
  name: string;
  type: VariableType;
  [key: string]: unknown;
}

export interface ChartDoc {
  slug: string;
  title: string;
  type: string;
  sql?: string;
  [key: string]: unknown;
}

export interface DashboardDoc {
  slug: string;
  title: string;
  source: string;
  variables?: VariableDoc[];
  charts?: ChartDoc[];
  [key: string]: unknown;
}

export interface ChartTypeInfo {
  /** The encoding keys this type reads. */
  encoding: string[];
  /** Those it cannot do without. */
  required: string[];
}

export const DEFAULT_WIDTH = 6;
export const DEFAULT_HEIGHT = 4;
/** Encoding keys holding a list of column names (typed as comma-separated text). */
export const LIST_KEYS = new Set(["y", "columns"]);

// The documented key order (docs/dashboards-as-code.md), so the YAML reads like an exported file.
const DASHBOARD_ORDER = ["slug", "title", "description", "source", "cache_ttl", "embed", "usage_key", "theme", "variables", "charts"];
const VARIABLE_ORDER = ["name", "label", "type", "hidden", "required", "multi", "default", "choices", "choices_sql"];
const CHART_ORDER = [
  "slug", "title", "type", "x", "y", "series", "label", "value", "compare", "columns", "format",
  "width", "height", "cache_ttl", "shared", "sql", "sql_file",
];

export function blankDocument(source: string): DashboardDoc {
  return { slug: "", title: "", source, charts: [] };
}

export function newVariable(taken: string[]): VariableDoc {
  return { name: freshName("VARIABLE", taken, "_"), type: "string" };
}

export function newChart(taken: string[]): ChartDoc {
  return { slug: freshName("chart", taken, "-"), title: "New chart", type: "table", sql: "SELECT 1 AS one" };
}

function freshName(stem: string, taken: string[], joiner: string): string {
  for (let n = 1; ; n += 1) {
    const name = n === 1 ? stem : `${stem}${joiner}${n}`;
    if (!taken.includes(name)) return name;
  }
}

/** Set `key`, or leave it out when `value` is empty or `fallback` (the key's default). */
export function setKey(item: Record<string, unknown>, key: string, value: unknown, fallback?: unknown): void {
  const empty = value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
  if (empty || value === fallback) delete item[key];
  else item[key] = value;
}

/** Move item `index` of `items` by `step` (-1 up, +1 down); false when it cannot move. */
export function moveItem<T>(items: T[], index: number, step: number): boolean {
  const target = index + step;
  if (target < 0 || target >= items.length) return false;
  [items[index], items[target]] = [items[target], items[index]];
  return true;
}

/** A new type keeps only the encoding keys that type reads. */
export function changeChartType(chart: ChartDoc, type: string, types: Record<string, ChartTypeInfo>): void {
  const everyKey = new Set(Object.values(types).flatMap((info) => info.encoding));
  const kept = new Set(types[type]?.encoding ?? []);
  chart.type = type;
  for (const key of everyKey) if (!kept.has(key)) delete chart[key];
}

/** Comma-separated text as a list: items trimmed, empty ones dropped. */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** A value as the text of its input: lists comma-separated. */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return Array.isArray(value) ? value.map((item) => String(item)).join(", ") : String(value);
}

/**
 * Typed text as the YAML value a file would hold: integer, number and boolean variables' values
 * become numbers and booleans when they read as one (anything else is sent as typed, for the
 * server to refuse with its own message).
 */
export function typedValue(text: string, type: VariableType): unknown {
  const trimmed = text.trim();
  if (type === "integer" && /^-?\d+$/.test(trimmed) && Number.isSafeInteger(Number(trimmed))) return Number(trimmed);
  if (type === "number" && /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return Number(trimmed);
  if (type === "boolean" && (trimmed === "true" || trimmed === "false")) return trimmed === "true";
  return type === "string" ? text : trimmed;
}

/** A variable's default (or choices) from its input's text: a list for a multi variable. */
export function typedDefault(text: string, variable: VariableDoc): unknown {
  if (variable.multi === true) return splitList(text).map((item) => typedValue(item, variable.type));
  return text.trim() === "" ? undefined : typedValue(text, variable.type);
}

export function typedChoices(text: string, variable: VariableDoc): unknown[] {
  return splitList(text).map((item) => typedValue(item, variable.type));
}

/** The document with every mapping's keys in the documented order (unknown keys last). */
export function ordered(doc: DashboardDoc): DashboardDoc {
  const result = orderKeys(doc, DASHBOARD_ORDER) as DashboardDoc;
  if (doc.variables) result.variables = doc.variables.map((v) => orderKeys(v, VARIABLE_ORDER) as VariableDoc);
  if (doc.charts) result.charts = doc.charts.map((c) => orderKeys(c, CHART_ORDER) as ChartDoc);
  return result;
}

function orderKeys(item: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of order) if (key in item) result[key] = item[key];
  for (const key of Object.keys(item)) if (!(key in result)) result[key] = item[key];
  return result;
}

/** The document as a comparable text: equal texts, same dashboard. */
export function fingerprint(doc: DashboardDoc): string {
  return JSON.stringify(ordered(doc));
}

/** Whether `value` has the shape of a document the form can show. */
export function isDocument(value: unknown): value is DashboardDoc {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const doc = value as Record<string, unknown>;
  const listOfMappings = (key: string) =>
    doc[key] === undefined || (Array.isArray(doc[key]) && (doc[key] as unknown[]).every((item) => typeof item === "object" && item !== null && !Array.isArray(item)));
  return listOfMappings("variables") && listOfMappings("charts");
}
