import type { Role } from './auth/api-keys.js';
import { pipelinePaths, pipelineSchemas } from './openapi-pipelines.js';
import { monitoringPaths, monitoringSchemas } from './openapi-monitoring.js';
import { qualityPaths, qualitySchemas } from './openapi-quality.js';

/** The small part of OpenAPI 3.1 this document uses, typed so a typo fails the build. */
export interface SchemaObject {
  type?: string | string[];
  properties?: Record<string, SchemaObject | { $ref: string }>;
  required?: string[];
  items?: SchemaObject | { $ref: string };
  additionalProperties?: boolean | SchemaObject;
  enum?: string[];
  format?: string;
  pattern?: string;
  description?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
}
interface ResponseObject {
  description: string;
  headers?: Record<string, { description: string; schema: SchemaObject }>;
  content?: Record<string, { schema: SchemaObject | { $ref: string } }>;
}
export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Empty for public routes. */
  security?: Record<string, string[]>[];
  /** The least role that may call it (roles are ordered viewer < operator < admin). */
  'x-required-role'?: Role;
  parameters?: { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: SchemaObject; description?: string }[];
  requestBody?: { required: boolean; content: Record<string, { schema: SchemaObject }> };
  responses: Record<string, ResponseObject | { $ref: string }>;
}
type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
  components: {
    schemas: Record<string, SchemaObject>;
    responses: Record<string, ResponseObject>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
}

const err = (description: string, retryAfter = false): ResponseObject => ({
  description,
  ...(retryAfter ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } } } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
const bearer = [{ apiKey: [] }];
const authErrors = { '401': ref('Unauthorized'), '403': ref('Forbidden') };

/** The API as it exists today: a test checks that every express route is here and nothing else. */
export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Tributary CPM',
    version: '0.1.0',
    description: 'The HTTP edge of Tributary: pipelines, runs, processors, events, ingest, quality, monitoring, health and metrics. See docs/cpm.md.',
  },
  servers: [{ url: '/' }],
  paths: {
    '/healthz': {
      get: {
        operationId: 'health',
        summary: 'Alive: the process answers',
        tags: ['operations'],
        security: [],
        responses: { '200': { description: 'Alive', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
    '/readyz': {
      get: {
        operationId: 'ready',
        summary: 'Ready: Kafka and the schema registry are reachable',
        tags: ['operations'],
        security: [],
        responses: {
          '200': { description: 'Ready', content: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } } },
          '503': err('A dependency is unreachable (`TRIB_NOT_READY`, details.checks says which)', true),
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics (text exposition 0.0.4)',
        tags: ['operations'],
        security: [],
        responses: { '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        tags: ['meta'],
        security: [],
        responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
    '/api/v1/whoami': {
      get: {
        operationId: 'whoami',
        summary: 'The role of the presented API key',
        tags: ['meta'],
        security: bearer,
        'x-required-role': 'viewer',
        responses: {
          '200': {
            description: 'The role',
            content: { 'application/json': { schema: { type: 'object', properties: { role: { type: 'string', enum: ['viewer', 'operator', 'admin'] } }, required: ['role'] } } },
          },
          ...authErrors,
        },
      },
    },
    '/api/v1/pipelines/{id}/records': {
      post: {
        operationId: 'ingestRecords',
        summary: "Ingest records into a pipeline's .raw topic",
        tags: ['ingest'],
        security: bearer,
        'x-required-role': 'operator',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'Pipeline id' },
          { name: 'X-Request-Id', in: 'header', required: false, schema: { type: 'string' }, description: 'Echoed; generated when absent or invalid' },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { type: ['array', 'object'], description: 'An array of records, or one record' } },
            'application/x-ndjson': { schema: { type: 'string', description: 'One JSON record per line' } },
            'text/csv': { schema: { type: 'string', description: 'RFC 4180, header row first' } },
          },
        },
        responses: {
          '202': {
            description: 'Accepted records are acknowledged on the .raw topic; rejected ones are listed',
            headers: { 'X-Batch-Id': { description: 'The batch id (also on every .raw message)', schema: { type: 'string', format: 'uuid' } } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestResult' } } },
          },
          '400': err('Malformed body (`TRIB_INGEST_MALFORMED`, details: line, column, position)'),
          ...authErrors,
          '404': err('No such pipeline (`TRIB_PIPELINE_NOT_FOUND`)'),
          '413': err('A limit passed (`TRIB_INGEST_TOO_LARGE`, details.limit)'),
          '415': err('Content type or charset not supported (`TRIB_INGEST_UNSUPPORTED_MEDIA_TYPE`)'),
          '422': err('Every record was rejected (`TRIB_INGEST_ALL_REJECTED`, details.errors per record)'),
          '502': err('Kafka refused the records (`TRIB_PUBLISH_FAILED`)'),
          '503': err('Kafka unreachable or too slow (`TRIB_BROKER_UNREACHABLE`, `TRIB_INGEST_ACK_TIMEOUT`); nothing accepted', true),
        },
      },
    },
    ...pipelinePaths,
    ...qualityPaths,
    ...monitoringPaths,
  },
  components: {
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message', 'details'],
            properties: {
              code: { type: 'string', description: 'Stable TRIB_… code' },
              message: { type: 'string' },
              details: { type: 'object', additionalProperties: true },
            },
          },
        },
      },
      FieldIssue: {
        type: 'object',
        required: ['field', 'code', 'message'],
        properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, value: {} },
      },
      RejectedRecord: {
        type: 'object',
        required: ['index', 'errors'],
        properties: {
          index: { type: 'integer' },
          line: { type: 'integer' },
          errors: { type: 'array', items: { $ref: '#/components/schemas/FieldIssue' } },
        },
      },
      IngestResult: {
        type: 'object',
        required: ['accepted', 'rejected', 'batchId', 'errors'],
        properties: {
          accepted: { type: 'integer' },
          rejected: { type: 'integer' },
          batchId: { type: 'string', format: 'uuid' },
          errors: { type: 'array', items: { $ref: '#/components/schemas/RejectedRecord' } },
        },
      },
      Readiness: {
        type: 'object',
        required: ['status', 'checks'],
        properties: { status: { type: 'string', enum: ['ready'] }, checks: { type: 'object', additionalProperties: { type: 'string' } } },
      },
      ...pipelineSchemas,
      ...qualitySchemas,
      ...monitoringSchemas,
    },
    responses: {
      Unauthorized: err('No or invalid API key (`TRIB_AUTH_MISSING`, `TRIB_AUTH_INVALID`)'),
      Forbidden: err("The key's role is too weak (`TRIB_FORBIDDEN`)"),
    },
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from TRIBUTARY_API_KEYS; roles viewer < operator < admin' },
    },
  },
};
