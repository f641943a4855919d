import { MANAGED_TOPIC_CONFIGS, type ManagedTopicConfig } from '@tributary/schemas';
import kafkajs, { type Admin } from 'kafkajs';
import { BrokerError, toBrokerError } from '../errors.js';
import type { DescribedTopic } from './types.js';

// kafkajs is CommonJS and its named exports are not visible to Node's ESM loader.
const { ConfigResourceTypes } = kafkajs;

/** Brokers in the cluster, which bounds the replication factor topics can get. */
export async function countBrokers(admin: Admin): Promise<number> {
  try {
    const { brokers } = await admin.describeCluster();
    return brokers.length;
  } catch (err) {
    throw toBrokerError(err, 'TRIB_TOPIC_DESCRIBE_FAILED', 'Could not describe the Kafka cluster');
  }
}

/** Names of all topics on the cluster. */
export async function listTopicNames(admin: Admin): Promise<Set<string>> {
  try {
    return new Set(await admin.listTopics());
  } catch (err) {
    throw toBrokerError(err, 'TRIB_TOPIC_DESCRIBE_FAILED', 'Could not list topics');
  }
}

/**
 * Partitions, replication and the managed configs of `names`, which must exist: kafkajs retries
 * metadata requests for unknown topics until its retries run out.
 */
export async function describeTopics(admin: Admin, names: readonly string[]): Promise<DescribedTopic[]> {
  if (names.length === 0) return [];
  try {
    const [metadata, configs] = await Promise.all([
      admin.fetchTopicMetadata({ topics: [...names] }),
      admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: [...MANAGED_TOPIC_CONFIGS],
        })),
      }),
    ]);
    const configsByTopic = new Map<string, Partial<Record<ManagedTopicConfig, string>>>();
    for (const resource of configs.resources) {
      if (resource.errorCode !== 0) {
        throw new BrokerError(
          'TRIB_TOPIC_DESCRIBE_FAILED',
          `Could not read configs of ${resource.resourceName}: ${resource.errorMessage} (error ${resource.errorCode})`,
        );
      }
      const values: Partial<Record<ManagedTopicConfig, string>> = {};
      for (const entry of resource.configEntries) {
        if ((MANAGED_TOPIC_CONFIGS as readonly string[]).includes(entry.configName)) {
          values[entry.configName as ManagedTopicConfig] = entry.configValue;
        }
      }
      configsByTopic.set(resource.resourceName, values);
    }
    return metadata.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.length,
      replicationFactor: t.partitions.length === 0 ? 0 : Math.min(...t.partitions.map((p) => p.replicas.length)),
      configs: configsByTopic.get(t.name) ?? {},
    }));
  } catch (err) {
    throw toBrokerError(err, 'TRIB_TOPIC_DESCRIBE_FAILED', `Could not describe topics ${names.join(', ')}`);
  }
}
