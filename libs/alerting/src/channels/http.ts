import { AlertingError } from '../errors.js';
import { redactError, redactText, redactUrl } from '../destinations/index.js';

/** Most characters of a receiver's error body quoted in an error (it may explain a 400). */
const MAX_BODY_QUOTE = 200;

export interface PostOptions {
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  /** Aborts when the notifier closes. */
  readonly closed: AbortSignal;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * POSTs JSON once. Success is any 2xx. Network errors, timeouts, 5xx, 408 and 429 throw a retriable
 * TRIB_ALERT_DELIVERY_FAILED (429 and 408 are "try later" by definition, though they are 4xx); any
 * other 4xx, and any redirect (never followed: it could lead off the allow-list), throw
 * TRIB_ALERT_DELIVERY_REJECTED. Errors show the destination redacted, and their causes are redacted
 * copies of the originals.
 */
export async function postJson(url: URL, body: unknown, options: PostOptions): Promise<void> {
  const secrets = [url.href, ...Object.values(options.headers)];
  const where = redactUrl(url);
  const signal = AbortSignal.any([options.closed, AbortSignal.timeout(options.timeoutMs)]);
  let response: Response;
  try {
    response = await options.fetch(url, {
      method: 'POST',
      headers: { ...options.headers, 'content-type': 'application/json', 'user-agent': 'tributary-alerting' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    if (options.closed.aborted) throw new AlertingError('TRIB_ALERT_CLOSED', `delivery to ${where} abandoned: the notifier is closed`);
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, other side closed, ...) is its cause.
    const reason = err instanceof Error ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}` : String(err);
    const message = timedOut ? `timed out after ${options.timeoutMs}ms` : `failed: ${redactText(reason, secrets)}`;
    throw new AlertingError('TRIB_ALERT_DELIVERY_FAILED', `delivery to ${where} ${message}`, { cause: redactError(err, secrets) });
  }
  let text = '';
  try {
    text = (await response.text()).slice(0, MAX_BODY_QUOTE);
  } catch {
    // the status decides; an unreadable body changes nothing
  }
  if (response.ok) return;
  const quoted = text.trim() === '' ? '' : `: ${JSON.stringify(redactText(text.trim(), secrets))}`;
  const status = response.status;
  if (status >= 300 && status < 400) {
    throw new AlertingError('TRIB_ALERT_DELIVERY_REJECTED', `delivery to ${where} was redirected (HTTP ${status}); redirects are not followed`);
  }
  const retriable = status >= 500 || status === 408 || status === 429;
  throw new AlertingError(retriable ? 'TRIB_ALERT_DELIVERY_FAILED' : 'TRIB_ALERT_DELIVERY_REJECTED', `delivery to ${where} answered HTTP ${status}${quoted}`);
}
