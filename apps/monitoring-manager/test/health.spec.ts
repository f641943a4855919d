import { expect } from 'chai';
import { HealthBoard } from '../src/health/board.js';
import type { Beat } from '../src/health/types.js';

const beat = (service: string, instance: string, sentAt: number, ready = true): Beat => ({ service, instance, version: '1.0.0', ready, startedAt: 0, sentAt });
const summary = (t: ReturnType<HealthBoard['evaluate']>) => t.map((x) => [x.component, x.instance, x.previousStatus, x.status]);

describe('HealthBoard', () => {
  it('UP while beating and ready, DEGRADED while not ready, DOWN after the heartbeat timeout; each change reported once', () => {
    const board = new HealthBoard({ heartbeatTimeoutMs: 30_000 });
    board.beat(beat('processor', 'p-1', 1_000));
    expect(summary(board.evaluate(1_000))).to.deep.equal([
      ['processor', 'p-1', null, 'UP'],
      ['processor', null, null, 'UP'],
    ]);
    expect(board.evaluate(20_000)).to.deep.equal([]);
    board.beat(beat('processor', 'p-1', 21_000, false));
    const degraded = board.evaluate(21_000);
    expect(summary(degraded)).to.deep.equal([
      ['processor', 'p-1', 'UP', 'DEGRADED'],
      ['processor', null, 'UP', 'DEGRADED'],
    ]);
    expect(degraded[0]?.reason).to.match(/not ready/);
    // Silent from 21 s: still DEGRADED at 51 s, DOWN just after.
    expect(board.evaluate(51_000)).to.deep.equal([]);
    const down = board.evaluate(51_001);
    expect(summary(down)).to.deep.equal([
      ['processor', 'p-1', 'DEGRADED', 'DOWN'],
      ['processor', null, 'DEGRADED', 'DOWN'],
    ]);
    expect(down[0]).to.deep.include({ lastSeenAt: 21_000, changedAt: 51_001 });
    expect(down[0]?.reason).to.equal('no heartbeat for 30 s (timeout 30 s)');
    expect(board.view(51_001).status).to.equal('DOWN');
    // It comes back.
    board.beat(beat('processor', 'p-1', 60_000));
    expect(summary(board.evaluate(60_000))).to.deep.equal([
      ['processor', 'p-1', 'DOWN', 'UP'],
      ['processor', null, 'DOWN', 'UP'],
    ]);
  });

  it('judges a service by its instances and the system by its worst service', () => {
    const board = new HealthBoard({ heartbeatTimeoutMs: 10_000 });
    board.beat(beat('staging-manager', 's-0', 0));
    board.beat(beat('staging-manager', 's-1', 0));
    board.beat(beat('cpm', 'c-0', 0));
    board.evaluate(0);
    board.beat(beat('staging-manager', 's-0', 15_000));
    board.beat(beat('cpm', 'c-0', 15_000));
    const view = board.view(15_000);
    expect(view.services.map((s) => [s.service, s.status])).to.deep.equal([
      ['cpm', 'UP'],
      ['staging-manager', 'DEGRADED'],
    ]);
    expect(view.services[1]?.reason).to.match(/^1 of 2 instance\(s\) up; s-1: no heartbeat/);
    expect(view.status).to.equal('DEGRADED');
  });

  it('ignores an older beat than the last, and forgets an instance DOWN for long', () => {
    const board = new HealthBoard({ heartbeatTimeoutMs: 10_000, forgetAfterMs: 60_000 });
    board.beat(beat('cpm', 'old', 5_000));
    board.beat(beat('cpm', 'old', 1_000, false));
    expect(board.view(5_000).services[0]?.instances[0]).to.deep.include({ status: 'UP', lastSeenAt: 5_000 });
    board.evaluate(5_000);
    board.evaluate(20_000);
    expect(board.view(20_000).services[0]?.status).to.equal('DOWN');
    board.evaluate(70_000);
    expect(board.view(70_000).services).to.deep.equal([]);
    board.beat(beat('cpm', 'new', 71_000));
    expect(summary(board.evaluate(71_000))).to.deep.equal([
      ['cpm', 'new', null, 'UP'],
      ['cpm', null, 'DOWN', 'UP'],
    ]);
  });
});
