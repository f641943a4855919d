import { expect } from 'chai';
import { decodeQuarantineCursor, encodeQuarantineCursor } from '../src/quality/quarantine-cursor.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('quarantine cursor', () => {
  it('round-trips per-partition offsets as base64url JSON', () => {
    const next = new Map([
      [1, '7'],
      [0, '12'],
      [11, '9007199254740991'],
    ]);
    const text = encodeQuarantineCursor(next);
    expect(text).to.match(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))).to.deep.equal({ v: 1, next: { '0': 12, '1': 7, '11': 9007199254740991 } });
    expect(decodeQuarantineCursor(text)).to.deep.equal({ cursor: new Map([[0, '12'], [1, '7'], [11, '9007199254740991']]) });
  });

  it('refuses anything it did not give out', () => {
    const garbage = [
      '',
      'a b',
      'abc=',
      b64('not json'),
      b64('[]'),
      b64('{}'),
      b64('{"v":1,"next":{}}'),
      b64('{"v":2,"next":{"0":1}}'),
      b64('{"v":1,"next":{"0":"1"}}'),
      b64('{"v":1,"next":{"0":1.5}}'),
      b64('{"v":1,"next":{"0":-1}}'),
      b64('{"v":1,"next":{"-1":1}}'),
      b64('{"v":1,"next":{"00":1}}'),
      b64('{"v":1,"next":{"0":1},"extra":true}'),
      b64('{"v":1,"next":{"0":1e300}}'),
      'A'.repeat(9_000),
    ];
    for (const text of garbage) expect(decodeQuarantineCursor(text), text.slice(0, 40)).to.have.property('error');
    // A non-canonical encoding of a good cursor (trailing bits set) is refused too.
    const good = encodeQuarantineCursor(new Map([[0, '1']]));
    expect(decodeQuarantineCursor(good)).to.have.property('cursor');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = [...alphabet].map((c) => good.slice(0, -1) + c).find((t) => t !== good && Buffer.from(t, 'base64url').equals(Buffer.from(good, 'base64url')));
    expect(twin, 'a non-canonical twin exists').to.be.a('string');
    expect(decodeQuarantineCursor(twin!)).to.have.property('error');
  });
});
