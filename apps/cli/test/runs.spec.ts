import { expect } from 'chai';
import { FAKE_KEY, type FakeCpm, startFakeCpm } from './fake-cpm.js';
import { cli } from './helpers.js';

describe('runs and replay against a fake CPM', () => {
  let cpm: FakeCpm;
  const now = Date.parse('2025-11-28T05:00:00.000Z');
  const run = (args: string[]) => cli(args, { env: { TRIBUTARY_URL: cpm.url, TRIBUTARY_API_KEY: FAKE_KEY }, now: () => now });

  beforeEach(async () => {
    cpm = await startFakeCpm();
    cpm.pipelines.set('orders', { id: 'orders', name: 'Orders', version: 3, status: 'CREATED', definition: {}, runs: [] });
  });
  afterEach(() => cpm.close());

  it('lists runs newest first with per-stage in/out/errored', async () => {
    await run(['pipelines', 'start', 'orders']);
    await run(['pipelines', 'stop', 'orders']);
    const res = await run(['runs', 'orders']);
    expect(res.code).to.equal(0);
    const [header, row] = res.out.split('\n');
    expect(header).to.match(/^RUN\s+MODE\s+STATUS\s+VERSION\s+STARTED\s+STOPPED\s+STAGES/);
    expect(row).to.match(/^run-1\s+live\s+STOPPED\s+3\s+2025-11-28T04:10:00.000Z\s+2025-11-28T04:20:00.000Z\s+staging 100\/98\/2 {2}totals 98\/98\/0$/);
    expect((await run(['runs', 'missing'])).code).to.equal(1);
  });

  it('replays from a relative time and prints the run id', async () => {
    const res = await run(['replay', 'orders', '--from', '-15m', '--until', 'now']);
    expect(res.err).to.equal('');
    expect(res.out).to.equal('replay-1\n');
    expect(JSON.parse(cpm.requests.at(-1)!.body)).to.deep.equal({ from: '2025-11-28T04:45:00.000Z', until: '2025-11-28T05:00:00.000Z' });
  });

  it('refuses a malformed time with exit code 2 before calling the CPM', async () => {
    const res = await run(['replay', 'orders', '--from', 'yesterday']);
    expect(res.code).to.equal(2);
    expect(res.err).to.contain('--from must be ISO-8601');
    expect(cpm.requests).to.have.length(0);
  });

  it('--wait follows the replay run until it stops', async () => {
    cpm.replayPolls = 2;
    const res = await run(['replay', 'orders', '--from', '2025-11-28T04:00:00Z', '--wait', '--interval', '10']);
    expect(res.code).to.equal(0);
    expect(res.out).to.equal('replay-1 STOPPED: staging 50/50/0\n');
    expect(res.err).to.contain('RUNNING: -');
    expect(res.io.sleeps).to.deep.equal([10, 10]);
  });
});
