import { expect } from 'chai';
import {
  MANAGERS,
  SchemasError,
  controlTopicCatalog,
  controlTopics,
  dlqTopicFor,
  isValidTopicName,
  pipelineDataTopics,
  priorityBandOf,
  priorityBands,
  type PriorityBand,
  type TopicSpec,
} from '../src/index.js';

const DAY = 86_400_000;

/** Every partition 0..n-1 in exactly one band, bands contiguous and in priority order. */
function expectBandsCoverPartitions(bands: readonly PriorityBand[] | undefined, partitions: number): void {
  expect(bands, 'bands').to.be.an('array');
  expect(bands!.map((b) => b.priority)).to.deep.equal(['high', 'normal', 'low']);
  const owner = new Array<number>(partitions).fill(0);
  for (const b of bands!) {
    expect(b.firstPartition).to.be.at.most(b.lastPartition);
    for (let p = b.firstPartition; p <= b.lastPartition; p++) {
      expect(p, `partition ${p} of ${partitions}`).to.be.within(0, partitions - 1);
      owner[p] = (owner[p] ?? 0) + 1;
    }
  }
  expect(owner, 'each partition in exactly one band').to.deep.equal(new Array<number>(partitions).fill(1));
}

function expectValidSpec(spec: TopicSpec): void {
  expect(isValidTopicName(spec.name), spec.name).to.equal(true);
  expect(spec.name.length).to.be.at.most(249);
  expect(spec.partitions).to.be.a('number').and.to.be.at.least(1);
  expect(spec.retentionMs === -1 || spec.retentionMs > 0, `${spec.name} retention`).to.equal(true);
}

describe('control topic catalog', () => {
  const topics = controlTopics();
  const names = topics.map((t) => t.name);

  it('declares commands and events for all eight managers, definitions, metrics and alerts, each with a DLQ', () => {
    expect(MANAGERS).to.have.length(8);
    for (const m of MANAGERS) {
      expect(names).to.include.members([`tributary.${m}.commands`, `tributary.${m}.events`]);
    }
    expect(names).to.include.members([
      'tributary.pipeline.definitions',
      'tributary.monitoring.metrics',
      'tributary.monitoring.alerts',
    ]);
    const primaries = topics.filter((t) => t.kind !== 'dead-letters');
    expect(primaries).to.have.length(8 * 2 + 3);
    for (const t of primaries) expect(names).to.include(`${t.name}.dlq`);
    expect(topics).to.have.length(primaries.length * 2);
  });

  it('declares every name once', () => {
    expect(new Set(names).size).to.equal(names.length);
  });

  it('gives every name valid Kafka syntax within 249 characters', () => {
    topics.forEach(expectValidSpec);
  });

  it('bands every command topic over all its partitions without overlap', () => {
    const commands = topics.filter((t) => t.kind === 'commands');
    expect(commands).to.have.length(8);
    for (const t of commands) expectBandsCoverPartitions(t.priorityBands, t.partitions);
    expect(topics.filter((t) => t.kind !== 'commands' && t.priorityBands)).to.deep.equal([]);
  });

  it('uses the documented 6-partition layout: high 0–1, normal 2–3, low 4–5', () => {
    const spec = controlTopicCatalog().commands.pipeline;
    expect(spec.partitions).to.equal(6);
    expect(priorityBandOf(spec, 'high')).to.deep.equal({ priority: 'high', firstPartition: 0, lastPartition: 1 });
    expect(priorityBandOf(spec, 'normal')).to.deep.equal({ priority: 'normal', firstPartition: 2, lastPartition: 3 });
    expect(priorityBandOf(spec, 'low')).to.deep.equal({ priority: 'low', firstPartition: 4, lastPartition: 5 });
  });

  it('compacts pipeline definitions forever and keeps alert history 90 days uncompacted', () => {
    const c = controlTopicCatalog();
    expect(c.pipelineDefinitions).to.include({ cleanupPolicy: 'compact', retentionMs: -1, kind: 'state' });
    expect(c.monitoringAlerts).to.include({ cleanupPolicy: 'delete', retentionMs: 90 * DAY });
    expect(c.commands.staging).to.include({ cleanupPolicy: 'delete', retentionMs: 7 * DAY });
  });

  it('builds names from the prefix and refuses a prefix that is not one name segment', () => {
    expect(controlTopicCatalog({ prefix: 'acme' }).events.report.name).to.equal('acme.report.events');
    for (const prefix of ['', 'a.b', 'a b', 'x'.repeat(65)]) {
      expect(() => controlTopics({ prefix }), prefix).to.throw(SchemasError).with.property('code', 'TRIB_TOPIC_NAME_INVALID');
    }
  });

  it('can leave dead-letter topics out', () => {
    expect(controlTopics({ deadLetters: false }).some((t) => t.kind === 'dead-letters')).to.equal(false);
  });
});

describe('pipelineDataTopics', () => {
  it('declares the six stages in order, each with a DLQ', () => {
    const topics = pipelineDataTopics('orders-v2', { prefix: 'acme' });
    expect(topics.map((t) => t.name)).to.deep.equal([
      'acme.data.orders-v2.raw', 'acme.data.orders-v2.raw.dlq',
      'acme.data.orders-v2.staged', 'acme.data.orders-v2.staged.dlq',
      'acme.data.orders-v2.processed', 'acme.data.orders-v2.processed.dlq',
      'acme.data.orders-v2.validated', 'acme.data.orders-v2.validated.dlq',
      'acme.data.orders-v2.quarantine', 'acme.data.orders-v2.quarantine.dlq',
      'acme.data.orders-v2.rejected', 'acme.data.orders-v2.rejected.dlq',
    ]);
    topics.forEach(expectValidSpec);
  });

  it('takes partitions and per-stage retention overrides', () => {
    const topics = pipelineDataTopics('p1', { partitions: 12, retentionMs: { raw: DAY }, deadLetters: false });
    expect(topics.map((t) => t.partitions)).to.deep.equal([12, 12, 12, 12, 12, 12]);
    expect(topics[0]).to.include({ name: 'tributary.data.p1.raw', retentionMs: DAY });
    expect(topics[1]).to.include({ retentionMs: 3 * DAY });
  });

  it('refuses pipeline ids that would break or blur topic names', () => {
    for (const id of ['', 'a.b', 'Orders', '-x', '_x', 'a/b', 'a b', 'x'.repeat(65)]) {
      expect(() => pipelineDataTopics(id), JSON.stringify(id)).to.throw(SchemasError).with.property('code', 'TRIB_TOPIC_NAME_INVALID');
    }
    expect(() => pipelineDataTopics('p1', { partitions: 0 })).to.throw(SchemasError);
  });

  it('keeps the longest possible name within 249 characters', () => {
    const longest = pipelineDataTopics('x'.repeat(64), { prefix: 'p'.repeat(64) });
    for (const t of longest) expect(t.name.length).to.be.at.most(249);
  });
});

describe('dlqTopicFor', () => {
  it('names <topic>.dlq with at most 3 partitions, deletion and a month of retention', () => {
    const dlq = dlqTopicFor(controlTopicCatalog().pipelineDefinitions);
    expect(dlq).to.include({
      name: 'tributary.pipeline.definitions.dlq',
      kind: 'dead-letters',
      partitions: 3,
      cleanupPolicy: 'delete',
      retentionMs: 30 * DAY,
    });
    expect(dlq.priorityBands).to.equal(undefined);
    expect(dlqTopicFor(controlTopicCatalog().commands.report).partitions).to.equal(3);
  });

  it('refuses a DLQ of a DLQ', () => {
    const dlq = dlqTopicFor(controlTopicCatalog().events.insight);
    expect(() => dlqTopicFor(dlq)).to.throw(SchemasError).with.property('code', 'TRIB_TOPIC_SPEC_INVALID');
  });
});

describe('priorityBands', () => {
  it('covers any partition count from 3 up, the remainder going to higher bands', () => {
    for (let n = 3; n <= 20; n++) expectBandsCoverPartitions(priorityBands(n), n);
    expect(priorityBands(7).map((b) => b.lastPartition - b.firstPartition + 1)).to.deep.equal([3, 2, 2]);
    expect(priorityBands(8).map((b) => b.lastPartition - b.firstPartition + 1)).to.deep.equal([3, 3, 2]);
  });

  it('refuses fewer than three partitions', () => {
    expect(() => priorityBands(2)).to.throw(SchemasError);
  });
});
