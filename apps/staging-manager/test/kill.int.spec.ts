import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StagingBatchCompleted } from '@tributary/schemas';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { createStack, type Stack } from './helpers.js';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const TOTAL = 400;

/** Runs src/main.ts as a real process, as production does (same env, same instance id across restarts). */
function spawnManager(prefix: string, instanceId: string, output: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: appRoot,
    env: {
      ...process.env,
      TRIBUTARY_TOPIC_PREFIX: prefix,
      STAGING_MANAGER_INSTANCE_ID: instanceId,
      STAGING_MANAGER_PORT: '0',
      STAGING_MANAGER_SESSION_TIMEOUT_MS: '8000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  return child;
}

describe('staging manager killed mid-stream (real process, kill -9)', function () {
  this.timeout(150_000);
  let stack: Stack;
  const children: ChildProcess[] = [];
  const output: string[] = [];

  before(async function () {
    stack = await createStack();
    await stack.createPipeline('kill', {
      input: { schema: [{ name: 'id', type: 'string' }, { name: 'n', type: 'int' }] },
    });
  });

  after(async function () {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await stack?.close();
  });

  it('stages every record exactly once for read_committed readers, with exact batch counts', async function () {
    const instanceId = uniqueName('staging-kill');
    const send = (from: number, to: number) =>
      stack.sendRaw(
        'kill',
        Array.from({ length: to - from }, (_, k) => ({ recordId: `k-${from + k}`, value: JSON.stringify({ id: `id-${from + k}`, n: from + k }) })),
      );
    const stagedTopic = `${stack.prefix}.data.kill.staged`;

    const first = spawnManager(stack.prefix, instanceId, output);
    children.push(first);
    await send(0, 100);
    await waitFor(async () => (await stack.read(stagedTopic)).length > 0, { timeoutMs: 60_000, what: `first staged records; output: ${output.join('').slice(-2000)}` });
    // Keep records flowing while the process dies, so the kill can land inside an open transaction.
    const sending = (async () => {
      for (let i = 100; i < TOTAL; i += 50) await send(i, i + 50);
    })();
    first.kill('SIGKILL');
    await sending;

    children.push(spawnManager(stack.prefix, instanceId, output));
    const staged = await waitFor(
      async () => {
        const m = await stack.read(stagedTopic);
        return new Set(m.map((x) => x.key)).size >= TOTAL && m;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: `all ${TOTAL} records staged after the restart` },
    );
    const batches = await waitFor(async () => {
      const events = await stack.read(`${stack.prefix}.staging.events`);
      const decoded = await Promise.all(events.map(async (e) => (await stack.codec.decode(e.value!)).value as StagingBatchCompleted));
      return decoded.reduce((s, b) => s + b.recordsIn, 0) >= TOTAL && decoded;
    }, { what: 'batch events covering every record' });

    // Exactly once: a second look after the batch events caught up still finds no duplicate.
    const keys = (await stack.read(stagedTopic)).map((m) => m.key);
    expect(staged.length).to.be.at.least(TOTAL);
    expect(keys.length).to.equal(TOTAL);
    expect(new Set(keys).size).to.equal(TOTAL);
    expect(batches.reduce((s, b) => s + b.recordsIn, 0)).to.equal(TOTAL);
    expect(batches.reduce((s, b) => s + b.recordsStaged, 0)).to.equal(TOTAL);
  });
});
