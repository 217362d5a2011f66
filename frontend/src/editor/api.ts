// The editor's API calls (dashlet/web/api_editor_routes.py), made with the session cookie and
// its CSRF token. A refusal is thrown as an ApiProblem in the API's error shape.

import type { Column } from "../page/config";
import type { DashboardDoc } from "./model";

export interface SpecProblem {
  file: string;
  line: number | null;
  field: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: SpecProblem[] = [],
  ) {
    super(message);
  }
}

export interface DocumentAnswer {
  slug: string;
  version: number;
  document: DashboardDoc;
  yaml: string;
  sources: string[];
}

export interface SaveAnswer {
  changed: boolean;
  version: number | null;
  yaml: string;
  /** The slugs created, updated and left unchanged (one here: this dashboard). */
  dashboards: { created: string[]; updated: string[]; unchanged: string[] };
}

export interface PreviewAnswer {
  columns: Column[];
  rows: unknown[][];
  truncated: boolean;
  row_limit: number;
  duration_ms: number;
  computed_at: string;
}

/** A dashboard sent as its document (from the form) or as YAML text (from the YAML tab). */
export type DocumentBody = { document: DashboardDoc } | { yaml: string };
export type TestValues = Record<string, string | string[]>;

export class EditorApi {
  constructor(
    private readonly base: string,
    private readonly csrfToken: string,
  ) {}

  readDocument(slug: string): Promise<DocumentAnswer> {
    return this.call("GET", `${this.url(slug)}/document`);
  }

  /** The dashboard as both JSON and YAML, read and written by the server as apply does. */
  convert(body: DocumentBody): Promise<{ document: DashboardDoc; yaml: string }> {
    return this.call("POST", `${this.base}convert`, body);
  }

  save(slug: string, body: DocumentBody, baseVersion: number | null, dryRun: boolean): Promise<SaveAnswer> {
    return this.call("PUT", `${this.url(slug)}/document`, { ...body, base_version: baseVersion, dry_run: dryRun });
  }

  preview(slug: string, body: DocumentBody, chart: string, values: TestValues): Promise<PreviewAnswer> {
    return this.call("POST", `${this.url(slug)}/preview`, { ...body, chart, values });
  }

  private url(slug: string): string {
    return this.base + encodeURIComponent(slug);
  }

  private async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRF-Token"] = this.csrfToken;
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiProblem(0, "network_error", `The server could not be reached: ${String(error)}`);
    }
    const answer: unknown = await response.json().catch(() => null);
    if (response.ok) return answer as T;
    const error = (answer as { error?: { code?: string; message?: string; problems?: SpecProblem[] } } | null)?.error;
    throw new ApiProblem(
      response.status,
      error?.code ?? "server_error",
      error?.message ?? `The server answered ${response.status}.`,
      error?.problems ?? [],
    );
  }
}
