import { expect } from 'chai';
import { KeyDeduper, StagingOptionsError, keyDeduperDefaults } from '../src/index.js';
import { thrown } from './helpers.js';

describe('KeyDeduper', () => {
  it('has documented defaults: 100,000 keys, a 10 minute window', () => {
    expect(keyDeduperDefaults).to.deep.equal({ maxKeys: 100_000, windowMs: 600_000 });
    expect(new KeyDeduper().options).to.deep.equal(keyDeduperDefaults);
  });

  it('reports a key as seen within the window after its first acceptance, and not from then on', () => {
    const dedupe = new KeyDeduper({ windowMs: 1_000 });
    expect(dedupe.seen('k', 10_000)).to.equal(false);
    expect(dedupe.seen('k', 10_000)).to.equal(true);
    expect(dedupe.seen('k', 10_999)).to.equal(true);
    // The window is [first, first + windowMs): duplicates did not extend it.
    expect(dedupe.seen('k', 11_000)).to.equal(false);
    expect(dedupe.seen('k', 11_500)).to.equal(true);
    expect(dedupe.seen('other', 11_500)).to.equal(false);
  });

  it('never holds more than maxKeys keys, forgetting the least recently seen first', () => {
    const dedupe = new KeyDeduper({ maxKeys: 3, windowMs: 60_000 });
    for (const key of ['a', 'b', 'c']) dedupe.seen(key, 0);
    expect(dedupe.seen('a', 1)).to.equal(true); // a is now the most recently seen
    expect(dedupe.seen('d', 2)).to.equal(false); // evicts b, the least recently seen
    expect(dedupe.size).to.equal(3);
    expect(dedupe.seen('a', 3)).to.equal(true);
    expect(dedupe.seen('c', 3)).to.equal(true);
    expect(dedupe.seen('b', 3)).to.equal(false); // forgotten, so it gets through again
    expect(dedupe.size).to.equal(3);
  });

  it('stays bounded over many keys and drops expired keys as it goes', () => {
    const dedupe = new KeyDeduper({ maxKeys: 1_000, windowMs: 100 });
    for (let i = 0; i < 50_000; i++) {
      expect(dedupe.seen(`key-${i}`, i)).to.equal(false);
      expect(dedupe.size).to.be.at.most(1_000);
    }
    // Only keys from the last window are left.
    expect(dedupe.size).to.equal(100);
    expect(dedupe.seen('key-49999', 50_000)).to.equal(true);
    expect(dedupe.seen('key-49899', 50_000)).to.equal(false);
  });

  it('counts a clock that goes backwards as inside the window', () => {
    const dedupe = new KeyDeduper({ windowMs: 1_000 });
    dedupe.seen('k', 5_000);
    expect(dedupe.seen('k', 4_000)).to.equal(true);
  });

  it('clears, and refuses invalid options without modifying them', () => {
    const dedupe = new KeyDeduper();
    dedupe.seen('k', 0);
    dedupe.clear();
    expect(dedupe.size).to.equal(0);
    expect(dedupe.seen('k', 0)).to.equal(false);
    const options = Object.freeze({ maxKeys: 0, windowMs: -1 });
    const err = thrown(() => new KeyDeduper(options), StagingOptionsError);
    expect(err.issues.map((i) => i.path)).to.have.members(['maxKeys', 'windowMs']);
    expect(options).to.deep.equal({ maxKeys: 0, windowMs: -1 });
  });
});
