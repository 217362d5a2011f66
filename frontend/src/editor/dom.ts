// Building the editor's markup: elements, and labelled fields that carry the document path they
// edit (`data-field`, e.g. `charts[2].sql`), which is how a problem finds its input.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = "",
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  if (className) made.className = className;
  made.append(...children);
  return made;
}

export function button(text: string, onClick: () => void, options: { label?: string; className?: string } = {}): HTMLButtonElement {
  const made = el("button", options.className ?? "", text);
  made.type = "button";
  if (options.label) made.setAttribute("aria-label", options.label);
  made.addEventListener("click", onClick);
  return made;
}

/** A stable element id for a document path (`charts[2].sql` -> `editor-charts-2-sql`). */
export function fieldId(path: string): string {
  return `editor-${path.replace(/[^A-Za-z0-9_]+/g, "-").replace(/-$/, "")}`;
}

interface FieldOptions {
  label: string;
  path: string;
  hint?: string;
  required?: boolean;
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function field(options: FieldOptions, control: Control, className = "editor-field"): HTMLElement {
  control.id = fieldId(options.path);
  control.dataset.path = options.path;
  const label = el("label", "", options.label);
  label.htmlFor = control.id;
  if (options.required) {
    control.setAttribute("aria-required", "true");
    // Read as "required" through aria-required; the star is for the eye.
    const mark = el("span", "editor-required", " *");
    mark.setAttribute("aria-hidden", "true");
    label.append(mark);
  }
  const wrap = el("div", className);
  wrap.dataset.field = options.path;
  if (control instanceof HTMLInputElement && control.type === "checkbox") wrap.append(control, label);
  else wrap.append(label, control);
  if (options.hint) {
    const hint = el("p", "editor-hint", options.hint);
    hint.id = `${control.id}-hint`;
    control.setAttribute("aria-describedby", hint.id);
    wrap.append(hint);
  }
  return wrap;
}

export function textField(
  options: FieldOptions & {
    value: string;
    onInput: (text: string) => void;
    onChange?: () => void;
    kind?: "text" | "number" | "textarea" | "code";
    readOnly?: boolean;
    min?: number;
    max?: number;
  },
): HTMLElement {
  const multiline = options.kind === "textarea" || options.kind === "code";
  const control = multiline ? el("textarea", options.kind === "code" ? "editor-code" : "") : el("input");
  if (control instanceof HTMLInputElement) {
    control.type = options.kind === "number" ? "number" : "text";
    if (options.min !== undefined) control.min = String(options.min);
    if (options.max !== undefined) control.max = String(options.max);
  } else {
    control.rows = options.kind === "code" ? Math.min(Math.max(options.value.split("\n").length + 1, 4), 20) : 2;
    control.spellcheck = false;
  }
  control.value = options.value;
  control.readOnly = options.readOnly ?? false;
  control.addEventListener("input", () => options.onInput(control.value));
  if (options.onChange) control.addEventListener("change", options.onChange);
  return field(options, control);
}

export function selectField(
  options: FieldOptions & { value: string; choices: [string, string][]; onChange: (value: string) => void },
): HTMLElement {
  const control = el("select");
  fillSelect(control, options.choices, options.value);
  control.addEventListener("change", () => options.onChange(control.value));
  return field(options, control);
}

/** Replace a select's options, keeping `value` chosen (added when it is not among them). */
export function fillSelect(control: HTMLSelectElement, choices: [string, string][], value: string): void {
  const all = choices.some(([v]) => v === value) ? choices : [...choices, [value, value] as [string, string]];
  control.replaceChildren(
    ...all.map(([v, text]) => {
      const option = el("option", "", text);
      option.value = v;
      option.selected = v === value;
      return option;
    }),
  );
}

export function checkField(options: FieldOptions & { checked: boolean; onChange: (checked: boolean) => void }): HTMLElement {
  const control = el("input");
  control.type = "checkbox";
  control.checked = options.checked;
  control.addEventListener("change", () => options.onChange(control.checked));
  return field(options, control, "editor-field editor-check");
}
