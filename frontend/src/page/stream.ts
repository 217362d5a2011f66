// Fetching chart data: the one NDJSON stream (a line per chart, in the order they finish)
// and the JSON routes. An embed sends its token in the Authorization header and never a
// cookie; a member's native view (no token) sends its session cookie instead.

import type { Problem } from "./config";

export class RequestProblem extends Error {
  constructor(readonly problem: Problem, readonly status: number) {
    super(problem.message);
  }
}

const NETWORK: Problem = {
  code: "network_error",
  message: "The dashboard could not reach its server. Check the connection and try again.",
};

export async function authorizedFetch(url: string, token: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(
      url,
      token === ""
        ? { signal, credentials: "same-origin" }
        : { headers: { Authorization: `Bearer ${token}` }, signal, credentials: "omit" },
    );
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new RequestProblem(NETWORK, 0);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: Problem } | null;
    throw new RequestProblem(body?.error ?? { code: `http_${response.status}`, message: NETWORK.message }, response.status);
  }
  return response;
}

/** Each JSON line of the response, as soon as its newline arrives. */
export async function* jsonLines(response: Response): AsyncGenerator<unknown> {
  if (!response.body) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    buffered += decoder.decode(value, { stream: !done });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield JSON.parse(line);
    }
    if (done) break;
  }
  if (buffered.trim()) yield JSON.parse(buffered);
}

/** `base?key=value&...`, repeating a key for each value of a list. */
export function withParams(base: string, params: ReadonlyArray<[string, string]>): string {
  if (params.length === 0) return base;
  const search = new URLSearchParams();
  for (const [key, value] of params) search.append(key, value);
  return `${base}?${search.toString()}`;
}
