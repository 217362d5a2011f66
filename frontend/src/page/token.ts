// Knowing when the embed token runs out, in the server's time, so a skewed client clock
// neither misses the warning nor cries wolf.

const WARN_AHEAD_SECONDS = 60;

/** The `exp` claim of a JWS compact token, or null when it cannot be read. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp : null;
  } catch {
    return null;
  }
}

export class ExpiryAlarm {
  /** Client clock minus server clock, in seconds, measured when the page was rendered. */
  private readonly skew: number;
  private timer: number | undefined;

  constructor(serverTime: number, private readonly onExpiring: (expiresAt: number) => void) {
    this.skew = Date.now() / 1000 - serverTime;
  }

  /** Warn a minute before `exp` (halfway there, for a token with less than a minute left). */
  set(exp: number | null): void {
    window.clearTimeout(this.timer);
    if (exp === null) return;
    const left = Math.max(exp + this.skew - Date.now() / 1000, 0);
    const wait = left > WARN_AHEAD_SECONDS ? left - WARN_AHEAD_SECONDS : left / 2;
    this.timer = window.setTimeout(() => this.onExpiring(exp), wait * 1000);
  }
}
