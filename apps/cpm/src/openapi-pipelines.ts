import type { OpenApiDocument, OperationObject } from './openapi.js';

type Paths = OpenApiDocument['paths'];
type Responses = OperationObject['responses'];
type Schema = NonNullable<NonNullable<OperationObject['requestBody']>['content'][string]>['schema'];

const errorRef = { $ref: '#/components/schemas/Error' };
const err = (description: string, retryAfter = false) => ({
  description,
  ...(retryAfter ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } } } : {}),
  content: { 'application/json': { schema: errorRef } },
});
const json = (description: string, schema: Schema | { $ref: string }) => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const auth: Responses = { '401': { $ref: '#/components/responses/Unauthorized' }, '403': { $ref: '#/components/responses/Forbidden' } };
const idParam = { name: 'id', in: 'path' as const, required: true, schema: { type: 'string' }, description: 'Pipeline id' };
const timeout = err('The command was sent but no answer came in time; it may still apply (`TRIB_COMMAND_TIMEOUT`)', true);
const unreachable = err('Kafka unreachable (`TRIB_BROKER_UNREACHABLE`); nothing sent', true);
const notFound = err('No such pipeline (`TRIB_PIPELINE_NOT_FOUND`)');
const tooLarge = err('Body over the limit (`TRIB_REQUEST_TOO_LARGE`)');
const definitionBody = {
  required: true,
  content: {
    'application/yaml': { schema: { type: 'string', description: 'The pipeline definition (docs/pipelines.md)' } },
    'text/yaml': { schema: { type: 'string' } },
    'application/json': { schema: { type: 'object' } },
  },
};
const jsonBody = (schema: Schema, required = true) => ({ required, content: { 'application/json': { schema } } });
const runIdAnswer = json('Accepted: the run id', { type: 'object', required: ['runId'], properties: { runId: { type: 'string' } } });

function op(operationId: string, summary: string, role: 'viewer' | 'operator' | 'admin', responses: Responses, extra: Partial<OperationObject> = {}): OperationObject {
  return { operationId, summary, tags: ['pipelines'], security: [{ apiKey: [] }], 'x-required-role': role, responses: { ...responses, ...auth }, ...extra };
}

/** The pipeline, run, processor and event routes (docs/cpm.md, "Pipelines"). */
export const pipelinePaths: Paths = {
  '/api/v1/pipelines': {
    get: op('listPipelines', 'Every pipeline with its status', 'viewer', {
      '200': json('The pipelines', { type: 'object', required: ['pipelines'], properties: { pipelines: { type: 'array', items: ref('PipelineSummary') } } }),
    }),
    post: op(
      'createPipeline',
      'Create a pipeline from a definition (YAML or JSON)',
      'admin',
      {
        '201': json('Created', { type: 'object', required: ['pipeline'], properties: { pipeline: ref('PipelineDetail') } }),
        '400': err('Invalid definition (`TRIB_DEFINITION_INVALID`, details.issues with path, field, message, line, column)'),
        '409': err('The pipeline exists (`TRIB_PIPELINE_EXISTS`) or the manager refused (`TRIB_SCHEMA_INCOMPATIBLE`, `TRIB_COMMAND_REJECTED`)'),
        '413': tooLarge,
        '415': err('Not YAML or JSON (`TRIB_UNSUPPORTED_MEDIA_TYPE`)'),
        '503': unreachable,
        '504': timeout,
      },
      { requestBody: definitionBody },
    ),
  },
  '/api/v1/pipelines/{id}': {
    get: op(
      'getPipeline',
      'A pipeline with its definition (ETag: its version)',
      'viewer',
      { '200': json('The pipeline', ref('PipelineDetail')), '404': notFound },
      { parameters: [idParam] },
    ),
    put: op(
      'updatePipeline',
      'Replace the definition (new version); If-Match: "<version>" makes it conditional',
      'admin',
      {
        '200': json('Updated', { type: 'object', required: ['pipeline'], properties: { pipeline: ref('PipelineDetail') } }),
        '400': err('Invalid definition or If-Match (`TRIB_DEFINITION_INVALID`, `TRIB_REQUEST_INVALID`)'),
        '404': notFound,
        '409': err('`TRIB_VERSION_CONFLICT` or `TRIB_SCHEMA_INCOMPATIBLE`'),
        '413': tooLarge,
        '415': err('Not YAML or JSON (`TRIB_UNSUPPORTED_MEDIA_TYPE`)'),
        '503': unreachable,
        '504': timeout,
      },
      {
        parameters: [idParam, { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The version edited, e.g. "3"' }],
        requestBody: definitionBody,
      },
    ),
    delete: op(
      'deletePipeline',
      'Delete a pipeline (stops its runs)',
      'admin',
      {
        '200': json('Deleted', { type: 'object', required: ['pipelineId', 'deleted'], properties: { pipelineId: { type: 'string' }, deleted: { type: 'boolean' } } }),
        '404': notFound,
        '409': err('`TRIB_VERSION_CONFLICT` (If-Match)'),
        '413': tooLarge,
        '503': unreachable,
        '504': timeout,
      },
      { parameters: [idParam], requestBody: jsonBody({ type: 'object', properties: { reason: { type: 'string' } } }, false) },
    ),
  },
  '/api/v1/pipelines/{id}/start': {
    post: op(
      'startPipeline',
      'Start a live run',
      'operator',
      { '202': runIdAnswer, '404': notFound, '409': err('A run is active (`TRIB_RUN_ACTIVE`)'), '413': tooLarge, '503': unreachable, '504': timeout },
      { parameters: [idParam] },
    ),
  },
  '/api/v1/pipelines/{id}/stop': {
    post: op(
      'stopPipeline',
      'Stop the current run',
      'operator',
      { '202': runIdAnswer, '404': notFound, '409': err('No active run (`TRIB_RUN_NOT_ACTIVE`)'), '413': tooLarge, '503': unreachable, '504': timeout },
      { parameters: [idParam], requestBody: jsonBody({ type: 'object', properties: { reason: { type: 'string' } } }, false) },
    ),
  },
  '/api/v1/pipelines/{id}/replays': {
    post: op(
      'replayPipeline',
      'Replay the .raw history from a time (a replay run)',
      'operator',
      {
        '202': runIdAnswer,
        '400': err('from/until missing or not ISO-8601 (`TRIB_REQUEST_INVALID`)'),
        '404': notFound,
        '409': err('The manager refused (`TRIB_RUN_ACTIVE`, `TRIB_COMMAND_REJECTED`)'),
        '413': tooLarge,
        '503': unreachable,
        '504': timeout,
      },
      {
        parameters: [idParam],
        requestBody: jsonBody({ type: 'object', required: ['from'], properties: { from: { type: 'string', format: 'date-time' }, until: { type: 'string', format: 'date-time' } } }),
      },
    ),
  },
  '/api/v1/pipelines/{id}/runs': {
    get: op(
      'listRuns',
      'Runs of a pipeline, newest first',
      'viewer',
      { '200': json('The runs', { type: 'object', required: ['runs'], properties: { runs: { type: 'array', items: ref('Run') } } }), '404': notFound },
      { parameters: [idParam] },
    ),
  },
  '/api/v1/pipelines/{id}/runs/{runId}': {
    get: op(
      'getRun',
      'One run',
      'viewer',
      { '200': json('The run', ref('Run')), '404': err('No such pipeline or run (`TRIB_PIPELINE_NOT_FOUND`, `TRIB_RUN_NOT_FOUND`)') },
      { parameters: [idParam, { name: 'runId', in: 'path', required: true, schema: { type: 'string' } }] },
    ),
  },
  '/api/v1/pipelines/{id}/preview': {
    post: op(
      'previewPipeline',
      'Run records through the stages on a processor, without writing anything',
      'operator',
      {
        '200': json('The processor\'s answer: { output, errors, counts }', { type: 'object' }),
        '400': err('No records array, or the processor refused them (`TRIB_REQUEST_INVALID`)'),
        '404': notFound,
        '413': err('Over previewMaxRecords or the body limit (`TRIB_REQUEST_TOO_LARGE`)'),
        '503': err('No processor answered (`TRIB_NO_PROCESSOR`, details.attempts)', true),
      },
      { parameters: [idParam], requestBody: jsonBody({ type: 'object', required: ['records'], properties: { records: { type: 'array', items: { type: 'object' } } } }) },
    ),
  },
  '/api/v1/pipelines/{id}/pause': {
    post: op(
      'pausePipeline',
      'Pause the pipeline on every processor running it',
      'operator',
      { '200': json('Per-processor results', ref('ProcessorCalls')), '404': notFound, '413': tooLarge, '503': err('No processor runs it or none answered (`TRIB_NO_PROCESSOR`)', true) },
      { parameters: [idParam] },
    ),
  },
  '/api/v1/pipelines/{id}/resume': {
    post: op(
      'resumePipeline',
      'Resume the pipeline on every processor running it',
      'operator',
      { '200': json('Per-processor results', ref('ProcessorCalls')), '404': notFound, '413': tooLarge, '503': err('No processor runs it or none answered (`TRIB_NO_PROCESSOR`)', true) },
      { parameters: [idParam] },
    ),
  },
  '/api/v1/processors': {
    get: op('listProcessors', 'Live processors', 'viewer', {
      '200': json('The processors', { type: 'object', required: ['processors'], properties: { processors: { type: 'array', items: ref('Processor') } } }),
    }),
  },
  '/api/v1/events': {
    get: op(
      'streamEvents',
      'Server-sent events of run progress and state (`event: <type>`, `data: {type, pipelineId, value}`); `: heartbeat` every 15 s',
      'viewer',
      {
        '200': { description: 'The stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        '400': err('pipeline given twice (`TRIB_REQUEST_INVALID`)'),
        '503': err('Too many streams open (`TRIB_TOO_MANY_STREAMS`)', true),
      },
    ),
  },
};

const runSchema: Schema = {
  type: 'object',
  required: ['runId', 'mode', 'pipelineVersion', 'status', 'startedAt', 'stages'],
  properties: {
    runId: { type: 'string' },
    mode: { type: 'string', enum: ['live', 'replay'] },
    pipelineVersion: { type: 'integer' },
    status: { type: 'string' },
    reason: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    stoppedAt: { type: 'string', format: 'date-time' },
    stages: { type: 'array', items: { type: 'object', properties: { stage: { type: 'string' }, in: { type: 'integer' }, out: { type: 'integer' }, errored: { type: 'integer' } } } },
  },
};
const summaryProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  version: { type: 'integer' },
  status: { type: 'string', enum: ['CREATED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED'] },
  reason: { type: 'string' },
  currentRun: ref('Run'),
  totals: { type: 'object', properties: { in: { type: 'integer' }, out: { type: 'integer' }, rejected: { type: 'integer' } } },
};

export const pipelineSchemas: OpenApiDocument['components']['schemas'] = {
  Run: runSchema,
  PipelineSummary: { type: 'object', required: ['id', 'name', 'version', 'status', 'totals'], properties: summaryProperties },
  PipelineDetail: {
    type: 'object',
    required: ['id', 'name', 'version', 'status', 'totals', 'definition', 'updatedAt', 'updatedBy'],
    properties: { ...summaryProperties, definition: { type: 'object' }, updatedAt: { type: 'string', format: 'date-time' }, updatedBy: { type: 'string' } },
  },
  Processor: {
    type: 'object',
    required: ['processorId', 'url', 'pipelines', 'paused', 'lastSeen'],
    properties: {
      processorId: { type: 'string' },
      url: { type: 'string' },
      pipelines: { type: 'array', items: { type: 'string' } },
      paused: { type: 'array', items: { type: 'string' } },
      lastSeen: { type: 'string', format: 'date-time' },
    },
  },
  ProcessorCalls: {
    type: 'object',
    required: ['processors'],
    properties: {
      processors: {
        type: 'array',
        items: { type: 'object', properties: { processorId: { type: 'string' }, url: { type: 'string' }, ok: { type: 'boolean' }, status: { type: 'integer' }, error: { type: 'string' } } },
      },
    },
  },
};
