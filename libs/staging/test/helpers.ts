import { expect } from 'chai';

/** Runs `fn`, expects it to throw an instance of `type`, and returns the error for further checks. */
export function thrown<T extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => T): T {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(type);
    return err as T;
  }
  expect.fail(`expected ${type.name} to be thrown`);
}
