import { expect } from 'chai';
import { createStagingCodec, RAW_RECORD_TYPE } from '../src/codec/staging-codec.js';

// The registry is never called for raw values; a port that fails loudly proves it.
const unreachable = () => Promise.reject(new Error('registry must not be called'));
const registry = { lookup: unreachable, versions: unreachable, register: unreachable, typeById: unreachable };

describe('staging codec', function () {
  it('decodes non-Avro values as raw records, bytes untouched', async function () {
    const codec = createStagingCodec(registry);
    const value = Buffer.from('{"a":1}');
    expect(await codec.decode(value)).to.deep.equal({ type: RAW_RECORD_TYPE, schemaId: 0, value });
    expect((await codec.decode(Buffer.alloc(0))).type).to.equal(RAW_RECORD_TYPE);
    expect(codec.inputTypeOf('2fa-x')).to.equal('tributary.data._2fa_x.Input');
  });

  it('refuses a staged value of a version that was not prepared', async function () {
    const codec = createStagingCodec(registry);
    const encode = await codec.encoderFor('t.data.p1.staged', 'tributary.data.p1.Input');
    expect(() => encode({ version: 9, record: {} })).to.throw(/no prepared encoder/);
  });
});
