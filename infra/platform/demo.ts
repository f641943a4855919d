/**
 * The demo of `npm start`: applies the orders pipeline through the CPM, starts it, streams the
 * generated orders in, waits until every accepted record has gone through, and summarises.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../stack/src/options.js';
import { type DemoDataSet, generateOrders } from './demo-data.js';

export const DEMO_DEFINITION = path.join(repoRoot, 'libs', 'pipelines', 'examples', 'orders.yaml');
export const DEMO_PIPELINE_ID = 'orders';

export interface StageFigures {
  stage: string;
  in: number;
  out: number;
  errored: number;
}

export interface DemoSummary {
  pipelineId: string;
  runId: string;
  sent: number;
  accepted: number;
  rejectedAtIngest: number;
  stages: StageFigures[];
  seconds: number;
  expected: DemoDataSet['expected'];
}

/** A failed CPM call, with the structured error the CPM answered. */
export class CpmCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
  }
}

/** The few CPM calls the demo and the end-to-end tests make, as one API key. */
export function cpmClient(baseUrl: string, apiKey: string) {
  async function call<T>(method: string, route: string, body?: { type: string; data: string | Buffer }, okStatuses = [200, 201, 202]) {
    const res = await fetch(`${baseUrl}/api/v1${route}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': body.type } : {}) },
      ...(body ? { body: body.data } : {}),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!okStatuses.includes(res.status)) throw new CpmCallError(res.status, parsed, `${method} ${route}`);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  return {
    call,
    /** Creates the pipeline, or updates it when it exists with another definition. */
    async apply(definitionYaml: string, id: string) {
      const existing = await call<unknown>('GET', `/pipelines/${id}`, undefined, [200, 404]);
      const body = { type: 'application/yaml', data: definitionYaml };
      if (existing.status === 404) return call('POST', '/pipelines', body);
      return call('PUT', `/pipelines/${id}`, body);
    },
    pipeline: (id: string) => call<PipelineView>('GET', `/pipelines/${id}`),
    start: (id: string) => call<{ runId: string }>('POST', `/pipelines/${id}/start`, undefined, [202, 409]),
    ingest: (id: string, records: unknown[]) =>
      call<{ accepted: number; rejected: number }>(
        'POST',
        `/pipelines/${id}/records`,
        { type: 'application/json', data: JSON.stringify(records) },
        [202, 422],
      ),
  };
}

export interface RunView {
  runId: string;
  mode: string;
  status: string;
  stages: StageFigures[];
}
export interface PipelineView {
  id: string;
  version: number;
  status: string;
  currentRun?: RunView;
}

/** Polls until `done` holds for the pipeline, or the deadline passes. */
export async function waitForPipeline(
  client: ReturnType<typeof cpmClient>,
  id: string,
  done: (p: PipelineView) => boolean,
  timeoutMs: number,
): Promise<PipelineView> {
  const deadline = Date.now() + timeoutMs;
  let last: PipelineView | undefined;
  while (Date.now() < deadline) {
    last = (await client.pipeline(id)).body;
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`pipeline ${id} did not get there within ${timeoutMs} ms; last state ${JSON.stringify(last)}`);
}

/** Records fully through: staging saw every accepted record and the last stage saw all it was given. */
export function drained(p: PipelineView, accepted: number): boolean {
  const stages = p.currentRun?.stages ?? [];
  const staging = stages.find((s) => s.stage === 'staging');
  if (!staging || staging.in < accepted) return false;
  // Each processor stage takes what the stage before it let out.
  for (let i = 1; i < stages.length; i++) if (stages[i]!.in < stages[i - 1]!.out) return false;
  return true;
}

export async function runDemo(options: {
  cpmUrl: string;
  adminKey: string;
  operatorKey: string;
  records: number;
  batchSize?: number;
  log?: (line: string) => void;
}): Promise<DemoSummary> {
  const log = options.log ?? (() => undefined);
  const admin = cpmClient(options.cpmUrl, options.adminKey);
  const operator = cpmClient(options.cpmUrl, options.operatorKey);
  await admin.apply(fs.readFileSync(DEMO_DEFINITION, 'utf8'), DEMO_PIPELINE_ID);
  await operator.start(DEMO_PIPELINE_ID);
  const running = await waitForPipeline(admin, DEMO_PIPELINE_ID, (p) => p.status === 'RUNNING' && !!p.currentRun, 30_000);
  const runId = running.currentRun!.runId;
  // The run may already have counted records (a live run from an earlier `npm start`): report this
  // demo's share only.
  const beforeStages = running.currentRun!.stages;
  const before = beforeStages.find((s) => s.stage === 'staging')?.in ?? 0;
  log(`Pipeline ${DEMO_PIPELINE_ID} v${running.version} running (run ${runId})`);

  const data = generateOrders(options.records);
  const batchSize = options.batchSize ?? 1000;
  const began = Date.now();
  let accepted = 0;
  let rejected = 0;
  // One batch at a time: an order and its later repeat reach the pipeline in that order.
  for (let i = 0; i < data.records.length; i += batchSize) {
    const res = await operator.ingest(DEMO_PIPELINE_ID, data.records.slice(i, i + batchSize));
    accepted += res.body.accepted;
    rejected += res.body.rejected;
  }
  log(`Sent ${data.records.length} orders: ${accepted} accepted, ${rejected} refused at ingest (price "n/a")`);
  const done = await waitForPipeline(admin, DEMO_PIPELINE_ID, (p) => drained(p, before + accepted), 180_000);
  return {
    pipelineId: DEMO_PIPELINE_ID,
    runId,
    sent: data.records.length,
    accepted,
    rejectedAtIngest: rejected,
    stages: done.currentRun!.stages.map((s) => {
      const b = beforeStages.find((x) => x.stage === s.stage);
      return { stage: s.stage, in: s.in - (b?.in ?? 0), out: s.out - (b?.out ?? 0), errored: s.errored - (b?.errored ?? 0) };
    }),
    seconds: (Date.now() - began) / 1000,
    expected: data.expected,
  };
}

export function formatSummary(s: DemoSummary): string {
  const width = Math.max(...s.stages.map((x) => x.stage.length), 5);
  const rows = s.stages.map(
    (x) => `  ${x.stage.padEnd(width)}  ${String(x.in).padStart(8)}  ${String(x.out).padStart(8)}  ${String(x.errored).padStart(8)}`,
  );
  return [
    `Demo: ${s.sent} orders through pipeline ${s.pipelineId} (run ${s.runId}) in ${s.seconds.toFixed(1)} s`,
    `  accepted ${s.accepted}, refused at ingest ${s.rejectedAtIngest}`,
    `  ${'stage'.padEnd(width)}  ${'in'.padStart(8)}  ${'out'.padStart(8)}  ${'errored'.padStart(8)}`,
    ...rows,
  ].join('\n');
}
