import { expect } from 'chai';
import { FAKE_KEY, type FakeCpm, startFakeCpm } from './fake-cpm.js';
import { cli, tempFiles } from './helpers.js';

/** 2,500 NDJSON records; every 500th (lines 1, 501, …) has a text amount the CPM rejects. */
function ndjson(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(JSON.stringify({ id: `o-${i}`, amount: i % 500 === 0 ? 'lots' : i }));
  return `${lines.join('\n')}\n`;
}

describe('ingest against a fake CPM', () => {
  let cpm: FakeCpm;
  let dir: string;
  const run = (args: string[]) => cli(args, { env: { TRIBUTARY_URL: cpm.url, TRIBUTARY_API_KEY: FAKE_KEY }, cwd: dir });

  before(async () => {
    dir = await tempFiles({ 'orders.ndjson': ndjson(2_500), 'notes.txt': 'x' });
  });
  beforeEach(async () => {
    cpm = await startFakeCpm();
    cpm.pipelines.set('orders', { id: 'orders', name: 'Orders', version: 1, status: 'RUNNING', definition: {}, runs: [] });
  });
  afterEach(() => cpm.close());

  it('streams 2,500 NDJSON records in batches of 1,000 and prints the summary with file line numbers', async () => {
    const res = await run(['ingest', 'orders', 'orders.ndjson']);
    expect(res.code, res.err).to.equal(0);
    const posts = cpm.requests.filter((r) => r.path === '/api/v1/pipelines/orders/records');
    expect(posts.map((p) => p.body.trim().split('\n').length).sort()).to.deep.equal([1000, 1000, 500]);
    expect(posts.every((p) => p.contentType === 'application/x-ndjson')).to.be.true;
    // Every record sent exactly once.
    const ids = posts.flatMap((p) => p.body.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id));
    expect(new Set(ids).size).to.equal(2_500);

    expect(res.out).to.match(/accepted {2}2,495\n/);
    expect(res.out).to.match(/rejected {2}5\n/);
    expect(res.out).to.match(/batches {3}3\n/);
    expect(res.out).to.match(/elapsed {3}[\d.]+ s \([\d,]+ records\/s\)\n/);
    // Lines of the file, not of the batch: record 1,000 (0-based) is on line 1,001 but the second batch's line 1.
    expect(res.out).to.contain('rejected records (first 5 of 5):\n  line 1: amount: expected a number (TRIB_RECORD_FIELD_TYPE)\n  line 501: ');
    expect(res.out).to.contain('  line 1001: amount');
    expect(res.out).to.contain('  line 2001: amount');
    expect(res.err.trim().split('\n')).to.have.length(3); // one plain progress line per batch
  });

  it('--output json gives the summary as one object, errors capped by --max-errors', async () => {
    const res = await run(['--output', 'json', 'ingest', 'orders', 'orders.ndjson', '--batch-size', '700', '--concurrency', '3', '--max-errors', '2']);
    expect(res.code).to.equal(0);
    const s = JSON.parse(res.out) as { accepted: number; rejected: number; batches: number; records: number; errors: { line: number }[] };
    expect(s).to.include({ accepted: 2_495, rejected: 5, batches: 4, records: 2_500 });
    expect(s.errors.map((e) => e.line)).to.have.length(2);
  });

  it('retries a batch answered 503 after its Retry-After, and gives up after --max-retries', async () => {
    cpm.unavailable = { times: 2, retryAfter: '3' };
    const ok = await run(['ingest', 'orders', 'orders.ndjson', '--concurrency', '1']);
    expect(ok.code, ok.err).to.equal(0);
    expect(ok.io.sleeps).to.deep.equal([3_000, 3_000]);
    expect(ok.out).to.match(/batches {3}3 \(2 retries after 503\)/);
    expect(ok.out).to.match(/accepted {2}2,495/);

    cpm.unavailable = { times: 100 };
    const failed = await run(['ingest', 'orders', 'orders.ndjson', '--concurrency', '1', '--max-retries', '2']);
    expect(failed.code).to.equal(1);
    expect(failed.io.sleeps).to.deep.equal([1_000, 2_000]); // no Retry-After: doubling from 1 s
    expect(failed.err).to.contain('error TRIB_BROKER_UNREACHABLE (HTTP 503): Kafka is unreachable; retry later');
    expect(failed.out).to.match(/^stopped ingesting .*orders\.ndjson into orders/);
  });

  it('counts an all-rejected batch (422) as rejected records, and --strict exits 1', async () => {
    const bad = await tempFiles({ 'bad.ndjson': '{"amount":"a"}\n\n{"amount":"b"}\n' });
    const res = await cli(['ingest', 'orders', 'bad.ndjson', '--strict'], { env: { TRIBUTARY_URL: cpm.url, TRIBUTARY_API_KEY: FAKE_KEY }, cwd: bad });
    expect(res.code).to.equal(1);
    expect(res.out).to.match(/accepted {2}0\n {2}rejected {2}2\n/);
    expect(res.out).to.contain('  line 1: amount');
    expect(res.out).to.contain('  line 3: amount');
    expect(res.err).to.contain('2 records were rejected (--strict)');
  });

  it('sends JSON arrays and CSV in their own format, with rejected records located by file line', async () => {
    const files = await tempFiles({
      'orders.json': '[\n  {"id": "a", "amount": 1},\n  {"id": "b", "amount": "x"},\n  {"id": "c", "amount": 3}\n]\n',
      'orders.csv': 'id,amount\na,1\nb,2\n\nc,zero\nd,4\n',
    });
    const io = { env: { TRIBUTARY_URL: cpm.url, TRIBUTARY_API_KEY: FAKE_KEY }, cwd: files };
    const json = await cli(['ingest', 'orders', 'orders.json', '--batch-size', '2'], io);
    expect(json.code, json.err).to.equal(0);
    const jsonPosts = cpm.requests.filter((r) => r.contentType === 'application/json');
    expect(jsonPosts.map((p) => JSON.parse(p.body) as unknown)).to.deep.equal([
      [{ id: 'a', amount: 1 }, { id: 'b', amount: 'x' }],
      [{ id: 'c', amount: 3 }],
    ]);
    expect(json.out).to.match(/accepted {2}2\n {2}rejected {2}1\n/);
    expect(json.out).to.contain('  line 3: amount: expected a number');

    const csv = await cli(['ingest', 'orders', 'orders.csv', '--batch-size', '2'], io);
    expect(csv.code, csv.err).to.equal(0);
    expect(cpm.requests.filter((r) => r.contentType === 'text/csv').map((p) => p.body)).to.deep.equal(['id,amount\na,1\nb,2\n', 'id,amount\nc,zero\nd,4\n']);
    expect(csv.out).to.match(/accepted {2}3\n {2}rejected {2}1\n/);
    expect(csv.out).to.contain('  line 5: amount: expected a number');
  });

  it('stops at a 404 and exits 2 when the format cannot be told', async () => {
    const missing = await run(['ingest', 'nope', 'orders.ndjson']);
    expect(missing.code).to.equal(1);
    expect(missing.err).to.contain('TRIB_PIPELINE_NOT_FOUND');
    const unknown = await run(['ingest', 'orders', 'notes.txt']);
    expect(unknown.code).to.equal(2);
    expect(unknown.err).to.contain('pass --format');
  });
});
