/**
 * The foundation on the real local stack: an Avro record through the registry and Kafka, the ops
 * tools on the same jars, and Redis. Run by `npm test`, which brings the stack up first.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { loadConfig } from '@tributary/config';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { type Admin, type Consumer, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { repoRoot } from '../stack/src/options.js';

const run = promisify(execFile);
const bin = (tool: string) => path.join(repoRoot, 'infra', 'bin', tool);
const config = loadConfig();
const bootstrap = config.kafka.brokers.join(',');

const readingSchema = {
  type: 'record',
  name: 'SensorReading',
  namespace: 'tributary.test',
  fields: [
    { name: 'sensorId', type: 'string' },
    { name: 'celsius', type: 'double' },
    // Epoch milliseconds: the codec of the messaging core maps logical types; the raw client does not.
    { name: 'at', type: 'long' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
};

describe('foundation on the local stack', function () {
  const kafka = new Kafka({ clientId: 'foundation-test', brokers: config.kafka.brokers, logLevel: logLevel.WARN });
  const registry = new SchemaRegistry({ host: config.schemaRegistry.url });
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  before(async () => {
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([admin.connect(), producer.connect()]);
  });
  after(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  async function consumeOne(topic: string, groupId: string) {
    const consumer = kafka.consumer({ groupId });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { key: string | undefined; value: Buffer; headers: Record<string, string> }[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        received.push({ key: message.key?.toString(), value: message.value ?? Buffer.alloc(0), headers });
        return Promise.resolve();
      },
    });
    return waitFor(() => received[0], { timeoutMs: 30_000, what: `a message on ${topic}` });
  }

  it('registers an Avro schema, produces with kafkajs and decodes the record back equal', async () => {
    const topic = uniqueName('it-foundation-avro');
    const subject = `${topic}-tributary.test.SensorReading`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(readingSchema) },
      { subject },
    );

    const record = { sensorId: 'probe-7', celsius: 21.5, at: Date.parse('2026-11-28T10:00:00.000Z'), tags: ['roof', 'north'] };
    await producer.send({ topic, acks: -1, messages: [{ key: 'probe-7', value: await registry.encode(id, record) }] });

    const message = await consumeOne(topic, uniqueName('it-foundation-group'));
    expect(message.key).to.equal('probe-7');
    // Confluent wire format: magic byte 0, then the 4-byte schema id.
    expect(message.value[0]).to.equal(0);
    expect(message.value.readInt32BE(1)).to.equal(id);
    // avsc decodes into an instance of a generated record class: compare its fields.
    expect({ ...(await registry.decode(message.value)) }).to.deep.equal(record);

    const latest = await fetch(`${config.schemaRegistry.url}/subjects/${encodeURIComponent(subject)}/versions/latest`);
    expect(latest.status).to.equal(200);
    const body = (await latest.json()) as { id: number; subject: string; version: number };
    expect(body).to.include({ id, subject, version: 1 });
  });

  it('shows the test topic and group through kafka-topics and kafka-consumer-groups', async () => {
    const topic = uniqueName('it-foundation-tools');
    const groupId = uniqueName('it-foundation-tools-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'v' }] });
    await consumeOne(topic, groupId);

    const topics = await run(bin('kafka-topics'), ['--bootstrap-server', bootstrap, '--list']);
    expect(topics.stdout.split('\n')).to.include(topic);
    const groups = await waitFor(
      async () => {
        const out = await run(bin('kafka-consumer-groups'), ['--bootstrap-server', bootstrap, '--list']);
        return out.stdout.split('\n').includes(groupId) && out.stdout;
      },
      { timeoutMs: 30_000, what: `${groupId} in kafka-consumer-groups --list` },
    );
    expect(groups).to.contain(groupId);
  });

  it('prints the key and headers readably through kafka-console-consumer', async () => {
    const topic = uniqueName('it-foundation-console');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: 'pipeline-42',
          value: 'hello',
          headers: { 'event-type': 'tributary.test.Hello', 'correlation-id': 'corr-1' },
        },
      ],
    });
    const { stdout } = await run(bin('kafka-console-consumer'), [
      '--bootstrap-server', bootstrap,
      '--topic', topic,
      '--from-beginning',
      '--max-messages', '1',
      '--timeout-ms', '30000',
      '--property', 'print.key=true',
      '--property', 'print.headers=true',
    ]);
    const line = stdout.trim().split('\n')[0] ?? '';
    expect(line.split('\t')).to.deep.equal(['event-type:tributary.test.Hello,correlation-id:corr-1', 'pipeline-42', 'hello']);
  });

  it('reaches Redis through ioredis', async () => {
    const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      expect(await redis.ping()).to.equal('PONG');
    } finally {
      redis.disconnect();
    }
  });
});
