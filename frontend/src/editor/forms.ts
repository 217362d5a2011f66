// The form: the dashboard's own fields, its variables and its charts (the layout, in page order).
// Inputs write straight into the document; adding, removing, moving an item or changing a
// chart's type asks the editor to draw the form again.

import type { EditorConfig } from "./config";
import { button, checkField, el, fillSelect, fieldId, selectField, textField } from "./dom";
import {
  type ChartDoc,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  type DashboardDoc,
  LIST_KEYS,
  VARIABLE_TYPES,
  type VariableDoc,
  type VariableType,
  changeChartType,
  moveItem,
  newChart,
  newVariable,
  setKey,
  splitList,
  typedChoices,
  typedDefault,
  valueText,
} from "./model";
import type { PreviewPanel } from "./preview";

export interface FormContext {
  readonly config: EditorConfig;
  /** A new dashboard: its slug may be typed (it is fixed after the first save). */
  readonly isNew: boolean;
  doc(): DashboardDoc;
  /** A value changed. */
  changed(): void;
  /** Items were added, removed or moved: draw the form again, then focus the control at `focus`. */
  restructured(focus?: string): void;
  /** A variable's name, type or default changed: what lists or uses variables follows. */
  variablesChanged(): void;
  panel(chart: ChartDoc): PreviewPanel;
}

const ENCODING_LABELS: Record<string, [string, string]> = {
  x: ["x", "The column along the x axis."],
  y: ["y", "The columns drawn as values, comma-separated."],
  series: ["series", "A column whose values split the data into series."],
  label: ["label", "The column naming each slice."],
  value: ["value", "The column holding the value."],
  compare: ["compare", "A column to compare the value with."],
  columns: ["columns", "The columns to show, comma-separated (empty: all)."],
  format: ["format", "integer, decimals:N, percent, currency:EUR or compact."],
};

/** An input's text as a number when it reads as a whole one; other text is sent for the server to refuse. */
function wholeNumber(text: string): unknown {
  const trimmed = text.trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function itemButtons(ctx: FormContext, items: unknown[], index: number, path: string, noun: string, name: string): HTMLElement {
  const move = (step: number, where: string) => () => {
    if (moveItem(items, index, step)) ctx.restructured(`${path.replace(/\[\d+\]$/, "")}[${index + step}]:${where}`);
  };
  const controls = [
    button("Move up", move(-1, "up"), { label: `Move ${noun} ${name} up` }),
    button("Move down", move(1, "down"), { label: `Move ${noun} ${name} down` }),
    button(
      "Remove",
      () => {
        items.splice(index, 1);
        ctx.restructured(`${path.replace(/\[\d+\]$/, "")}:add`);
      },
      { label: `Remove ${noun} ${name}`, className: "editor-remove" },
    ),
  ];
  const [up, down, remove] = controls;
  up.disabled = index === 0;
  down.disabled = index === items.length - 1;
  up.dataset.path = `${path}:up`;
  down.dataset.path = `${path}:down`;
  remove.dataset.path = `${path}:remove`;
  return el("div", "editor-item-buttons", ...controls);
}

export function usageKeyChoices(doc: DashboardDoc): [string, string][] {
  return [["", "none"], ...(doc.variables ?? []).map((v): [string, string] => [v.name, v.name])];
}

export function dashboardFields(ctx: FormContext): HTMLElement {
  const doc = ctx.doc();
  const sources = ctx.config.sources.map((name): [string, string] => [name, name]);
  return el(
    "fieldset",
    "editor-section editor-dashboard",
    el("legend", "", "Dashboard"),
    textField({
      label: "Slug",
      path: "slug",
      value: doc.slug,
      required: true,
      readOnly: !ctx.isNew,
      hint: ctx.isNew
        ? "Its address: lowercase letters, digits, - and _. It cannot change after the first save."
        : "Its address; it cannot change here.",
      onInput: (text) => {
        doc.slug = text.trim();
        ctx.changed();
      },
    }),
    textField({ label: "Title", path: "title", value: valueText(doc.title), required: true, onInput: (text) => ((doc.title = text), ctx.changed()) }),
    textField({
      label: "Description",
      path: "description",
      value: valueText(doc.description),
      kind: "textarea",
      onInput: (text) => (setKey(doc, "description", text.trim()), ctx.changed()),
    }),
    selectField({ label: "Data source", path: "source", value: valueText(doc.source), choices: sources, required: true, onChange: (value) => ((doc.source = value), ctx.changed()) }),
    textField({
      label: "Cache time (seconds)",
      path: "cache_ttl",
      value: valueText(doc.cache_ttl),
      kind: "number",
      min: 0,
      hint: "0: no cache. Empty: the server's default. A chart may set its own.",
      onInput: (text) => (setKey(doc, "cache_ttl", wholeNumber(text)), ctx.changed()),
    }),
    selectField({
      label: "Usage key",
      path: "usage_key",
      value: valueText(doc.usage_key),
      choices: usageKeyChoices(doc),
      hint: "Counts loads per value of this variable (e.g. per tenant).",
      onChange: (value) => (setKey(doc, "usage_key", value), ctx.changed()),
    }),
  );
}

/** Keep the usage key's options in step with the variables' names. */
export function refreshUsageKey(root: ParentNode, doc: DashboardDoc): void {
  const select = root.querySelector<HTMLSelectElement>(`#${fieldId("usage_key")}`);
  if (select) fillSelect(select, usageKeyChoices(doc), valueText(doc.usage_key));
}

export function variablesSection(ctx: FormContext): HTMLElement {
  const doc = ctx.doc();
  const variables = doc.variables ?? [];
  const add = button("Add variable", () => {
    doc.variables = [...variables, newVariable(variables.map((v) => v.name))];
    ctx.restructured(`variables[${variables.length}].name`);
  });
  add.dataset.path = "variables:add";
  return el(
    "section",
    "editor-section",
    el("h2", "", "Variables"),
    el("p", "editor-hint", "Bound in SQL as :NAME. Hidden variables are set by the application that embeds the dashboard."),
    ...variables.map((variable, index) => variableFields(ctx, variables, variable, index)),
    add,
  );
}

function variableFields(ctx: FormContext, variables: VariableDoc[], variable: VariableDoc, index: number): HTMLElement {
  const path = `variables[${index}]`;
  const legend = el("legend", "", "");
  const title = () => (legend.textContent = `Variable ${index + 1}: ${variable.name}`);
  title();
  // A new type (or multi) reads the default and choices again as their text says.
  const retype = () => {
    setKey(variable, "default", typedDefault(valueText(variable.default), variable));
    if (variable.choices !== undefined) setKey(variable, "choices", typedChoices(valueText(variable.choices), variable));
    ctx.changed();
    ctx.variablesChanged();
  };
  const flag = (name: string, label: string, onChange?: () => void) =>
    checkField({
      label,
      path: `${path}.${name}`,
      checked: variable[name] === true,
      onChange: (checked) => {
        setKey(variable, name, checked, false);
        if (onChange) onChange();
        else ctx.changed();
      },
    });
  const fieldset = el(
    "fieldset",
    "editor-item",
    legend,
    el(
      "div",
      "editor-row",
      textField({
        label: "Name",
        path: `${path}.name`,
        value: valueText(variable.name),
        required: true,
        onInput: (text) => ((variable.name = text.trim()), title(), ctx.changed()),
        onChange: () => ctx.variablesChanged(),
      }),
      textField({ label: "Label", path: `${path}.label`, value: valueText(variable.label), onInput: (text) => (setKey(variable, "label", text), ctx.changed()) }),
      selectField({
        label: "Type",
        path: `${path}.type`,
        value: valueText(variable.type),
        choices: VARIABLE_TYPES.map((type): [string, string] => [type, type]),
        onChange: (value) => ((variable.type = value as VariableType), retype()),
      }),
    ),
    el("div", "editor-row editor-flags", flag("hidden", "Hidden"), flag("required", "Required"), flag("multi", "Multiple values", retype)),
    el(
      "div",
      "editor-row",
      textField({
        label: "Default",
        path: `${path}.default`,
        value: valueText(variable.default),
        hint: "Comma-separated for multiple values.",
        onInput: (text) => (setKey(variable, "default", typedDefault(text, variable)), ctx.changed()),
        onChange: () => ctx.variablesChanged(),
      }),
      textField({
        label: "Choices",
        path: `${path}.choices`,
        value: valueText(variable.choices),
        hint: "A fixed list, comma-separated.",
        onInput: (text) => (setKey(variable, "choices", typedChoices(text, variable)), ctx.changed()),
      }),
    ),
    textField({
      label: "Choices SQL",
      path: `${path}.choices_sql`,
      value: valueText(variable.choices_sql),
      kind: "code",
      hint: "Or a query whose first column lists the choices.",
      onInput: (text) => (setKey(variable, "choices_sql", text.trim() === "" ? "" : text), ctx.changed()),
    }),
    itemButtons(ctx, variables, index, path, "variable", variable.name),
  );
  fieldset.dataset.field = path;
  return fieldset;
}

/** The charts, with an empty `.editor-layout-wrap` for the editor's layout preview. */
export function chartsSection(ctx: FormContext): HTMLElement {
  const doc = ctx.doc();
  const charts = doc.charts ?? [];
  const add = button("Add chart", () => {
    doc.charts = [...charts, newChart(charts.map((c) => c.slug))];
    ctx.restructured(`charts[${charts.length}].slug`);
  });
  add.dataset.path = "charts:add";
  return el(
    "section",
    "editor-section",
    el("h2", "", "Charts"),
    el("p", "editor-hint", "In page order: the grid fills 12 columns from left to right, then the next row."),
    el("div", "editor-layout-wrap"),
    ...charts.map((chart, index) => chartFields(ctx, charts, chart, index)),
    add,
  );
}

function chartFields(ctx: FormContext, charts: ChartDoc[], chart: ChartDoc, index: number): HTMLElement {
  const path = `charts[${index}]`;
  const types = ctx.config.chartTypes;
  const info = types[chart.type] ?? { encoding: [], required: [] };
  const panel = ctx.panel(chart);
  const legend = el("legend", "", "");
  const title = () => (legend.textContent = `Chart ${index + 1}: ${chart.title}`);
  title();
  const size = (key: "width" | "height", fallback: number) =>
    textField({
      label: key === "width" ? "Width (of 12)" : "Height (rows)",
      path: `${path}.${key}`,
      value: valueText(chart[key] ?? fallback),
      kind: "number",
      min: 1,
      max: 12,
      onInput: (text) => (setKey(chart, key, wholeNumber(text), fallback), ctx.changed()),
    });
  const encoding = info.encoding.map((key) => {
    const [label, hint] = ENCODING_LABELS[key] ?? [key, ""];
    return textField({
      label,
      path: `${path}.${key}`,
      value: valueText(chart[key]),
      hint,
      required: info.required.includes(key),
      onInput: (text) => (setKey(chart, key, LIST_KEYS.has(key) ? splitList(text) : text.trim()), ctx.changed()),
    });
  });
  const fieldset = el(
    "fieldset",
    "editor-item editor-chart",
    legend,
    el(
      "div",
      "editor-row",
      textField({ label: "Slug", path: `${path}.slug`, value: valueText(chart.slug), required: true, onInput: (text) => ((chart.slug = text.trim()), ctx.changed()) }),
      textField({ label: "Title", path: `${path}.title`, value: valueText(chart.title), required: true, onInput: (text) => ((chart.title = text), title(), ctx.changed()) }),
      selectField({
        label: "Type",
        path: `${path}.type`,
        value: chart.type,
        choices: Object.keys(types).map((type): [string, string] => [type, type]),
        onChange: (value) => {
          changeChartType(chart, value, types);
          ctx.restructured(`${path}.type`);
        },
      }),
      size("width", DEFAULT_WIDTH),
      size("height", DEFAULT_HEIGHT),
    ),
    el("div", "editor-row editor-encoding", ...encoding),
    el(
      "div",
      "editor-row",
      textField({
        label: "Cache time (seconds)",
        path: `${path}.cache_ttl`,
        value: valueText(chart.cache_ttl),
        kind: "number",
        min: 0,
        hint: "Empty: the dashboard's.",
        onInput: (text) => (setKey(chart, "cache_ttl", wholeNumber(text)), ctx.changed()),
      }),
    ),
    el(
      "div",
      "editor-chart-body",
      textField({
        label: "SQL",
        path: `${path}.sql`,
        value: valueText(chart.sql),
        kind: "code",
        required: true,
        onInput: (text) => {
          chart.sql = text;
          panel.refresh();
          ctx.changed();
        },
      }),
      panel.element,
    ),
    itemButtons(ctx, charts, index, path, "chart", chart.slug),
  );
  fieldset.dataset.field = path;
  return fieldset;
}
