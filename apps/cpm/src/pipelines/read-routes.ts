import type { Express } from 'express';
import type { ApiKeyRing } from '../auth/api-keys.js';
import { requireRole } from '../auth/middleware.js';
import { CpmHttpError } from '../errors.js';
import { existingPipeline, setVersionTag } from './route-helpers.js';
import type { DefinitionsPort, PipelineEventsPort } from './types.js';
import { detailOf, summaryOf } from './views.js';

export interface PipelineReadDeps {
  prefix: string;
  apiKeys: ApiKeyRing;
  definitions: DefinitionsPort;
  events: PipelineEventsPort;
}

/** Queries answered from the read models: pipelines, runs, processors (viewer). */
export function registerPipelineReadRoutes(app: Express, deps: PipelineReadDeps): void {
  const { prefix, definitions, events } = deps;
  const viewer = requireRole(deps.apiKeys, 'viewer');

  app.get(`${prefix}/pipelines`, viewer, (_req, res) => {
    const pipelines = definitions
      .list()
      .map((p) => summaryOf(p, events))
      .sort((a, b) => a.id.localeCompare(b.id));
    res.json({ pipelines });
  });

  app.get(`${prefix}/pipelines/:id`, viewer, (req, res) => {
    const stored = existingPipeline(req, definitions);
    setVersionTag(res, stored.version);
    res.json(detailOf(stored, events));
  });

  app.get(`${prefix}/pipelines/:id/runs`, viewer, (req, res) => {
    const stored = existingPipeline(req, definitions);
    res.json({ runs: events.runs(stored.id) });
  });

  app.get(`${prefix}/pipelines/:id/runs/:runId`, viewer, (req, res) => {
    const stored = existingPipeline(req, definitions);
    const runId = String(req.params.runId);
    const run = events.run(stored.id, runId);
    if (!run) throw new CpmHttpError(404, 'TRIB_RUN_NOT_FOUND', `pipeline ${stored.id} has no run ${JSON.stringify(runId)}`, { pipelineId: stored.id, runId });
    res.json(run);
  });

  app.get(`${prefix}/processors`, viewer, (_req, res) => {
    res.json({ processors: events.processors() });
  });
}
