// Display formatting of result values: numbers by the chart's `format`, dates without
// time-zone surprises, column names made readable.

// Making an Intl formatter loads locale data (milliseconds each, on every card of a page):
// one per set of options, made on first use.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let found = numberFormats.get(key);
  if (!found) {
    found = new Intl.NumberFormat(undefined, options);
    numberFormats.set(key, found);
  }
  return found;
}

export function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let found = dateFormats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(undefined, options);
    dateFormats.set(key, found);
  }
  return found;
}

/**
 * Options for a chart's `format`: `integer`, `decimals:N`, `percent` (the value is already
 * in percent), `currency:EUR`, `compact`; anything else formats as a plain number. (`id`, no
 * digit grouping, is what tables use for identifier columns.)
 */
function formatOptions(format: string | undefined): Intl.NumberFormatOptions {
  const [name, argument] = (format ?? "").split(":", 2);
  switch (name) {
    case "integer":
      return { maximumFractionDigits: 0 };
    case "id":
      return { maximumFractionDigits: 0, useGrouping: false };
    case "decimals": {
      const digits = Math.min(Math.max(Number(argument) || 0, 0), 10);
      return { minimumFractionDigits: digits, maximumFractionDigits: digits };
    }
    case "currency":
      return { style: "currency", currency: /^[A-Za-z]{3}$/.test(argument ?? "") ? argument : "USD" };
    case "compact":
      return { notation: "compact", maximumFractionDigits: 1 };
    default:
      return { maximumFractionDigits: 2 };
  }
}

export function formatNumber(value: number, format?: string): string {
  const text = numberFormat(formatOptions(format)).format(value);
  return format?.split(":", 1)[0] === "percent" ? `${text} %` : text;
}

/** Short axis labels: 12,345,678 becomes 12M. */
export function formatAxisNumber(value: number): string {
  return numberFormat({ notation: "compact", maximumFractionDigits: 1 }).format(value);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** A date or datetime from the server; naive values are shown as written, not shifted. */
export function formatDate(text: string, type: string): string {
  const naive = DATE_ONLY.test(text) || NAIVE.test(text);
  const date = new Date(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : naive ? `${text}Z` : text);
  if (Number.isNaN(date.getTime())) return text;
  const options: Intl.DateTimeFormatOptions =
    type === "date" ? { dateStyle: "medium" } : { dateStyle: "medium", timeStyle: "short" };
  if (naive) options.timeZone = "UTC";
  return dateFormat(options).format(date);
}

/** Axis labels for dates: "Jul 25" when every value is a month start, else "Jul 3". */
export function dateAxisFormatter(values: readonly unknown[]): (text: string) => string {
  const monthly = values.every((v) => typeof v === "string" && /^\d{4}-\d{2}-01/.test(v));
  const options: Intl.DateTimeFormatOptions = monthly
    ? { month: "short", year: "2-digit", timeZone: "UTC" }
    : { month: "short", day: "numeric", timeZone: "UTC" };
  const format = dateFormat(options);
  return (text) => {
    const date = new Date(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : `${text.slice(0, 19)}Z`);
    return Number.isNaN(date.getTime()) ? text : format.format(date);
  };
}

/** One table or tooltip cell. */
export function formatValue(value: unknown, type: string, format?: string): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    // In a table the format is meant for its measures: counts (integers) keep plain grouping.
    const measureOnly = type === "integer" && /^(currency|decimals)\b/.test(format ?? "");
    return formatNumber(value, measureOnly ? undefined : format);
  }
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "string" && (type === "date" || type === "datetime")) {
    return formatDate(value, type);
  }
  return String(value);
}

/** "previous_year" reads "previous year". */
export function humanize(name: string): string {
  return name.replace(/_/g, " ");
}

/** "As of" time: the time alone today, the date and time otherwise. */
export function formatComputedAt(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay = date.toDateString() === now.toDateString();
  return dateFormat(sameDay ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" }).format(date);
}
