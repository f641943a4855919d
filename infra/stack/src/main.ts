#!/usr/bin/env -S npx tsx
/**
 * `npm run stack:up | stack:down | stack:status` — the local Kafka, schema registry and Redis,
 * without Docker. See docs/stack.md.
 */
import { parseArgs } from 'node:util';
import { StackError } from './errors.js';
import { resolveStackOptions } from './options.js';
import { createStack, formatStatus } from './stack.js';

const usage = `usage: stack <up|down|status|fetch> [--topics]
  up       download what is missing (once), start what is not running, wait until each answers
  down     stop what this stack started (a Redis it did not start is left alone)
  status   show each service, where it listens and where it logs; exit 1 if any is not answering
  fetch    only download the jars into the cache
  --topics with up: also provision the topic catalog (npm run topics:apply)`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { topics: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(usage);
    return command ? 0 : 2;
  }
  const options = resolveStackOptions();
  const stack = createStack(options, (line) => console.log(line));
  const began = Date.now();
  switch (command) {
    case 'up': {
      const statuses = await stack.up();
      console.log(`Stack is up (${((Date.now() - began) / 1000).toFixed(1)} s):\n${formatStatus(statuses)}`);
      if (values.topics) {
        const { applyCatalog } = await import('../../topics/apply.js');
        return applyCatalog({ json: false });
      }
      return 0;
    }
    case 'down': {
      const statuses = await stack.down();
      console.log(`Stack is down:\n${formatStatus(statuses)}`);
      return 0;
    }
    case 'status': {
      const statuses = await stack.status();
      console.log(formatStatus(statuses));
      return statuses.every((s) => s.state === 'running' || s.state === 'external') ? 0 : 1;
    }
    case 'fetch':
      await stack.fetch();
      console.log(`Jars are cached in ${options.cacheDir}`);
      return 0;
    default:
      console.error(`unknown command "${command}"\n${usage}`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof StackError) {
      console.error(`\n✖ ${err.message} [${err.code}]`);
      if (err.detail) console.error(err.detail.replace(/^/gm, '  │ '));
    } else {
      console.error(err);
    }
    process.exit(1);
  },
);
