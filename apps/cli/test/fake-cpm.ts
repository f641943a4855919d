import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DefinitionError, parseDefinition } from '@tributary/pipelines';
import express, { type Request, type Response } from 'express';

/**
 * An in-test fake of the CPM pipelines API (/tmp/cpm-api.md, docs/cpm.md): the real contract's routes,
 * status codes and error bodies over an in-memory map. Only for testing the CLI's HTTP side.
 */
export const FAKE_KEY = 'test-key-0123456789abcdef';

export interface FakeRun {
  runId: string;
  mode: 'live' | 'replay';
  pipelineVersion: number;
  status: string;
  reason?: string;
  startedAt: string;
  stoppedAt?: string;
  stages: { stage: string; in: number; out: number; errored: number }[];
}

export interface FakePipeline {
  id: string;
  name: string;
  version: number;
  status: string;
  definition: unknown;
  runs: FakeRun[];
}

export interface FakeCpm {
  url: string;
  pipelines: Map<string, FakePipeline>;
  /** Method, path, content type, body and If-Match of every request. */
  requests: { method: string; path: string; contentType?: string; body: string; ifMatch?: string; auth?: string }[];
  /** The next definition POST/PUT answers 400 with these issues. */
  rejectDefinition?: { path: string; field: string; message: string; line?: number; column?: number }[];
  /** The next n record POSTs answer 503 with this Retry-After. */
  unavailable: { times: number; retryAfter?: string };
  /** Polls of a replay run answered RUNNING before it is STOPPED. */
  replayPolls: number;
  close(): Promise<void>;
}

const fail = (res: Response, status: number, code: string, message: string, details: unknown = {}) =>
  res.status(status).json({ error: { code, message, details } });

export async function startFakeCpm(): Promise<FakeCpm> {
  const state: FakeCpm = {
    url: '',
    pipelines: new Map(),
    requests: [],
    unavailable: { times: 0 },
    replayPolls: 1,
    close: () => Promise.resolve(),
  };
  const app = express();
  app.use(express.text({ type: () => true, limit: '20mb' }));
  app.use((req, res, next) => {
    const body = typeof req.body === 'string' ? req.body : '';
    state.requests.push({
      method: req.method,
      path: req.path,
      body,
      ...(req.get('content-type') ? { contentType: req.get('content-type') } : {}),
      ...(req.get('if-match') ? { ifMatch: req.get('if-match') } : {}),
      ...(req.get('authorization') ? { auth: req.get('authorization') } : {}),
    });
    const auth = req.get('authorization');
    if (!auth) return fail(res, 401, 'TRIB_AUTH_MISSING', 'no API key');
    if (auth !== `Bearer ${FAKE_KEY}`) return fail(res, 401, 'TRIB_AUTH_INVALID', 'unknown API key');
    next();
  });
  const r = express.Router();
  const summary = (p: FakePipeline) => ({
    id: p.id,
    name: p.name,
    version: p.version,
    status: p.status,
    ...(p.runs[0] && !p.runs[0].stoppedAt ? { currentRun: p.runs[0] } : {}),
    totals: { in: 10, out: 9, rejected: 1 },
  });
  const find = (req: Request, res: Response): FakePipeline | undefined => {
    const p = state.pipelines.get(String(req.params.id));
    if (!p) fail(res, 404, 'TRIB_PIPELINE_NOT_FOUND', `no pipeline "${String(req.params.id)}"`);
    return p;
  };
  const definitionOf = (req: Request, res: Response) => {
    if (state.rejectDefinition) {
      const issues = state.rejectDefinition;
      state.rejectDefinition = undefined;
      fail(res, 400, 'TRIB_DEFINITION_INVALID', 'Invalid pipeline definition', { issues });
      return undefined;
    }
    try {
      return parseDefinition(String(req.body), { format: /json/.test(req.get('content-type') ?? '') ? 'json' : 'yaml' });
    } catch (err) {
      if (!(err instanceof DefinitionError)) throw err;
      fail(res, 400, err.code, err.message, { issues: err.details });
      return undefined;
    }
  };

  r.post('/pipelines', (req, res) => {
    const d = definitionOf(req, res);
    if (!d) return;
    if (state.pipelines.has(d.id)) return fail(res, 409, 'TRIB_PIPELINE_EXISTS', `pipeline ${d.id} exists`);
    const p: FakePipeline = { id: d.id, name: d.name, version: 1, status: 'CREATED', definition: d, runs: [] };
    state.pipelines.set(d.id, p);
    res.status(201).json({ pipeline: summary(p) });
  });
  r.get('/pipelines', (_req, res) => {
    res.json({ pipelines: [...state.pipelines.values()].map(summary) });
  });
  r.get('/pipelines/:id', (req, res) => {
    const p = find(req, res);
    if (p) res.json({ ...summary(p), definition: p.definition, updatedAt: '2025-11-28T04:00:00.000Z', updatedBy: 'admin' });
  });
  r.put('/pipelines/:id', (req, res) => {
    const p = find(req, res);
    if (!p) return;
    const ifMatch = req.get('if-match');
    if (ifMatch !== undefined && ifMatch !== `"${p.version}"`) {
      return fail(res, 409, 'TRIB_VERSION_CONFLICT', `pipeline ${p.id} is at version ${p.version}`);
    }
    const d = definitionOf(req, res);
    if (!d) return;
    p.version++;
    p.definition = d;
    p.name = d.name;
    res.json({ pipeline: summary(p) });
  });
  r.delete('/pipelines/:id', (req, res) => {
    const p = find(req, res);
    if (!p) return;
    state.pipelines.delete(p.id);
    res.json({ pipelineId: p.id, deleted: true });
  });
  r.post('/pipelines/:id/start', (req, res) => {
    const p = find(req, res);
    if (!p) return;
    if (p.status === 'RUNNING') return fail(res, 409, 'TRIB_RUN_ACTIVE', `pipeline ${p.id} is running`);
    const run: FakeRun = {
      runId: `run-${p.runs.length + 1}`,
      mode: 'live',
      pipelineVersion: p.version,
      status: 'RUNNING',
      startedAt: '2025-11-28T04:10:00.000Z',
      stages: [
        { stage: 'staging', in: 100, out: 98, errored: 2 },
        { stage: 'totals', in: 98, out: 98, errored: 0 },
      ],
    };
    p.runs.unshift(run);
    p.status = 'RUNNING';
    res.status(202).json({ runId: run.runId });
  });
  r.post('/pipelines/:id/stop', (req, res) => {
    const p = find(req, res);
    if (!p) return;
    const run = p.runs.find((x) => x.mode === 'live' && !x.stoppedAt);
    if (!run) return fail(res, 409, 'TRIB_RUN_NOT_ACTIVE', `pipeline ${p.id} has no active run`);
    run.status = 'STOPPED';
    run.stoppedAt = '2025-11-28T04:20:00.000Z';
    p.status = 'STOPPED';
    res.status(202).json({ runId: run.runId });
  });
  r.post('/pipelines/:id/records', (req, res) => {
    const p = find(req, res);
    if (!p) return;
    if (state.unavailable.times > 0) {
      state.unavailable.times--;
      if (state.unavailable.retryAfter !== undefined) res.setHeader('Retry-After', state.unavailable.retryAfter);
      return fail(res, 503, 'TRIB_BROKER_UNREACHABLE', 'Kafka is unreachable; retry later', { accepted: 0 });
    }
    // A record whose amount is not a number is rejected. CSV here has no quoting and numbers are
    // read as numbers: enough to check what the CLI sends.
    const body = String(req.body);
    const type = req.get('content-type') ?? '';
    let records: { amount?: unknown }[];
    if (type.startsWith('application/json')) records = JSON.parse(body) as { amount?: unknown }[];
    else if (type.startsWith('text/csv')) {
      const [header = '', ...rows] = body.split('\n').filter((l) => l.trim() !== '');
      const names = header.split(',');
      records = rows.map((row) => Object.fromEntries(row.split(',').map((v, i) => [names[i] ?? '', /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])));
    } else records = body.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { amount?: unknown });
    const errors: { index: number; errors: unknown[] }[] = [];
    records.forEach((record, index) => {
      if (typeof record.amount !== 'number') {
        errors.push({ index, errors: [{ field: 'amount', code: 'TRIB_RECORD_FIELD_TYPE', message: 'expected a number', value: record.amount }] });
      }
    });
    const index = records.length;
    const accepted = index - errors.length;
    if (accepted === 0) return fail(res, 422, 'TRIB_INGEST_ALL_REJECTED', `all ${index} records were rejected`, { accepted: 0, rejected: index, batchId: 'b', errors });
    res.status(202).json({ accepted, rejected: errors.length, batchId: `b-${state.requests.length}`, errors });
  });
  r.get('/pipelines/:id/runs', (req, res) => {
    const p = find(req, res);
    if (p) res.json({ runs: p.runs });
  });
  r.get('/pipelines/:id/runs/:runId', (req, res) => {
    const p = find(req, res);
    if (!p) return;
    const run = p.runs.find((x) => x.runId === req.params.runId);
    if (!run) return fail(res, 404, 'TRIB_RUN_NOT_FOUND', 'no such run');
    if (run.mode === 'replay' && run.status === 'RUNNING') {
      if (state.replayPolls-- <= 0) {
        run.status = 'STOPPED';
        run.stoppedAt = '2025-11-28T04:30:00.000Z';
        run.stages = [{ stage: 'staging', in: 50, out: 50, errored: 0 }];
      }
    }
    res.json(run);
  });
  r.post('/pipelines/:id/replays', (req, res) => {
    const p = find(req, res);
    if (!p) return;
    const body = JSON.parse(String(req.body)) as { from?: string; until?: string };
    if (!body.from || Number.isNaN(Date.parse(body.from))) return fail(res, 400, 'TRIB_REQUEST_MALFORMED', 'from must be ISO-8601');
    const run: FakeRun = { runId: `replay-${p.runs.length + 1}`, mode: 'replay', pipelineVersion: p.version, status: 'RUNNING', startedAt: body.from, stages: [] };
    p.runs.unshift(run);
    res.status(202).json({ runId: run.runId });
  });
  app.use('/api/v1', r);

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return state;
}
