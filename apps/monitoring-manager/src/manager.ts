import {
  type BrokerLogger,
  type ConsumedEvent,
  createConsumerRunner,
  createPublisher,
  type HandlerContext,
  type MessagingMetricsPort,
  metricBatchesOf,
  metricBatchPoints,
  type Publisher,
  readTopicSlice,
  UnrecoverableError,
} from '@tributary/broker';
import { BaselineBook, type BaselineBookHealth, BaselineStore, type MetricPoint, pointProblem } from '@tributary/monitoring-baselines';
import { type ComponentHealthChanged, createEventCodec, type Heartbeat, type MetricBatch, type MetricSnapshot, type SchemaRegistryPort, untypedCodec } from '@tributary/schemas';
import type { Redis } from 'ioredis';
import type { Admin, Kafka } from 'kafkajs';
import type { AlertingConfig } from '@tributary/alerting';
import { type Alerting, createAlerting } from './alerts.js';
import { type AlertControl, createAlertControl } from './control/alert-control.js';
import { anomalyEvent } from './anomalies.js';
import { HealthBoard } from './health/board.js';
import type { HealthStatus, HealthTransition, SystemHealth } from './health/types.js';
import { diskSamples } from './disk/disk.js';
import { measureGroupLag } from './lag/lag.js';
import { MonitoringEventNames, monitoringGroupId, monitoringTopics } from './names.js';
import { type MonitoringManagerOptions, resolveMonitoringManagerOptions } from './options.js';

/** How long a saved alerting state outlives its instance: an instance gone longer starts afresh. */
const ALERTING_STATE_TTL_SECONDS = 24 * 3600;

export interface MonitoringManagerDeps {
  kafka: Kafka;
  registry: SchemaRegistryPort;
  /** Where baselines live; created and closed by the caller (create it with `maxRetriesPerRequest: 0`). */
  redis: Redis;
  topicPrefix: string;
  /** Stable id of this instance: names its baseline writer mark and its health reports. */
  instanceId: string;
  logger: BrokerLogger;
  metrics?: MessagingMetricsPort;
  clock?: () => number;
  options?: Partial<MonitoringManagerOptions>;
  /** The Kafka data directory, when the manager runs on the broker's host: its disk is measured with the lag. */
  kafkaDataDir?: string;
  /** Alert rules, routes and receivers (docs/alerting.md), and where notifications may go. Without them nothing is alerted. */
  alerting?: { config: AlertingConfig; allowedDestinations: readonly string[] };
}

export interface MonitoringManager {
  /** Restores the baselines (Redis, else the topic's history), then consumes the metrics live. */
  start(): Promise<void>;
  /** Joined its group and caught up with the history it replays at start. */
  readonly ready: boolean;
  /** The services whose heartbeats this instance judges. */
  health(): SystemHealth;
  /** Whether the baselines are safe in Redis. */
  baselines(): BaselineBookHealth;
  /** The alert rules at work, when configured. */
  readonly alerting: Alerting | undefined;
  /** Rule files, silences and acknowledgements from Kafka, when alerting is configured. */
  readonly control: AlertControl | undefined;
  readonly book: BaselineBook;
  close(): Promise<void>;
}

/**
 * The monitoring manager: consumes `<prefix>.monitoring.metrics` in group `<prefix>-monitoring` (the
 * topic is keyed by service, so each instance keeps the baselines and judges the health of its share
 * of the services); keeps a rolling baseline per series and publishes anomalies against it; judges
 * health from heartbeats; measures every consumer group's lag; and writes the baselines to Redis.
 * Redis is a cache: while it is down, everything goes on in memory and a `redis` health change says
 * so; a restart with Redis empty rebuilds the baselines from the topic's history.
 */
export function createMonitoringManager(deps: MonitoringManagerDeps): MonitoringManager {
  const options = resolveMonitoringManagerOptions(deps.options);
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger.child({ component: 'monitoring-manager', instanceId: deps.instanceId });
  const topics = monitoringTopics(deps.topicPrefix);
  const codec = untypedCodec(createEventCodec({ registry: deps.registry }));
  const publisher: Publisher = createPublisher({ kafka: deps.kafka, codec, logger, ...(deps.metrics ? { metrics: deps.metrics } : {}) });
  const store = new BaselineStore({ redis: deps.redis, prefix: `${deps.topicPrefix}:monitoring` });
  const book = new BaselineBook({ store, writerId: deps.instanceId, clock });
  /** Where this instance keeps its alerting state between runs (a cache: lost, alerts re-evaluate from fresh samples). */
  const alertingKey = `${deps.topicPrefix}:monitoring:alerting:${deps.instanceId}`;
  const board = new HealthBoard({ heartbeatTimeoutMs: options.heartbeatTimeoutMs, forgetAfterMs: options.forgetAfterMs });
  const admin: Admin = deps.kafka.admin();
  const alerting = deps.alerting
    ? createAlerting({ config: deps.alerting.config, allowedDestinations: deps.alerting.allowedDestinations, publisher, alertsTopic: topics.alerts, logger })
    : undefined;
  const control = alerting
    ? createAlertControl({
        kafka: deps.kafka,
        codec,
        publisher,
        topicPrefix: deps.topicPrefix,
        alerting,
        allowedDestinations: deps.alerting!.allowedDestinations,
        logger,
        ...(deps.metrics ? { metrics: deps.metrics } : {}),
        sessionTimeoutMs: options.sessionTimeoutMs,
        clock,
      })
    : undefined;
  /** The store's health as last published (`redis` component of this instance). */
  let redisStatus: HealthStatus | null = null;
  let startedAt = 0;
  let started = false;
  let closed = false;
  let ticker: NodeJS.Timeout | undefined;
  let lagTimer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  const runner = createConsumerRunner({
    kafka: deps.kafka,
    groupId: monitoringGroupId(deps.topicPrefix),
    topics: [topics.metrics],
    codec,
    publisher,
    logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    options: { sessionTimeoutMs: options.sessionTimeoutMs },
    // Caught up: the baselines are written now rather than at the next tick (the tick writes while
    // the manager is behind). While Redis is failing, only the tick retries.
    onCaughtUp: () => {
      if (book.health().store === 'ok') writeBaselines().catch((err: unknown) => logger.warn({ err }, 'baselines not written; the next tick tries again'));
    },
    handlers: {
      // A MetricBatch's points go through the book in ONE apply() call: the record's Kafka and Avro
      // cost is paid once per few hundred points. Applied in the handler (not gathered for the
      // runner's beforeCommit: that gains nothing and keeps decoded points alive longer), an anomaly
      // event keeps the record that caused it as its cause (causation-id).
      [MonitoringEventNames.metricBatch]: (event: ConsumedEvent<MetricBatch>, ctx) => applyPoints(metricBatchPoints(event.value), ctx),
      // One sample a record, as services wrote before MetricBatch (replayed history, older writers).
      [MonitoringEventNames.metricSnapshot]: (event: ConsumedEvent<MetricSnapshot>, ctx) => applyPoints([event.value], ctx),
      [MonitoringEventNames.heartbeat]: (event: ConsumedEvent<Heartbeat>) => {
        board.beat(event.value);
        alerting?.heartbeat(event.value);
      },
    },
  });

  /**
   * One record's points: checked first, so a record with a point the book would refuse changes
   * nothing and goes whole to the DLQ (where it can be redriven once fixed); then applied in one
   * call, each point fed to the alert rules, each anomaly published.
   */
  function applyPoints(points: readonly MetricSnapshot[], ctx: HandlerContext): void {
    const refused = points.flatMap((p, i) => {
      const reason = pointProblem(p);
      return reason === undefined ? [] : [`sample ${i} (${p.metric}): ${reason}`];
    });
    if (refused.length > 0) throw new UnrecoverableError(`metric samples refused: ${refused.join('; ')}`);
    const result = book.apply(points);
    if (alerting) for (const p of points) alerting.snapshot(p);
    for (const t of result.transitions) {
      const e = anomalyEvent(t);
      ctx.publish(topics.events, e.type, e.value, { key: t.anomaly.service, eventId: e.eventId });
      alerting?.anomaly(t);
    }
  }

  async function publishHealth(transitions: readonly HealthTransition[]): Promise<void> {
    for (const t of transitions) {
      const value: ComponentHealthChanged = { ...t };
      await publisher.publish(topics.events, MonitoringEventNames.componentHealthChanged, value, { key: t.component });
      const log = t.status === 'UP' ? logger.info.bind(logger) : logger.warn.bind(logger);
      log({ component: t.component, instance: t.instance, status: t.status, previous: t.previousStatus, reason: t.reason }, 'health changed');
    }
  }

  let writing: Promise<void> | undefined;
  let writeAgain = false;
  /**
   * Writes the changed baselines, one write at a time: a call during a write runs one more after it
   * (for what changed meanwhile) and shares its promise.
   */
  function writeBaselines(): Promise<void> {
    if (writing) {
      writeAgain = true;
      return writing;
    }
    writing = (async () => {
      do {
        writeAgain = false;
        await flushBaselines(clock());
      } while (writeAgain);
    })().finally(() => (writing = undefined));
    return writing;
  }

  /** Writes the changed baselines; a failure turns this instance's `redis` component DEGRADED until one succeeds. */
  async function flushBaselines(now: number): Promise<void> {
    let status: HealthStatus = 'UP';
    let reason = 'baselines written';
    try {
      const flushed = await book.flush();
      if (flushed.resynced) logger.info({ series: flushed.saved }, 'Redis had lost the baselines: every series written again');
    } catch (err) {
      status = 'DEGRADED';
      const h = book.health();
      reason = `Redis unavailable for ${h.failedFlushes} flush(es): baselines kept in memory (${h.dirtySeries} series not written); ${h.lastError?.message ?? String(err)}`;
    }
    if (status !== redisStatus) {
      await publishHealth([{ component: 'redis', instance: deps.instanceId, status, previousStatus: redisStatus, reason, lastSeenAt: null, changedAt: now }]);
      redisStatus = status;
    }
  }

  async function tick(): Promise<void> {
    const now = clock();
    // A grace period after start: instances are judged once they had a chance to beat.
    if (now - startedAt >= options.heartbeatTimeoutMs) await publishHealth(board.evaluate(now));
    if (alerting) {
      await alerting.tick(now);
      await deps.redis.set(alertingKey, alerting.state(), 'EX', ALERTING_STATE_TTL_SECONDS).catch((err: unknown) => logger.debug({ err }, 'alerting state not saved'));
    }
    await writeBaselines();
  }

  /** Consumer-group lag and the Kafka data directory's disk, as series of service `kafka`. */
  async function measureLag(): Promise<void> {
    // One instance measures: the one holding partition 0 of the metrics topic.
    if (!(runner.assignment[topics.metrics] ?? []).includes(0)) return;
    const samples = await measureGroupLag(admin, { topicPrefix: deps.topicPrefix, instance: deps.instanceId }, clock, logger);
    if (deps.kafkaDataDir !== undefined) {
      samples.push(...(await diskSamples(deps.kafkaDataDir, deps.instanceId, clock()).catch((err: unknown) => (logger.warn({ err, path: deps.kafkaDataDir }, 'could not measure the Kafka data directory'), []))));
    }
    // As services publish theirs (libs/broker's monitoring sink): batches, keyed by the service each names.
    await Promise.all(metricBatchesOf(samples).map((b) => publisher.publish(topics.metrics, MonitoringEventNames.metricBatch, b, { key: b.service })));
  }

  /**
   * Baselines at start: Redis's, then the topic replayed from the oldest series' last point (what a
   * crash between two flushes missed; the book ignores points it has); with Redis empty or down,
   * the whole retained history. Anomalies found in the replay were published when they happened.
   */
  async function restore(): Promise<void> {
    let restored = 0;
    try {
      const r = await book.restore();
      restored = r.series;
      if (r.invalid.length > 0) logger.warn({ invalid: r.invalid.length }, 'some stored baselines could not be read; the replay rebuilds them');
    } catch (err) {
      logger.warn({ err }, 'could not read the baselines from Redis; rebuilding them from the topic');
    }
    // Only series with a point in time count; a timestamp below 0 would be one of Kafka's special
    // ListOffsets values (-1 latest, -2 earliest…), which the broker refuses as an unsupported version.
    const lastAts = book.seriesKeys().flatMap((k) => book.baseline(k)?.lastAt ?? []);
    const oldest = restored > 0 && lastAts.length > 0 ? Math.min(...lastAts) - 60_000 : undefined;
    const from = oldest !== undefined && oldest > 0 ? oldest : undefined;
    const start = from === undefined ? ('earliest' as const) : new Map((await admin.fetchTopicOffsetsByTimestamp(topics.metrics, from)).map((o) => [o.partition, o.offset]));
    let points = 0;
    const read = await readTopicSlice({
      kafka: deps.kafka,
      admin,
      topic: topics.metrics,
      start,
      stopAtEnd: true,
      groupPrefix: `${deps.topicPrefix}-monitoring-replay`,
      onMessage: async (m) => {
        const type = m.headers['event-type'];
        if (m.value === null || (type !== MonitoringEventNames.metricBatch && type !== MonitoringEventNames.metricSnapshot)) return;
        try {
          const decoded = await codec.decode(m.value);
          const replayed: readonly MetricPoint[] = decoded.type === MonitoringEventNames.metricBatch ? metricBatchPoints(decoded.value as MetricBatch) : [decoded.value as MetricPoint];
          book.apply(replayed);
          points += replayed.length;
        } catch (err) {
          logger.debug({ err, partition: m.partition, offset: m.offset }, 'replay skipped a message');
        }
      },
      warn: (message, cause) => logger.warn({ err: cause }, message),
    });
    logger.info({ restored, replayedFrom: from === undefined ? 'beginning' : new Date(from).toISOString(), messages: read.delivered, points, series: book.size }, 'baselines restored');
  }

  return {
    book,

    async start() {
      startedAt = clock();
      await admin.connect();
      await restore();
      // What the replay rebuilt goes to Redis now, not at the first tick (nothing is dirty after a plain restore).
      if (book.health().dirtySeries > 0) writeBaselines().catch((err: unknown) => logger.warn({ err }, 'rebuilt baselines not written; the next tick tries again'));
      const saved = alerting ? await deps.redis.get(alertingKey).catch(() => null) : null;
      if (saved !== null && alerting?.restoreState(saved, clock())) logger.info({ active: alerting.evaluator.activeAlerts().length }, 'alerting state restored');
      // Rule files, silences and acknowledgements in place before the first sample is judged.
      await control?.start();
      await runner.start();
      started = true;
      ticker = setInterval(() => {
        if (ticking || closed) return;
        ticking = tick()
          .catch((err: unknown) => logger.error({ err }, 'monitoring tick failed'))
          .finally(() => (ticking = undefined));
      }, options.tickMs);
      lagTimer = setInterval(() => void measureLag().catch((err: unknown) => logger.warn({ err }, 'could not measure consumer group lag')), options.lagIntervalMs);
    },

    get ready() {
      return started && !closed && runner.joined && (control?.ready ?? true);
    },

    health: () => board.view(clock()),
    baselines: () => book.health(),
    alerting,
    control,

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(ticker);
      clearInterval(lagTimer);
      await ticking;
      await runner.close();
      await writing;
      await control?.close();
      await alerting?.close();
      await book.flush().catch((err: unknown) => logger.warn({ err }, 'baselines not written at shutdown; the next start replays the topic'));
      await publisher.close();
      await codec.close();
      await admin.disconnect();
    },
  };
}
