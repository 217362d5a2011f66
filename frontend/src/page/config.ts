// The page configuration the server embeds as JSON (dashlet/web/embed_page.py: page_config).

export type VariableType = "string" | "integer" | "number" | "boolean" | "date" | "datetime";
export type Scalar = string | number | boolean;
export type Value = Scalar | Scalar[] | null;

export interface ChartConfig {
  slug: string;
  title: string;
  type: "table" | "number" | "bar" | "line" | "area" | "pie" | "scatter";
  width: number;
  height: number;
  encoding: Record<string, unknown>;
  /** The viewer-editable variables this chart's SQL uses: a change to one refetches it. */
  variables: string[];
}

export interface VariableConfig {
  name: string;
  label: string;
  type: VariableType;
  multi: boolean;
  required: boolean;
  /** The value at page load (its default): what Reset goes back to. */
  value: Value;
  /** A fixed option list, when the dashboard gives one. */
  choices: Scalar[] | null;
  /** Options come from the server (choices_sql, run under the token's locked values or the member's choices). */
  choicesFromServer: boolean;
  /** The other editable variables its choices_sql uses: a change to one refetches its options. */
  choicesVariables: string[];
}

export interface PageConfig {
  version: number;
  dataUrl: string;
  chartUrl: string;
  choicesUrl: string;
  /** The embed token; "" in a member's native view, where the session cookie authorizes. */
  token: string;
  /** The token's exp (null: nothing expires) and the server's clock at render time (seconds), to survive client skew. */
  expiresAt: number | null;
  serverTime: number;
  charts: ChartConfig[];
  variables: VariableConfig[];
  allowCsv: boolean;
  /** The organization's frame-ancestors allow-list; empty means any host may frame the page. */
  frameAncestors: string[];
}

export interface Column {
  name: string;
  type: string;
}

export interface Result {
  columns: Column[];
  rows: unknown[][];
  cached: boolean;
  duration_ms: number;
  truncated: boolean;
  computed_at: string;
}

export interface Problem {
  code: string;
  message: string;
}

export function readConfig(doc: Document): PageConfig | null {
  const element = doc.getElementById("dashlet-config");
  return element?.textContent ? (JSON.parse(element.textContent) as PageConfig) : null;
}
