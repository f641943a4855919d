import { DefinitionError, type PipelineDefinition } from '@tributary/pipelines';
import { checkPipelineQuality } from '@tributary/quality-rules';
import type { Express, Response } from 'express';
import type { ApiKeyRing } from '../auth/api-keys.js';
import { requireRole } from '../auth/middleware.js';
import { CpmHttpError } from '../errors.js';
import { jsonBody } from '../http/body.js';
import type { CpmOptions } from '../options.js';
import { definitionInvalid } from '../pipelines/definition-body.js';
import { existingPipeline } from '../pipelines/route-helpers.js';
import type { DefinitionsPort, PipelineEventsPort, ProcessorView } from '../pipelines/types.js';
import { callProcessor, type ProcessorReply } from './client.js';

export interface ProcessorRouteDeps {
  prefix: string;
  apiKeys: ApiKeyRing;
  definitions: Pick<DefinitionsPort, 'get'>;
  events: Pick<PipelineEventsPort, 'processors'>;
  /** `PROCESSOR_TOKEN`, sent as a bearer token to processors when set. */
  processorToken?: string;
  options: Readonly<CpmOptions>;
}

/** Statuses that are about the request itself: another processor would answer the same. */
const CLIENT_ERRORS = new Set([400, 413, 415, 422]);

interface Attempt {
  processorId: string;
  url: string;
  error: string;
}

function noProcessor(pipelineId: string, message: string, attempts: Attempt[], retryAfterSeconds: number): CpmHttpError {
  return new CpmHttpError(503, 'TRIB_NO_PROCESSOR', message, { pipelineId, attempts }, { headers: { 'Retry-After': String(retryAfterSeconds) } });
}

/** Synchronous work on processors, called directly (DESIGN.md): preview, quality dry run, pause, resume (operator). */
export function registerProcessorRoutes(app: Express, deps: ProcessorRouteDeps): void {
  const { prefix, options } = deps;
  const operator = requireRole(deps.apiKeys, 'operator');
  const client = { timeoutMs: options.processorTimeoutMs, ...(deps.processorToken ? { token: deps.processorToken } : {}) };

  /** The `records` of a preview body, within the limit. */
  function previewRecordsOf(body: unknown): unknown[] {
    const records: unknown = (body as { records?: unknown } | undefined)?.records;
    if (!Array.isArray(records)) {
      throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'the body is { "records": [ … ] }', { field: 'records' });
    }
    if (records.length > options.previewMaxRecords) {
      throw new CpmHttpError(413, 'TRIB_REQUEST_TOO_LARGE', `a preview takes at most ${options.previewMaxRecords} records`, {
        limit: 'previewMaxRecords',
        max: options.previewMaxRecords,
        actual: records.length,
      });
    }
    return records;
  }

  /** Any processor can preview (it compiles the definition); those running the pipeline go first. */
  async function previewOnProcessors(pipelineId: string, payload: { records: unknown[]; definition?: PipelineDefinition }, res: Response): Promise<void> {
    const all = deps.events.processors();
    const ordered = [...all.filter((p) => p.pipelines.includes(pipelineId)), ...all.filter((p) => !p.pipelines.includes(pipelineId))];
    const attempts: Attempt[] = [];
    for (const p of ordered) {
      const reply = await callProcessor(p, pipelineId, 'preview', payload, client);
      if (reply.ok) {
        res.json(reply.body);
        return;
      }
      if (reply.status !== undefined && CLIENT_ERRORS.has(reply.status)) {
        // The processor's own error body when it has the API's shape; else a generic one.
        const body = reply.body as { error?: { code?: unknown } } | undefined;
        if (typeof body?.error?.code === 'string') res.status(reply.status).json(body);
        else throw new CpmHttpError(reply.status === 413 ? 413 : 400, reply.status === 413 ? 'TRIB_REQUEST_TOO_LARGE' : 'TRIB_REQUEST_INVALID', `the processor refused the preview (${reply.status})`, { body: reply.body ?? null });
        return;
      }
      attempts.push({ processorId: p.processorId, url: p.url, error: reply.error });
    }
    throw noProcessor(pipelineId, ordered.length === 0 ? 'no processor is alive to preview on' : 'no processor could preview', attempts, options.retryAfterSeconds);
  }

  app.post(`${prefix}/pipelines/:id/preview`, operator, ...jsonBody(options.jsonBodyMaxBytes), async (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    await previewOnProcessors(stored.id, { records: previewRecordsOf(req.body) }, res);
  });

  // A dry run of quality rules: the stored definition with `rules` (a `quality:` section) in place of
  // its own, previewed on a processor; nothing is saved and nothing goes through Kafka.
  app.post(`${prefix}/pipelines/:id/quality/dry-run`, operator, ...jsonBody(options.jsonBodyMaxBytes), async (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    const records = previewRecordsOf(req.body);
    const rules: unknown = (req.body as { rules?: unknown }).rules;
    if (rules !== undefined && (typeof rules !== 'object' || rules === null || Array.isArray(rules))) {
      throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'rules is a quality section: { "rules": [ … ], "lookups"?: { … } }', { field: 'rules' });
    }
    const definition: PipelineDefinition = rules === undefined ? stored.definition : { ...stored.definition, quality: rules as Record<string, unknown> };
    try {
      checkPipelineQuality(definition);
    } catch (err) {
      if (err instanceof DefinitionError) throw definitionInvalid(err);
      throw err;
    }
    await previewOnProcessors(stored.id, { records, definition }, res);
  });

  for (const action of ['pause', 'resume'] as const) {
    app.post(`${prefix}/pipelines/:id/${action}`, operator, ...jsonBody(options.jsonBodyMaxBytes), async (req, res) => {
      const stored = existingPipeline(req, deps.definitions);
      // Every processor running the pipeline consumes some of its partitions: all of them must act.
      const targets: ProcessorView[] = deps.events.processors().filter((p) => p.pipelines.includes(stored.id));
      if (targets.length === 0) {
        throw noProcessor(stored.id, `no live processor runs pipeline ${stored.id}`, [], options.retryAfterSeconds);
      }
      const replies: ProcessorReply[] = await Promise.all(targets.map((p) => callProcessor(p, stored.id, action, {}, client)));
      const processors = targets.map((p, i) => {
        const reply = replies[i] as ProcessorReply;
        return reply.ok
          ? { processorId: p.processorId, url: p.url, ok: true, status: reply.status, error: undefined }
          : { processorId: p.processorId, url: p.url, ok: false, ...(reply.status === undefined ? {} : { status: reply.status }), error: reply.error };
      });
      if (!processors.some((p) => p.ok)) {
        throw noProcessor(
          stored.id,
          `no processor could ${action} pipeline ${stored.id}`,
          processors.map((p) => ({ processorId: p.processorId, url: p.url, error: p.error ?? 'failed' })),
          options.retryAfterSeconds,
        );
      }
      res.json({ processors });
    });
  }
}
