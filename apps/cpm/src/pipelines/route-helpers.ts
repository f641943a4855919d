import { isValidPipelineId } from '@tributary/schemas';
import type { Request, Response } from 'express';
import { CpmHttpError } from '../errors.js';
import type { DefinitionsPort, StoredPipeline } from './types.js';

export function pipelineNotFound(pipelineId: string): CpmHttpError {
  return new CpmHttpError(404, 'TRIB_PIPELINE_NOT_FOUND', `no pipeline ${JSON.stringify(pipelineId)}`, { pipelineId });
}

/** The path's `:id`, validated (an impossible id cannot name a pipeline: 404, as ingest answers). */
export function pipelineIdParam(req: Request): string {
  const param: unknown = req.params.id;
  const id = typeof param === 'string' ? param : '';
  if (!isValidPipelineId(id)) throw pipelineNotFound(id);
  return id;
}

/** The pipeline the path names, or 404. */
export function existingPipeline(req: Request, definitions: Pick<DefinitionsPort, 'get'>): StoredPipeline {
  const id = pipelineIdParam(req);
  const stored = definitions.get(id);
  if (!stored) throw pipelineNotFound(id);
  return stored;
}

/** `ETag: "<version>"`: what a client sends back in If-Match to update exactly what it read. */
export function setVersionTag(res: Response, version: number): void {
  res.setHeader('ETag', `"${version}"`);
}

/** An optional string field of a JSON body (`reason`), refused when present with another type. */
export function optionalString(body: unknown, field: string, maxLength = 1_000): string | undefined {
  const value: unknown = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', `${field} must be a string of at most ${maxLength} characters`, { field });
  }
  return value;
}
