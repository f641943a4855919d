import {
  applyTopics,
  createConsumerRunner,
  createKafka,
  createPublisher,
  type ConsumerRunner,
  type Publisher,
} from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createLogger, createMetrics, type TributaryMetrics } from '@tributary/observability';
import { createDefinitionsView, createPipelineEventsView, type DefinitionsView, type PipelineEventsView } from '@tributary/pipeline-state';
import {
  controlTopicCatalog,
  controlTopics,
  createEventCodec,
  createSchemaRegistryClient,
  pipelineDataTopics,
  type CreatePipeline,
  type SchemaRegistryClient,
  untypedCodec,
} from '@tributary/schemas';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { Express } from 'express';
import type { Admin } from 'kafkajs';
import request from 'supertest';
import { createCpmApp } from '../src/app.js';
import { parseApiKeys } from '../src/auth/api-keys.js';
import { createEventStreams, type EventStreams } from '../src/events/streams.js';
import { createKafkaProbe } from '../src/health/probes.js';
import { definitionsDirectory } from '../src/ingest/pipeline-directory.js';
import { definitionsPort, pipelineEventsPort } from '../src/state/adapters.js';
import { FakeBaselines, FakeQuality, yamlDefinition, fakeMonitoring } from './fakes.js';
import { apiKeysText, bearer, keys } from './helpers.js';

// The real stack: real views over real topics, and a tiny responder playing the pipeline manager.
describe('pipeline routes on the real stack', () => {
  const prefix = uniqueName('t');
  const config = loadConfig();
  const logger = createLogger({ service: 'cpm-int', level: 'silent' });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'cpm-int' });
  let registry: SchemaRegistryClient;
  let metrics: TributaryMetrics;
  let publisher: Publisher;
  let admin: Admin;
  let responder: ConsumerRunner;
  let definitionsView: DefinitionsView;
  let eventsView: PipelineEventsView;
  let streams: EventStreams;
  let probe: ReturnType<typeof createKafkaProbe>;
  let app: Express;

  before(async () => {
    registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: 'cpm-int' });
    metrics = createMetrics({ service: 'cpm-int' });
    const codec = createEventCodec({ registry });
    const catalog = controlTopicCatalog({ prefix });
    const bands = new Map(controlTopics({ prefix }).map((t) => [t.name, t.priorityBands]));
    publisher = createPublisher({ kafka, codec: untypedCodec(codec), bandsOf: (t) => bands.get(t) });
    admin = kafka.admin();
    await admin.connect();
    await applyTopics({ admin, catalog: controlTopics({ prefix }) });

    responder = createConsumerRunner({
      kafka,
      groupId: uniqueName('cpm-int-manager'),
      topics: [catalog.commands.pipeline.name],
      codec: untypedCodec(codec),
      publisher,
      handlers: {
        'tributary.pipeline.CreatePipeline': async (event: { value: CreatePipeline }, ctx) => {
          const c = event.value;
          await applyTopics({ admin, catalog: pipelineDataTopics(c.pipelineId, { prefix }) });
          const now = Date.now();
          ctx.publish(catalog.pipelineDefinitions.name, 'tributary.pipeline.PipelineDefinition', {
            pipelineId: c.pipelineId, name: c.name, version: 1, definition: c.definition, createdAt: now, updatedAt: now, updatedBy: c.requestedBy,
          }, { key: c.pipelineId });
          ctx.publish(catalog.events.pipeline.name, 'tributary.pipeline.PipelineCreated', {
            pipelineId: c.pipelineId, name: c.name, version: 1, definition: c.definition, createdBy: c.requestedBy, createdAt: now,
          }, { key: c.pipelineId });
        },
      },
    });
    await responder.start();
    // Fresh topics: leaders may not be elected yet, and the views read end offsets on start.
    for (const topic of [catalog.pipelineDefinitions.name, catalog.events.pipeline.name, catalog.events.staging.name]) {
      await waitFor(() => admin.fetchTopicOffsets(topic).then(() => true, () => false), { what: `leaders of ${topic}` });
    }

    definitionsView = createDefinitionsView({ kafka, codec, topicPrefix: prefix });
    eventsView = createPipelineEventsView({ kafka, codec, topicPrefix: prefix });
    await definitionsView.start();
    await eventsView.start();
    const definitions = definitionsPort(definitionsView);
    const events = pipelineEventsPort(eventsView);
    streams = createEventStreams({ events, logger, options: { maxEventStreams: 5, eventHeartbeatMs: 15_000, retryAfterSeconds: 5 } });
    probe = createKafkaProbe(kafka.admin(), { timeoutMs: 2_000, cacheMs: 1_000 });
    app = createCpmApp({
      config: { topicPrefix: prefix },
      logger,
      publisher,
      kafkaProbe: probe,
      readiness: [],
      apiKeys: parseApiKeys(apiKeysText),
      metrics,
      pipelines: definitionsDirectory(definitions),
      definitions,
      events,
      quality: new FakeQuality(),
      quarantine: { page: () => Promise.reject(new Error('no quarantine in this test')) },
      eventStreams: streams,
      monitoring: fakeMonitoring(),
      baselines: new FakeBaselines(),
      options: { commandTimeoutMs: 20_000 },
    });
  });

  after(async () => {
    await streams?.close();
    await responder?.close();
    await eventsView?.close();
    await definitionsView?.close();
    await probe?.close();
    await publisher?.close();
    await admin?.disconnect();
    await registry?.close();
    await metrics?.close();
  });

  it('creates a pipeline by POST, shows it by GET, and takes records for it', async () => {
    const id = uniqueName('p').replace(/[^a-z0-9-]/g, '-');
    const created = await request(app)
      .post('/api/v1/pipelines')
      .set('Authorization', bearer(keys.admin))
      .set('Content-Type', 'application/yaml')
      .send(yamlDefinition(id))
      .expect(201);
    expect(created.body).to.have.nested.property('pipeline.id', id);
    expect(created.body).to.have.nested.property('pipeline.version', 1);

    const shown = await request(app).get(`/api/v1/pipelines/${id}`).set('Authorization', bearer(keys.viewer)).expect(200);
    expect(shown.body).to.include({ id, version: 1, status: 'CREATED' });
    expect(shown.body).to.have.nested.property('definition.input.schema[0].name', 'id');

    const ingest = await request(app)
      .post(`/api/v1/pipelines/${id}/records`)
      .set('Authorization', bearer(keys.operator))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify([{ id: 1, amount: 2.5 }, { id: 'x', amount: 1 }]))
      .expect(202);
    expect(ingest.body).to.include({ accepted: 1, rejected: 1 });

    await request(app).post('/api/v1/pipelines').set('Authorization', bearer(keys.admin)).set('Content-Type', 'application/yaml').send(yamlDefinition(id)).expect(409);
  });
});
