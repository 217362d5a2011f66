// The dashboard editor: the document and the version it was read at, the form and YAML tabs,
// Validate (a dry run) and Save, and the warning before leaving with unsaved changes.
//
// Saving sends the form's document, or the YAML tab's text as typed (so problem lines point
// into it), with the version the editor started from: someone else's save since is refused.

import type { ChartModule } from "../page/cards";
import { ApiProblem, type DocumentAnswer, type DocumentBody, type EditorApi, type SaveAnswer, type SpecProblem } from "./api";
import type { EditorConfig } from "./config";
import { button, el, fieldId } from "./dom";
import { type FormContext, chartsSection, dashboardFields, refreshUsageKey, variablesSection } from "./forms";
import { layoutPreview } from "./layout";
import { type ChartDoc, type DashboardDoc, blankDocument, fingerprint, isDocument, ordered } from "./model";
import { PreviewPanel } from "./preview";
import { clearFields, markFields, problemList } from "./problems";

type Tab = "form" | "yaml";

export class Editor implements FormContext {
  readonly isNew: boolean;
  private document: DashboardDoc;
  private baseVersion: number | null = null;
  /** The document as last read or saved: differing from it is "unsaved changes". */
  private savedPrint: string;
  /** The server's YAML and the document it wrote it for. */
  private serverYaml: { print: string; text: string } | null = null;
  private tab: Tab = "form";
  /** The YAML tab's text when it was opened: typing makes it differ. */
  private yamlShown = "";
  private readonly panels = new Map<ChartDoc, PreviewPanel>();
  private chartModule: Promise<ChartModule> | null = null;

  private readonly status = el("p", "editor-status");
  private readonly dirtyMark = el("span", "editor-dirty", "Unsaved changes");
  private readonly problems = el("div", "editor-problems");
  private readonly form = el("div", "editor-form");
  private readonly yaml = el("textarea", "editor-code editor-yaml");
  private readonly yamlPanel: HTMLElement;
  private readonly tabs: Record<Tab, HTMLButtonElement>;
  private readonly actions: HTMLButtonElement[];

  constructor(
    private readonly root: HTMLElement,
    readonly config: EditorConfig,
    private readonly api: EditorApi,
  ) {
    this.isNew = config.slug === null;
    this.document = blankDocument(config.sources[0] ?? "");
    this.savedPrint = fingerprint(this.document);
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.dirtyMark.hidden = true;
    this.actions = [
      button("Validate", () => void this.submit(true), { className: "editor-validate" }),
      button("Save", () => void this.submit(false), { className: "editor-save" }),
    ];
    this.tabs = { form: this.tabButton("form", "Form"), yaml: this.tabButton("yaml", "YAML") };
    this.yaml.id = "editor-yaml";
    this.yaml.rows = 30;
    this.yaml.spellcheck = false;
    this.yaml.addEventListener("input", () => this.changed());
    const yamlLabel = el("label", "", "The dashboard as its dashboards-as-code file");
    yamlLabel.htmlFor = this.yaml.id;
    this.yamlPanel = el("div", "editor-yaml-panel", yamlLabel, this.yaml);
    for (const [tab, panel] of [["form", this.form], ["yaml", this.yamlPanel]] as const) {
      panel.id = `editor-panel-${tab}`;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", this.tabs[tab].id);
    }
    this.yamlPanel.hidden = true;
    const tablist = el("div", "editor-tabs", this.tabs.form, this.tabs.yaml);
    tablist.setAttribute("role", "tablist");
    tablist.setAttribute("aria-label", "Edit as");
    root.replaceChildren(
      el("div", "editor-toolbar", tablist, el("div", "editor-actions", this.dirtyMark, ...this.actions), this.status),
      this.problems,
      this.form,
      this.yamlPanel,
    );
    window.addEventListener("beforeunload", (event) => {
      if (!this.dirty()) return;
      event.preventDefault();
      event.returnValue = ""; // older browsers ask only when this is set
    });
  }

  /** Read the dashboard (or start a new one) and draw the form. */
  async start(): Promise<void> {
    if (this.config.slug === null) {
      this.render();
      this.changed();
      this.root.dataset.state = "ready";
      return;
    }
    this.say("Loading…");
    try {
      this.load(await this.api.readDocument(this.config.slug));
      this.say("");
      this.root.dataset.state = "ready";
    } catch (error) {
      this.refusal(error);
      this.root.dataset.state = "failed";
    }
  }

  // FormContext: what the form's inputs call.

  doc(): DashboardDoc {
    return this.document;
  }

  changed(): void {
    const dirty = this.dirty();
    this.dirtyMark.hidden = !dirty;
    this.root.dataset.dirty = String(dirty);
    this.drawLayout();
  }

  restructured(focus?: string): void {
    this.render();
    this.changed();
    if (focus) this.focus(focus);
  }

  variablesChanged(): void {
    refreshUsageKey(this.form, this.document);
    for (const panel of this.panels.values()) panel.refresh();
  }

  panel(chart: ChartDoc): PreviewPanel {
    let panel = this.panels.get(chart);
    if (!panel) {
      panel = new PreviewPanel(
        {
          chartTypes: this.config.chartTypes,
          variables: () => this.document.variables ?? [],
          run: async (target, values) => this.api.preview(await this.slug(), { document: ordered(this.document) }, target.slug, values),
          charts: () => (this.chartModule ??= import("../charts/index")),
          refused: (problems) => {
            clearFields(this.form);
            markFields(this.form, problems);
          },
        },
        chart,
      );
      this.panels.set(chart, panel);
    }
    return panel;
  }

  /** What a chart's preview drew last (tests and debugging: `dashletEditor.option(slug)`). */
  option(slug: string): unknown {
    for (const [chart, panel] of this.panels) if (chart.slug === slug) return panel.option();
    return null;
  }

  // Drawing.

  private render(): void {
    const charts = new Set(this.document.charts ?? []);
    for (const chart of this.panels.keys()) if (!charts.has(chart)) this.panels.delete(chart);
    this.form.replaceChildren(dashboardFields(this), variablesSection(this), chartsSection(this));
    this.drawLayout();
  }

  private drawLayout(): void {
    const wrap = this.form.querySelector(".editor-layout-wrap");
    const goTo = (index: number) => this.focus(`charts[${index}].slug`);
    wrap?.replaceChildren(layoutPreview(this.document.charts ?? [], goTo));
  }

  /** Focus the control at `path` (e.g. `charts[1]:up`), or the first enabled one of its item. */
  private focus(path: string): void {
    const controls = [...this.form.querySelectorAll<HTMLElement>("[data-path]")];
    const item = path.split(":")[0];
    const target =
      controls.find((c) => c.dataset.path === path && !(c as HTMLButtonElement).disabled) ??
      controls.find((c) => c.dataset.path?.startsWith(item) && !(c as HTMLButtonElement).disabled);
    target?.focus();
  }

  private tabButton(tab: Tab, text: string): HTMLButtonElement {
    const made = button(text, () => void this.showTab(tab));
    made.id = `editor-tab-${tab}`;
    made.setAttribute("role", "tab");
    made.setAttribute("aria-controls", `editor-panel-${tab}`);
    made.setAttribute("aria-selected", String(tab === this.tab));
    return made;
  }

  private async showTab(tab: Tab): Promise<void> {
    if (tab === this.tab) return;
    try {
      // Both directions go through the server, so the YAML is read and written as apply does.
      if (tab === "yaml") {
        const print = fingerprint(this.document);
        this.yamlShown =
          this.serverYaml?.print === print ? this.serverYaml.text : (await this.api.convert({ document: ordered(this.document) })).yaml;
        this.yaml.value = this.yamlShown;
      } else if (this.yamlEdited()) {
        const read = (await this.api.convert({ yaml: this.yaml.value })).document;
        if (!isDocument(read)) {
          const why = "The form can show a dashboard whose variables and charts are lists of mappings; correct the YAML first.";
          this.showProblems(why, []);
          return;
        }
        this.document = read;
        this.render();
      }
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const why = tab === "form" ? "The YAML cannot be read, so the form cannot show it. Correct it first:" : error.message;
      this.showProblems(why, error.problems);
      return;
    }
    this.tab = tab;
    for (const [name, control] of Object.entries(this.tabs)) control.setAttribute("aria-selected", String(name === tab));
    this.form.hidden = tab !== "form";
    this.yamlPanel.hidden = tab !== "yaml";
    this.clearProblems();
    this.changed();
  }

  // State.

  private load(answer: DocumentAnswer): void {
    this.document = answer.document;
    this.baseVersion = answer.version;
    this.root.dataset.version = String(answer.version);
    this.savedPrint = fingerprint(answer.document);
    this.serverYaml = { print: this.savedPrint, text: answer.yaml };
    this.config.sources = answer.sources;
    this.panels.clear();
    this.yamlShown = answer.yaml;
    this.yaml.value = answer.yaml;
    this.render();
    this.changed();
  }

  private yamlEdited(): boolean {
    return this.tab === "yaml" && this.yaml.value !== this.yamlShown;
  }

  private dirty(): boolean {
    return this.yamlEdited() || fingerprint(this.document) !== this.savedPrint;
  }

  /** The slug the API is called with: the edited dashboard's, or the new one's as typed. */
  private async slug(): Promise<string> {
    if (this.config.slug !== null) return this.config.slug;
    const slug = this.tab === "yaml" ? String((await this.api.convert({ yaml: this.yaml.value })).document.slug ?? "") : this.document.slug;
    if (!slug) throw new ApiProblem(0, "invalid_spec", "Give the dashboard a slug first.", [{ file: "", line: null, field: "slug", message: "A dashboard needs a slug." }]);
    return slug;
  }

  private body(): DocumentBody {
    return this.tab === "yaml" ? { yaml: this.yaml.value } : { document: ordered(this.document) };
  }

  // Validate and save.

  private async submit(dryRun: boolean): Promise<void> {
    for (const action of this.actions) action.disabled = true;
    this.say(dryRun ? "Checking…" : "Saving…");
    try {
      const slug = await this.slug();
      const body = this.body();
      const answer = await this.api.save(slug, body, this.baseVersion, dryRun);
      await this.afterSave(slug, body, answer, dryRun);
    } catch (error) {
      this.refusal(error);
    } finally {
      for (const action of this.actions) action.disabled = false;
    }
  }

  private async afterSave(slug: string, body: DocumentBody, answer: SaveAnswer, dryRun: boolean): Promise<void> {
    this.clearProblems();
    const { created, updated } = answer.dashboards;
    const done = created.length > 0 ? "created" : updated.length > 0 ? "updated" : "unchanged";
    if ("document" in body) this.serverYaml = { print: fingerprint(this.document), text: answer.yaml };
    if (dryRun) {
      const would = { created: "create the dashboard", updated: "update the dashboard", unchanged: "change nothing" }[done];
      this.say(`No problems found; nothing was saved (a save would ${would}).`);
      return;
    }
    if (answer.version !== null) this.baseVersion = answer.version;
    if ("document" in body) this.savedPrint = fingerprint(this.document);
    else this.load(await this.api.readDocument(slug)); // the form shows what the YAML saved
    this.changed();
    if (this.isNew) {
      window.location.assign(`${this.config.pageBase}${encodeURIComponent(slug)}/edit`);
      return;
    }
    this.root.dataset.version = String(this.baseVersion);
    this.say(`Saved (version ${this.baseVersion}): dashboard ${done}.`);
  }

  private refusal(error: unknown): void {
    if (!(error instanceof ApiProblem)) throw error;
    if (error.code === "conflict" && this.isNew) {
      this.showProblems(`A dashboard with this slug exists already, so nothing was saved: choose another slug.`, [
        { file: "", line: null, field: "slug", message: "This slug is taken." },
      ]);
    } else if (error.code === "conflict") {
      this.showProblems(
        "Someone else saved this dashboard since you opened it, so nothing was saved. Your changes are still here: copy what you need, then reload to see their version.",
        [],
        button("Reload", () => window.location.reload()),
      );
    } else if (error.problems.length > 0) {
      const count = error.problems.length === 1 ? "1 problem" : `${error.problems.length} problems`;
      this.showProblems(`Nothing was saved: ${count} to fix first.`, error.problems);
    } else {
      this.showProblems(error.message, []);
    }
  }

  private showProblems(headline: string, problems: SpecProblem[], ...extra: HTMLElement[]): void {
    this.clearProblems();
    if (this.tab === "form") markFields(this.form, problems);
    // The box sits above the form; the status line, in the sticky toolbar, is read out and seen.
    const where = this.tab === "form" ? "the list above and the marked fields" : "the list above";
    this.say(problems.length > 0 ? `${headline} See ${where}.` : headline);
    const box = el("div", "editor-problem-box", el("p", "", headline));
    if (problems.length > 0) box.append(problemList(this.tab === "form" ? this.form : this.yamlPanel, problems));
    box.append(...extra);
    this.problems.replaceChildren(box);
    if (this.tab === "yaml") this.yaml.setAttribute("aria-describedby", fieldId("problems"));
    box.id = fieldId("problems");
  }

  private clearProblems(): void {
    this.problems.replaceChildren();
    this.yaml.removeAttribute("aria-describedby");
    clearFields(this.form);
  }

  private say(text: string): void {
    this.status.textContent = text;
  }
}
