// The editor page's configuration, embedded by the server as JSON (dashlet/web/admin_editor.py).

import type { ChartTypeInfo } from "./model";

export interface EditorConfig {
  org: string;
  /** The dashboard being edited; null on the "new dashboard" page. */
  slug: string | null;
  /** The session's CSRF token, sent as X-CSRF-Token on every PUT and POST. */
  csrfToken: string;
  /** The editor API's dashboards URL, ending in "/" (`/api/v1/orgs/ORG/dashboards/`). */
  apiBase: string;
  /** The admin pages' dashboards URL, ending in "/" (`/o/ORG/dashboards/`). */
  pageBase: string;
  /** The organization's data sources a dashboard may use. */
  sources: string[];
  chartTypes: Record<string, ChartTypeInfo>;
}

export function readEditorConfig(doc: Document): EditorConfig | null {
  const element = doc.getElementById("editor-config");
  return element?.textContent ? (JSON.parse(element.textContent) as EditorConfig) : null;
}
