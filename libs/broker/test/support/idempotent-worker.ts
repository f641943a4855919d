/**
 * A consumer process for the crash test: records every delivery (at-least-once evidence) and applies
 * each command's effect through the idempotency guard (effectively-once). Killed with SIGKILL
 * mid-stream by the test, then restarted; SIGTERM shuts it down gracefully.
 * env: TOPIC, GROUP, RUN (Redis key prefix).
 */
import { Redis } from 'ioredis';
import { createConsumerRunner, createIdempotencyGuard, createPublisher, installGracefulShutdown } from '../../src/index.js';
import { config, testCodec, testKafka } from './runtime.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const [TOPIC, GROUP, RUN] = [env('TOPIC'), env('GROUP'), env('RUN')];
const redis = new Redis(config.redis.url);
const guard = createIdempotencyGuard({ redis, namespace: `crash-test:${RUN}` });
const kafka = testKafka('crash-worker');
const codec = testCodec();
const publisher = createPublisher({ kafka, codec });
const runner = createConsumerRunner({
  kafka,
  codec,
  publisher,
  groupId: GROUP,
  topics: [TOPIC],
  // Commit rarely, so a kill leaves handled-but-uncommitted messages to be delivered again.
  options: { commitEvery: 200 },
  handlers: {
    'tributary.test.Command': async (event: { eventId: string; value: { id: string } }) => {
      await redis.rpush(`${RUN}:deliveries`, event.value.id);
      await guard.applyOnce(event.eventId, (tx) => tx.hincrby(`${RUN}:effects`, event.value.id, 1));
    },
  },
});
installGracefulShutdown({
  resources: [{ close: () => Promise.resolve(redis.disconnect()) }, publisher, runner],
  deadlineMs: 20_000,
});
await runner.start();
console.log('worker running');
