import { expect } from 'chai';
import type { Message } from 'kafkajs';
import { chunkTopicMessages, messageBytes } from '../src/consumer/send-chunks.js';

const msg = (value: string, key: string | null = null): Message => ({ key, value: Buffer.from(value) });

describe('chunkTopicMessages', () => {
  it('keeps everything in one call while it fits', () => {
    const calls = chunkTopicMessages(new Map([['a', [msg('12345'), msg('6')]], ['b', [msg('7')]]]), 100);
    expect(calls).to.have.length(1);
    expect(calls[0]!.map((t) => [t.topic, t.messages.length])).to.deep.equal([['a', 2], ['b', 1]]);
  });

  it('splits at the byte limit, keeping the order within each topic across calls', () => {
    const a = Array.from({ length: 10 }, (_, i) => msg(`a${i}`.padEnd(40, '.')));
    const b = Array.from({ length: 5 }, (_, i) => msg(`b${i}`.padEnd(40, '.')));
    const calls = chunkTopicMessages(new Map([['a', a], ['b', b]]), 100);
    for (const call of calls) expect(call.flatMap((t) => t.messages).reduce((n, m) => n + messageBytes(m), 0)).to.be.at.most(100);
    const flat = (topic: string) => calls.flatMap((c) => c.filter((t) => t.topic === topic).flatMap((t) => t.messages.map((m) => String(m.value))));
    expect(flat('a')).to.deep.equal(a.map((m) => String(m.value)));
    expect(flat('b')).to.deep.equal(b.map((m) => String(m.value)));
    expect(calls).to.have.length(8);
  });

  it('sends a message larger than the limit alone, and nothing for nothing', () => {
    const calls = chunkTopicMessages(new Map([['a', [msg('small'), msg('x'.repeat(500)), msg('after')]]]), 100);
    expect(calls.map((c) => c[0]!.messages.map((m) => String(m.value).length))).to.deep.equal([[5], [500], [5]]);
    expect(chunkTopicMessages(new Map())).to.deep.equal([]);
  });

  it('counts key, value and headers', () => {
    expect(messageBytes({ key: 'k1', value: Buffer.from('abc'), headers: { h: 'xy', list: ['1', Buffer.from('22')] } })).to.equal(2 + 3 + 1 + 2 + 4 + 1 + 2);
  });
});
