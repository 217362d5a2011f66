// Problems the server found: listed at the top ("line N: field: message") and shown next to the
// input each one is about. A field path the form has no input for (`charts[2].y[0]`, `embed`)
// goes to the nearest enclosing one (`charts[2].y`, then `charts[2]`), else only to the list.

import type { SpecProblem } from "./api";
import { button, el } from "./dom";

/** The element (a field or an item's section) that shows problems for `path`. */
export function fieldFor(root: ParentNode, path: string): HTMLElement | null {
  for (let at = path; at !== ""; at = parentPath(at)) {
    const found = root.querySelector<HTMLElement>(`[data-field="${CSS.escape(at)}"]`);
    if (found) return found;
  }
  return null;
}

function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
  return cut > 0 ? path.slice(0, cut) : "";
}

export function describe(problem: SpecProblem): string {
  const where = [problem.line ? `line ${problem.line}` : "", problem.field].filter(Boolean).join(": ");
  return where ? `${where}: ${problem.message}` : problem.message;
}

/** Show each problem next to its input (marked aria-invalid, the message read with it). */
export function markFields(root: ParentNode, problems: SpecProblem[]): void {
  for (const problem of problems) {
    const wrap = fieldFor(root, problem.field);
    if (!wrap) continue;
    const message = el("p", "editor-problem", problem.message);
    message.dataset.problemFor = problem.field;
    const control = wrap.querySelector<HTMLElement>(":scope > input, :scope > select, :scope > textarea");
    if (control) {
      message.id = `${control.id}-problem-${wrap.querySelectorAll(".editor-problem").length}`;
      control.setAttribute("aria-invalid", "true");
      const described = control.getAttribute("aria-describedby");
      control.setAttribute("aria-describedby", described ? `${described} ${message.id}` : message.id);
    }
    wrap.classList.add("editor-invalid");
    // An item's section shows its message under its legend, a field's under the input.
    const legend = wrap.querySelector(":scope > legend");
    if (legend) legend.after(message);
    else wrap.append(message);
  }
}

export function clearFields(root: ParentNode): void {
  for (const message of root.querySelectorAll(".editor-problem")) message.remove();
  for (const wrap of root.querySelectorAll(".editor-invalid")) wrap.classList.remove("editor-invalid");
  for (const control of root.querySelectorAll<HTMLElement>("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    const kept = (control.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id && !id.includes("-problem-"));
    if (kept.length > 0) control.setAttribute("aria-describedby", kept.join(" "));
    else control.removeAttribute("aria-describedby");
  }
}

/** The top list: one line per problem; a button focuses the input it is about. */
export function problemList(root: ParentNode, problems: SpecProblem[]): HTMLElement {
  const list = el("ul", "editor-problem-list");
  for (const problem of problems) {
    const item = el("li", "", describe(problem));
    const wrap = fieldFor(root, problem.field);
    const control = wrap?.querySelector<HTMLElement>("input, select, textarea");
    if (control) {
      item.append(" ", button("Show", () => control.focus(), { label: `Show ${problem.field}`, className: "link" }));
    }
    list.append(item);
  }
  return list;
}
