import { expect } from 'chai';
import { FAKE_KEY, type FakeCpm, startFakeCpm } from './fake-cpm.js';
import { cli, tempFiles } from './helpers.js';

const definition = (name = 'Orders') => `id: orders
name: ${name}
input:
  schema:
    - { name: id, type: string }
    - { name: amount, type: double }
stages:
  - id: big
    type: filter
    where: amount > 10
sinks:
  - { type: kafka, topic: processed }
`;

describe('pipelines commands against a fake CPM', () => {
  let cpm: FakeCpm;
  let dir: string;
  const env = () => ({ TRIBUTARY_URL: cpm.url, TRIBUTARY_API_KEY: FAKE_KEY });
  const run = (args: string[]) => cli(args, { env: env(), cwd: dir });

  beforeEach(async () => {
    cpm = await startFakeCpm();
    dir = await tempFiles({ 'orders.yaml': definition(), 'orders-v2.yaml': definition('Orders v2'), 'broken.yaml': 'id: orders\nname: 3\nstages: nope\n' });
  });
  afterEach(() => cpm.close());

  it('apply creates a missing pipeline (GET 404, then POST as YAML) and updates it the second time with If-Match', async () => {
    const first = await run(['pipelines', 'apply', '-f', 'orders.yaml']);
    expect(first.err).to.equal('');
    expect(first.code).to.equal(0);
    expect(first.out).to.equal('created orders (version 1)\n');
    expect(cpm.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(['GET /api/v1/pipelines/orders', 'POST /api/v1/pipelines']);
    expect(cpm.requests[1]?.contentType).to.equal('application/yaml');
    expect(cpm.requests[1]?.auth).to.equal(`Bearer ${FAKE_KEY}`);

    const second = await run(['pipelines', 'apply', '-f', 'orders-v2.yaml', '--output', 'json']);
    expect(second.code).to.equal(0);
    const body = JSON.parse(second.out) as { action: string; pipeline: { version: number; name: string } };
    expect(body).to.deep.include({ action: 'updated' });
    expect(body.pipeline).to.deep.include({ version: 2, name: 'Orders v2' });
    expect(cpm.requests.at(-1)).to.deep.include({ method: 'PUT', path: '/api/v1/pipelines/orders', ifMatch: '"1"' });
  });

  it('apply --dry-run validates locally and prints issues with line and column, calling nothing', async () => {
    const ok = await run(['pipelines', 'apply', '-f', 'orders.yaml', '--dry-run']);
    expect(ok.code).to.equal(0);
    expect(ok.out).to.match(/^definition orders is valid: 2 input fields, 1 stages, 1 sinks/);
    const bad = await run(['pipelines', 'apply', '-f', 'broken.yaml', '--dry-run']);
    expect(bad.code).to.equal(1);
    expect(bad.err).to.match(/^error TRIB_DEFINITION_INVALID: /);
    expect(bad.err).to.match(/\n {2}line \d+, column \d+: /);
    expect(cpm.requests).to.have.length(0);
  });

  it('prints the 400 issues of the CPM with their line and column', async () => {
    cpm.rejectDefinition = [{ path: '/stages/0/where', field: 'stages[0].where', message: 'unknown field amount', line: 10, column: 12 }];
    const res = await run(['pipelines', 'apply', '-f', 'orders.yaml']);
    expect(res.code).to.equal(1);
    expect(res.out).to.equal('');
    expect(res.err).to.equal(
      'error TRIB_DEFINITION_INVALID (HTTP 400): Invalid pipeline definition\n  line 10, column 12: stages[0].where: unknown field amount\n',
    );
  });

  it('maps 401 without or with a wrong key, and never prints the key', async () => {
    const missing = await cli(['pipelines', 'list'], { env: { TRIBUTARY_URL: cpm.url }, cwd: dir });
    expect(missing.code).to.equal(1);
    expect(missing.err).to.equal('error TRIB_AUTH_MISSING (HTTP 401): no API key\n');
    const secret = 'wrong-secret-key-999999999';
    const wrong = await cli(['--api-key', secret, 'pipelines', 'list'], { env: { TRIBUTARY_URL: cpm.url }, cwd: dir });
    expect(wrong.code).to.equal(1);
    expect(wrong.err).to.contain('TRIB_AUTH_INVALID');
    expect(wrong.err + wrong.out).not.to.contain(secret);
  });

  it('lists, gets (with the current run per stage), starts, stops and deletes', async () => {
    await run(['pipelines', 'apply', '-f', 'orders.yaml']);
    const started = await run(['pipelines', 'start', 'orders']);
    expect(started.out).to.equal('started orders: run run-1\n');

    const list = await run(['pipelines', 'list']);
    expect(list.code).to.equal(0);
    expect(list.out.split('\n')[0]).to.match(/^ID\s+NAME\s+VERSION\s+STATUS\s+RUN\s+IN\s+OUT\s+REJECTED$/);
    expect(list.out).to.match(/orders\s+Orders\s+1\s+RUNNING\s+run-1 live\s+10\s+9\s+1/);

    const get = await run(['pipelines', 'get', 'orders']);
    expect(get.out).to.match(/status:\s+RUNNING/);
    expect(get.out).to.match(/current run:\s+run-1 \(live, RUNNING\)/);
    expect(get.out).to.match(/staging\s+100\s+98\s+2/);
    expect(get.out).to.match(/totals\s+98\s+98\s+0/);

    const again = await run(['pipelines', 'start', 'orders']);
    expect(again.code).to.equal(1);
    expect(again.err).to.equal('error TRIB_RUN_ACTIVE (HTTP 409): pipeline orders is running\n');

    expect((await run(['pipelines', 'stop', 'orders'])).out).to.equal('stopped orders: run run-1\n');
    const deleted = await run(['pipelines', 'delete', 'orders', '--output', 'json']);
    expect(JSON.parse(deleted.out)).to.deep.equal({ pipelineId: 'orders', deleted: true });
  });

  it('answers 404 for an unknown pipeline with exit code 1', async () => {
    const res = await run(['pipelines', 'get', 'nope']);
    expect(res.code).to.equal(1);
    expect(res.err).to.equal('error TRIB_PIPELINE_NOT_FOUND (HTTP 404): no pipeline "nope"\n');
  });

  it('reports a 409 when someone else updated the pipeline between the GET and the PUT', async () => {
    await run(['pipelines', 'apply', '-f', 'orders.yaml']);
    const version = cpm.pipelines.get('orders')!.version;
    cpm.pipelines.get('orders')!.version = version + 5;
    const res = await cli(['pipelines', 'apply', '-f', 'orders.yaml'], {
      env: env(),
      cwd: dir,
      // The GET sees version 1, the PUT then meets version 6.
      fetch: async (url, init) => {
        const r = await fetch(url, init);
        if (init?.method === 'GET') {
          const body = (await r.json()) as { version: number };
          return new Response(JSON.stringify({ ...body, version }), { status: r.status, headers: { 'content-type': 'application/json' } });
        }
        return r;
      },
    });
    expect(res.code).to.equal(1);
    expect(res.err).to.equal('error TRIB_VERSION_CONFLICT (HTTP 409): pipeline orders is at version 6\n');
  });

  it('exits 2 on usage errors and 0 on --help, and says when the CPM is unreachable', async () => {
    expect((await run(['pipelines', 'apply'])).code).to.equal(2);
    expect((await run(['nonsense'])).code).to.equal(2);
    expect((await run(['--output', 'xml', 'pipelines', 'list'])).code).to.equal(2);
    const help = await run(['--help']);
    expect(help.code).to.equal(0);
    expect(help.out).to.contain('Usage: tributary');
    const down = await cli(['--url', 'http://127.0.0.1:9', 'pipelines', 'list'], { env: { TRIBUTARY_API_KEY: FAKE_KEY } });
    expect(down.code).to.equal(1);
    expect(down.err).to.match(/^error TRIB_CLI_UNREACHABLE: cannot reach the CPM at http:\/\/127\.0\.0\.1:9/);
  });
});
