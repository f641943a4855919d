import { createKafka, createPublisher, type Publisher } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createLogger, createMetrics, type TributaryMetrics } from '@tributary/observability';
import { createEventCodec, createSchemaRegistryClient, untypedCodec } from '@tributary/schemas';
import type { Express } from 'express';
import type { Admin, Kafka } from 'kafkajs';
import { createCpmApp } from '../src/app.js';
import { parseApiKeys } from '../src/auth/api-keys.js';
import { createKafkaProbe, createRegistryProbe } from '../src/health/probes.js';
import { InMemoryPipelineDirectory } from '../src/ingest/pipeline-directory.js';
import type { CpmOptionsInput } from '../src/options.js';
import { createQuarantineBrowser, type QuarantineBrowserOptions } from '../src/quality/quarantine-browser.js';
import { FakeBaselines, FakeDefinitions, FakeEvents, FakeQuality, fakeStreams, fakeMonitoring } from './fakes.js';

export const keys = {
  admin: 'admin-key-0123456789abcdef',
  operator: 'operator-key-0123456789abcdef',
  viewer: 'viewer-key-0123456789abcdef',
};
export const apiKeysText = `${keys.admin}:admin,${keys.operator}:operator,${keys.viewer}:viewer`;
export const bearer = (key: string) => `Bearer ${key}`;

export interface TestCpm {
  app: Express;
  kafka: Kafka;
  admin: Admin;
  pipelines: InMemoryPipelineDirectory;
  /** The definitions read model the pipeline and quality routes see (empty until a test puts one in). */
  definitions: FakeDefinitions;
  logLines: string[];
  close(): Promise<void>;
}

/**
 * A CPM app on the real broker and registry (or, with `brokers`, on whatever address is given, e.g. a
 * closed port). Log lines are captured so tests can check what is (not) logged.
 */
export function testCpm(
  overrides: { brokers?: string[]; registryUrl?: string; options?: CpmOptionsInput; kafkaProbeAlwaysUp?: boolean; quarantine?: Partial<QuarantineBrowserOptions> } = {},
): TestCpm {
  const config = loadConfig();
  const logLines: string[] = [];
  const logger = createLogger({ service: 'cpm-test', level: 'debug', destination: { write: (l: string) => void logLines.push(l) } });
  const brokers = overrides.brokers ?? config.kafka.brokers;
  const dead = overrides.brokers !== undefined;
  const kafka = createKafka({
    brokers,
    clientId: 'cpm-test',
    // Against a closed port, fail fast instead of kafkajs' long default retry schedule.
    ...(dead ? { connectionTimeoutMs: 500, kafka: { retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 } } } : {}),
  });
  const registry = createSchemaRegistryClient({ url: overrides.registryUrl ?? config.schemaRegistry.url, clientId: 'cpm-test' });
  const metrics: TributaryMetrics = createMetrics({ service: 'cpm-test' });
  const eventCodec = createEventCodec({ registry });
  const publisher: Publisher = createPublisher({ kafka, codec: untypedCodec(eventCodec), metrics });
  const quarantine = createQuarantineBrowser({ kafka, codec: eventCodec, topicPrefix: config.topicPrefix, logger, ...(overrides.quarantine ? { options: overrides.quarantine } : {}) });
  const options = { kafkaProbeTimeoutMs: 1_500, ...overrides.options };
  const kafkaProbe = createKafkaProbe(kafka.admin(), { timeoutMs: options.kafkaProbeTimeoutMs, cacheMs: 1_000 });
  const registryProbe = createRegistryProbe(overrides.registryUrl ?? config.schemaRegistry.url, { timeoutMs: 1_500 });
  const pipelines = new InMemoryPipelineDirectory();
  const definitions = new FakeDefinitions();
  const app = createCpmApp({
    config,
    logger,
    publisher,
    kafkaProbe: overrides.kafkaProbeAlwaysUp ? { name: 'kafka', check: () => Promise.resolve() } : kafkaProbe,
    readiness: [kafkaProbe, registryProbe],
    apiKeys: parseApiKeys(apiKeysText),
    metrics,
    pipelines,
    // Ingest tests use the in-memory directory; the pipeline routes have their own tests.
    definitions,
    events: new FakeEvents(),
    quality: new FakeQuality(),
    quarantine,
    eventStreams: fakeStreams(new FakeEvents()),
    monitoring: fakeMonitoring(),
    baselines: new FakeBaselines(),
    options,
  });
  const admin = kafka.admin();
  const bounded = (p: Promise<unknown>) =>
    Promise.race([p.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
  return {
    app,
    kafka,
    admin,
    pipelines,
    definitions,
    logLines,
    async close() {
      await bounded(publisher.close());
      await bounded(quarantine.close());
      await bounded(kafkaProbe.close());
      await bounded(admin.disconnect());
      await registry.close();
      await metrics.close();
    },
  };
}

/** The error body every failure must have. */
export function expectErrorShape(body: unknown): { code: string; message: string; details: Record<string, unknown> } {
  const error = (body as { error?: unknown }).error as { code?: unknown; message?: unknown; details?: unknown } | undefined;
  if (!error || typeof error.code !== 'string' || !error.code.startsWith('TRIB_') || typeof error.message !== 'string' || typeof error.details !== 'object' || error.details === null) {
    throw new Error(`not an error body: ${JSON.stringify(body)}`);
  }
  return error as { code: string; message: string; details: Record<string, unknown> };
}
