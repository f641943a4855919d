import { expect } from 'chai';
import { isSliceDone } from '../src/replay/slice.js';
import { BatchAggregate } from '../src/staging/batch-aggregate.js';
import { CommitJournal } from '../src/staging/commit-journal.js';
import { RollbackableDeduper } from '../src/staging/dedupe.js';

const p0 = { topic: 't', partition: 0 };
const p1 = { topic: 't', partition: 1 };

describe('CommitJournal', function () {
  it('confirms a checkpoint when the partition moves on, and undoes what did not commit', function () {
    const confirmed: string[] = [];
    const journal = new CommitJournal<string>((items) => confirmed.push(...items));
    journal.add(p0, 'a');
    journal.add(p1, 'x');
    expect(journal.checkpoint(p0)).to.deep.equal(['a']);
    expect(journal.inFlight()).to.deep.equal(['a']);
    journal.confirm(p0);
    expect(confirmed).to.deep.equal(['a']);
    journal.add(p0, 'b');
    journal.checkpoint(p0);
    journal.add(p0, 'c');
    // The commit of [b] failed: b and c are handled again.
    expect(journal.rollback(p0)).to.deep.equal(['b', 'c']);
    expect(confirmed).to.deep.equal(['a']);
    expect(journal.rollback(p1)).to.deep.equal(['x']);
  });

  it('confirmAll settles every in-flight checkpoint', function () {
    const confirmed: string[] = [];
    const journal = new CommitJournal<string>((items) => confirmed.push(...items));
    journal.add(p0, 'a');
    journal.add(p1, 'b');
    journal.checkpoint(p0);
    journal.checkpoint(p1);
    journal.confirmAll();
    expect(confirmed.sort()).to.deep.equal(['a', 'b']);
    expect(journal.inFlight()).to.deep.equal([]);
  });
});

describe('RollbackableDeduper', function () {
  it('drops repeats within the window and lets a forgotten key through once', function () {
    const d = new RollbackableDeduper({ windowMs: 1_000 });
    expect(d.isDuplicate('k', 0)).to.equal(false);
    expect(d.isDuplicate('k', 10)).to.equal(true);
    d.forget(['k']);
    expect(d.isDuplicate('k', 20)).to.equal(false);
    expect(d.isDuplicate('k', 30)).to.equal(true);
    expect(d.isDuplicate('k', 2_000)).to.equal(false);
  });
});

describe('BatchAggregate', function () {
  it('counts every record in once and profiles the staged ones', function () {
    const a = new BatchAggregate('p1', [{ name: 'n', type: 'int' }], 100);
    a.staged({ n: 1 });
    a.staged({ n: 5 });
    a.rejected();
    a.duplicate();
    const e = a.toEvent({ runId: 'run-1', topic: 't.data.p1.raw', partition: 2, firstOffset: '10', lastOffset: '13', completedAt: 200 });
    expect(e).to.deep.include({ recordsIn: 4, recordsStaged: 2, recordsRejected: 1, firstOffset: 10, lastOffset: 13, runId: 'run-1' });
    expect(e.batchId).to.equal('run-1:t.data.p1.raw:2:10-13');
    expect(e.fields).to.deep.equal([{ field: 'n', valueCount: 2, nullCount: 0, min: 1, max: 5 }]);
  });
});

describe('isSliceDone', function () {
  it('needs every non-empty partition committed up to its end', function () {
    const slice = [
      { partition: 0, start: '5', end: '9' },
      { partition: 1, start: '3', end: '3' },
    ];
    expect(isSliceDone(slice, new Map())).to.equal(false);
    expect(isSliceDone(slice, new Map([[0, 8n]]))).to.equal(false);
    expect(isSliceDone(slice, new Map([[0, 9n]]))).to.equal(true);
  });
});
