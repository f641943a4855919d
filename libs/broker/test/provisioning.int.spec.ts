import { createServer } from 'node:net';
import { controlTopicCatalog, dlqTopicFor, type TopicSpec } from '@tributary/schemas';
import { expect } from 'chai';
import kafkajs, { type Admin } from 'kafkajs';
import { uniqueName, waitFor } from '@tributary/testing';
import { BrokerError, applyTopics, isConnectionFailure, type TopicDrift } from '../src/index.js';
import { connectTestAdmin } from './support/kafka.js';

const { ConfigResourceTypes, Kafka, logLevel } = kafkajs;
const DAY = 86_400_000;

/** A small slice of the real catalog: a banded command topic, its DLQ, events, a compacted and a compact,delete topic. */
function smallCatalog(prefix: string): TopicSpec[] {
  const c = controlTopicCatalog({ prefix });
  const compactDelete: TopicSpec = { ...c.monitoringAlerts, cleanupPolicy: 'compact,delete', retentionMs: 30 * DAY };
  return [c.commands.pipeline, dlqTopicFor(c.commands.pipeline), c.events.pipeline, c.pipelineDefinitions, compactDelete];
}

async function topicConfigs(admin: Admin, topic: string): Promise<Record<string, string>> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy', 'retention.ms', 'min.insync.replicas'] }],
  });
  return Object.fromEntries((resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
}

/** A local port nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

const fields = (drift: readonly TopicDrift[]) =>
  drift.map(({ topic, field, expected, actual }) => ({ topic, field, expected, actual }));

describe('topic provisioning on a real broker', () => {
  let admin: Admin;
  const prefixes: string[] = [];

  before(async () => {
    admin = await connectTestAdmin();
  });

  after(async () => {
    if (!admin) return;
    const ours = (await admin.listTopics()).filter((t) => prefixes.some((p) => t.startsWith(`${p}.`)));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });

  describe('apply, re-apply, drift', () => {
    const prefix = uniqueName('it');
    prefixes.push(prefix);
    const catalog = smallCatalog(prefix);
    const names = catalog.map((t) => t.name);
    const [commands, , events, definitions, alerts] = names as [string, string, string, string, string];

    it('creates the missing topics with their partitions, replication and configs', async () => {
      const result = await applyTopics({ admin, catalog });
      expect(result.brokerCount).to.be.at.least(1);
      expect(result.created).to.deep.equal(names);
      expect(result.drift).to.deep.equal([]);

      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      const partitions = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
      expect(partitions).to.deep.equal({ [commands]: 6, [`${commands}.dlq`]: 3, [events]: 6, [definitions]: 3, [alerts]: 3 });

      const rf = Math.min(3, result.brokerCount);
      for (const t of topics) for (const p of t.partitions) expect(p.replicas, t.name).to.have.length(rf);

      expect(await topicConfigs(admin, definitions)).to.include({ 'cleanup.policy': 'compact', 'retention.ms': '-1' });
      expect(await topicConfigs(admin, alerts)).to.include({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(30 * DAY) });
      expect(await topicConfigs(admin, commands)).to.deep.equal({
        'cleanup.policy': 'delete',
        'retention.ms': String(7 * DAY),
        'min.insync.replicas': rf >= 3 ? '2' : '1',
      });
    });

    it('creates nothing the second time', async () => {
      const result = await applyTopics({ admin, catalog });
      expect(result.created).to.deep.equal([]);
      expect(result.plan.create).to.deep.equal([]);
      expect(result.upToDate).to.deep.equal(names);
      expect(result.drift).to.deep.equal([]);
    });

    it('reports, and never reverts, partitions and configs changed behind its back', async () => {
      await admin.createPartitions({ topicPartitions: [{ topic: events, count: 8 }] });
      // alterConfigs replaces a topic's whole override set, so restate the configs that stay.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: commands,
            configEntries: [
              { name: 'cleanup.policy', value: 'delete' },
              { name: 'retention.ms', value: '3600000' },
              { name: 'min.insync.replicas', value: (await topicConfigs(admin, commands))['min.insync.replicas'] ?? '1' },
            ],
          },
        ],
      });
      const expected = [
        { topic: commands, field: 'retention.ms', expected: String(7 * DAY), actual: '3600000' },
        { topic: events, field: 'partitions', expected: 6, actual: 8 },
      ];
      // Both changes reach the metadata and configs a broker serves a little later: poll for them.
      await waitFor(async () => (await applyTopics({ admin, catalog, dryRun: true })).drift.length === 2, {
        timeoutMs: 20_000,
        what: 'the changes to show as drift',
      });

      // A real (not dry) apply must report the same drift and still leave the topics alone.
      const result = await applyTopics({ admin, catalog });
      expect(result.created).to.deep.equal([]);
      expect(fields(result.drift)).to.deep.equal(expected);
      expect(result.upToDate).to.deep.equal(names.filter((n) => n !== commands && n !== events));
      expect((await admin.fetchTopicMetadata({ topics: [events] })).topics[0]?.partitions).to.have.length(8);
      expect(await topicConfigs(admin, commands)).to.include({ 'retention.ms': '3600000' });
    });
  });

  it('fails fast with a retriable TRIB_BROKER_UNREACHABLE when no broker answers', async () => {
    const port = await closedPort();
    const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, connectionTimeout: 500, retry: { retries: 0 } });
    const started = Date.now();
    try {
      await applyTopics({ admin: kafka.admin(), catalog: smallCatalog(uniqueName('it')) });
      expect.fail('expected a BrokerError');
    } catch (err) {
      expect(err).to.be.instanceOf(BrokerError);
      expect(err).to.include({ code: 'TRIB_BROKER_UNREACHABLE', retriable: true });
      expect(isConnectionFailure((err as BrokerError).cause)).to.equal(true);
    }
    expect(Date.now() - started).to.be.below(10_000);
  });

  describe('concurrent applies', () => {
    const prefix = uniqueName('it');
    prefixes.push(prefix);
    let other: Admin;

    before(async () => {
      other = await connectTestAdmin();
    });
    after(async () => {
      await other?.disconnect();
    });

    it('both succeed, together create every topic, and leave no drift', async () => {
      const catalog = smallCatalog(prefix);
      const names = catalog.map((t) => t.name);
      const results = await Promise.all([applyTopics({ admin, catalog }), applyTopics({ admin: other, catalog })]);
      for (const r of results) expect(r.drift).to.deep.equal([]);
      expect(new Set(results.flatMap((r) => r.created))).to.deep.equal(new Set(names));
      // A call that lost a creation race says so; otherwise the two created disjoint sets.
      const [a, b] = results;
      const overlap = a.created.filter((n) => b.created.includes(n));
      expect(overlap.length === 0 || a.concurrentCreate || b.concurrentCreate, 'race reported').to.equal(true);

      const again = await applyTopics({ admin, catalog });
      expect(again.created).to.deep.equal([]);
      expect(again.upToDate).to.deep.equal(names);
    });
  });
});
