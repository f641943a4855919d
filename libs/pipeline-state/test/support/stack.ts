import { applyTopics, createKafka, createPublisher, type Publisher } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { controlTopicCatalog, createEventCodec, createSchemaRegistryClient, type TopicSpec, untypedCodec } from '@tributary/schemas';
import { uniqueName } from '@tributary/testing';
import type { Kafka } from 'kafkajs';

const config = loadConfig();

/** A unique topic prefix with the topics the views read, and clients to write to them. */
export interface TestStack {
  prefix: string;
  kafka: Kafka;
  codec: ReturnType<typeof untypedCodec>;
  publisher: Publisher;
  topics: { definitions: string; pipelineEvents: string; stagingEvents: string; qualityEvents: string };
  close(): Promise<void>;
}

export async function createTestStack(): Promise<TestStack> {
  const prefix = uniqueName('psv');
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'pipeline-state-test' });
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url });
  const codec = untypedCodec(createEventCodec({ registry }));
  const catalog = controlTopicCatalog({ prefix });
  const specs: TopicSpec[] = [catalog.pipelineDefinitions, catalog.events.pipeline, catalog.events.staging, catalog.events.quality];
  const admin = kafka.admin();
  await admin.connect();
  try {
    await applyTopics({ admin, catalog: specs });
  } finally {
    await admin.disconnect();
  }
  const publisher = createPublisher({ kafka, codec, options: { lingerMs: 0 } });
  return {
    prefix,
    kafka,
    codec,
    publisher,
    topics: { definitions: specs[0]!.name, pipelineEvents: specs[1]!.name, stagingEvents: specs[2]!.name, qualityEvents: specs[3]!.name },
    async close() {
      await publisher.close();
      await codec.close();
      await registry.close();
    },
  };
}
