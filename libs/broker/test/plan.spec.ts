import { controlTopicCatalog, resolveTopicSpec, type ResolvedTopicSpec } from '@tributary/schemas';
import { expect } from 'chai';
import { planTopics, type DescribedTopic } from '../src/index.js';

const catalog = controlTopicCatalog({ prefix: 'unit' });
const commands = resolveTopicSpec(catalog.commands.pipeline, { brokerCount: 3 });
const definitions = resolveTopicSpec(catalog.pipelineDefinitions, { brokerCount: 3 });
// A compact,delete topic (latest value per key, for a while): the catalog has none today.
const alerts = resolveTopicSpec(
  { ...catalog.monitoringAlerts, cleanupPolicy: 'compact,delete', retentionMs: 30 * 86_400_000 },
  { brokerCount: 3 },
);

/** The cluster's view of a topic created exactly as `spec` says, with optional differences. */
function described(spec: ResolvedTopicSpec, changes: Partial<DescribedTopic> = {}): DescribedTopic {
  return {
    name: spec.name,
    partitions: spec.partitions,
    replicationFactor: spec.replicationFactor,
    configs: { ...spec.configs },
    ...changes,
  };
}

describe('planTopics', () => {
  it('creates every topic on an empty cluster', () => {
    const plan = planTopics([commands, definitions], []);
    expect(plan).to.deep.equal({ create: [commands, definitions], drift: [], ok: [] });
  });

  it('is a no-op when the cluster matches, ignoring topics outside the catalog', () => {
    const other: DescribedTopic = { name: 'someone.else', partitions: 1, replicationFactor: 1, configs: {} };
    const plan = planTopics([commands, definitions], [described(commands), described(definitions), other]);
    expect(plan).to.deep.equal({ create: [], drift: [], ok: [commands.name, definitions.name] });
  });

  it('reports fewer partitions as fixable, more as not', () => {
    const fewer = planTopics([commands], [described(commands, { partitions: 3 })]);
    expect(fewer.drift).to.have.length(1);
    expect(fewer.drift[0]).to.include({ topic: commands.name, field: 'partitions', expected: 6, actual: 3 });
    expect(fewer.drift[0]!.remedy).to.contain('--partitions 6');
    expect(fewer.ok).to.deep.equal([]);

    const more = planTopics([commands], [described(commands, { partitions: 8 })]);
    expect(more.drift[0]).to.include({ field: 'partitions', expected: 6, actual: 8 });
    expect(more.drift[0]!.remedy).to.contain('cannot be removed');
  });

  it('reports replication factor drift', () => {
    const plan = planTopics([commands], [described(commands, { replicationFactor: 1 })]);
    expect(plan.drift.map(({ field, expected, actual }) => ({ field, expected, actual }))).to.deep.equal([
      { field: 'replicationFactor', expected: 3, actual: 1 },
    ]);
  });

  it('reports each drifted config with expected and actual values', () => {
    const cluster = described(definitions, {
      configs: { 'cleanup.policy': 'delete', 'retention.ms': '604800000', 'min.insync.replicas': '1' },
    });
    const plan = planTopics([definitions], [cluster]);
    expect(plan.drift.map(({ field, expected, actual }) => ({ field, expected, actual }))).to.deep.equal([
      { field: 'cleanup.policy', expected: 'compact', actual: 'delete' },
      { field: 'retention.ms', expected: '-1', actual: '604800000' },
      { field: 'min.insync.replicas', expected: '2', actual: '1' },
    ]);
    expect(plan.drift[0]!.remedy).to.contain('--add-config cleanup.policy=compact');
  });

  it('treats cleanup policies as sets and numbers as numbers', () => {
    const cluster = described(alerts, {
      configs: { ...alerts.configs, 'cleanup.policy': 'delete, compact', 'retention.ms': '2592000000.0' },
    });
    expect(planTopics([alerts], [cluster]).drift).to.deep.equal([]);
  });

  it('reports a config the broker did not return as actual null', () => {
    const cluster = described(alerts, { configs: { 'cleanup.policy': 'compact,delete', 'retention.ms': '2592000000' } });
    const [drift] = planTopics([alerts], [cluster]).drift;
    expect(drift).to.include({ field: 'min.insync.replicas', expected: '2', actual: null });
  });

  it('brackets list values in the kafka-configs remedy', () => {
    const cluster = described(alerts, { configs: { ...alerts.configs, 'cleanup.policy': 'delete' } });
    const [drift] = planTopics([alerts], [cluster]).drift;
    expect(drift!.remedy).to.contain('cleanup.policy=[compact,delete]');
  });

  it('mixes create, drift and ok in catalog order', () => {
    const plan = planTopics(
      [commands, definitions, alerts],
      [described(commands, { partitions: 2 }), described(alerts)],
    );
    expect(plan.create.map((t) => t.name)).to.deep.equal([definitions.name]);
    expect(plan.drift.map((d) => d.topic)).to.deep.equal([commands.name]);
    expect(plan.ok).to.deep.equal([alerts.name]);
  });
});
