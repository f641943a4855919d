import { expect } from 'chai';
import { SchemasError, controlTopicCatalog, controlTopics, resolveTopicSpec } from '../src/index.js';

describe('resolveTopicSpec', () => {
  const commands = controlTopicCatalog().commands.pipeline;

  it('on one broker: replication 1, min.insync.replicas 1', () => {
    const r = resolveTopicSpec(commands, { brokerCount: 1 });
    expect(r.replicationFactor).to.equal(1);
    expect(r.configs).to.deep.equal({ 'cleanup.policy': 'delete', 'retention.ms': '604800000', 'min.insync.replicas': '1' });
    expect(r.partitions).to.equal(6);
    expect(r.priorityBands).to.equal(commands.priorityBands);
  });

  it('on two brokers: replication 2, min.insync.replicas 1 (one broker may be down)', () => {
    const r = resolveTopicSpec(commands, { brokerCount: 2 });
    expect(r.replicationFactor).to.equal(2);
    expect(r.configs['min.insync.replicas']).to.equal('1');
  });

  it('on three or more brokers: replication 3, min.insync.replicas 2', () => {
    for (const brokerCount of [3, 5]) {
      for (const spec of controlTopics()) {
        const r = resolveTopicSpec(spec, { brokerCount });
        expect(r.replicationFactor, spec.name).to.equal(3);
        expect(r.configs['min.insync.replicas'], spec.name).to.equal('2');
      }
    }
  });

  it('writes retention and cleanup policy as Kafka config strings', () => {
    const r = resolveTopicSpec(controlTopicCatalog().pipelineDefinitions, { brokerCount: 3 });
    expect(r.configs).to.include({ 'cleanup.policy': 'compact', 'retention.ms': '-1' });
    expect(r).to.not.have.property('priorityBands');
  });

  it('refuses a broker count that is not a positive integer', () => {
    for (const brokerCount of [0, -1, 1.5, Number.NaN]) {
      expect(() => resolveTopicSpec(commands, { brokerCount })).to.throw(SchemasError).with.property('code', 'TRIB_TOPIC_SPEC_INVALID');
    }
  });
});
