import { seriesKey, type SeriesSnapshot } from '@tributary/monitoring-baselines';
import { createLogger, createMetrics, type TributaryMetrics } from '@tributary/observability';
import type { MonitoringState } from '@tributary/pipeline-state';
import type { Express } from 'express';
import request from 'supertest';
import { createCpmApp } from '../src/app.js';
import { parseApiKeys } from '../src/auth/api-keys.js';
import { definitionsDirectory } from '../src/ingest/pipeline-directory.js';
import { FakeBaselines, FakeDefinitions, FakeEvents, FakeQuality, fakeMonitoring, fakeStreams } from './fakes.js';
import { apiKeysText, bearer, expectErrorShape, keys } from './helpers.js';

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const T0 = Date.UTC(2026, 11, 1, 10, 0);
export const isoOf = (ms: number) => new Date(ms).toISOString();
/** An answer's JSON, typed as far as a test reads it. */
export const body = <T>(res: { body: unknown }): T => res.body as T;
export const codeOf = (res: { body: unknown }) => expectErrorShape(res.body).code;
export const as = (key: string) => ({ Authorization: bearer(key) });

export interface Sent {
  topic: string;
  type: string;
  value: Record<string, unknown>;
  options: { key?: string | null; priority?: string; correlationId?: string };
}

export const RULES = `groups:
  - name: services
    rules:
      - name: ServiceDown
        kind: absent
        series:
          metric: tributary_heartbeat
        absent: { window: 1m }
        severity: critical
`;

/** An AlertStateChanged as decoded. */
export const transition = (over: Record<string, unknown> = {}) => ({
  alertId: 'a1b2c3d4e5f60718',
  alertName: 'ConsumerLagHigh',
  state: 'firing',
  previousState: 'pending',
  severity: 'warning',
  labels: { alertname: 'ConsumerLagHigh', severity: 'warning', service: 'processor', pipelineId: 'orders' },
  annotations: { summary: 'lag is high' },
  value: 12_000,
  activeSince: T0 - 5 * MINUTE,
  changedAt: T0 - 3 * MINUTE,
  ...over,
});

/** A stored baseline of a gauge, as the monitoring manager writes it to Redis. */
export function baseline(service: string, metric: string, labels: Record<string, string> = {}): SeriesSnapshot {
  return {
    version: 1,
    key: seriesKey({ service, metric, labels }),
    service,
    metric,
    labels,
    kind: 'gauge',
    instances: [],
    overall: { n: 40, mean: 10, variance: 4 },
    hours: Array.from({ length: 24 }, (_, h) => (h === 10 ? { n: 70, mean: 12, variance: 1, days: 3, lastDay: 20000 } : null)),
    points: 40,
    lastAt: T0,
    lastValue: 11,
    detector: { streak: [], cusumUp: { s: 0, points: 0, since: 0 }, cusumDown: { s: 0, points: 0, since: 0 }, openPoints: 0 },
  };
}

/** A CPM app on the real folding of the monitoring read model, in-memory baselines and a recording publisher. */
export interface MonitoringFixture {
  app: Express;
  /** The read model's clock (the routes use Date.now: tests set it to now and move it). */
  clock: number;
  monitoring: MonitoringState;
  baselines: FakeBaselines;
  /** Every command published. */
  sent: Sent[];
  /** What the Kafka probe answers. */
  kafkaUp: boolean;
  get(path: string, key?: string): request.Test;
}

/** A fresh fixture per test (mocha hooks of the calling describe). */
export function useMonitoringApp(): MonitoringFixture {
  let metrics: TributaryMetrics | undefined;
  const f = {
    get: (path: string, key = keys.viewer) => request(f.app).get(`/api/v1/monitoring${path}`).set(as(key)),
  } as MonitoringFixture;
  beforeEach(() => {
    f.clock = Date.now();
    f.monitoring = fakeMonitoring(() => f.clock);
    f.baselines = new FakeBaselines();
    f.sent = [];
    f.kafkaUp = true;
    metrics = createMetrics({ service: 'cpm-monitoring-test' });
    const events = new FakeEvents();
    const definitions = new FakeDefinitions();
    f.app = createCpmApp({
      config: { topicPrefix: 'tt' },
      logger: createLogger({ service: 'cpm-monitoring-test', level: 'silent' }),
      publisher: {
        publish: (topic, type, value, options = {}) => {
          f.sent.push({ topic, type, value: value as Record<string, unknown>, options });
          return Promise.resolve({ topic, eventId: 'e' });
        },
        publishRawBatch: () => Promise.resolve(),
      },
      kafkaProbe: { name: 'kafka', check: () => (f.kafkaUp ? Promise.resolve() : Promise.reject(new Error('down'))) },
      readiness: [],
      apiKeys: parseApiKeys(apiKeysText),
      metrics,
      pipelines: definitionsDirectory(definitions),
      definitions,
      events,
      quality: new FakeQuality(),
      quarantine: { page: () => Promise.reject(new Error('no quarantine in this test')) },
      eventStreams: fakeStreams(events),
      monitoring: f.monitoring,
      baselines: f.baselines,
      alertDestinations: ['https://hooks.example.com'],
      options: { retryAfterSeconds: 4, alertRulesMaxBytes: 4096 },
    });
  });
  afterEach(() => metrics?.close());
  return f;
}
