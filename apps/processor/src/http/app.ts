import { validateDefinition } from '@tributary/pipelines';
import { checkPipelineQuality } from '@tributary/quality-rules';
import { createMetricsHandler, type Logger, type TributaryMetrics } from '@tributary/observability';
import express, { type Express, type Request } from 'express';
import { z } from 'zod';
import { ProcessorHttpError } from '../errors.js';
import type { ReachabilityProbe } from '../health/index.js';
import { type ProcessorHttpOptions, resolveProcessorHttpOptions } from '../options.js';
import { previewRecords } from '../processing/index.js';
import type { Processor } from '../runtime/index.js';
import { requireToken } from './auth.js';
import { errorHandler, routeNotFound } from './errors.js';

export interface ProcessorHttpDeps {
  processor: Pick<Processor, 'pause' | 'resume' | 'pipelines' | 'definition'>;
  logger: Logger;
  metrics: TributaryMetrics;
  /** Everything `/readyz` checks (Kafka, schema registry). */
  readiness: readonly ReachabilityProbe[];
  /** PROCESSOR_TOKEN: when set, `/pipelines/…` calls need `Authorization: Bearer <token>`. */
  token?: string | undefined;
  options?: Partial<ProcessorHttpOptions>;
}

const previewBody = z.object({
  records: z.array(z.unknown()),
  /** An unsaved definition to preview instead of the stored one. */
  definition: z.unknown().optional(),
});

/**
 * The processor's HTTP API, called by the CPM only: health, metrics, preview, pause/resume.
 * Probes and metrics are open (orchestrators and scrapers call them); `/pipelines/…` needs the token.
 */
export function createProcessorHttp(deps: ProcessorHttpDeps): Express {
  const options = resolveProcessorHttpOptions(deps.options);
  const log = deps.logger.child({ component: 'http' });
  const { processor } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

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
      throw new ProcessorHttpError(503, 'TRIB_NOT_READY', 'a dependency is unreachable', { checks }, {
        headers: { 'Retry-After': String(options.retryAfterSeconds) },
      });
    }
    res.json({ status: 'ready', checks });
  });
  app.get('/metrics', createMetricsHandler(deps.metrics));

  const pipelines = express.Router();
  pipelines.use(requireToken(deps.token));
  pipelines.get('/', (_req, res) => {
    res.json({ pipelines: processor.pipelines() });
  });
  pipelines.post('/:id/preview', express.json({ limit: options.previewMaxBytes }), (req, res) => {
    const id = pipelineIdOf(req);
    const parsed = previewBody.safeParse(req.body);
    if (!parsed.success) {
      throw new ProcessorHttpError(400, 'TRIB_REQUEST_MALFORMED', 'the body must be a JSON object { "records": [ … ], "definition"?: { … } }', {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    const { records, definition: inline } = parsed.data;
    if (records.length > options.previewMaxRecords) {
      throw new ProcessorHttpError(413, 'TRIB_PREVIEW_TOO_LARGE', `at most ${options.previewMaxRecords} records per preview`, {
        limit: 'previewMaxRecords',
        max: options.previewMaxRecords,
        actual: records.length,
      });
    }
    let definition;
    if (inline !== undefined) {
      definition = validateDefinition(inline);
      checkPipelineQuality(definition);
      if (definition.id !== id) {
        throw new ProcessorHttpError(400, 'TRIB_REQUEST_MALFORMED', `the definition's id ${definition.id} is not the pipeline ${id}`, {
          field: 'definition.id',
        });
      }
    } else {
      definition = processor.definition(id)?.definition;
      if (!definition) throw notFound(id);
    }
    res.json(previewRecords(definition, records));
  });
  pipelines.post('/:id/pause', async (req, res) => {
    const id = pipelineIdOf(req);
    if (!processor.definition(id)) throw notFound(id);
    await processor.pause(id);
    res.json({ pipelineId: id, paused: true });
  });
  pipelines.post('/:id/resume', async (req, res) => {
    const id = pipelineIdOf(req);
    if (!processor.definition(id)) throw notFound(id);
    await processor.resume(id);
    res.json({ pipelineId: id, paused: false });
  });
  app.use('/pipelines', pipelines);

  app.use(routeNotFound());
  app.use(errorHandler(log));
  return app;
}

function pipelineIdOf(req: Request): string {
  return String(req.params.id);
}

function notFound(id: string): ProcessorHttpError {
  return new ProcessorHttpError(404, 'TRIB_PIPELINE_NOT_FOUND', `no pipeline ${id}`, { pipelineId: id });
}
