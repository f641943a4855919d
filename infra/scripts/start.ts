/**
 * `npm start`, Tributary's main job: the local stack, the topic catalog, every service, and the demo
 * (the orders pipeline applied, started, fed a generated data set, summarised). Then it keeps running
 * until Ctrl-C, which stops the services and the stack it started.
 *
 *   npm start                 everything, then wait for Ctrl-C
 *   npm start -- --exit       stop after the summary (CI smoke run)
 *   npm start -- --no-demo    services only
 *   npm start -- --records 50000
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveStackOptions, repoRoot } from '../stack/src/options.js';
import { createStack, formatStatus } from '../stack/src/stack.js';
import { formatSummary, runDemo } from '../platform/demo.js';
import { type ApiKeys, newApiKey, type Platform, startPlatform } from '../platform/platform.js';

const { values } = parseArgs({
  options: {
    exit: { type: 'boolean', default: false },
    'no-demo': { type: 'boolean', default: false },
    records: { type: 'string', default: '20000' },
  },
});

/** The keys of this checkout, made once and kept in `.tributary/api-keys.json` (mode 600). */
function localApiKeys(): ApiKeys {
  const file = path.join(repoRoot, '.tributary', 'api-keys.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ApiKeys;
  } catch {
    const keys = { admin: newApiKey(), operator: newApiKey(), viewer: newApiKey() };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    return keys;
  }
}

let platform: Platform | undefined;
let stopping: Promise<void> | undefined;
let stop: () => Promise<void> = () => Promise.resolve();

async function main(): Promise<number> {
  const records = Number(values.records);
  if (!Number.isInteger(records) || records < 1) throw new Error(`--records must be a positive integer, not ${values.records}`);
  const stack = createStack(resolveStackOptions(), (line) => console.log(line));
  const wasRunning = (await stack.status()).every((s) => s.state === 'running' || s.state === 'external');
  console.log(`Local stack:\n${formatStatus(await stack.up())}\n`);

  const apiKeys = localApiKeys();
  stop = () =>
    (stopping ??= (async () => {
      console.log('\nStopping services…');
      await platform?.close();
      if (!wasRunning) await stack.down();
      console.log('Stopped.');
    })());
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));

  console.log('Starting services…');
  platform = await startPlatform({ apiKeys, log: (line) => console.log(`  ${line}`) });
  console.log(`\nAdmin API key: ${apiKeys.admin}   (operator and viewer keys in .tributary/api-keys.json)\n`);

  if (!values['no-demo']) {
    const summary = await runDemo({
      cpmUrl: platform.cpmUrl,
      adminKey: apiKeys.admin,
      operatorKey: apiKeys.operator,
      records,
      log: (line) => console.log(line),
    });
    console.log(`\n${formatSummary(summary)}\n`);
  }
  const cpm = platform.cpmUrl;
  console.log(
    [
      'Look at:',
      `  ${cpm}/api/v1/pipelines/orders        (curl -H "Authorization: Bearer $KEY")`,
      `  ${cpm}/api/v1/openapi.json`,
      `  ${cpm}/api/v1/events?pipeline=orders  (live run progress, SSE)`,
      `  ${cpm}/metrics`,
      '  npx tributary pipelines get orders --api-key $KEY',
      '  infra/bin/kafka-consumer-groups --bootstrap-server 127.0.0.1:9092 --describe --all-groups   (offsets and lag)',
      `  logs: ${path.relative(process.cwd(), path.join(repoRoot, '.tributary', 'logs'))}/`,
    ].join('\n'),
  );
  if (values.exit) {
    await stop();
    return 0;
  }
  console.log('\nRunning. Ctrl-C stops the services (and the stack, if this run started it).');
  await new Promise(() => undefined);
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await stop().catch(() => undefined);
    process.exit(1);
  },
);
