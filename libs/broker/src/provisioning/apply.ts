import { resolveTopicSpec, type ResolvedTopicSpec } from '@tributary/schemas';
import type { Admin } from 'kafkajs';
import { BrokerError, toBrokerError } from '../errors.js';
import { waitFor } from '../wait.js';
import { countBrokers, describeTopics, listTopicNames } from './describe.js';
import { resolveApplyTopicsOptions, type ApplyTopicsOptions } from './options.js';
import { planTopics } from './plan.js';
import type { ApplyTopicsResult, TopicPlan } from './types.js';

/**
 * Makes every catalog topic exist: creates the missing ones with their partitions, replication and
 * configs, and reports (never alters) existing topics that differ from the catalog. Idempotent: a
 * second call creates nothing. Replication is resolved against the live broker count, so the same
 * catalog works on a one-broker dev stack and a production cluster.
 */
export async function applyTopics(options: ApplyTopicsOptions): Promise<ApplyTopicsResult> {
  const { admin, catalog, logger, createTimeoutMs, dryRun } = resolveApplyTopicsOptions(options);
  const brokerCount = await countBrokers(admin);
  const desired = catalog.map((spec) => resolveTopicSpec(spec, { brokerCount }));
  const plan = await planAgainstCluster(admin, desired);
  logger.info(
    { brokerCount, create: plan.create.length, drift: plan.drift.length, ok: plan.ok.length, dryRun },
    'topic plan',
  );
  for (const d of plan.drift) logger.warn({ ...d }, `topic ${d.topic} drifted on ${d.field}`);

  const result = { brokerCount, plan, upToDate: plan.ok, dryRun };
  if (dryRun || plan.create.length === 0) {
    return { ...result, created: [], concurrentCreate: false, drift: plan.drift };
  }

  const created = plan.create.map((t) => t.name);
  const allOurs = await createTopics(admin, plan.create, createTimeoutMs);
  logger.info({ topics: created }, 'topics created');
  if (allOurs) return { ...result, created, concurrentCreate: false, drift: plan.drift };

  // Someone else created some of them first, possibly with other settings: check them like any
  // existing topic once the cluster shows them.
  logger.warn({ topics: created }, 'some topics were created concurrently by another client; checking them');
  const names = new Set(created);
  await waitFor(async () => [...names].every(has(await listTopicNames(admin))), {
    timeoutMs: createTimeoutMs,
    what: `topics ${created.join(', ')} to appear`,
  });
  const recheck = planTopics(plan.create, await describeTopics(admin, created));
  return { ...result, created, concurrentCreate: true, drift: [...plan.drift, ...recheck.drift] };
}

/** The plan for `desired` against the cluster as it is now. */
export async function planAgainstCluster(admin: Admin, desired: readonly ResolvedTopicSpec[]): Promise<TopicPlan> {
  const onCluster = await listTopicNames(admin);
  const existing = await describeTopics(admin, desired.map((t) => t.name).filter(has(onCluster)));
  return planTopics(desired, existing);
}

/**
 * Creates `topics` and waits for their leaders. Returns false when some already existed (another
 * client won a race): kafkajs then reports no per-topic detail and skips waiting for leaders.
 */
async function createTopics(admin: Admin, topics: readonly ResolvedTopicSpec[], timeoutMs: number): Promise<boolean> {
  try {
    return await admin.createTopics({
      waitForLeaders: true,
      timeout: timeoutMs,
      topics: topics.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
      })),
    });
  } catch (err) {
    const perTopic = topicErrors(err);
    if (perTopic.length === 0) throw toBrokerError(err, 'TRIB_TOPIC_CREATE_FAILED', 'Could not create topics');
    const detail = perTopic.map((e) => `${e.topic}: ${e.type} ${e.message}`).join('; ');
    throw new BrokerError('TRIB_TOPIC_CREATE_FAILED', `Kafka refused to create topics: ${detail}`, { cause: err });
  }
}

// kafkajs reports per-topic failures as a KafkaJSAggregateError of KafkaJSCreateTopicErrors,
// wrapped in a KafkaJSNonRetriableError by its retrier.
function topicErrors(err: unknown): { topic: string; type: string; message: string }[] {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      return errors.map((x: { topic?: string; type?: string; message?: string }) => ({
        topic: x.topic ?? '?',
        type: x.type ?? 'UNKNOWN',
        message: x.message ?? '',
      }));
    }
  }
  return [];
}

function has(set: ReadonlySet<string>): (name: string) => boolean {
  return (name) => set.has(name);
}
