// Auto-height: tell the parent the page's height whenever it changes, growing or shrinking.
// The body is measured, never the viewport: html/body have no height of their own, so a
// taller frame never makes the content report itself taller (metabase#37437).

import type { HostChannel } from "./protocol";

export function reportHeight(channel: HostChannel, body: HTMLElement = document.body): void {
  let last = -1;
  const observer = new ResizeObserver(() => {
    const height = Math.ceil(body.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      channel.emit("resize", { height });
    }
  });
  observer.observe(body);
}
