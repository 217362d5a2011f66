// The page's side of the host protocol: events out, commands in, both origin-checked.
//
// `ready` and `resize` carry no data and go to any parent. Every other event waits for the
// handshake (`dashlet:hello` from the parent window) and then goes only to the origin that sent
// it, provided that origin is on the organization's frame-ancestors allow-list (when it has one).
// Commands are obeyed only from that same origin.

import { type EventName, type Message, PUBLIC_EVENTS, message, messageName } from "../shared/messages";
import { originAllowed } from "./origins";

export type CommandHandler = (data: Message) => void;

export class HostChannel {
  private hostOrigin: string | null = null;
  private pending: Message[] = [];
  private readonly handlers = new Map<string, CommandHandler>();

  constructor(
    private readonly allowList: readonly string[],
    private readonly parent: Window = window.parent,
  ) {
    window.addEventListener("message", (event) => this.receive(event));
  }

  /** Whether the page is framed at all (opened directly, there is no one to tell). */
  get framed(): boolean {
    return this.parent !== window;
  }

  emit(name: EventName, body: object = {}): void {
    if (!this.framed) return;
    const sent = message(name, body);
    if (PUBLIC_EVENTS.has(name)) {
      this.parent.postMessage(sent, "*");
    } else if (this.hostOrigin !== null) {
      this.parent.postMessage(sent, this.hostOrigin);
    } else {
      this.pending.push(sent);
    }
  }

  on(command: string, handler: CommandHandler): void {
    this.handlers.set(command, handler);
  }

  private receive(event: MessageEvent): void {
    if (event.source !== this.parent) return;
    const name = messageName(event.data);
    if (name === null) return;
    if (name === "hello") {
      this.accept(event.origin);
    } else if (this.hostOrigin !== null && event.origin === this.hostOrigin) {
      this.handlers.get(name)?.(event.data as Message);
    }
  }

  private accept(origin: string): void {
    if (this.hostOrigin !== null || origin === "null") return;
    if (!originAllowed(origin, this.allowList, window.location.origin)) {
      console.warn(`Dashlet: ${origin} is not on this organization's frame-ancestors list; no events are sent to it.`);
      return;
    }
    this.hostOrigin = origin;
    for (const queued of this.pending.splice(0)) this.parent.postMessage(queued, origin);
  }
}
