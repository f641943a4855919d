import type { Publisher } from '@tributary/broker';
import { createMetricsHandler, type Logger, type TributaryMetrics } from '@tributary/observability';
import express, { type Express } from 'express';
import type { ApiKeyRing } from './auth/api-keys.js';
import { requireRole } from './auth/middleware.js';
import { CpmHttpError } from './errors.js';
import type { ReachabilityProbe } from './health/probes.js';
import { errorHandler, routeNotFound } from './http/errors.js';
import { requestContext } from './http/request-context.js';
import { ingestHandler } from './ingest/ingest.js';
import type { PipelineDirectory } from './ingest/pipeline-directory.js';
import { openApiDocument } from './openapi.js';
import type { EventStreams } from './events/streams.js';
import { createCommandBus } from './pipelines/commands.js';
import { registerPipelineReadRoutes } from './pipelines/read-routes.js';
import { registerRunRoutes } from './pipelines/run-routes.js';
import type { DefinitionsPort, PipelineEventsPort } from './pipelines/types.js';
import { registerPipelineWriteRoutes } from './pipelines/write-routes.js';
import { registerProcessorRoutes } from './processors/routes.js';
import type { QuarantineBrowser } from './quality/quarantine-browser.js';
import { registerQuarantineRoutes } from './quality/quarantine-routes.js';
import { registerQualityRoutes } from './quality/routes.js';
import type { QualityPort } from './quality/types.js';
import { registerMonitoringRoutes } from './monitoring/routes.js';
import type { BaselinesPort, MonitoringPort } from './monitoring/types.js';
import { controlTopicCatalog } from '@tributary/schemas';
import { type CpmOptionsInput, resolveCpmOptions } from './options.js';

export const API_PREFIX = '/api/v1';

export interface CpmAppDeps {
  config: { topicPrefix: string };
  logger: Logger;
  publisher: Pick<Publisher, 'publishRawBatch' | 'publish'>;
  /** Kafka reachability, checked (bounded, cached) before ingest hands records to the producer. */
  kafkaProbe: ReachabilityProbe;
  /** Everything `/readyz` checks (Kafka, schema registry…). */
  readiness: readonly ReachabilityProbe[];
  apiKeys: ApiKeyRing;
  metrics: TributaryMetrics;
  pipelines: PipelineDirectory;
  /** Read model of `pipeline.definitions`. */
  definitions: DefinitionsPort;
  /** Read model of `pipeline.events` (runs, processors, command answers). */
  events: PipelineEventsPort;
  /** Read model of `quality.events` (closed quality windows, issues). */
  quality: QualityPort;
  /** Pages of a pipeline's `.quarantine` topic (created by the caller, which closes it at shutdown). */
  quarantine: Pick<QuarantineBrowser, 'page'>;
  /** The SSE streams of `/events` (created by the caller, which closes them at shutdown). */
  eventStreams: EventStreams;
  /** Read model of the monitoring manager's topics (health, series, anomalies, alerts, silences, rules). */
  monitoring: MonitoringPort;
  /** The monitoring manager's baselines in Redis, read only (the caller owns the client). */
  baselines: BaselinesPort;
  /** `MONITORING_ALERT_DESTINATIONS`: destinations webhook and Slack receivers of a rule file may use. Default none. */
  alertDestinations?: readonly string[];
  /** `PROCESSOR_TOKEN`: bearer token for calls to processors, when they require one. */
  processorToken?: string;
  options?: CpmOptionsInput;
}

/** The CPM's HTTP app. Everything it uses is passed in; it holds no resources of its own. */
export function createCpmApp(deps: CpmAppDeps): Express {
  const options = resolveCpmOptions(deps.options);
  const logger = deps.logger.child({ component: 'http' });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(logger));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'alive' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.allSettled(deps.readiness.map((p) => p.check()));
    const checks = Object.fromEntries(
      deps.readiness.map((p, i) => {
        const r = results[i];
        return [p.name, r?.status === 'fulfilled' ? 'up' : `down: ${r?.reason instanceof Error ? r.reason.message : String(r?.reason)}`];
      }),
    );
    if (results.some((r) => r.status === 'rejected')) {
      throw new CpmHttpError(503, 'TRIB_NOT_READY', 'a dependency is unreachable', { checks }, {
        headers: { 'Retry-After': String(options.retryAfterSeconds) },
      });
    }
    res.json({ status: 'ready', checks });
  });
  app.get('/metrics', createMetricsHandler(deps.metrics));
  app.get(`${API_PREFIX}/openapi.json`, (_req, res) => {
    res.json(openApiDocument);
  });
  app.get(`${API_PREFIX}/whoami`, requireRole(deps.apiKeys, 'viewer'), (_req, res) => {
    res.json({ role: (res.locals as { role: string }).role });
  });
  app.post(
    `${API_PREFIX}/pipelines/:id/records`,
    requireRole(deps.apiKeys, 'operator'),
    // Every content type is read as bytes: parseRecords decides (415 for the ones it does not take),
    // and the length limit is enforced from Content-Length before the body is read.
    express.raw({ type: () => true, limit: options.ingestLimits.maxBodyBytes }),
    ingestHandler({
      publisher: deps.publisher,
      kafkaProbe: deps.kafkaProbe,
      pipelines: deps.pipelines,
      topicPrefix: deps.config.topicPrefix,
      options,
    }),
  );

  const commands = createCommandBus({
    publisher: deps.publisher,
    commandsTopic: controlTopicCatalog({ prefix: deps.config.topicPrefix }).commands.pipeline.name,
    events: deps.events,
    kafkaProbe: deps.kafkaProbe,
    commandTimeoutMs: options.commandTimeoutMs,
    retryAfterSeconds: options.retryAfterSeconds,
  });
  const routeDeps = { prefix: API_PREFIX, apiKeys: deps.apiKeys, definitions: deps.definitions, events: deps.events, commands, options };
  registerPipelineReadRoutes(app, routeDeps);
  registerPipelineWriteRoutes(app, routeDeps);
  registerRunRoutes(app, routeDeps);
  registerProcessorRoutes(app, { ...routeDeps, ...(deps.processorToken ? { processorToken: deps.processorToken } : {}) });
  registerQualityRoutes(app, {
    prefix: API_PREFIX,
    apiKeys: deps.apiKeys,
    definitions: deps.definitions,
    quality: deps.quality,
    publisher: deps.publisher,
    kafkaProbe: deps.kafkaProbe,
    commandsTopic: controlTopicCatalog({ prefix: deps.config.topicPrefix }).commands.quality.name,
    jsonBodyMaxBytes: options.jsonBodyMaxBytes,
    retryAfterSeconds: options.retryAfterSeconds,
  });
  registerQuarantineRoutes(app, {
    prefix: API_PREFIX,
    topicPrefix: deps.config.topicPrefix,
    apiKeys: deps.apiKeys,
    definitions: deps.definitions,
    quarantine: deps.quarantine,
    kafkaProbe: deps.kafkaProbe,
    retryAfterSeconds: options.retryAfterSeconds,
  });
  registerMonitoringRoutes(app, {
    prefix: API_PREFIX,
    apiKeys: deps.apiKeys,
    monitoring: deps.monitoring,
    baselines: deps.baselines,
    publisher: deps.publisher,
    kafkaProbe: deps.kafkaProbe,
    commandsTopic: controlTopicCatalog({ prefix: deps.config.topicPrefix }).commands.monitoring.name,
    alertDestinations: deps.alertDestinations ?? [],
    alertRulesMaxBytes: options.alertRulesMaxBytes,
    retryAfterSeconds: options.retryAfterSeconds,
  });
  app.get(`${API_PREFIX}/events`, requireRole(deps.apiKeys, 'viewer'), deps.eventStreams.handler());

  app.use(routeNotFound());
  app.use(errorHandler(options.retryAfterSeconds));
  return app;
}

