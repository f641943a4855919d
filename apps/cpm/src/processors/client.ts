import type { ProcessorView } from '../pipelines/types.js';

export interface ProcessorClientOptions {
  /** Sent as `Authorization: Bearer <token>` when set (`PROCESSOR_TOKEN`). */
  token?: string;
  /** Longest wait for one processor. */
  timeoutMs: number;
}

/** What one processor answered; `status` is absent when it did not answer at all. */
export type ProcessorReply =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status?: number; body?: unknown; error: string };

/**
 * One call to a processor's HTTP API (`POST <url>/pipelines/:id/<action>`), bounded by `timeoutMs`.
 * Never throws: network failures and timeouts are replies too, so callers can try the next one.
 */
export async function callProcessor(
  processor: Pick<ProcessorView, 'url'>,
  pipelineId: string,
  action: 'preview' | 'pause' | 'resume',
  body: unknown,
  options: ProcessorClientOptions,
): Promise<ProcessorReply> {
  const url = `${processor.url.replace(/\/+$/, '')}/pipelines/${encodeURIComponent(pipelineId)}/${action}`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'error',
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: keep the text for the error message.
    }
    if (res.ok) return { ok: true, status: res.status, body: parsed };
    return { ok: false, status: res.status, body: parsed, error: `answered ${res.status}` };
  } catch (err) {
    const e = err as Error;
    const error = e.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : `unreachable: ${e.message}`;
    return { ok: false, error };
  }
}
