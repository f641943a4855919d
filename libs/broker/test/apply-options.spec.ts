import { controlTopicCatalog } from '@tributary/schemas';
import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { BrokerError, applyTopics, type ApplyTopicsOptions } from '../src/index.js';

// Options are refused before the admin is used, so a stub that fails on any call is enough.
const untouchable = new Proxy({}, {
  get: (_target, name) => (name === 'createTopics' ? () => expect.fail('admin used') : undefined),
}) as Admin;

async function refusal(options: ApplyTopicsOptions): Promise<BrokerError> {
  try {
    await applyTopics(options);
  } catch (err) {
    expect(err).to.be.instanceOf(BrokerError);
    return err as BrokerError;
  }
  return expect.fail('expected a BrokerError');
}

describe('applyTopics options', () => {
  const spec = controlTopicCatalog().commands.pipeline;

  it('refuses a catalog that declares a topic twice', async () => {
    const err = await refusal({ admin: untouchable, catalog: [spec, spec] });
    expect(err).to.include({ code: 'TRIB_BROKER_OPTIONS_INVALID', retriable: false });
    expect(err.message).to.contain(spec.name);
  });

  it('refuses a non-positive create timeout and a missing admin', async () => {
    expect(await refusal({ admin: untouchable, catalog: [spec], createTimeoutMs: 0 })).to.have.property('message').that.contains('createTimeoutMs');
    expect(await refusal({ admin: {} as Admin, catalog: [spec] })).to.have.property('code', 'TRIB_BROKER_OPTIONS_INVALID');
  });
});
