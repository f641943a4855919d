/**
 * Kill -9 a consumer mid-stream and restart it: every message is handled at least once, none is lost,
 * and through the idempotency guard none has an effect twice. Then SIGTERM stops it cleanly with
 * every offset committed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { createPublisher } from '../src/index.js';
import { config, createTopics, testCodec, testKafka } from './support/runtime.js';

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'idempotent-worker.ts');

function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', worker], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('a consumer killed mid-stream', function () {
  this.timeout(240_000);

  it('loses nothing, and with the idempotency guard applies every effect exactly once', async () => {
    const total = 3000;
    const kafka = testKafka('crash-test');
    const admin = kafka.admin();
    await admin.connect();
    const redis = new Redis(config.redis.url);
    const topic = uniqueName('it-crash');
    const env = { TOPIC: topic, GROUP: uniqueName('it-crash-group'), RUN: uniqueName('crash') };
    const children: ChildProcess[] = [];
    try {
      await createTopics(admin, [{ topic, numPartitions: 3 }, { topic: `${topic}.dlq`, numPartitions: 1 }]);
      const publisher = createPublisher({ kafka, codec: testCodec() });
      await Promise.all(
        Array.from({ length: total }, (_, i) =>
          publisher.publish(topic, 'tributary.test.Command', { id: `c${i}`, seq: i, sentAt: Date.now(), note: '' }, { key: `k${i % 50}` }),
        ),
      );
      await publisher.close();

      const first = startWorker(env);
      children.push(first);
      await waitFor(async () => (await redis.llen(`${env.RUN}:deliveries`)) >= total / 3, { timeoutMs: 120_000, what: 'a third of the stream' });
      first.kill('SIGKILL');
      await exited(first);
      const deliveredBeforeKill = await redis.llen(`${env.RUN}:deliveries`);

      const second = startWorker(env);
      children.push(second);
      await waitFor(async () => (await redis.hlen(`${env.RUN}:effects`)) === total, { timeoutMs: 120_000, what: `effects for all ${total} commands` });

      const effects = await redis.hgetall(`${env.RUN}:effects`);
      const counts = Object.values(effects).map(Number);
      expect(counts.length).to.equal(total);
      expect(counts.every((n) => n === 1), 'no effect applied twice').to.equal(true);
      const deliveries = await redis.lrange(`${env.RUN}:deliveries`, 0, -1);
      expect(new Set(deliveries).size, 'every command delivered').to.equal(total);
      // The kill landed between commits (every 200 messages), so some were delivered twice: that is
      // exactly what the guard absorbed above.
      expect(deliveries.length, `deliveries (${deliveredBeforeKill} before the kill)`).to.be.above(total);

      second.kill('SIGTERM');
      expect(await exited(second), 'graceful exit code').to.equal(0);
      const committed = await admin.fetchOffsets({ groupId: env.GROUP, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      expect(committed[0]!.partitions.map((p) => p.offset).sort()).to.deep.equal(ends.map((e) => e.high).sort());
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      redis.disconnect();
      await admin.disconnect();
    }
  });
});
