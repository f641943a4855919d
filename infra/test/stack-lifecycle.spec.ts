/**
 * `stack:up | stack:down | stack:status` on a second, private stack instance (its own ports and data
 * dir), so the shared stack the other tests use is never disturbed. Proves idempotent start, that
 * topics and schemas survive a restart, and that failures are explained.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { repoRoot } from '../stack/src/options.js';

interface CliResult {
  code: number;
  output: string;
}

function stackCli(command: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'infra', 'stack', 'src', 'main.ts'), command],
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 280_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** Ports in a range the shared stack (9092/9093/8081) and other tests do not use. */
const ports = { kafka: 29092, controller: 29093, registry: 28081 };

function instanceEnv(dataDir: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
    TRIBUTARY_KAFKA_CONTROLLER_PORT: String(ports.controller),
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${ports.registry}/apis/ccompat/v7`,
    TRIBUTARY_DATA_DIR: dataDir,
    ...overrides,
  };
}

describe('stack lifecycle (private instance)', function () {
  this.timeout(300_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-stack-it-'));
  const env = instanceEnv(dataDir);
  const readPid = (service: string) => fs.readFileSync(path.join(dataDir, 'run', `${service}.pid`), 'utf8').trim();

  after(async () => {
    await stackCli('down', env);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, is a no-op when started again, and keeps topics and schemas across down/up', async () => {
    const first = await stackCli('up', env);
    expect(first.code, first.output).to.equal(0);
    expect(first.output).to.match(/kafka answers at 127\.0\.0\.1:29092/);
    expect(first.output).to.match(/registry answers at http:\/\/127\.0\.0\.1:28081/);
    const pids = { kafka: readPid('kafka'), registry: readPid('registry') };

    const second = await stackCli('up', env);
    expect(second.code, second.output).to.equal(0);
    expect(second.output).not.to.contain('Starting');
    expect({ kafka: readPid('kafka'), registry: readPid('registry') }).to.deep.equal(pids);
    expect((await stackCli('status', env)).code).to.equal(0);

    // A record produced before the restart…
    const brokers = [env.KAFKA_BROKERS as string];
    const registryUrl = env.SCHEMA_REGISTRY_URL as string;
    const topic = uniqueName('it-lifecycle');
    const subject = `${topic}-tributary.test.Note`;
    const schema = { type: 'record', name: 'Note', namespace: 'tributary.test', fields: [{ name: 'text', type: 'string' }] };
    const kafka = new Kafka({ clientId: 'lifecycle-test', brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
    await admin.disconnect();
    const before = new SchemaRegistry({ host: registryUrl });
    const { id } = await before.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
    const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'n1', value: await before.encode(id, { text: 'kept' }) }] });
    await producer.disconnect();

    const down = await stackCli('down', env);
    expect(down.code, down.output).to.equal(0);
    expect(down.output).to.match(/kafka\s+stopped/);
    expect((await stackCli('status', env)).code).to.equal(1);

    const again = await stackCli('up', env);
    expect(again.code, again.output).to.equal(0);

    // …decodes after it, through a registry client with an empty cache.
    const after = new SchemaRegistry({ host: registryUrl });
    const kafka2 = new Kafka({ clientId: 'lifecycle-test-2', brokers, logLevel: logLevel.NOTHING });
    const admin2 = kafka2.admin();
    await admin2.connect();
    expect(await admin2.listTopics()).to.include(topic);
    await admin2.disconnect();
    const consumer = kafka2.consumer({ groupId: uniqueName('it-lifecycle-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: unknown[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push({ ...(await after.decode(message.value as Buffer)) });
      },
    });
    await waitFor(() => values.length > 0, { timeoutMs: 60_000, what: 'the record produced before the restart' });
    await consumer.disconnect();
    expect(values).to.deep.equal([{ text: 'kept' }]);
    expect(await after.getLatestSchemaId(subject)).to.equal(id);
  });

  it('explains a port taken by something that is not Kafka', async () => {
    const squatter = net.createServer((s) => s.end());
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as net.AddressInfo).port;
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-stack-port-'));
    try {
      const res = await stackCli('up', instanceEnv(otherDir, { KAFKA_BROKERS: `127.0.0.1:${port}` }));
      expect(res.code).to.equal(1);
      expect(res.output).to.contain(`127.0.0.1:${port} is taken by`);
      expect(res.output).to.contain('TRIB_STACK_PORT_TAKEN');
    } finally {
      squatter.close();
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('prints the tail of the broker log when the broker dies on start', async () => {
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-stack-dies-'));
    try {
      const res = await stackCli(
        'up',
        instanceEnv(otherDir, {
          KAFKA_BROKERS: '127.0.0.1:29192',
          TRIBUTARY_KAFKA_CONTROLLER_PORT: '29193',
          TRIBUTARY_KAFKA_HEAP: 'not-a-size',
        }),
      );
      // The whole output in the message: a failure here is read from CI's log.
      expect(res.code, res.output).to.equal(1);
      expect(res.output, res.output).to.contain('TRIB_STACK_START_FAILED');
      expect(res.output, res.output).to.match(/kafka exited while starting/);
      expect(res.output, res.output).to.match(/Invalid maximum heap size/);
    } finally {
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
