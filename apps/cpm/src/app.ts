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
import { type CpmOptionsInput, resolveCpmOptions } from './options.js';

export const API_PREFIX = '/api/v1';

export interface CpmAppDeps {
  config: { topicPrefix: string };
  logger: Logger;
  publisher: Pick<Publisher, 'publishRaw'>;
  /** Kafka reachability, checked (bounded, cached) before ingest hands records to the producer. */
  kafkaProbe: ReachabilityProbe;
  /** Everything `/readyz` checks (Kafka, schema registry…). */
  readiness: readonly ReachabilityProbe[];
  apiKeys: ApiKeyRing;
  metrics: TributaryMetrics;
  pipelines: PipelineDirectory;
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

  app.use(routeNotFound());
  app.use(errorHandler(options.retryAfterSeconds));
  return app;
}

