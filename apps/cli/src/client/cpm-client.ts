import { ApiError, CliError } from '../errors.js';
import type { DefinitionFormat, IngestAnswer, PipelineDetail, PipelineSummary, Run } from './types.js';

export interface CpmClientOptions {
  /** Base URL of the CPM, without `/api/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never included in an error message. */
  apiKey: string | undefined;
  fetch: typeof fetch;
  /** Longest wait for one answer. */
  timeoutMs: number;
  /** Aborts requests in flight (Ctrl-C). */
  signal?: AbortSignal;
}

export interface CpmResponse<T> {
  status: number;
  body: T;
}

export interface RequestOptions {
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface CpmClient {
  request<T>(method: string, path: string, options?: RequestOptions): Promise<CpmResponse<T>>;
  listPipelines(): Promise<PipelineSummary[]>;
  /** undefined when the CPM answers 404 TRIB_PIPELINE_NOT_FOUND. */
  findPipeline(id: string): Promise<PipelineDetail | undefined>;
  getPipeline(id: string): Promise<PipelineDetail>;
  createPipeline(text: string, format: DefinitionFormat): Promise<PipelineSummary>;
  updatePipeline(id: string, text: string, format: DefinitionFormat, ifMatchVersion?: number): Promise<PipelineSummary>;
  deletePipeline(id: string): Promise<void>;
  startPipeline(id: string): Promise<string>;
  stopPipeline(id: string): Promise<string>;
  ingest(id: string, body: string, contentType: string): Promise<IngestAnswer>;
  listRuns(id: string): Promise<Run[]>;
  getRun(id: string, runId: string): Promise<Run>;
  replay(id: string, from: string, until?: string): Promise<string>;
}

const API = '/api/v1';
const DEFINITION_TYPES: Record<DefinitionFormat, string> = { yaml: 'application/yaml', json: 'application/json' };

/** A thin fetch client of the CPM API: bearer auth, a timeout per request, errors as ApiError/CliError. */
export function createCpmClient(options: CpmClientOptions): CpmClient {
  const seg = encodeURIComponent;

  async function request<T>(method: string, path: string, req: RequestOptions = {}): Promise<CpmResponse<T>> {
    const url = `${options.baseUrl}${API}${path}`;
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    if (req.contentType) headers['content-type'] = req.contentType;
    const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
    let res: Response;
    try {
      res = await options.fetch(url, { method, headers, body: req.body ?? null, signal: AbortSignal.any(signals) });
    } catch (err) {
      throw networkError(err, method, url, options.timeoutMs);
    }
    const text = await res.text();
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        if (res.ok) throw new CliError('TRIB_CLI_BAD_RESPONSE', `${method} ${url} answered ${res.status} with a body that is not JSON`);
      }
    }
    if (!res.ok) throw apiError(res, body, text);
    return { status: res.status, body: body as T };
  }

  const pipe = (id: string) => `/pipelines/${seg(id)}`;
  return {
    request,
    async listPipelines() {
      return (await request<{ pipelines: PipelineSummary[] }>('GET', '/pipelines')).body.pipelines ?? [];
    },
    async findPipeline(id) {
      try {
        return (await request<PipelineDetail>('GET', pipe(id))).body;
      } catch (err) {
        if (err instanceof ApiError && err.status === 404 && err.code === 'TRIB_PIPELINE_NOT_FOUND') return undefined;
        throw err;
      }
    },
    async getPipeline(id) {
      return (await request<PipelineDetail>('GET', pipe(id))).body;
    },
    async createPipeline(text, format) {
      return (await request<{ pipeline: PipelineSummary }>('POST', '/pipelines', { body: text, contentType: DEFINITION_TYPES[format] })).body.pipeline;
    },
    async updatePipeline(id, text, format, version) {
      const headers = version === undefined ? undefined : { 'if-match': `"${version}"` };
      return (await request<{ pipeline: PipelineSummary }>('PUT', pipe(id), { body: text, contentType: DEFINITION_TYPES[format], headers })).body
        .pipeline;
    },
    async deletePipeline(id) {
      await request('DELETE', pipe(id));
    },
    async startPipeline(id) {
      return (await request<{ runId: string }>('POST', `${pipe(id)}/start`)).body.runId;
    },
    async stopPipeline(id) {
      return (await request<{ runId: string }>('POST', `${pipe(id)}/stop`)).body.runId;
    },
    async ingest(id, body, contentType) {
      return (await request<IngestAnswer>('POST', `${pipe(id)}/records`, { body, contentType })).body;
    },
    async listRuns(id) {
      return (await request<{ runs: Run[] }>('GET', `${pipe(id)}/runs`)).body.runs ?? [];
    },
    async getRun(id, runId) {
      return (await request<Run>('GET', `${pipe(id)}/runs/${seg(runId)}`)).body;
    },
    async replay(id, from, until) {
      const body = JSON.stringify(until === undefined ? { from } : { from, until });
      return (await request<{ runId: string }>('POST', `${pipe(id)}/replays`, { body, contentType: 'application/json' })).body.runId;
    },
  };
}

function networkError(err: unknown, method: string, url: string, timeoutMs: number): CliError {
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError') {
    return new CliError('TRIB_CLI_TIMEOUT', `${method} ${url}: no answer within ${timeoutMs} ms`, { retriable: true, cause: err });
  }
  if (name === 'AbortError') return new CliError('TRIB_CLI_UNREACHABLE', `${method} ${url}: interrupted`, { cause: err });
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const why = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new CliError('TRIB_CLI_UNREACHABLE', `cannot reach the CPM at ${new URL(url).origin} (${why})`, { retriable: true, cause: err });
}

function apiError(res: Response, body: unknown, text: string): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  if (error && typeof error.code === 'string') {
    return new ApiError(res.status, error.code, typeof error.message === 'string' ? error.message : res.statusText, error.details, retryAfter);
  }
  const snippet = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return new ApiError(res.status, `HTTP_${res.status}`, snippet || res.statusText || `HTTP ${res.status}`, undefined, retryAfter);
}

/** `Retry-After` as seconds: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
