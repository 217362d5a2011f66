// The host protocol (docs/embedding.md, "Host protocol"): versioned messages between the
// embedded page and the page that frames it. Shared by the page bundle and the host script.

export const PROTOCOL_VERSION = 1;
export const PREFIX = "dashlet:";

/** Events the embedded page posts to its parent. */
export type EventName =
  | "ready"
  | "resize"
  | "loaded"
  | "filters-changed"
  | "error"
  | "token-expiring";

/** Commands a host posts to the embedded page (hello is the handshake). */
export type CommandName = "hello" | "set-token" | "set-filters";

/** Only these carry no data, so only these may be posted to any origin. */
export const PUBLIC_EVENTS: ReadonlySet<EventName> = new Set<EventName>(["ready", "resize"]);

export type Message = { type: string; version: number; [key: string]: unknown };

export function message(name: EventName | CommandName, body: object = {}): Message {
  return { ...body, type: PREFIX + name, version: PROTOCOL_VERSION };
}

/** The name of a Dashlet message of a version this code understands, else null. */
export function messageName(data: unknown): string | null {
  if (typeof data !== "object" || data === null) return null;
  const { type, version } = data as { type?: unknown; version?: unknown };
  if (typeof type !== "string" || !type.startsWith(PREFIX)) return null;
  if (version !== PROTOCOL_VERSION) return null;
  return type.slice(PREFIX.length);
}
