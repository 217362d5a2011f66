// The dashboard editor page's entry (/o/ORG/dashboards/SLUG/edit and /o/ORG/new-dashboard).
// It shares the embed page's card, table and chart renderer; the renderer loads on demand.

import "../page/embed.css";
import "./editor.css";
import { EditorApi } from "./api";
import { readEditorConfig } from "./config";
import { Editor } from "./editor";

declare global {
  interface Window {
    /** Read-only inspection of what each chart's preview drew, for tests and debugging. */
    dashletEditor?: { option(slug: string): unknown };
  }
}

const config = readEditorConfig(document);
const root = document.getElementById("dashboard-editor");
if (config && root) {
  const editor = new Editor(root, config, new EditorApi(config.apiBase, config.csrfToken));
  window.dashletEditor = { option: (slug) => editor.option(slug) };
  void editor.start();
}
