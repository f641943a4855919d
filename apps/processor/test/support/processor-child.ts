/**
 * A processor in a process of its own, for the crash test: the test kills it with SIGKILL mid-stream
 * and starts another with the same PROCESSOR_ID. Settings come from the environment:
 * TEST_TOPIC_PREFIX, PROCESSOR_ID (and the shared KAFKA_BROKERS / SCHEMA_REGISTRY_URL).
 */
import { createKafka } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createLogger } from '@tributary/observability';
import { createDefinitionsView, createPipelineEventsView } from '@tributary/pipeline-state';
import { createEventCodec, createSchemaRegistryClient } from '@tributary/schemas';
import { createProcessor } from '../../src/runtime/index.js';
import { pipelineStateSource } from '@tributary/pipeline-state';

const prefix = process.env.TEST_TOPIC_PREFIX ?? '';
const processorId = process.env.PROCESSOR_ID ?? '';
const config = loadConfig();
const logger = createLogger({ service: 'processor-child', level: 'warn', destination: process.stderr });
const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: processorId });
const kafka = createKafka({ brokers: config.kafka.brokers, clientId: processorId, logger });
const viewOptions = { kafka, codec: createEventCodec({ registry }), topicPrefix: prefix, logger };
const source = pipelineStateSource({ definitions: createDefinitionsView(viewOptions), events: createPipelineEventsView(viewOptions) });
const processor = createProcessor({
  kafka,
  registry,
  source,
  topicPrefix: prefix,
  processorId,
  publicUrl: 'http://127.0.0.1:1',
  logger,
  // Small transactions so a kill lands between and inside them; the broker's minimum session
  // timeout, so the killed member leaves the group soon.
  options: { commitEvery: 10, sessionTimeoutMs: 6_000, announceIntervalMs: 60_000 },
});
await source.start();
await processor.start();
process.stdout.write('started\n');
