// Filter controls for the variables a viewer may set, one per variable by its type. Locked
// variables never reach the page config, so they never get a control (an embed's hidden ones
// neither; a member's native view lists every variable). A list's options are fetched again
// when a variable its choices_sql uses changes.

import type { Scalar, Value, VariableConfig } from "./config";

export type Values = Record<string, Value>;

interface Control {
  readonly variable: VariableConfig;
  readonly element: HTMLElement;
  get(): Value;
  set(value: Value): void;
  /** New options (controls that pick from a list). */
  choose?(choices: Scalar[]): void;
}

export type ChoicesLoader = (variable: VariableConfig, values: Values) => Promise<Scalar[]>;

const APPLY_DELAY_MS = 300;
let uid = 0;

function id(name: string): string {
  uid += 1;
  return `dashlet-filter-${name}-${uid}`;
}

function same(a: Value, b: Value): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function parse(variable: VariableConfig, text: string): Scalar | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (variable.type === "integer" || variable.type === "number") {
    const number = Number(trimmed);
    return Number.isFinite(number) ? number : trimmed;
  }
  if (variable.type === "boolean") return trimmed === "true";
  return trimmed;
}

function asList(value: Value): Scalar[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function field(variable: VariableConfig, control: HTMLElement, labelFor: string | null): HTMLElement {
  const box = document.createElement("div");
  box.className = "dashlet-filter";
  box.dataset.variable = variable.name;
  if (labelFor !== null) {
    const label = document.createElement("label");
    label.htmlFor = labelFor;
    label.textContent = variable.label;
    box.append(label);
  }
  box.append(control);
  return box;
}

function inputControl(variable: VariableConfig): Control {
  const input = document.createElement("input");
  input.id = id(variable.name);
  input.type =
    variable.type === "date" ? "date"
    : variable.type === "datetime" ? "datetime-local"
    : (variable.type === "integer" || variable.type === "number") && !variable.multi ? "number"
    : "text";
  if (variable.type === "integer") input.step = "1";
  if (variable.type === "number") input.step = "any";
  if (variable.multi) input.placeholder = "Comma-separated";
  input.required = variable.required;
  return {
    variable,
    element: field(variable, input, input.id),
    get: () => {
      if (!variable.multi) return parse(variable, input.value);
      const items = input.value.split(",").map((part) => parse(variable, part)).filter((v): v is Scalar => v !== null);
      return items.length > 0 ? items : null;
    },
    set: (value) => {
      input.value = asList(value).map(String).join(", ");
    },
  };
}

function selectControl(variable: VariableConfig, options: Promise<Scalar[]>): Control {
  const select = document.createElement("select");
  select.id = id(variable.name);
  let choices: Scalar[] = [];
  let loaded = false;
  let wanted: Value = null;
  const fill = (): void => {
    const any = new Option(variable.type === "boolean" ? "Any" : "All", "");
    any.disabled = variable.required;
    select.replaceChildren(any, ...choices.map((choice, i) => new Option(variable.type === "boolean" ? (choice ? "Yes" : "No") : String(choice), String(i))));
    const index = choices.findIndex((choice) => same(choice, wanted));
    select.value = index >= 0 ? String(index) : "";
  };
  const choose = (found: Scalar[]): void => {
    choices = found;
    loaded = true;
    fill();
  };
  void options.then(choose);
  return {
    variable,
    element: field(variable, select, select.id),
    choose,
    // Until the options arrive, the value is the one set (the default), not "All".
    get: () => (!loaded ? wanted : select.value === "" ? null : choices[Number(select.value)]),
    set: (value) => {
      wanted = Array.isArray(value) ? (value[0] ?? null) : value;
      fill();
    },
  };
}

/** A multi-select as a disclosure of checkboxes: keyboard-usable without any script trickery. */
function checklistControl(variable: VariableConfig, options: Promise<Scalar[]>): Control {
  const details = document.createElement("details");
  details.className = "dashlet-multi";
  const summary = document.createElement("summary");
  const name = document.createElement("span");
  name.className = "dashlet-multi-label";
  name.textContent = variable.label;
  const shown = document.createElement("span");
  shown.className = "dashlet-multi-value";
  summary.append(name, shown);
  const fieldset = document.createElement("fieldset");
  const legend = document.createElement("legend");
  legend.className = "dashlet-visually-hidden";
  legend.textContent = variable.label;
  fieldset.append(legend);
  details.append(summary, fieldset);
  let choices: Scalar[] = [];
  let selected: Scalar[] = [];
  const describe = (): void => {
    shown.textContent = selected.length === 0 ? "All" : selected.length <= 2 ? selected.map(String).join(", ") : `${selected.length} selected`;
  };
  const fill = (): void => {
    fieldset.replaceChildren(
      legend,
      ...choices.map((choice) => {
        const label = document.createElement("label");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.checked = selected.some((s) => same(s, choice));
        box.addEventListener("change", () => {
          selected = choices.filter((_, i) => (fieldset.querySelectorAll("input")[i] as HTMLInputElement).checked);
          describe();
        });
        label.append(box, ` ${String(choice)}`);
        return label;
      }),
    );
    describe();
  };
  details.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && details.open) {
      details.open = false;
      summary.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (details.open && !details.contains(event.target as Node)) details.open = false;
  });
  const choose = (loaded: Scalar[]): void => {
    choices = loaded;
    fill();
  };
  void options.then(choose);
  describe();
  return {
    variable,
    element: field(variable, details, null),
    choose,
    get: () => (selected.length > 0 ? selected.slice() : null),
    set: (value) => {
      selected = asList(value);
      fill();
    },
  };
}

export class FilterBar {
  private readonly controls = new Map<string, Control>();
  private readonly initial: Values = {};
  private applied: Values = {};
  private timer: number | undefined;
  private readonly reset: HTMLButtonElement;
  /** Per variable, the latest options request: an older answer never replaces a newer one. */
  private readonly choicesRequests = new Map<string, number>();

  constructor(
    container: HTMLElement,
    variables: VariableConfig[],
    start: Values,
    private readonly loadChoices: ChoicesLoader,
    private readonly onChange: (changed: string[], source: "viewer" | "host") => void,
  ) {
    const starting: Values = {};
    for (const variable of variables) starting[variable.name] = start[variable.name] ?? variable.value;
    for (const variable of variables) {
      const fromList = variable.choices !== null || variable.choicesFromServer || variable.type === "boolean";
      const options = fromList ? (variable.type === "boolean" ? Promise.resolve([true, false]) : loadChoices(variable, starting)) : null;
      const control =
        options === null ? inputControl(variable)
        : variable.multi ? checklistControl(variable, options)
        : selectControl(variable, options);
      control.set(starting[variable.name]);
      this.controls.set(variable.name, control);
      this.initial[variable.name] = variable.value;
      container.append(control.element);
      control.element.addEventListener("change", () => this.schedule());
    }
    this.applied = this.values();
    this.reset = document.createElement("button");
    this.reset.type = "button";
    this.reset.className = "dashlet-reset";
    this.reset.textContent = "Reset";
    this.reset.addEventListener("click", () => {
      this.set(this.initial);
      this.schedule(0);
    });
    if (variables.length > 0) {
      container.append(this.reset);
      container.hidden = false;
    }
    this.updateReset();
  }

  /** The viewer's current value of every control (null: no value, the variable's default applies). */
  values(): Values {
    const values: Values = {};
    for (const [name, control] of this.controls) values[name] = control.get();
    return values;
  }

  /** Set values (`set-filters`; null means the default); names without a control are returned. */
  set(values: Record<string, unknown>): string[] {
    const ignored: string[] = [];
    for (const [name, value] of Object.entries(values)) {
      const control = this.controls.get(name);
      if (control) control.set((value as Value) ?? this.initial[name]);
      else ignored.push(name);
    }
    return ignored;
  }

  /** Apply what changed since the last call (now, not after the typing delay). */
  apply(source: "viewer" | "host"): void {
    window.clearTimeout(this.timer);
    // An emptied control means "no choice", and the server then uses the default: show it.
    for (const [name, control] of this.controls) {
      if (control.get() === null && this.initial[name] !== null) control.set(this.initial[name]);
    }
    const now = this.values();
    const changed = Object.keys(now).filter((name) => !same(now[name], this.applied[name]));
    this.applied = now;
    this.updateReset();
    if (changed.length > 0) {
      this.refreshChoices(changed, now);
      this.onChange(changed, source);
    }
  }

  private refreshChoices(changed: string[], values: Values): void {
    for (const control of this.controls.values()) {
      const { choose, variable } = control;
      if (!choose || !variable.choicesVariables.some((name) => changed.includes(name))) continue;
      const request = (this.choicesRequests.get(variable.name) ?? 0) + 1;
      this.choicesRequests.set(variable.name, request);
      void this.loadChoices(variable, values).then((found) => {
        if (this.choicesRequests.get(variable.name) === request) choose(found);
      });
    }
  }

  private schedule(delay = APPLY_DELAY_MS): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.apply("viewer"), delay);
  }

  private updateReset(): void {
    this.reset.disabled = Object.keys(this.initial).every((name) => same(this.applied[name], this.initial[name]));
  }
}

/** Initial filter values from the page URL's `var.NAME` parameters (a host can pass them on). */
export function valuesFromUrl(search: string, variables: VariableConfig[]): Values {
  const params = new URLSearchParams(search);
  const values: Values = {};
  for (const variable of variables) {
    const raw = params.getAll(`var.${variable.name}`);
    if (raw.length === 0) continue;
    const parsed = raw.map((text) => parse(variable, text)).filter((v): v is Scalar => v !== null);
    values[variable.name] = variable.multi ? parsed : (parsed[0] ?? null);
  }
  return values;
}
