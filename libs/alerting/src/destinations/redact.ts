/**
 * Webhook URLs are secrets: Slack's incoming-webhook URL is its own credential
 * (`/services/T…/B…/<token>`), and generic receivers often carry a token in the path or query. A
 * URL is therefore only ever shown as its origin, with `/<redacted>` standing for any path or query.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return '<invalid url>';
  }
  const origin = parsed.protocol === 'http:' || parsed.protocol === 'https:' ? `${parsed.protocol}//${parsed.host}` : `${parsed.protocol}//…`;
  return parsed.pathname === '/' && parsed.search === '' && parsed.hash === '' ? origin : `${origin}/<redacted>`;
}

/** `text` with every occurrence of each secret (and of its URL-normalised form) replaced. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    const replacement = redactUrl(secret);
    out = out.split(secret).join(replacement);
    try {
      const normalised = new URL(secret).href;
      if (normalised !== secret) out = out.split(normalised).join(replacement);
    } catch {
      // not a URL: only the literal text is replaced
    }
  }
  return out;
}

/**
 * A copy of an error that is safe to log: same name, message and code with the secrets redacted,
 * and the same for its causes. The original (whose fields may hold the URL) is dropped.
 */
export function redactError(error: unknown, secrets: readonly string[], depth = 0): Error {
  if (!(error instanceof Error)) return new Error(redactText(String(error), secrets));
  const copy = new Error(redactText(error.message, secrets), {
    cause: error.cause !== undefined && depth < 3 ? redactError(error.cause, secrets, depth + 1) : undefined,
  });
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}
