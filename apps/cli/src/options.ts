import { loadConfig } from '@tributary/config';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

/** Defaults of every option of the CLI; each one is overridable on the command line. */
export const cliDefaults = Object.freeze({
  /** CPM base URL (env `TRIBUTARY_URL`). */
  url: 'http://127.0.0.1:8080',
  /** Longest wait for one CPM answer before giving up. */
  requestTimeoutMs: 30_000,
  /** Records per ingest request; the CPM refuses more than 10,000 per request. */
  batchSize: 1_000,
  /** Ingest requests in flight at once. */
  concurrency: 2,
  /** How often one batch is retried after a 503 before the ingest fails. */
  maxRetries: 5,
  /** Wait before a retry when a 503 names no Retry-After (doubles each attempt). */
  retryDelayMs: 1_000,
  /** Upper bound of any wait between retries, whatever Retry-After says. */
  maxRetryDelayMs: 60_000,
  /** Rejected records printed in the ingest summary. */
  maxErrors: 10,
  /** Poll interval of `replay --wait`. */
  pollIntervalMs: 2_000,
  /** Dead letters shown per topic by `dlq list --show`. */
  showDeadLetters: 3,
  /** Kafka client id, so broker logs name the CLI. */
  clientId: 'tributary-cli',
});

export type OutputFormat = 'table' | 'json';

/** The global options after env and defaults are applied. The API key is kept out of any printout. */
export interface GlobalOptions {
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly brokers: string[];
  readonly registryUrl: string;
  readonly output: OutputFormat;
}

interface RawGlobals {
  url?: string;
  apiKey?: string;
  brokers?: string;
  registry?: string;
  output?: string;
}

/** Flag, then environment, then default: validated once here, at the boundary. */
export function resolveGlobalOptions(raw: RawGlobals, env: CliIo['env']): GlobalOptions {
  const url = (raw.url ?? nonEmpty(env.TRIBUTARY_URL) ?? cliDefaults.url).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`--url must be an http(s) URL, got ${JSON.stringify(url)}`);
  const output = raw.output ?? 'table';
  if (output !== 'table' && output !== 'json') throw new UsageError(`--output must be table or json, got ${JSON.stringify(output)}`);
  let kafka: ReturnType<typeof loadConfig>;
  try {
    kafka = loadConfig({
      KAFKA_BROKERS: raw.brokers ?? env.KAFKA_BROKERS,
      SCHEMA_REGISTRY_URL: raw.registry ?? env.SCHEMA_REGISTRY_URL,
    });
  } catch (err) {
    throw new UsageError(`--brokers/--registry: ${(err as Error).message}`);
  }
  return {
    url,
    apiKey: raw.apiKey ?? nonEmpty(env.TRIBUTARY_API_KEY),
    brokers: kafka.kafka.brokers,
    registryUrl: kafka.schemaRegistry.url,
    output,
  };
}

/** A positive integer option, or a usage error naming it. */
export function positiveInt(name: string, value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** A non-negative integer option (0 allowed), or a usage error naming it. */
export function nonNegativeInt(name: string, value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be an integer ≥ 0, got ${JSON.stringify(value)}`);
  return n;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

