import {
  type BrokerLogger,
  type ConsumedEvent,
  createConsumerRunner,
  createPublisher,
  type EventCodecPort,
  type MessagingMetricsPort,
  silentLogger,
} from '@tributary/broker';
import type { Registry } from '@tributary/observability';
import {
  createDefinitionsView,
  createPipelineEventsView,
  type DefinitionsView,
  type PipelineEventsView,
  type PipelinesState,
  type ViewEvent,
} from '@tributary/pipeline-state';
import { controlTopicCatalog, type RunProgress, type SchemaRegistryPort, type StagingBatchCompleted } from '@tributary/schemas';
import type { Admin, Kafka } from 'kafkajs';
import { type CommandOutput, CommandTypes, decideCommand } from './commands/index.js';
import { ERROR_RATE_CODE } from './errors.js';
import { ErrorRateWindows, failureReason, type FailureVerdict } from './failure/index.js';
import { registerPipelineRecordMetrics } from './metrics/index.js';
import { type PipelineManagerOptionsInput, resolvePipelineManagerOptions } from './options.js';

export interface PipelineManagerDeps {
  kafka: Kafka;
  /** Schema registry: the pipelines' data schemas are checked and registered through it. */
  registry: SchemaRegistryPort;
  /** Codec of the control events (createEventCodec over the same registry, untyped). */
  codec: EventCodecPort;
  /** Connected admin client, used to provision data topics; the caller owns it. */
  admin: Admin;
  topicPrefix: string;
  logger?: BrokerLogger;
  metrics?: MessagingMetricsPort;
  /**
   * Registry of the service's `/metrics` (createMetrics' `registry`): the pipelines' record series
   * (`tributary_pipeline_stage_records_total`, …) are added to it from the run state. Default: none.
   */
  metricsRegistry?: Registry;
  clock?: () => number;
  options?: PipelineManagerOptionsInput;
}

export interface PipelineManager {
  /** Catches the views up, then joins the command group. */
  start(): Promise<void>;
  /** True once the views caught up and the command group was joined. */
  readonly ready: boolean;
  readonly definitions: DefinitionsView;
  readonly events: PipelineEventsView;
  close(): Promise<void>;
}

/**
 * The pipeline manager: turns pipeline commands into definitions and events, and fails runs whose
 * error rate passes the policy. Its state lives in Kafka (the definitions and events views), so any
 * instance, restarted or new, knows every pipeline. Commands are handled idempotently by their event
 * id: every output names the command as its `causation-id`, and a command whose outputs are already
 * in the views is not applied again.
 */
export function createPipelineManager(deps: PipelineManagerDeps): PipelineManager {
  const options = resolvePipelineManagerOptions(deps.options);
  const { kafka, codec, topicPrefix } = deps;
  const logger = (deps.logger ?? silentLogger).child({ component: 'pipeline-manager' });
  const clock = deps.clock ?? Date.now;
  const catalog = controlTopicCatalog({ prefix: topicPrefix });
  const topics = {
    commands: catalog.commands.pipeline.name,
    events: catalog.events.pipeline.name,
    definitions: catalog.pipelineDefinitions.name,
  };
  const definitions = createDefinitionsView({ kafka, codec, topicPrefix, logger });
  const events = createPipelineEventsView({ kafka, codec, topicPrefix, logger, clock });
  // Read from the view when the registry is read: nothing added to the handling of the events.
  const recordMetrics = deps.metricsRegistry
    ? registerPipelineRecordMetrics(deps.metricsRegistry, () => (events.caughtUp ? events.state() : undefined))
    : undefined;
  const publisher = createPublisher({ kafka, codec, logger, ...(deps.metrics ? { metrics: deps.metrics } : {}) });
  const commandDeps = {
    definitions,
    events,
    registry: deps.registry,
    admin: deps.admin,
    topicPrefix,
    dataPartitions: options.dataPartitions,
    clock,
    logger,
  };

  async function write(output: CommandOutput, command: ConsumedEvent): Promise<string | undefined> {
    const ids = { key: output.pipelineId, correlationId: command.correlationId, causationId: command.eventId };
    if (output.kind === 'tombstone') {
      await publisher.publishRaw(topics.definitions, {
        key: output.pipelineId,
        value: null,
        headers: { 'causation-id': command.eventId, 'correlation-id': command.correlationId },
      });
      return undefined;
    }
    const topic = output.kind === 'definition' ? topics.definitions : topics.events;
    const type = output.kind === 'definition' ? 'tributary.pipeline.PipelineDefinition' : output.type;
    const receipt = await publisher.publish(topic, type, output.value, ids);
    return output.kind === 'event' ? receipt.eventId : undefined;
  }

  /** Waits until the views show this command's writes, so the next command is decided on them. */
  async function awaitOwnWrites(outputs: readonly CommandOutput[], eventIds: readonly string[], commandId: string): Promise<void> {
    const timeout = options.viewWaitTimeoutMs;
    const waits: Promise<void>[] = [
      events.waitUntil((v) => eventIds.every((id) => v.causedBy(commandId).some((e) => e.eventId === id)), timeout, 'own events in the view'),
    ];
    for (const o of outputs) {
      if (o.kind === 'definition') {
        waits.push(definitions.waitUntil((v) => (v.get(o.pipelineId)?.version ?? 0) >= o.version, timeout, `definition ${o.pipelineId} v${o.version}`));
      } else if (o.kind === 'tombstone') {
        waits.push(definitions.waitUntil((v) => v.get(o.pipelineId) === undefined, timeout, `definition ${o.pipelineId} deleted`));
      }
    }
    await Promise.all(waits);
  }

  async function handleCommand(command: ConsumedEvent): Promise<void> {
    const pipelineId = (command.value as { pipelineId: string }).pipelineId;
    // Already applied (a redelivery): finish a delete's tombstone if a crash cut it off, nothing else.
    if (events.causedBy(command.eventId).length > 0) {
      if (command.type === CommandTypes.delete && definitions.get(pipelineId)) {
        const tombstone: CommandOutput = { kind: 'tombstone', pipelineId };
        await write(tombstone, command);
        await awaitOwnWrites([tombstone], [], command.eventId);
      }
      logger.info({ pipelineId, command: command.type, eventId: command.eventId }, 'command already applied; skipped');
      return;
    }
    const outputs = await decideCommand({ type: command.type, value: command.value, eventId: command.eventId }, commandDeps);
    const eventIds: string[] = [];
    // In order, each acknowledged before the next: definition before event, events before tombstone.
    for (const output of outputs) {
      const id = await write(output, command);
      if (id) eventIds.push(id);
    }
    await awaitOwnWrites(outputs, eventIds, command.eventId);
  }

  const handlers = Object.fromEntries(Object.values(CommandTypes).map((type) => [type, handleCommand]));
  const runner = createConsumerRunner({
    kafka,
    groupId: `${topicPrefix}-${options.groupSuffix}`,
    topics: [topics.commands],
    codec,
    handlers,
    publisher,
    bandsOf: (topic) => (topic === topics.commands ? catalog.commands.pipeline.priorityBands : undefined),
    logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    // One command at a time: commands of one pipeline may sit in different bands (partitions), and
    // each is decided on the state its predecessors left.
    options: { partitionsConsumedConcurrently: 1 },
  });

  // ---- failure policy ------------------------------------------------------------------------------
  const windows = new ErrorRateWindows(options.failure);
  /** Runs this instance already failed (or is failing), so a run fails once. */
  const failing = new Set<string>();
  /** Verdicts reached while replaying history, published after catch-up if their run still runs. */
  const pending = new Map<string, { pipelineId: string; verdict: FailureVerdict; cause: ViewEvent }>();
  let started = false;

  function failRun(pipelineId: string, verdict: FailureVerdict, cause: ViewEvent, state: PipelinesState): void {
    const run = state.pipelines[pipelineId]?.runs.find((r) => r.runId === verdict.runId);
    if (!run || run.status !== 'RUNNING' || failing.has(verdict.runId)) return;
    failing.add(verdict.runId);
    const reason = failureReason(verdict, options.failure);
    logger.warn({ pipelineId, runId: verdict.runId, stage: verdict.stage, rate: verdict.rate }, reason);
    publisher
      .publish(
        topics.events,
        'tributary.pipeline.RunFailed',
        { pipelineId, runId: verdict.runId, reason, errorCode: ERROR_RATE_CODE, stage: verdict.stage, failedAt: clock() },
        { key: pipelineId, causationId: cause.eventId },
      )
      .catch((err: unknown) => {
        // Not published: let the next counts of the run try again.
        failing.delete(verdict.runId);
        logger.error({ err, pipelineId, runId: verdict.runId }, 'could not publish RunFailed');
      });
  }

  function observe(event: ViewEvent, state: PipelinesState): void {
    let pipelineId: string;
    let runId: string | null;
    let deltas: { stage: string; in: number; errored: number }[];
    if (event.type === 'tributary.pipeline.RunProgress') {
      const v = event.value as RunProgress;
      ({ pipelineId, runId } = v);
      deltas = v.stages.map((s) => ({ stage: s.stage, in: s.recordsIn, errored: s.recordsErrored }));
    } else if (event.type === 'tributary.staging.StagingBatchCompleted') {
      const v = event.value as StagingBatchCompleted;
      pipelineId = v.pipelineId;
      runId = v.runId ?? state.pipelines[v.pipelineId]?.liveRunId ?? null;
      deltas = [{ stage: 'staging', in: v.recordsIn, errored: v.recordsRejected }];
    } else {
      if (event.type === 'tributary.pipeline.RunFailed' || event.type === 'tributary.pipeline.RunStopped') {
        const runIdEnded = (event.value as { runId: string }).runId;
        windows.forget(runIdEnded);
        pending.delete(runIdEnded);
      }
      return;
    }
    if (runId === null) return;
    for (const d of deltas) {
      const verdict = windows.observe(runId, d.stage, d);
      if (!verdict) continue;
      if (started) failRun(pipelineId, verdict, event, state);
      else pending.set(runId, { pipelineId, verdict, cause: event });
      break;
    }
  }
  const unsubscribe = events.subscribe(observe);

  return {
    definitions,
    events,
    get ready() {
      return started && runner.joined && definitions.caughtUp && events.caughtUp;
    },

    async start() {
      await Promise.all([definitions.start(), events.start()]);
      started = true;
      for (const { pipelineId, verdict, cause } of pending.values()) failRun(pipelineId, verdict, cause, events.state());
      pending.clear();
      await runner.start();
      logger.info({ commands: topics.commands }, 'pipeline manager started');
    },

    async close() {
      unsubscribe();
      recordMetrics?.close();
      // In parallel, each waiting out its consumer's fetch; the publisher outlives the runner, which
      // flushes the outputs of the command in hand before it commits.
      await Promise.all([runner.close().then(() => publisher.close()), events.close(), definitions.close()]);
    },
  };
}
