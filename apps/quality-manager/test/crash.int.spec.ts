import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { cleanOrder, DEFECTS, defectiveOrder, ordersDefinition } from './fixtures.js';
import { pipelineId, Stack } from './helpers.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Starts the quality manager's own main in a process and resolves once it says it started. */
function startManager(prefix: string, instanceId: string, output: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      TRIBUTARY_TOPIC_PREFIX: prefix,
      QUALITY_MANAGER_PORT: '0',
      QUALITY_MANAGER_INSTANCE_ID: instanceId,
      // Small transactions so a kill lands between and inside them; the broker's minimum session
      // timeout, so the killed member leaves the group soon.
      QUALITY_MANAGER_COMMIT_EVERY: '25',
      QUALITY_MANAGER_SESSION_TIMEOUT_MS: '6000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString('utf8').includes('quality manager started')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`quality manager exited (${code}) before starting: ${output.join('')}`)));
  });
}

describe('quality manager crash (kill -9) and restart (real stack)', () => {
  const stack = new Stack();
  const children: ChildProcess[] = [];
  const output: string[] = [];

  before(async () => {
    await stack.start();
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await stack.close();
  });

  it('writes every record exactly once to .validated or .quarantine (read committed)', async function () {
    this.timeout(180_000);
    const N = 2_000;
    const id = pipelineId('qcrash');
    const pipeline = await stack.runPipeline(ordersDefinition(id), 'run-c');
    const now = Date.now();
    // Defects that need no other record (order-unique would depend on which records survived a retry).
    const kinds = DEFECTS.filter((d) => d !== 'order-unique' && d !== 'email-format');
    const records = Array.from({ length: N }, (_, i) => {
      const value = i % 5 === 4 ? defectiveOrder(i, kinds[i % kinds.length]!, now) : cleanOrder(i, now);
      return { recordId: `c${i}`, value };
    });
    const quarantinedIds = new Set(records.filter((_, i) => i % 5 === 4).map((r) => r.recordId));
    await stack.process(pipeline, records, 'run-c');

    const seen = await stack.read([pipeline.topics.validated, pipeline.topics.quarantine], pipeline.codec);
    const instanceId = uniqueName('qm-crashy');
    children.push(await startManager(stack.prefix, instanceId, output));
    await waitFor(() => seen.length >= 100, { what: 'the first outputs', timeoutMs: 60_000, intervalMs: 20 });
    children[0]!.kill('SIGKILL');
    expect(seen.length, 'killed mid-stream').to.be.below(N);

    children.push(await startManager(stack.prefix, instanceId, output));
    await waitFor(() => seen.length >= N, { what: `${N} outputs`, timeoutMs: 120_000 });
    // A little longer: anything written twice would show up now.
    await new Promise((r) => setTimeout(r, 1000));

    const counts = new Map<string, number>();
    for (const s of seen) counts.set(s.headers['record-id']!, (counts.get(s.headers['record-id']!) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1), 'records written twice').to.deep.equal([]);
    expect(counts.size).to.equal(N);
    const quarantined = seen.filter((s) => s.topic === pipeline.topics.quarantine).map((s) => s.headers['record-id']);
    expect(new Set(quarantined)).to.deep.equal(quarantinedIds);
  });
});
