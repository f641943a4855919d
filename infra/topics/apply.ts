/**
 * `npm run topics:apply [-- --json] [-- --prefix p] [-- --dry-run]`: creates every missing control
 * topic of the catalog and reports drift on existing ones, which it never alters.
 * Exit codes: 0 all topics match, 2 drift found, 1 error (bad arguments or config, Kafka unreachable).
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BrokerError, applyTopics, isConnectionFailure } from '@tributary/broker';
import { ConfigError, loadConfig } from '@tributary/config';
import { SchemasError, controlTopics } from '@tributary/schemas';
import kafkajs, { type Admin } from 'kafkajs';
import { buildReport, errorReport, formatReport } from './report.js';

const { Kafka, logLevel } = kafkajs;

/**
 * Give up reaching Kafka after this long, whatever kafkajs is still trying (3 attempts × 3 s
 * connection timeout + backoff fit in it; a peer that accepts but never answers does not), so the
 * whole command stays under ~15 s with tsx start-up and shutdown.
 */
const CONNECT_DEADLINE_MS = 10_000;
/** A disconnect must not hold the exit code hostage when the connection never came up. */
const DISCONNECT_DEADLINE_MS = 1000;

export interface ApplyCatalogOptions {
  /** Print the machine-readable report (stdout) instead of text. Default false. */
  readonly json?: boolean;
  /** Topic prefix; default TRIBUTARY_TOPIC_PREFIX from the environment (`tributary`). */
  readonly prefix?: string;
  /** Plan and report only. Default false. */
  readonly dryRun?: boolean;
  /** Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where report lines go. Default console.log. */
  readonly print?: (text: string) => void;
}

/** Applies the control-topic catalog; resolves to the process exit code (0, 1 or 2), never throws. */
export async function applyCatalog(options: ApplyCatalogOptions = {}): Promise<number> {
  const print = options.print ?? ((text: string) => console.log(text));
  let admin: Admin | undefined;
  try {
    const config = loadConfig(options.env ?? process.env);
    const prefix = options.prefix ?? config.topicPrefix;
    const catalog = controlTopics({ prefix });
    admin = new Kafka({
      clientId: 'tributary-topics',
      brokers: config.kafka.brokers,
      // Failures are reported below in one clear line; kafkajs's own retry logs would bury it.
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 15_000,
      retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 2000 },
    }).admin();
    await connectWithin(admin, CONNECT_DEADLINE_MS, config.kafka.brokers);

    const result = await applyTopics({ admin, catalog, dryRun: options.dryRun ?? false });
    const report = buildReport(result, { bootstrap: config.kafka.brokers, prefix, catalog });
    print(options.json ? JSON.stringify(report, null, 2) : formatReport(report, catalog));
    return report.exitCode;
  } catch (err) {
    const { code, message } = describeFailure(err);
    print(options.json ? JSON.stringify(errorReport(code, message), null, 2) : `topics:apply failed: ${message} [${code}]`);
    return 1;
  } finally {
    if (admin) await withinDeadline(admin.disconnect(), DISCONNECT_DEADLINE_MS).catch(() => undefined);
  }
}

function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function connectWithin(admin: Admin, deadlineMs: number, brokers: readonly string[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BrokerError('TRIB_BROKER_UNREACHABLE', `no answer from ${brokers.join(',')} within ${deadlineMs / 1000} s`)),
      deadlineMs,
    );
  });
  try {
    await Promise.race([admin.connect(), deadline]);
  } catch (err) {
    if (err instanceof BrokerError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new BrokerError('TRIB_BROKER_UNREACHABLE', `cannot connect to ${brokers.join(',')} (${reason})`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

function describeFailure(err: unknown): { code: string; message: string } {
  if (err instanceof ConfigError || err instanceof SchemasError) return { code: err.code, message: err.message };
  if (err instanceof BrokerError && err.code === 'TRIB_BROKER_UNREACHABLE') {
    return { code: err.code, message: `Kafka is unreachable: ${err.message}. Is the stack up? (npm run stack:up)` };
  }
  if (err instanceof BrokerError) return { code: err.code, message: err.message };
  if (isConnectionFailure(err)) return { code: 'TRIB_BROKER_UNREACHABLE', message: `Kafka is unreachable: ${String(err)}` };
  return { code: 'TRIB_TOPICS_APPLY_FAILED', message: err instanceof Error ? err.message : String(err) };
}

const usage = `usage: npm run topics:apply [-- --json] [-- --prefix <prefix>] [-- --dry-run]
  --json      machine-readable report on stdout
  --prefix    topic prefix (default: TRIBUTARY_TOPIC_PREFIX or "tributary")
  --dry-run   plan and report only; create nothing
exit codes: 0 all topics match the catalog, 2 drift found (reported, never fixed), 1 error`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        prefix: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${usage}`);
    return 1;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  return applyCatalog({ json: values.json, prefix: values.prefix, dryRun: values['dry-run'] });
}

// Run only when executed (tsx infra/topics/apply.ts), not when imported (stack up --topics).
const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
