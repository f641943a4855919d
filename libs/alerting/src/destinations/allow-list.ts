import { AlertingError } from '../errors.js';
import { redactUrl } from './redact.js';

/**
 * One allowed destination, parsed from the operator's allow-list (never from a rule file, which
 * CPM users edit). Written as a URL prefix:
 * - `https://hooks.slack.com`: any path on that origin (scheme, host and port must all match);
 * - `https://alerts.example.com/tributary/`: only paths under that prefix;
 * - `https://*.example.com`: any subdomain of example.com (not example.com itself).
 */
interface AllowedDestination {
  readonly entry: string;
  readonly protocol: string;
  readonly port: string;
  /** Exact host name, or the suffix (with leading dot) for a `*.` entry. */
  readonly host: string;
  readonly wildcard: boolean;
  readonly pathPrefix: string;
}

export type DestinationCheck = { ok: true; url: URL } | { ok: false; reason: string };

const WILDCARD_HOST = 'wildcard-placeholder.invalid';

function parseEntry(entry: string): AllowedDestination | string {
  const wildcard = /^https?:\/\/\*\./.test(entry);
  let url: URL;
  try {
    url = new URL(wildcard ? entry.replace('*.', `${WILDCARD_HOST}.`) : entry);
  } catch {
    return 'is not a URL (write an origin such as https://hooks.slack.com, optionally with a path prefix)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment';
  const host = wildcard ? url.hostname.slice(WILDCARD_HOST.length) : url.hostname;
  if (wildcard && host.split('.').filter(Boolean).length < 2) return 'a wildcard needs at least two domain labels after *. (e.g. https://*.example.com)';
  return { entry, protocol: url.protocol, port: url.port, host, wildcard, pathPrefix: url.pathname };
}

function pathAllowed(pathname: string, prefix: string): boolean {
  if (prefix === '/' || pathname === prefix) return true;
  return pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/**
 * The destinations notifications may go to. Every webhook and Slack URL is checked when a rule file
 * is validated and again before each request; anything else is refused without a request. URLs
 * with credentials (`https://user:pass@…`) are always refused, and redirects are never followed
 * (a redirect could lead off the list).
 */
export class DestinationAllowList {
  readonly #allowed: readonly AllowedDestination[];

  /** Throws TRIB_ALERT_OPTIONS_INVALID naming each malformed entry. */
  constructor(entries: readonly string[]) {
    const allowed: AllowedDestination[] = [];
    const issues: { path: string; message: string }[] = [];
    entries.forEach((entry, index) => {
      const parsed = parseEntry(entry);
      if (typeof parsed === 'string') issues.push({ path: `allowedDestinations.${index}`, message: `${redactUrl(entry)} ${parsed}` });
      else allowed.push(parsed);
    });
    if (issues.length > 0) {
      const message = `invalid destination allow-list: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
      throw new AlertingError('TRIB_ALERT_OPTIONS_INVALID', message, { issues });
    }
    this.#allowed = allowed;
  }

  get size(): number {
    return this.#allowed.length;
  }

  check(destination: string): DestinationCheck {
    let url: URL;
    try {
      url = new URL(destination);
    } catch {
      return { ok: false, reason: 'is not a valid URL' };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'must be an http or https URL' };
    if (url.username !== '' || url.password !== '') return { ok: false, reason: 'must not carry credentials in the URL (use headers)' };
    for (const a of this.#allowed) {
      if (a.protocol !== url.protocol || a.port !== url.port) continue;
      const hostOk = a.wildcard ? url.hostname.endsWith(a.host) && url.hostname.length > a.host.length : url.hostname === a.host;
      if (hostOk && pathAllowed(url.pathname, a.pathPrefix)) return { ok: true, url };
    }
    return {
      ok: false,
      reason: this.#allowed.length === 0 ? 'is refused: the destination allow-list is empty' : 'is not on the destination allow-list',
    };
  }

  /** The URL, or TRIB_ALERT_DESTINATION_REFUSED (with the URL redacted) when it is not allowed. */
  assertAllowed(destination: string): URL {
    const checked = this.check(destination);
    if (checked.ok) return checked.url;
    throw new AlertingError('TRIB_ALERT_DESTINATION_REFUSED', `destination ${redactUrl(destination)} ${checked.reason}`);
  }
}
