// dashlet-embed.js: the host-side script. `Dashlet.mount(iframe, {onEvent, getToken})` sizes
// the iframe to its content, completes the handshake, passes events on, and answers
// `token-expiring` with a fresh token from `getToken()`. Iframes marked `data-dashlet` are
// mounted automatically (auto-height with no code at all).

import { type Message, message, messageName } from "../shared/messages";

export interface MountOptions {
  /** Called with each event's name ("loaded", "filters-changed", ...) and its message. */
  onEvent?: (name: string, detail: Message) => void;
  /** Returns (or resolves to) a fresh embed token, signed by your server. */
  getToken?: () => string | Promise<string>;
  /** Set the iframe's height from the page's `resize` events (default true). */
  autoHeight?: boolean;
}

export interface Mounted {
  setFilters(values: Record<string, unknown>): void;
  setToken(token: string): void;
  unmount(): void;
}

const RETRY_SECONDS = [2, 5, 10, 30];
const mounted = new WeakMap<HTMLIFrameElement, Mounted>();

function dashletOrigin(iframe: HTMLIFrameElement): string | null {
  try {
    return new URL(iframe.src, window.location.href).origin;
  } catch {
    return null;
  }
}

export function mount(iframe: HTMLIFrameElement, options: MountOptions = {}): Mounted {
  mounted.get(iframe)?.unmount();
  const autoHeight = options.autoHeight !== false;

  const send = (name: "hello" | "set-token" | "set-filters", body: object = {}): void => {
    const origin = dashletOrigin(iframe);
    // The target origin pins delivery to the Dashlet page: a token never reaches another document.
    if (origin && origin !== "null") iframe.contentWindow?.postMessage(message(name, body), origin);
  };

  const refreshToken = async (attempt = 0): Promise<void> => {
    if (!options.getToken) return;
    try {
      const token = await options.getToken();
      if (typeof token === "string" && token) send("set-token", { token });
    } catch (error) {
      if (attempt >= RETRY_SECONDS.length) {
        options.onEvent?.("error", message("error", { code: "token_refresh_failed", message: String(error) }));
        return;
      }
      window.setTimeout(() => void refreshToken(attempt + 1), RETRY_SECONDS[attempt] * 1000);
    }
  };

  const receive = (event: MessageEvent): void => {
    if (event.source !== iframe.contentWindow || event.origin !== dashletOrigin(iframe)) return;
    const name = messageName(event.data);
    if (name === null) return;
    const data = event.data as Message;
    if (name === "ready") send("hello");
    if (name === "resize" && autoHeight && typeof data.height === "number") {
      iframe.style.height = `${Math.max(0, Math.ceil(data.height))}px`;
    }
    if (name === "token-expiring") void refreshToken();
    options.onEvent?.(name, data);
  };

  // The page may have said `ready` before this script ran: greet it on every load as well,
  // and now if a page is already there (a cross-origin document is unreadable from here;
  // the initial about:blank is readable and is not greeted).
  const greet = (): void => send("hello");
  window.addEventListener("message", receive);
  iframe.addEventListener("load", greet);
  const current = iframe.contentDocument;
  if (current === null || current.URL !== "about:blank") greet();

  const handle: Mounted = {
    setFilters: (values) => send("set-filters", { values }),
    setToken: (token) => send("set-token", { token }),
    unmount() {
      window.removeEventListener("message", receive);
      iframe.removeEventListener("load", greet);
      mounted.delete(iframe);
    },
  };
  mounted.set(iframe, handle);
  return handle;
}

function mountMarked(): void {
  document.querySelectorAll<HTMLIFrameElement>("iframe[data-dashlet]").forEach((iframe) => {
    if (!mounted.has(iframe)) mount(iframe);
  });
}

declare global {
  interface Window {
    Dashlet?: { version: number; mount: typeof mount };
  }
}

window.Dashlet = { version: 1, mount };
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountMarked);
else mountMarked();
