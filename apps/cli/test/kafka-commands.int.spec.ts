import { createKafka, createPublisher, type Publisher } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createEventCodec, createSchemaRegistryClient, type SchemaRegistryClient, untypedCodec } from '@tributary/schemas';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { cli } from './helpers.js';

describe('topics and dlq commands on the real broker', function () {
  this.timeout(90_000);
  const config = loadConfig();
  const prefix = uniqueName('clitest');
  const events = `${prefix}.events`;
  const dlq = `${events}.dlq`;
  const text = `${prefix}.text`;
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'cli-test' });
  let admin: Admin;
  let registry: SchemaRegistryClient;
  let publisher: Publisher;
  const env = { KAFKA_BROKERS: config.kafka.brokers.join(','), SCHEMA_REGISTRY_URL: config.schemaRegistry.url };
  const run = (args: string[], overrides: Parameters<typeof cli>[1] = {}) => cli(args, { env, ...overrides });
  const cliGroups = async () => (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith('tributary-cli-'));

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: events, numPartitions: 2 },
        { topic: dlq, numPartitions: 1 },
        { topic: text, numPartitions: 1 },
      ],
    });
    registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: 'cli-test' });
    publisher = createPublisher({ kafka, codec: untypedCodec(createEventCodec({ registry })) });
    const beat = { service: 'cli-test', instance: 'i-1', version: null, ready: true, startedAt: 1_700_000_000_000, sentAt: 1_700_000_001_000 };
    await Promise.all([
      publisher.publish(events, 'tributary.monitoring.Heartbeat', beat, { key: 'a' }),
      publisher.publish(events, 'tributary.monitoring.Heartbeat', { ...beat, instance: 'i-2' }, { key: 'b' }),
      publisher.publishRaw(text, { key: 'k1', value: Buffer.from('{"hello":"world"}'), headers: { 'content-type': 'application/json' } }),
      ...[1, 2, 3].map((n) =>
        publisher.publishRaw(dlq, {
          key: `dead-${n}`,
          value: Buffer.from(JSON.stringify({ n })),
          headers: {
            'event-type': 'tributary.test.Thing',
            'dlq-error-code': 'TRIB_TEST_BROKEN',
            'dlq-error-message': `broken ${n}`,
            'dlq-attempts': '3',
            'dlq-original-topic': events,
            'dlq-original-partition': '0',
            'dlq-original-offset': String(n),
          },
        }),
      ),
    ]);
  });

  after(async () => {
    await publisher.close();
    await registry.close();
    await admin.deleteGroups([`${dlq}.redrive`]).catch(() => undefined);
    await admin.disconnect();
  });

  it('topics list shows partitions and message counts of the topics with the prefix', async () => {
    const res = await run(['topics', 'list', '--prefix', prefix]);
    expect(res.err).to.equal('');
    expect(res.code).to.equal(0);
    const rows = res.out.trim().split('\n');
    expect(rows[0]).to.match(/^NAME\s+PARTITIONS\s+MESSAGES$/);
    expect(rows.slice(1).map((r) => r.split(/\s+/))).to.deep.equal([
      [events, '2', '2'],
      [dlq, '1', '3'],
      [text, '1', '1'],
    ]);
  });

  it('topics tail --decode prints Avro through the registry and JSON as is, then deletes its group', async () => {
    const before = await cliGroups();
    const avro = await run(['--output', 'json', 'topics', 'tail', events, '--from-beginning', '--limit', '2', '--decode']);
    expect(avro.code, avro.err).to.equal(0);
    const messages = avro.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; type: string; format: string; value: { instance: string }; headers: Record<string, string> });
    expect(messages.map((m) => m.key).sort()).to.deep.equal(['a', 'b']);
    expect(messages.every((m) => m.format === 'avro' && m.type === 'tributary.monitoring.Heartbeat')).to.be.true;
    expect(messages.map((m) => m.value.instance).sort()).to.deep.equal(['i-1', 'i-2']);
    expect(messages[0]?.headers['event-type']).to.equal('tributary.monitoring.Heartbeat');

    const plain = await run(['topics', 'tail', text, '--from-beginning', '--limit', '1', '--decode']);
    expect(plain.code, plain.err).to.equal(0);
    expect(plain.out).to.match(new RegExp(`^${text.replace(/\./g, '\\.')} partition 0 offset 0 {2}\\S+ {2}key=k1\\n {2}headers: content-type=application/json\\n {2}value: \\{"hello":"world"\\}\\n$`));
    expect(await cliGroups()).to.deep.equal(before);
  });

  it('topics tail stops cleanly on Ctrl-C (the abort signal) and leaves no group behind', async () => {
    const before = await cliGroups();
    const controller = new AbortController();
    let out = '';
    const tail = run(['topics', 'tail', text, '--from-beginning'], {
      signal: controller.signal,
      stdout: { write: (s: string) => (out += s) },
    });
    await waitFor(() => out.includes('key=k1'), { what: 'the tail to print the message', timeoutMs: 45_000 });
    controller.abort();
    const res = await tail;
    expect(res.code).to.equal(0);
    expect(await cliGroups()).to.deep.equal(before);
  });

  it('dlq list counts dead letters and --show prints their dlq-* headers; redrive moves them back', async () => {
    const list = await run(['dlq', 'list', '--prefix', prefix, '--show', '2']);
    expect(list.code, list.err).to.equal(0);
    expect(list.out).to.match(new RegExp(`${dlq.replace(/\./g, '\\.')}\\s+1\\s+3\\n`));
    expect(list.out).to.contain(`${dlq}: last 2\n`);
    expect(list.out).to.contain('dlq-error-message: broken 3');
    expect(list.out).to.contain('dlq-error-message: broken 2');
    expect(list.out).not.to.contain('broken 1');
    expect(list.out).to.contain(`dlq-original-topic: ${events}`);

    const first = await run(['dlq', 'redrive', dlq, '--limit', '2']);
    expect(first.code, first.err).to.equal(0);
    expect(first.out).to.equal(`redriven 2 dead letters from ${dlq}\n  2 → ${events}\n`);
    const rest = await run(['--output', 'json', 'dlq', 'redrive', dlq]);
    expect(JSON.parse(rest.out)).to.deep.include({ topic: dlq, redriven: 1, skipped: 0 });

    const counts = await run(['--output', 'json', 'topics', 'list', '--prefix', events]);
    const topics = (JSON.parse(counts.out) as { topics: { name: string; messages: number }[] }).topics;
    expect(topics.find((t) => t.name === events)?.messages).to.equal(5);
  });

  it('refuses to redrive a topic that is not a dead-letter topic (exit 2)', async () => {
    const res = await run(['dlq', 'redrive', events]);
    expect(res.code).to.equal(2);
    expect(res.err).to.contain('is not a dead-letter topic');
  });
});
