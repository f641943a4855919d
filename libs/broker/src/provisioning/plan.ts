import { MANAGED_TOPIC_CONFIGS, type ManagedTopicConfig, type ResolvedTopicSpec } from '@tributary/schemas';
import type { DescribedTopic, TopicDrift, TopicPlan } from './types.js';

/**
 * Compares the catalog with the cluster: what to create, what drifted, what is fine. Pure.
 *
 * Existing topics are never altered, only reported, because every fix has a cost a human must
 * choose to pay: adding partitions moves keys to other partitions (breaking per-key order, leaving
 * stale keys behind in compacted topics and reshaping priority bands), partitions can never be
 * removed, changing replication moves data between brokers, and a shorter retention or a switch to
 * compaction deletes data.
 */
export function planTopics(desired: readonly ResolvedTopicSpec[], existing: readonly DescribedTopic[]): TopicPlan {
  const byName = new Map(existing.map((t) => [t.name, t]));
  const plan: TopicPlan = { create: [], drift: [], ok: [] };
  for (const spec of desired) {
    const actual = byName.get(spec.name);
    if (!actual) {
      plan.create.push(spec);
      continue;
    }
    const drift = diffTopic(spec, actual);
    if (drift.length === 0) plan.ok.push(spec.name);
    else plan.drift.push(...drift);
  }
  return plan;
}

function diffTopic(spec: ResolvedTopicSpec, actual: DescribedTopic): TopicDrift[] {
  const drift: TopicDrift[] = [];
  const topic = spec.name;
  if (actual.partitions !== spec.partitions) {
    drift.push({
      topic,
      field: 'partitions',
      expected: spec.partitions,
      actual: actual.partitions,
      remedy:
        actual.partitions < spec.partitions
          ? `kafka-topics --bootstrap-server <broker> --alter --topic ${topic} --partitions ${spec.partitions} can add them, but keys move to other partitions`
          : `partitions cannot be removed: recreate the topic (its data is lost) or declare ${actual.partitions} in the catalog`,
    });
  }
  if (actual.replicationFactor !== spec.replicationFactor) {
    drift.push({
      topic,
      field: 'replicationFactor',
      expected: spec.replicationFactor,
      actual: actual.replicationFactor,
      remedy: 'change replica assignments with kafka-reassign-partitions (moves data between brokers)',
    });
  }
  for (const name of MANAGED_TOPIC_CONFIGS) {
    const expected = spec.configs[name];
    const value = actual.configs[name];
    if (value !== undefined && sameConfigValue(name, expected, value)) continue;
    drift.push({
      topic,
      field: name,
      expected,
      actual: value ?? null,
      remedy: `kafka-configs --bootstrap-server <broker> --alter --entity-type topics --entity-name ${topic} --add-config ${name}=${configArg(expected)}`,
    });
  }
  return drift;
}

// The broker may list policies in another order ("delete,compact") and numbers in another form.
function sameConfigValue(name: ManagedTopicConfig, expected: string, actual: string): boolean {
  if (name === 'cleanup.policy') return policySet(expected) === policySet(actual);
  const [e, a] = [Number(expected), Number(actual)];
  return Number.isFinite(e) && Number.isFinite(a) ? e === a : expected === actual;
}

function policySet(value: string): string {
  return value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .sort()
    .join(',');
}

// kafka-configs needs list values in brackets: cleanup.policy=[compact,delete].
function configArg(value: string): string {
  return value.includes(',') ? `[${value}]` : value;
}
