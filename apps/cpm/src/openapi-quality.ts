import type { OpenApiDocument, OperationObject, SchemaObject } from './openapi.js';

type Paths = OpenApiDocument['paths'];
type Responses = OperationObject['responses'];

const errorRef = { $ref: '#/components/schemas/Error' };
const err = (description: string) => ({ description, content: { 'application/json': { schema: errorRef } } });
const json = (description: string, schema: SchemaObject | { $ref: string }) => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const auth: Responses = { '401': { $ref: '#/components/responses/Unauthorized' }, '403': { $ref: '#/components/responses/Forbidden' } };
const idParam = { name: 'id', in: 'path' as const, required: true, schema: { type: 'string' }, description: 'Pipeline id' };
const time = (name: string, description: string) => ({ name, in: 'query' as const, required: false, schema: { type: 'string', format: 'date-time' }, description });
const notFound = err('No such pipeline (`TRIB_PIPELINE_NOT_FOUND`)');
const badQuery = err('A query parameter is invalid (`TRIB_REQUEST_INVALID`): times, a range over 7 days, window, status');

function op(operationId: string, summary: string, responses: Responses, extra: Partial<OperationObject> = {}, role: 'viewer' | 'operator' | 'admin' = 'viewer'): OperationObject {
  return { operationId, summary, tags: ['quality'], security: [{ apiKey: [] }], 'x-required-role': role, responses: { ...responses, ...auth }, ...extra };
}

const issueIdParam = { name: 'issueId', in: 'path' as const, required: true, schema: { type: 'string' } };

/** POST …/issues/{issueId}/acknowledge|notes|resolve: a command to the quality manager. */
function issueAction(operationId: string, summary: string, noteRequired: boolean): OperationObject {
  const note = { type: 'string', minLength: 1, maxLength: 2000, description: 'Not blank' };
  return op(
    operationId,
    summary,
    {
      '202': json('Sent to the quality manager; the issue (at Location) shows it once judged', {
        type: 'object',
        required: ['issueId', 'action', 'status'],
        properties: { issueId: { type: 'string' }, action: { type: 'string' }, status: { type: 'string', enum: ['requested'] } },
      }),
      '400': err('The body is not `{ "note": … }` with a 1-2,000 character note (`TRIB_REQUEST_INVALID`)'),
      '404': err('No such pipeline or issue (`TRIB_PIPELINE_NOT_FOUND`, `TRIB_ISSUE_NOT_FOUND`)'),
      ...(noteRequired ? {} : { '409': err('The issue is already resolved (`TRIB_ISSUE_RESOLVED`)') }),
      '503': err('Kafka unreachable (`TRIB_BROKER_UNREACHABLE`); nothing sent'),
    },
    {
      parameters: [idParam, issueIdParam],
      requestBody: {
        required: noteRequired,
        content: { 'application/json': { schema: { type: 'object', additionalProperties: false, ...(noteRequired ? { required: ['note'] } : {}), properties: { note } } } },
      },
    },
    'operator',
  );
}

/** The quality routes (docs/cpm.md, "Quality"). */
export const qualityPaths: Paths = {
  '/api/v1/pipelines/{id}/quality': {
    get: op(
      'getQualitySummary',
      "A pipeline's rules, latest closed window, open issues and score trend (last 60 windows)",
      { '200': json('The summary', ref('QualitySummary')), '404': notFound },
      { parameters: [idParam] },
    ),
  },
  '/api/v1/pipelines/{id}/quality/rules': {
    get: op(
      'getQualityRules',
      "The pipeline's quality section (ETag: the definition version)",
      { '200': json('The rules', { type: 'object', required: ['pipelineId', 'version', 'quality'], properties: { pipelineId: { type: 'string' }, version: { type: 'integer' }, quality: { type: ['object', 'null'] } } }), '404': notFound },
      { parameters: [idParam] },
    ),
    put: op(
      'putQualityRules',
      'Replace the quality section: a new version of the definition (If-Match: "<version>" makes it conditional)',
      {
        '200': json('Updated', { type: 'object', required: ['pipeline'], properties: { pipeline: ref('PipelineDetail') } }),
        '400': err('Not an object, or invalid rules (`TRIB_REQUEST_INVALID`, `TRIB_DEFINITION_INVALID` naming each rule and field)'),
        '404': notFound,
        '409': err('`TRIB_VERSION_CONFLICT` or the manager refused (`TRIB_COMMAND_REJECTED`)'),
        '413': err('Body over the limit (`TRIB_REQUEST_TOO_LARGE`)'),
        '503': err('Kafka unreachable (`TRIB_BROKER_UNREACHABLE`); nothing sent'),
        '504': err('No answer in time (`TRIB_COMMAND_TIMEOUT`)'),
      },
      {
        parameters: [idParam],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: 'A quality section (docs/quality-rules.md)' } } } },
      },
      'admin',
    ),
  },
  '/api/v1/pipelines/{id}/quality/windows': {
    get: op(
      'listQualityWindows',
      'Closed quality windows in a range (default the last hour), oldest first',
      {
        '200': json('The windows', { type: 'object', required: ['windows'], properties: { windows: { type: 'array', items: ref('QualityWindow') } } }),
        '400': badQuery,
        '404': notFound,
      },
      {
        parameters: [
          idParam,
          time('from', 'Start (default: `to` − 1 h)'),
          time('to', 'End (default: now)'),
          { name: 'window', in: 'query', required: false, schema: { type: 'string', pattern: '^[1-9][0-9]{0,3}[mhd]$' }, description: 'Window size, default 1m' },
          { name: 'metrics', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] }, description: 'Include every metric (QualityWindowMetrics)' },
        ],
      },
    ),
  },
  '/api/v1/pipelines/{id}/quality/issues': {
    get: op(
      'listQualityIssues',
      'Quality issues of a pipeline, newest first',
      {
        '200': json('The issues', { type: 'object', required: ['issues'], properties: { issues: { type: 'array', items: ref('QualityIssue') } } }),
        '400': badQuery,
        '404': notFound,
      },
      { parameters: [idParam, { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['open', 'resolved'] } }] },
    ),
  },
  '/api/v1/pipelines/{id}/quality/issues/{issueId}': {
    get: op(
      'getQualityIssue',
      'One quality issue with its evidence',
      { '200': json('The issue', ref('QualityIssue')), '404': err('No such pipeline or issue (`TRIB_PIPELINE_NOT_FOUND`, `TRIB_ISSUE_NOT_FOUND`)') },
      { parameters: [idParam, issueIdParam] },
    ),
  },
  '/api/v1/pipelines/{id}/quality/issues/{issueId}/acknowledge': {
    post: issueAction('acknowledgeQualityIssue', 'Acknowledge an open issue (someone is on it), with an optional note', false),
  },
  '/api/v1/pipelines/{id}/quality/issues/{issueId}/notes': {
    post: issueAction('addQualityIssueNote', 'Add a note to an issue, open or resolved', true),
  },
  '/api/v1/pipelines/{id}/quality/issues/{issueId}/resolve': {
    post: issueAction('resolveQualityIssue', 'Resolve an open issue by hand, with an optional note; if its signal still fails, a later window opens a new issue', false),
  },
  '/api/v1/pipelines/{id}/quality/dry-run': {
    post: op(
      'dryRunQualityRules',
      "Previews records on a processor with proposed quality rules (or the stored ones): outputs, errors, and what the quality manager would do; nothing is saved",
      {
        '200': json('The preview with `quality`: validated, warned, quarantined, verdicts', { type: 'object' }),
        '400': err('No records, rules not an object, or invalid rules (`TRIB_REQUEST_INVALID`, `TRIB_DEFINITION_INVALID` naming each rule and field)'),
        '404': notFound,
        '413': err('Too many records (`TRIB_REQUEST_TOO_LARGE`)'),
        '503': err('No processor could preview (`TRIB_NO_PROCESSOR`)'),
      },
      {
        parameters: [idParam],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['records'],
                properties: { records: { type: 'array' }, rules: { type: 'object', description: 'A quality section (docs/quality-rules.md); default the stored one' } },
              },
            },
          },
        },
      },
      'operator',
    ),
  },
  '/api/v1/pipelines/{id}/quarantine/redrive': {
    post: op(
      'redriveQuarantine',
      "Re-judge a range of the pipeline's quarantine by its current rules: passing records to .validated, the rest back to .quarantine, each once (docs/quality.md)",
      {
        '202': json('Accepted; follow it at Location', { type: 'object', required: ['redriveId', 'status'], properties: { redriveId: { type: 'string' }, status: { type: 'string', enum: ['requested'] } } }),
        '400': err('`from`/`until` not ISO-8601, or `until` not after `from` (`TRIB_REQUEST_INVALID`)'),
        '404': notFound,
        '503': err('Kafka unreachable (`TRIB_BROKER_UNREACHABLE`); nothing sent'),
      },
      {
        parameters: [idParam],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  from: { type: 'string', format: 'date-time', description: 'Records written to .quarantine from then (default: where the last redrive ended)' },
                  until: { type: 'string', format: 'date-time', description: 'Until then (default: now)' },
                },
              },
            },
          },
        },
      },
      'operator',
    ),
  },
  '/api/v1/pipelines/{id}/quarantine/redrives': {
    get: op(
      'listQuarantineRedrives',
      'Redrives of the pipeline, newest first',
      { '200': json('The redrives', { type: 'object', required: ['redrives'], properties: { redrives: { type: 'array', items: ref('QuarantineRedrive') } } }), '404': notFound },
      { parameters: [idParam] },
    ),
  },
  '/api/v1/pipelines/{id}/quarantine/redrives/{redriveId}': {
    get: op(
      'getQuarantineRedrive',
      'One redrive: its ranges and the records moved so far',
      { '200': json('The redrive', ref('QuarantineRedrive')), '404': err('No such pipeline, or the redrive is not planned yet (`TRIB_PIPELINE_NOT_FOUND`, `TRIB_REDRIVE_NOT_FOUND`)') },
      { parameters: [idParam, { name: 'redriveId', in: 'path', required: true, schema: { type: 'string' } }] },
    ),
  },
  '/api/v1/pipelines/{id}/quarantine': {
    get: op(
      'browseQuarantine',
      "A page of the pipeline's quarantined records, read committed from `.quarantine` in offset order per partition; follow `nextCursor` until it is null",
      {
        '200': json('The page', ref('QuarantinePage')),
        '400': err('A bad `rule`, `from`, `until` (`until` not after `from`), `limit` or `cursor` (`TRIB_REQUEST_INVALID`, `details.parameter`)'),
        '404': notFound,
        '503': {
          description: 'Kafka or the schema registry unreachable (`TRIB_BROKER_UNREACHABLE`), or too many pages read at once (`TRIB_TOO_MANY_READS`)',
          headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
          content: { 'application/json': { schema: errorRef } },
        },
      },
      {
        parameters: [
          idParam,
          { name: 'rule', in: 'query', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }, description: 'Only records that failed this rule id' },
          { name: 'from', in: 'query', required: false, schema: { type: 'string' }, description: 'Quarantined at or after (ISO-8601 with a zone, or epoch ms)' },
          { name: 'until', in: 'query', required: false, schema: { type: 'string' }, description: 'Quarantined before (ISO-8601 with a zone, or epoch ms)' },
          { name: 'limit', in: 'query', required: false, schema: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' }, description: 'Most entries (records and undecodable messages) in the page, 1-200, default 50' },
          { name: 'cursor', in: 'query', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' }, description: "The previous page's `nextCursor`, as given" },
        ],
      },
    ),
  },
  '/api/v1/pipelines/{id}/quality/report': {
    get: op(
      'getQualityReport',
      'A quality report over a range (default the last 24 h): metrics, fields, top failing rules, issues; JSON or Markdown',
      {
        '200': {
          description: 'The report',
          content: { 'application/json': { schema: { type: 'object' } }, 'text/markdown': { schema: { type: 'string' } } },
        },
        '400': badQuery,
        '404': notFound,
      },
      {
        parameters: [
          idParam,
          time('from', 'Start (default: `to` − 24 h)'),
          time('to', 'End (default: now)'),
          { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'markdown'] }, description: 'Default by Accept' },
        ],
      },
    ),
  },
};

const nullableNumber = { type: ['number', 'null'] };

export const qualitySchemas: Record<string, SchemaObject> = {
  QuarantinePage: {
    type: 'object',
    required: ['pipelineId', 'records', 'undecodable', 'nextCursor', 'scanned'],
    properties: {
      pipelineId: { type: 'string' },
      records: { type: 'array', items: ref('QuarantinedRecordEntry') },
      undecodable: {
        type: 'array',
        description: 'Messages that are not a readable QuarantinedRecord (shown whatever `rule`; `from`/`until` by message time)',
        items: {
          type: 'object',
          required: ['partition', 'offset', 'timestamp', 'error'],
          properties: {
            partition: { type: 'integer' },
            offset: { type: 'integer' },
            timestamp: { type: 'string', format: 'date-time' },
            error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
          },
        },
      },
      nextCursor: { type: ['string', 'null'], description: 'Where the next page starts; null once the end seen by this request was reached' },
      scanned: { type: 'integer', description: 'Messages read for this page, matching or not (at most 10,000)' },
    },
  },
  QuarantinedRecordEntry: {
    type: 'object',
    required: ['partition', 'offset', 'recordId', 'runId', 'pipelineVersion', 'quarantinedAt', 'failures', 'source', 'record', 'recordFormat'],
    properties: {
      partition: { type: 'integer' },
      offset: { type: 'integer' },
      recordId: { type: 'string' },
      runId: { type: ['string', 'null'] },
      pipelineVersion: { type: 'integer', description: 'Definition version whose rules quarantined it' },
      quarantinedAt: { type: 'string', format: 'date-time' },
      failures: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            ruleId: { type: 'string' },
            ruleType: { type: 'string' },
            severity: { type: 'string', enum: ['error', 'warn'] },
            field: { type: ['string', 'null'] },
            value: { type: ['string', 'null'], description: 'The offending value as JSON text (cut at 1,024 characters)' },
            message: { type: 'string' },
          },
        },
      },
      source: { type: 'object', description: 'Where it was read from (.processed)', properties: { topic: { type: 'string' }, partition: { type: 'integer' }, offset: { type: 'integer' } } },
      record: { description: 'The record: parsed when it is JSON, else its text' },
      recordFormat: { type: 'string', enum: ['json', 'text'] },
    },
  },
  QuarantineRedrive: {
    type: 'object',
    required: ['redriveId', 'status', 'pipelineVersion', 'validated', 'requarantined', 'ranges', 'startedAt'],
    properties: {
      redriveId: { type: 'string' },
      status: { type: 'string', enum: ['running', 'completed'] },
      pipelineVersion: { type: 'integer' },
      validated: { type: 'integer', description: 'Records moved to .validated so far' },
      requarantined: { type: 'integer', description: 'Records written back to .quarantine so far' },
      ranges: { type: 'array', items: { type: 'object', properties: { partition: { type: 'integer' }, startOffset: { type: 'integer' }, endOffset: { type: 'integer' } } } },
      requestedBy: { type: 'string' },
      startedAt: { type: 'string', format: 'date-time' },
      completedAt: { type: 'string', format: 'date-time' },
    },
  },
  QualityWindow: {
    type: 'object',
    required: ['windowStart', 'windowEnd', 'records', 'quarantined', 'score', 'completeness', 'validity', 'expectations'],
    properties: {
      windowStart: { type: 'string', format: 'date-time' },
      windowEnd: { type: 'string', format: 'date-time' },
      records: { type: 'integer' },
      quarantined: { type: 'integer' },
      score: nullableNumber,
      completeness: nullableNumber,
      validity: nullableNumber,
      expectations: {
        type: 'array',
        items: {
          type: 'object',
          properties: { expectationId: { type: 'string' }, type: { type: 'string' }, observedValue: nullableNumber, success: { type: 'boolean' } },
        },
      },
      metrics: { type: 'object', description: 'QualityWindowMetrics (docs/quality-metrics.md), with ?metrics=true' },
    },
  },
  QualityIssue: {
    type: 'object',
    required: ['issueId', 'signal', 'status', 'severity', 'reason', 'summary', 'metric', 'observedValue', 'window', 'openedAt'],
    properties: {
      issueId: { type: 'string' },
      signal: { type: 'string', description: 'score, rule:<id> or expectation:<id>' },
      ruleId: { type: ['string', 'null'] },
      status: { type: 'string', enum: ['open', 'resolved'] },
      severity: { type: 'string', enum: ['error', 'warn'] },
      reason: { type: 'string', enum: ['threshold', 'anomaly'] },
      summary: { type: 'string' },
      metric: { type: 'string' },
      observedValue: { type: 'number' },
      threshold: { type: 'object', properties: { min: nullableNumber, max: nullableNumber } },
      baseline: { type: ['object', 'null'] },
      window: { type: 'object', properties: { start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' } } },
      sampleRecordIds: { type: 'array', items: { type: 'string' } },
      openedAt: { type: 'string', format: 'date-time' },
      acknowledgement: {
        type: ['object', 'null'],
        description: 'Who acknowledged it, when someone did',
        properties: { by: { type: 'string' }, note: { type: ['string', 'null'] }, at: { type: 'string', format: 'date-time' } },
      },
      notes: {
        type: 'array',
        description: "People's notes, oldest first (the newest 100)",
        items: { type: 'object', properties: { author: { type: 'string' }, note: { type: 'string' }, at: { type: 'string', format: 'date-time' } } },
      },
      resolution: {
        type: 'object',
        description: '`by` null: resolved by itself when its signal recovered',
        properties: { reason: { type: 'string' }, by: { type: ['string', 'null'] }, note: { type: ['string', 'null'] }, at: { type: 'string', format: 'date-time' } },
      },
    },
  },
  QualitySummary: {
    type: 'object',
    required: ['pipelineId', 'version', 'rules', 'latestWindow', 'openIssues', 'trend'],
    properties: {
      pipelineId: { type: 'string' },
      version: { type: 'integer' },
      rules: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, type: { type: 'string' }, severity: { type: 'string' } } } },
      latestWindow: { type: ['object', 'null'], description: 'The newest closed window (a QualityWindow), null before the first' },
      openIssues: { type: 'array', items: ref('QualityIssue') },
      trend: { type: 'object', description: 'Score trend: windows, slopePerHour, direction (improving, stable, degrading), min, max, mean' },
    },
  },
};
