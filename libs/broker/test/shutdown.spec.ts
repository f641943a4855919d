import { waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { installGracefulShutdown } from '../src/index.js';

describe('installGracefulShutdown', () => {
  // A signal no test runner uses, emitted in-process: nothing is really delivered.
  const signal = 'SIGUSR2';
  afterEach(() => process.removeAllListeners(signal));

  it('closes resources in reverse order of creation, then exits 0', async () => {
    const closed: string[] = [];
    const exits: number[] = [];
    const resource = (name: string) => ({ close: () => (closed.push(name), Promise.resolve()) });
    installGracefulShutdown({ resources: [resource('kafka'), resource('publisher'), resource('runner')], exit: (c) => exits.push(c), signals: [signal] });
    process.emit(signal, signal);
    await new Promise((r) => setImmediate(r));
    expect(closed).to.deep.equal(['runner', 'publisher', 'kafka']);
    expect(exits).to.deep.equal([0]);
  });

  it('exits at once with 130 on a second signal while the first shutdown is still running', () => {
    const exits: number[] = [];
    installGracefulShutdown({ resources: [{ close: () => new Promise<void>(() => undefined) }], exit: (c) => exits.push(c), signals: [signal] });
    process.emit(signal, signal);
    process.emit(signal, signal);
    expect(exits).to.deep.equal([130]);
  });

  it('exits 1 when the deadline passes before the resources close', async () => {
    const exits: number[] = [];
    installGracefulShutdown({
      resources: [{ close: () => new Promise<void>(() => undefined) }],
      exit: (c) => exits.push(c),
      signals: [signal],
      deadlineMs: 20,
    });
    process.emit(signal, signal);
    await waitFor(() => exits.length > 0, { timeoutMs: 2000, what: 'the deadline exit' });
    expect(exits).to.deep.equal([1]);
  });

  it('keeps closing the others when one resource fails to close', async () => {
    const closed: string[] = [];
    const exits: number[] = [];
    installGracefulShutdown({
      resources: [{ close: () => (closed.push('first'), Promise.resolve()) }, { close: () => Promise.reject(new Error('boom')) }],
      exit: (c) => exits.push(c),
      signals: [signal],
    });
    process.emit(signal, signal);
    await new Promise((r) => setImmediate(r));
    expect(closed).to.deep.equal(['first']);
    expect(exits).to.deep.equal([0]);
  });
});
