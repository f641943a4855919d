import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PipelineDefinition } from '@tributary/pipelines';
import { controlTopicCatalog, createEventCodec, type QuarantineRedriveCompleted, type QuarantineRedriveStarted, untypedCodec } from '@tributary/schemas';
import { waitFor } from '@tributary/testing';
import { RedriveEventNames } from '../src/redrive/names.js';
import type { Seen, Stack } from './helpers.js';

/** `<prefix>.quality.commands` and `.events` of the stack. */
export function qualityControlTopics(stack: Stack) {
  const c = controlTopicCatalog({ prefix: stack.prefix });
  return { commands: c.commands.quality.name, events: c.events.quality.name };
}

/** Writes a new version of a pipeline's definition, as the pipeline manager would on UpdatePipeline. */
export async function updateDefinition(stack: Stack, definition: PipelineDefinition, version: number): Promise<void> {
  const now = Date.now();
  await stack.publisher.publish(
    controlTopicCatalog({ prefix: stack.prefix }).pipelineDefinitions.name,
    'tributary.pipeline.PipelineDefinition',
    { pipelineId: definition.id, name: definition.name, version, definition: JSON.stringify(definition), createdAt: now, updatedAt: now, updatedBy: 'test' },
    { key: definition.id },
  );
}

/** Sends RedriveQuarantine as the CPM would. */
export async function requestRedrive(
  stack: Stack,
  pipelineId: string,
  redriveId: string,
  window: { fromTime?: number; untilTime?: number } = {},
): Promise<void> {
  await stack.publisher.publish(
    qualityControlTopics(stack).commands,
    RedriveEventNames.command,
    { pipelineId, redriveId, fromTime: window.fromTime ?? null, untilTime: window.untilTime ?? null, requestedBy: 'test-operator', requestedAt: Date.now() },
    { key: pipelineId, priority: 'normal' },
  );
}

/** The quality events of one pipeline, read committed, as a live array. */
export async function qualityEvents(stack: Stack, pipelineId: string): Promise<{ all: Seen[]; of: (type: string) => Seen[] }> {
  const codec = untypedCodec(createEventCodec({ registry: stack.registry }));
  const all = await stack.read([qualityControlTopics(stack).events], { codec });
  return { all, of: (type) => all.filter((s) => s.key === pipelineId && s.type === type) };
}

/** Waits for the redrive's QuarantineRedriveCompleted and returns its Started and Completed. */
export async function redriveOutcome(
  events: { of: (type: string) => Seen[] },
  redriveId: string,
  timeoutMs = 60_000,
): Promise<{ started: QuarantineRedriveStarted; completed: QuarantineRedriveCompleted }> {
  const find = (type: string) => events.of(type).find((s) => (s.value as { redriveId?: string }).redriveId === redriveId);
  await waitFor(() => find(RedriveEventNames.completed) !== undefined, { what: `redrive ${redriveId} completed`, timeoutMs });
  return {
    started: find(RedriveEventNames.started)!.value as unknown as QuarantineRedriveStarted,
    completed: find(RedriveEventNames.completed)!.value as unknown as QuarantineRedriveCompleted,
  };
}

/** How many times each record id was written by redrive `redriveId` (the `redrive-id` header). */
export function redriveWrites(seen: readonly Seen[], redriveId: string, topic: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of seen) {
    if (s.topic !== topic || s.headers['redrive-id'] !== redriveId) continue;
    const id = s.headers['record-id']!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Starts the quality manager's own main in a process; resolves once it says it started. */
export function startManagerProcess(prefix: string, instanceId: string, output: string[], commitEvery: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      TRIBUTARY_TOPIC_PREFIX: prefix,
      QUALITY_MANAGER_PORT: '0',
      QUALITY_MANAGER_INSTANCE_ID: instanceId,
      // Small transactions so a kill lands between and inside them; the broker's minimum session
      // timeout, so the killed member leaves the groups soon.
      QUALITY_MANAGER_COMMIT_EVERY: String(commitEvery),
      QUALITY_MANAGER_SESSION_TIMEOUT_MS: '6000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString('utf8').includes('quality manager started')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`quality manager exited (${code}) before starting: ${output.join('')}`)));
  });
}

/** True once the process logged that it checks `pipelineId` with definition `version`. */
export function checksVersion(output: readonly string[], pipelineId: string, version: number): boolean {
  return output
    .join('')
    .split('\n')
    .some((line) => line.includes('starting quality consumer') && line.includes(`"pipelineId":"${pipelineId}"`) && line.includes(`"version":${version}`));
}
