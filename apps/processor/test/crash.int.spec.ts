import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunProgress } from '@tributary/schemas';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { order, ordersDefinition, T0 } from './fixtures.js';
import { pipelineId, Stack } from './helpers.js';

const CHILD = fileURLToPath(new URL('./support/processor-child.ts', import.meta.url));

/** Starts a processor process and resolves once it says it started. */
function startChild(prefix: string, processorId: string, stderr: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, TEST_TOPIC_PREFIX: prefix, PROCESSOR_ID: processorId },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString('utf8').includes('started')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`processor child exited (${code}) before starting: ${stderr.join('')}`)));
  });
}

describe('processor crash (kill -9) and restart (real stack)', () => {
  const stack = new Stack();
  const children: ChildProcess[] = [];
  const stderr: string[] = [];

  before(async () => {
    await stack.start();
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await stack.close();
  });

  it('.processed read committed holds every record exactly once, and RunProgress counts each once', async function () {
    this.timeout(180_000);
    const N = 1_500;
    const id = pipelineId('crash');
    // No dedupe and no filter on these records: every staged record must come out once.
    const pipeline = await stack.createPipeline(ordersDefinition(id));
    await stack.startRun(id, 'run-c');
    const records = Array.from({ length: N }, (_, i) => order({ id: `c${i}`, country: i % 2 ? 'US' : 'DE', ts: T0 + i }));
    for (let i = 0; i < N; i += 250) await stack.stage(pipeline, records.slice(i, i + 250));

    const seen = await stack.read([pipeline.topics.processed, stack.eventsTopic], pipeline.codec);
    const processed = () => seen.filter((s) => s.topic === pipeline.topics.processed);
    const processorId = uniqueName('crashy');
    const first = await startChild(stack.prefix, processorId, stderr);
    children.push(first);
    await waitFor(() => processed().length >= 100, { what: 'the first outputs', timeoutMs: 60_000, intervalMs: 20 });
    first.kill('SIGKILL');
    const before = processed().length;
    expect(before, 'killed mid-stream').to.be.below(N);

    children.push(await startChild(stack.prefix, processorId, stderr));
    const runTotal = () =>
      seen
        .filter((s) => s.type === 'tributary.pipeline.RunProgress')
        .map((s) => s.value as unknown as RunProgress)
        .filter((p) => p.pipelineId === id && p.runId === 'run-c')
        .reduce((n, p) => n + (p.stages[0]?.recordsIn ?? 0), 0);
    await waitFor(() => processed().length >= N && runTotal() >= N, { what: `${N} outputs and their progress`, timeoutMs: 120_000 });

    const ids = processed().map((s) => String(s.value.id));
    const counts = new Map<string, number>();
    for (const x of ids) counts.set(x, (counts.get(x) ?? 0) + 1);
    const duplicates = [...counts].filter(([, n]) => n > 1);
    expect(duplicates, 'records written twice').to.deep.equal([]);
    expect(counts.size).to.equal(N);
    expect(runTotal()).to.equal(N);
  });
});
