// Matching a host origin against the organization's frame-ancestors allow-list, the way the
// browser reads the same list in the CSP header: scheme://host[:port], *.subdomain wildcards,
// and 'self'. An http source also admits https (CSP upgrades the scheme).

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

function parts(origin: string): { scheme: string; host: string; port: string } | null {
  const found = /^(https?:)\/\/([^/:]+)(?::(\d+|\*))?$/.exec(origin.toLowerCase());
  if (!found) return null;
  const [, scheme, host, port] = found;
  return { scheme, host, port: port ?? DEFAULT_PORTS[scheme] };
}

function sourceAdmits(source: string, origin: string, self: string): boolean {
  if (source === "'self'") return origin === self;
  const wanted = parts(source);
  const given = parts(origin);
  if (!wanted || !given) return false;
  const schemeOk =
    wanted.scheme === given.scheme || (wanted.scheme === "http:" && given.scheme === "https:");
  const hostOk = wanted.host.startsWith("*.")
    ? given.host.endsWith(wanted.host.slice(1))
    : wanted.host === given.host;
  const portOk =
    wanted.port === "*" ||
    wanted.port === given.port ||
    (wanted.port === "80" && wanted.scheme === "http:" && given.port === "443");
  return schemeOk && hostOk && portOk;
}

/** Whether ``origin`` may receive events: any origin when the allow-list is empty. */
export function originAllowed(origin: string, allowList: readonly string[], self: string): boolean {
  return allowList.length === 0 || allowList.some((source) => sourceAdmits(source, origin, self));
}
