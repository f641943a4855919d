import { expect } from 'chai';
import { ObservabilityError, createTelemetry, tracingDefaults } from '../src/index.js';

describe('createTelemetry options', () => {
  it('refuses a sample ratio outside 0–1 and a missing service name', () => {
    try {
      createTelemetry({ serviceName: '', sampleRatio: 2 });
      expect.fail('expected an error');
    } catch (error) {
      expect(error).to.be.instanceOf(ObservabilityError);
      expect((error as ObservabilityError).issues.map((i) => i.option)).to.have.members(['serviceName', 'sampleRatio']);
    }
  });

  it('documents its defaults in one object', () => {
    expect(tracingDefaults).to.deep.equal({ spanProcessor: 'batch', sampleRatio: 1, tracerName: '@tributary/observability' });
  });
});
