import { createMetrics } from '@tributary/observability';
import { expect } from 'chai';
import { createQualityRecordMetrics, qualityRecordsMetricName, recordOutcomes } from '../src/checking/record-metrics.js';

describe('quality record metrics', () => {
  it('counts passed and warned records as validated, quarantined as quarantined', () => {
    expect(recordOutcomes([])).to.deep.equal({ validated: 0, quarantined: 0 });
    expect(
      recordOutcomes([
        { passed: 90, warned: 4, quarantined: 6 },
        { passed: 10, warned: 0, quarantined: 1 },
      ]),
    ).to.deep.equal({ validated: 104, quarantined: 7 });
  });

  it('adds per pipeline and outcome, from 0, and unregisters on close', async () => {
    const metrics = createMetrics({ service: 'qm-test', collectDefaultMetrics: false });
    const records = createQualityRecordMetrics(metrics.registry);
    const values = async () => {
      const { type, values: vs } = await metrics.registry.getSingleMetric(qualityRecordsMetricName)!.get();
      expect(String(type)).to.equal('counter');
      return Object.fromEntries(vs.map((v) => [`${v.labels.pipeline}/${v.labels.outcome}`, v.value]));
    };
    try {
      const p1 = records.forPipeline('p1');
      expect(records.forPipeline('p1')).to.equal(p1);
      expect(await values()).to.deep.equal({ 'p1/validated': 0, 'p1/quarantined': 0 });
      p1.add({ validated: 5, quarantined: 2 });
      p1.add({ validated: 3, quarantined: 0 });
      records.forPipeline('p2').add({ validated: 0, quarantined: 4 });
      expect(await values()).to.deep.equal({ 'p1/validated': 8, 'p1/quarantined': 2, 'p2/validated': 0, 'p2/quarantined': 4 });
      expect(await metrics.render()).to.contain('tributary_quality_records_total{pipeline="p1",outcome="validated",service="qm-test"} 8');
    } finally {
      records.close();
      records.close();
    }
    expect(metrics.registry.getSingleMetric(qualityRecordsMetricName)).to.equal(undefined);
    await metrics.close();
  });
});
