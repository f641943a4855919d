import fs from 'node:fs';
import { parseAlertingConfig } from '@tributary/alerting';
import { expect } from 'chai';

describe('the default alert rules', () => {
  it('parse and name every rule', () => {
    const config = parseAlertingConfig(fs.readFileSync(new URL('../rules/default.yaml', import.meta.url), 'utf8'), { allowedDestinations: [] });
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
    expect(config.inhibitRules).to.have.length(1);
  });
});
