// Real table markup for table charts and for every chart's "view as table": sortable by any
// column (buttons in the headers, aria-sort on the sorted one), numbers right-aligned.

import type { Column, Result } from "./config";
import { formatValue, humanize } from "./format";

type Direction = "ascending" | "descending";

const NUMERIC = new Set(["integer", "number"]);

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1; // empty cells last, whatever the direction
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** The columns to show: the encoding's `columns` (in its order) or all of them. */
export function shownColumns(result: Result, wanted: unknown): number[] {
  const all = result.columns.map((_, index) => index);
  if (!Array.isArray(wanted) || wanted.length === 0) return all;
  const picked = wanted
    .map((name) => result.columns.findIndex((column) => column.name === name))
    .filter((index) => index >= 0);
  return picked.length > 0 ? picked : all;
}

export function renderTable(
  result: Result,
  options: { caption: string; columns?: number[]; format?: string },
): HTMLElement {
  const columns = options.columns ?? result.columns.map((_, index) => index);
  const table = document.createElement("table");
  table.className = "dashlet-table";
  const caption = table.createCaption();
  caption.className = "dashlet-visually-hidden";
  caption.textContent = options.caption;
  const headRow = table.createTHead().insertRow();
  const body = table.createTBody();
  let sorted: { column: number; direction: Direction } | null = null;
  const formats = columnFormats(result, options.format);

  const fillBody = (): void => {
    const rows = result.rows.slice();
    if (sorted) {
      const { column, direction } = sorted;
      rows.sort((a, b) => {
        const order = compare(a[column], b[column]);
        return direction === "ascending" || a[column] == null || b[column] == null ? order : -order;
      });
    }
    body.replaceChildren(...rows.map((row) => bodyRow(row, columns, result.columns, formats)));
  };

  for (const index of columns) {
    const column = result.columns[index];
    const th = document.createElement("th");
    th.scope = "col";
    if (NUMERIC.has(column.type)) th.className = "num";
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = humanize(column.name);
    button.addEventListener("click", () => {
      const direction: Direction =
        sorted?.column === index && sorted.direction === "ascending" ? "descending" : "ascending";
      sorted = { column: index, direction };
      for (const other of headRow.cells) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", direction);
      fillBody();
    });
    th.append(button);
    headRow.append(th);
  }
  fillBody();
  const wrap = document.createElement("div");
  wrap.className = "dashlet-table-wrap";
  // Scrollable regions must be reachable from the keyboard.
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", options.caption);
  wrap.append(table);
  return wrap;
}

function decimals(value: unknown): number {
  if (typeof value !== "number" || Number.isInteger(value)) return 0;
  const text = String(value);
  return text.includes("e") ? 2 : Math.min(text.length - text.indexOf(".") - 1, 2);
}

/** Per column, the format of its cells: the chart's, else as many decimals as its values need (at most 2), so digits line up. */
function columnFormats(result: Result, format?: string): (string | undefined)[] {
  return result.columns.map((column, index) => {
    // Identifiers are codes, not quantities: 999998, not 999,998.
    if (column.type === "integer" && /(^|_)id$/i.test(column.name)) return "id";
    if (format || column.type !== "number") return format;
    const digits = Math.max(0, ...result.rows.map((row) => decimals(row[index])));
    return `decimals:${digits}`;
  });
}

function bodyRow(row: unknown[], shown: number[], columns: Column[], formats: (string | undefined)[]): HTMLTableRowElement {
  const tr = document.createElement("tr");
  for (const index of shown) {
    const td = document.createElement("td");
    const { type } = columns[index];
    if (NUMERIC.has(type)) td.className = "num";
    td.textContent = formatValue(row[index], type, formats[index]);
    tr.append(td);
  }
  return tr;
}
