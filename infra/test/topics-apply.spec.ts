/**
 * `npm run topics:apply` on the real broker: its exit codes (0 fine, 2 drift, 1 unreachable) and
 * its JSON report are a contract for scripts and `stack up --topics`.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@tributary/config';
import { uniqueName } from '@tributary/testing';
import { expect } from 'chai';
import kafkajs, { type Admin } from 'kafkajs';
import { repoRoot } from '../stack/src/options.js';
import { applyCatalog } from '../topics/apply.js';
import type { CatalogReport } from '../topics/report.js';

const { Kafka, logLevel } = kafkajs;
const run = promisify(execFile);

/** Runs applyCatalog in-process and returns its exit code and parsed JSON report. */
async function apply(prefix: string, env: NodeJS.ProcessEnv = process.env) {
  let out = '';
  const code = await applyCatalog({ json: true, prefix, env, print: (text) => (out += text) });
  return { code, report: JSON.parse(out) as CatalogReport & { error?: { code: string } } };
}

describe('topics:apply', () => {
  const prefix = uniqueName('it-cli');
  let admin: Admin;

  before(async () => {
    admin = new Kafka({ brokers: loadConfig().kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  after(async () => {
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });

  it('creates the whole control catalog, then finds it up to date (exit 0 both times)', async () => {
    const first = await apply(prefix);
    expect(first.code).to.equal(0);
    expect(first.report.created).to.have.length(38);
    expect(first.report.created).to.include.members([`${prefix}.pipeline.commands`, `${prefix}.pipeline.definitions.dlq`]);

    const second = await apply(prefix);
    expect(second.code).to.equal(0);
    expect(second.report.created).to.deep.equal([]);
    expect(second.report.upToDate).to.have.length(38);
  });

  it('exits 2 and reports expected vs actual when a topic drifted, from the command line', async () => {
    await admin.createPartitions({ topicPartitions: [{ topic: `${prefix}.report.events`, count: 7 }] });
    const script = path.join(repoRoot, 'infra', 'topics', 'apply.ts');
    const outcome = await run('npx', ['tsx', script, '--json', '--prefix', prefix], { cwd: repoRoot }).then(
      () => ({ code: 0, stdout: '' }),
      (err: { code: number; stdout: string }) => err,
    );
    expect(outcome.code).to.equal(2);
    const report = JSON.parse(outcome.stdout) as CatalogReport;
    expect(report.drift.map(({ topic, field, expected, actual }) => ({ topic, field, expected, actual }))).to.deep.equal([
      { topic: `${prefix}.report.events`, field: 'partitions', expected: 6, actual: 7 },
    ]);
  });

  it('exits 1 quickly with TRIB_BROKER_UNREACHABLE when Kafka does not answer', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const started = Date.now();
    const { code, report } = await apply(prefix, { ...process.env, KAFKA_BROKERS: `127.0.0.1:${port}` });
    expect(code).to.equal(1);
    expect(report.error?.code).to.equal('TRIB_BROKER_UNREACHABLE');
    expect(Date.now() - started).to.be.below(15_000);
  });
});
