import fs from 'node:fs';
import { type DispatchedAlert, fingerprint, Inhibitor, type Labels, parseAlertingConfig } from '@tributary/alerting';
import { expect } from 'chai';

const config = parseAlertingConfig(fs.readFileSync(new URL('../rules/default.yaml', import.meta.url), 'utf8'), { allowedDestinations: [] });

function firing(alertName: string, labels: Labels): DispatchedAlert {
  const full = { alertname: alertName, ...labels };
  return { fingerprint: fingerprint(full), alertName, status: 'firing', severity: 'warning', labels: full, annotations: {}, value: 1, startsAt: 0, endsAt: null };
}

describe('the default alert rules', () => {
  it('parse and name every rule', () => {
    expect(config.rules.map((r) => r.name)).to.deep.equal([
      'ServiceDown',
      'ServiceNotReady',
      'MemoryHigh',
      'CpuBusy',
      'EventLoopBlocked',
      'KafkaDiskFilling',
      'ConsumerLagHigh',
      'DeadLettersGrowing',
      'HandlerLatencyAnomaly',
    ]);
    expect(config.inhibitRules).to.have.length(2);
  });

  it('a service that is down inhibits its own readiness and lag alerts, not those of other services', () => {
    const down = firing('ServiceDown', { service: 'staging-manager', instance: 'host:41' });
    // Lag is measured from Kafka by the monitoring manager: its instance, the group's service.
    const stagingLag = firing('ConsumerLagHigh', { service: 'staging-manager', instance: 'monitoring:7', group: 'tributary-staging-manager', topic: 'tributary.data.orders.raw' });
    const processorLag = firing('ConsumerLagHigh', { service: 'processor', instance: 'monitoring:7', group: 'tributary-processor.orders', topic: 'tributary.data.orders.staged' });
    const notReady = firing('ServiceNotReady', { service: 'staging-manager', instance: 'host:41' });
    const otherInstance = firing('ServiceNotReady', { service: 'staging-manager', instance: 'host:42' });
    const inhibitor = new Inhibitor(config.inhibitRules, [down, stagingLag, processorLag, notReady, otherInstance]);
    expect(inhibitor.inhibitedBy(stagingLag)).to.deep.equal([down.fingerprint]);
    expect(inhibitor.inhibitedBy(notReady)).to.deep.equal([down.fingerprint]);
    expect(inhibitor.inhibitedBy(processorLag)).to.deep.equal([]);
    expect(inhibitor.inhibitedBy(otherInstance)).to.deep.equal([]);
    expect(inhibitor.inhibitedBy(down)).to.deep.equal([]);
  });
});
