import { BaselineError, type BaselineLoadResult, type SeriesSnapshot } from '@tributary/monitoring-baselines';
import { createMonitoringState, monitoringViewDefaults, type MonitoringState, type QualityIssueEntry, type QualityWindowEntry, type QuarantineRedriveEntry } from '@tributary/pipeline-state';
import type { BaselinesPort } from '../src/monitoring/types.js';
import type { QualityPort } from '../src/quality/types.js';
import { parseDefinition } from '@tributary/pipelines';
import { createLogger } from '@tributary/observability';
import type { PipelineEvent, PipelineEventsPort, PipelineRunState, ProcessorView, RunView, StoredPipeline, DefinitionsPort } from '../src/pipelines/types.js';
import { createEventStreams } from '../src/events/streams.js';

/** In-memory definitions read model (unit tests of routes only). */
export class FakeDefinitions implements DefinitionsPort {
  readonly byId = new Map<string, StoredPipeline>();
  readonly #listeners = new Set<() => void>();
  get(id: string) {
    return this.byId.get(id);
  }
  list() {
    return [...this.byId.values()];
  }
  subscribe(listener: () => void) {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }
  put(p: StoredPipeline) {
    this.byId.set(p.id, p);
    for (const l of this.#listeners) l();
  }
  remove(id: string) {
    this.byId.delete(id);
    for (const l of this.#listeners) l();
  }
}

/** In-memory events read model; `answer` decides how the "pipeline manager" answers each correlation id. */
export class FakeEvents implements PipelineEventsPort {
  readonly states = new Map<string, PipelineRunState>();
  readonly runList = new Map<string, RunView[]>();
  procs: ProcessorView[] = [];
  readonly #listeners = new Set<(e: PipelineEvent) => void>();
  /** The answer to the next command; undefined = no answer (timeout). */
  answer: (() => PipelineEvent | undefined) | undefined;
  pipeline(id: string) {
    return this.states.get(id);
  }
  runs(id: string) {
    return this.runList.get(id) ?? [];
  }
  run(id: string, runId: string) {
    return this.runs(id).find((r) => r.runId === runId);
  }
  processors() {
    return this.procs;
  }
  async waitForCorrelation(correlationId: string, timeoutMs: number): Promise<PipelineEvent | undefined> {
    // Answer after the command was published, as the pipeline manager would.
    await new Promise((resolve) => setImmediate(resolve));
    const e = this.answer?.();
    if (e) return { ...e, correlationId };
    return new Promise((resolve) => setTimeout(() => resolve(undefined), timeoutMs));
  }
  subscribe(listener: (e: PipelineEvent) => void) {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }
  emit(e: PipelineEvent) {
    for (const l of this.#listeners) l(e);
  }
  get listeners() {
    return this.#listeners.size;
  }
}

export const yamlDefinition = (id: string, extra = '') => `id: ${id}
name: Orders ${id}
input:
  schema:
    - { name: id, type: int }
    - { name: amount, type: double }
stages:
  - type: filter
    where: "amount > 0"
${extra}`;

export function stored(id: string, version = 1): StoredPipeline {
  return { id, name: `Orders ${id}`, version, definition: parseDefinition(yamlDefinition(id)), createdAt: 1, updatedAt: 2, updatedBy: 'apikey:admin:x' };
}

export function fakeStreams(events: PipelineEventsPort, options: { maxEventStreams?: number; eventHeartbeatMs?: number } = {}) {
  return createEventStreams({
    events,
    logger: createLogger({ service: 'cpm-test', level: 'silent' }),
    options: { maxEventStreams: options.maxEventStreams ?? 10, eventHeartbeatMs: options.eventHeartbeatMs ?? 15_000, retryAfterSeconds: 5 },
  });
}

/** The quality read model in memory: tests put windows and issues in. */
export class FakeQuality implements QualityPort {
  readonly closed: QualityWindowEntry[] = [];
  readonly all: QualityIssueEntry[] = [];
  readonly redriveList: QuarantineRedriveEntry[] = [];

  redrives(pipelineId: string): QuarantineRedriveEntry[] {
    return this.redriveList.filter((r) => r.pipelineId === pipelineId);
  }

  redrive(pipelineId: string, redriveId: string): QuarantineRedriveEntry | undefined {
    return this.redriveList.find((r) => r.pipelineId === pipelineId && r.redriveId === redriveId);
  }

  windows(pipelineId: string, range: { from?: number; to?: number; windowMs?: number } = {}): QualityWindowEntry[] {
    const size = range.windowMs ?? 60_000;
    return this.closed
      .filter((w) => w.pipelineId === pipelineId && w.windowEnd - w.windowStart === size)
      .filter((w) => w.windowEnd > (range.from ?? -Infinity) && w.windowStart < (range.to ?? Infinity))
      .sort((a, b) => a.windowStart - b.windowStart);
  }

  issues(pipelineId: string, status?: 'open' | 'resolved'): QualityIssueEntry[] {
    return this.all.filter((i) => i.pipelineId === pipelineId && (status === undefined || i.status === status));
  }

  issue(pipelineId: string, issueId: string): QualityIssueEntry | undefined {
    return this.all.find((i) => i.pipelineId === pipelineId && i.issueId === issueId);
  }
}

/** The monitoring read model without Kafka: the real folding of @tributary/pipeline-state, fed by the test. */
export function fakeMonitoring(now: () => number = Date.now): MonitoringState {
  return createMonitoringState({ ...monitoringViewDefaults }, now);
}

/** The baselines cache in memory; `down` makes every call fail as an unreachable Redis does. */
export class FakeBaselines implements BaselinesPort {
  readonly snapshots = new Map<string, SeriesSnapshot>();
  down = false;

  #check(): Promise<void> {
    return this.down ? Promise.reject(new BaselineError('TRIB_BASELINE_STORE_UNAVAILABLE', 'list services: Redis unavailable (connect ECONNREFUSED)')) : Promise.resolve();
  }

  async listServices(): Promise<string[]> {
    await this.#check();
    return [...new Set([...this.snapshots.values()].map((s) => s.service))].sort();
  }

  async listSeries(service: string): Promise<string[]> {
    await this.#check();
    return [...this.snapshots.values()].filter((s) => s.service === service).map((s) => s.key);
  }

  async load(keys: readonly string[]): Promise<BaselineLoadResult> {
    await this.#check();
    const found = keys.flatMap((k) => (this.snapshots.has(k) ? [this.snapshots.get(k)!] : []));
    return { snapshots: found, missing: keys.filter((k) => !this.snapshots.has(k)), invalid: [] };
  }
}
