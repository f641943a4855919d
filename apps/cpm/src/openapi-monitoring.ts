import type { OpenApiDocument, OperationObject, SchemaObject } from './openapi.js';

type Paths = OpenApiDocument['paths'];
type Responses = OperationObject['responses'];
type Parameter = NonNullable<OperationObject['parameters']>[number];

const errorRef = { $ref: '#/components/schemas/Error' };
const err = (description: string) => ({ description, content: { 'application/json': { schema: errorRef } } });
const retryLater = (description: string) => ({
  description,
  headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
  content: { 'application/json': { schema: errorRef } },
});
const json = (description: string, schema: SchemaObject | { $ref: string }) => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const list = (name: string, items: string, extra: Record<string, SchemaObject> = {}): SchemaObject => ({
  type: 'object',
  required: [name, ...Object.keys(extra)],
  properties: { [name]: { type: 'array', items: ref(items) }, ...extra },
});
const auth: Responses = { '401': { $ref: '#/components/responses/Unauthorized' }, '403': { $ref: '#/components/responses/Forbidden' } };
const badQuery = err('A query parameter is invalid or repeated (`TRIB_REQUEST_INVALID`, `details.parameter`)');
const kafkaDown = retryLater('Kafka unreachable (`TRIB_BROKER_UNREACHABLE`); nothing sent');
const truncated: Record<string, SchemaObject> = { truncated: { type: 'boolean', description: 'More matched than `limit`' } };

function op(operationId: string, summary: string, responses: Responses, extra: Partial<OperationObject> = {}, role: 'viewer' | 'operator' | 'admin' = 'viewer'): OperationObject {
  return { operationId, summary, tags: ['monitoring'], security: [{ apiKey: [] }], 'x-required-role': role, responses: { ...responses, ...auth }, ...extra };
}

const query = (name: string, description: string, schema: SchemaObject = { type: 'string', maxLength: 256 }): Parameter => ({ name, in: 'query', required: false, schema, description });
const time = (name: string, description: string) => query(name, description, { type: 'string', format: 'date-time' });
const limit = (fallback: number, max: number) => query('limit', `Most entries, 1-${max}, default ${fallback}`, { type: 'string', pattern: '^[1-9][0-9]{0,5}$' });
const metric = query('metric', 'Metric name', { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' });
/** `label.<name>=<value>` cannot be one parameter of OpenAPI (its name varies): the operation's description says it. */
const labelFilters = 'Filter by label with `label.<name>=<value>` (exact value, e.g. `label.topic=orders`; at most 20).';
const alertIdParam: Parameter = { name: 'alertId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } };
const silenceIdParam: Parameter = { name: 'silenceId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } };
const requested = (idName: string): SchemaObject => ({
  type: 'object',
  required: [idName, 'status'],
  properties: { [idName]: { type: 'string' }, action: { type: 'string' }, status: { type: 'string', enum: ['requested'] } },
});

/** The monitoring routes (docs/cpm.md, "Monitoring"). */
export const monitoringPaths: Paths = {
  '/api/v1/monitoring/health': {
    get: op('getMonitoringHealth', 'Overall health (the worst service) and every service with its instances, as the monitoring manager judged them from heartbeats', {
      '200': json('Health', ref('MonitoringHealth')),
    }),
  },
  '/api/v1/monitoring/metrics': {
    get: op(
      'listMetricSeries',
      'Metric series kept (the newest 720 points each, at most 2,000 series), by key',
      { '200': json('The series', list('series', 'MetricSeries', { ...truncated, kept: { type: 'object', description: 'series, maxSeries, maxPointsPerSeries, evicted' } })), '400': badQuery },
      { description: labelFilters, parameters: [query('service', 'Service'), query('instance', 'Instance'), metric, limit(1000, 5000)] },
    ),
  },
  '/api/v1/monitoring/metrics/series': {
    get: op(
      'getMetricSeriesPoints',
      'Points of the matching series in a range (default the last hour, at most 7 days), oldest first',
      {
        '200': json('The points', {
          type: 'object',
          required: ['from', 'to', 'series', 'truncated'],
          properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, series: { type: 'array', items: ref('MetricSeriesPoints') }, ...truncated },
        }),
        '400': err('No `metric`, or a query parameter is invalid (`TRIB_REQUEST_INVALID`): times, a range over 7 days, a label filter'),
      },
      {
        description: labelFilters,
        parameters: [
          { ...metric, required: true },
          query('service', 'Service'),
          query('instance', 'Instance'),
          time('from', 'Start, inclusive (default: `to` − 1 h)'),
          time('to', 'End, exclusive (default: now)'),
          limit(20, 100),
        ],
      },
    ),
  },
  '/api/v1/monitoring/baselines': {
    get: op(
      'listMetricBaselines',
      "Baselines of metric series (rolling mean and deviation, hour-of-day buckets, the open anomaly), read from the monitoring manager's Redis cache",
      { '200': json('The baselines', list('baselines', 'MetricBaseline', truncated)), '400': badQuery, '503': retryLater('Redis unreachable (`TRIB_BASELINES_UNAVAILABLE`)') },
      { parameters: [query('service', 'Service (default: every service, in name order)'), metric, limit(100, 1000)] },
    ),
  },
  '/api/v1/monitoring/anomalies': {
    get: op(
      'listMetricAnomalies',
      'Metric anomalies, newest detection first',
      { '200': json('The anomalies', list('anomalies', 'MetricAnomaly', truncated)), '400': badQuery },
      { parameters: [query('status', 'open or resolved', { type: 'string', enum: ['open', 'resolved'] }), query('service', 'Service'), limit(100, 1000)] },
    ),
  },
  '/api/v1/monitoring/alerts': {
    get: op(
      'listAlerts',
      'Current alerts (default: pending and firing), newest change first; or, with `history=true`, the transitions',
      {
        '200': {
          description: '`{ alerts, truncated }`, or `{ history, truncated }` with `history=true`',
          content: { 'application/json': { schema: { type: 'object', properties: { alerts: { type: 'array', items: ref('Alert') }, history: { type: 'array', items: ref('AlertTransition') }, ...truncated } } } },
        },
        '400': badQuery,
      },
      {
        parameters: [
          query('state', 'pending, firing or resolved', { type: 'string', enum: ['pending', 'firing', 'resolved'] }),
          query('rule', 'Alert rule (alertName)'),
          query('pipeline', 'Label pipelineId'),
          query('service', 'Label service'),
          time('from', 'Changed at or after'),
          time('to', 'Changed before'),
          query('history', 'The transitions instead of the current alerts', { type: 'string', enum: ['true', 'false'] }),
          limit(100, 1000),
        ],
      },
    ),
  },
  '/api/v1/monitoring/alerts/{alertId}': {
    get: op(
      'getAlert',
      'One alert: its state, its acknowledgement and its transitions (newest first, the last 100 kept)',
      { '200': json('The alert', ref('AlertDetail')), '404': err('No such alert (`TRIB_ALERT_NOT_FOUND`)') },
      { parameters: [alertIdParam] },
    ),
  },
  '/api/v1/monitoring/alerts/{alertId}/acknowledge': {
    post: op(
      'acknowledgeAlert',
      'Acknowledge a firing alert (someone is on it: its repeat notifications stop until it resolves): an AcknowledgeAlert command',
      {
        '202': json('Sent to the monitoring manager; the alert (at Location) shows the acknowledgement once applied', requested('alertId')),
        '400': err('The body is not `{ "note"?: … }` with a 1-2,000 character note (`TRIB_REQUEST_INVALID`)'),
        '404': err('No such alert (`TRIB_ALERT_NOT_FOUND`)'),
        '409': err('The alert is pending or resolved (`TRIB_ALERT_NOT_FIRING`)'),
        '503': kafkaDown,
      },
      {
        parameters: [alertIdParam],
        requestBody: {
          required: false,
          content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { note: { type: 'string', minLength: 1, maxLength: 2000 } } } } },
        },
      },
      'operator',
    ),
  },
  '/api/v1/monitoring/silences': {
    get: op(
      'listSilences',
      'Silences (expired ones for 120 h), newest first',
      { '200': json('The silences', list('silences', 'Silence')), '400': badQuery },
      { parameters: [query('state', 'pending, active or expired', { type: 'string', enum: ['pending', 'active', 'expired'] })] },
    ),
    post: op(
      'createSilence',
      'Mute the notifications of alerts matching every matcher for a while: a CreateSilence command',
      {
        '202': json('Sent to the monitoring manager; the silence shows at Location once created', {
          type: 'object',
          required: ['silenceId', 'status', 'matchers', 'startsAt', 'endsAt'],
          properties: {
            silenceId: { type: 'string', format: 'uuid' },
            status: { type: 'string', enum: ['requested'] },
            matchers: { type: 'array', items: { type: 'string' } },
            startsAt: { type: 'string', format: 'date-time' },
            endsAt: { type: 'string', format: 'date-time' },
          },
        }),
        '400': err('Invalid silence (`TRIB_ALERT_SILENCE_INVALID`, `details.issues[]` with path, message and the matcher): a bad matcher, matchers that match every alert, no comment, times'),
        '413': err('Body over 64 KiB (`TRIB_REQUEST_TOO_LARGE`)'),
        '503': kafkaDown,
      },
      {
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['matchers', 'comment'],
                additionalProperties: false,
                properties: {
                  matchers: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', maxLength: 1024 }, description: 'Alertmanager matchers: `name="v"`, `!=`, `=~`, `!~` (RE2, anchored)' },
                  startsAt: { type: 'string', format: 'date-time', description: 'Default (and at the earliest) now; at most 90 days ahead' },
                  endsAt: { type: 'string', format: 'date-time', description: 'Or `duration`; at most 90 days after the start' },
                  duration: { type: 'string', description: 'A duration like 30m, 2h, 1d (instead of endsAt)' },
                  comment: { type: 'string', minLength: 1, maxLength: 2000 },
                },
              },
            },
          },
        },
      },
      'operator',
    ),
  },
  '/api/v1/monitoring/silences/{silenceId}': {
    get: op(
      'getSilence',
      'One silence',
      { '200': json('The silence', ref('Silence')), '404': err('No such silence, or not created yet (`TRIB_SILENCE_NOT_FOUND`)') },
      { parameters: [silenceIdParam] },
    ),
    delete: op(
      'expireSilence',
      'End a silence now: an ExpireSilence command',
      {
        '202': json('Sent to the monitoring manager', requested('silenceId')),
        '404': err('No such silence (`TRIB_SILENCE_NOT_FOUND`)'),
        '409': err('The silence has already expired (`TRIB_SILENCE_EXPIRED`)'),
        '503': kafkaDown,
      },
      { parameters: [silenceIdParam] },
      'operator',
    ),
  },
  '/api/v1/monitoring/alert-rules': {
    get: op(
      'getAlertRules',
      'The alert rule file in force (ETag: its version)',
      { '200': json('The rules', ref('AlertRules')), '404': err('No rule file was put yet: the manager runs its start-up file, version 0, whose text it does not publish (`TRIB_ALERT_RULES_NOT_FOUND`)') },
    ),
    put: op(
      'putAlertRules',
      'Replace the alert rule file (docs/alerting.md), validated here first: a PutAlertRules command (If-Match: "<version>" makes it conditional)',
      {
        '202': json('Sent to the monitoring manager; the rules (at Location) show the new version once applied', {
          type: 'object',
          required: ['status', 'expectedVersion', 'ruleNames'],
          properties: { status: { type: 'string', enum: ['requested'] }, expectedVersion: { type: ['integer', 'null'] }, ruleNames: { type: 'array', items: { type: 'string' } } },
        }),
        '400': err('Invalid rule file (`TRIB_ALERT_RULES_INVALID`, `details.issues[]` with path, line and message), or a bad If-Match (`TRIB_REQUEST_INVALID`)'),
        '409': err('If-Match is not the version in force (`TRIB_VERSION_CONFLICT`)'),
        '413': err('Body over 512 KiB (`TRIB_REQUEST_TOO_LARGE`)'),
        '415': err('Neither YAML nor JSON (`TRIB_UNSUPPORTED_MEDIA_TYPE`)'),
        '503': kafkaDown,
      },
      {
        parameters: [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The version replaced, e.g. "3" ("0": the start-up file, before any PUT)' }],
        requestBody: {
          required: true,
          content: {
            'application/yaml': { schema: { type: 'string', description: 'A rule file (docs/alerting.md)' } },
            'application/json': { schema: { type: 'object', description: 'A rule file (docs/alerting.md)' } },
          },
        },
      },
      'admin',
    ),
  },
};

const date = { type: 'string', format: 'date-time' };
const nullableDate = { type: ['string', 'null'], format: 'date-time' };
const labels: SchemaObject = { type: 'object', additionalProperties: { type: 'string' } };
const healthStatus: SchemaObject = { type: 'string', enum: ['UP', 'DEGRADED', 'DOWN'] };
const alertStates = ['pending', 'firing', 'resolved'];
const seriesFields: Record<string, SchemaObject> = {
  key: { type: 'string', description: '`<service>/<instance>/<metric>{name="value",…}`' },
  service: { type: 'string' },
  instance: { type: 'string' },
  metric: { type: 'string' },
  kind: { type: 'string', enum: ['counter', 'gauge', 'histogram'] },
  labels,
};
const transitionFields: Record<string, SchemaObject> = {
  alertId: { type: 'string' },
  alertName: { type: 'string' },
  state: { type: 'string', enum: alertStates },
  previousState: { type: ['string', 'null'], enum: alertStates },
  severity: { type: 'string', enum: ['info', 'warning', 'critical'] },
  labels,
  annotations: labels,
  value: { type: ['number', 'null'] },
  activeSince: nullableDate,
  changedAt: date,
};
const alertFields: Record<string, SchemaObject> = {
  ...transitionFields,
  activatedAt: { ...nullableDate, description: 'Start of the current (or, once resolved, the last) activation' },
  acknowledgement: {
    type: ['object', 'null'],
    description: "The acknowledgement of this activation, once the monitoring manager applied it",
    properties: { by: { type: 'string' }, note: { type: ['string', 'null'] }, at: date },
  },
};

export const monitoringSchemas: Record<string, SchemaObject> = {
  MonitoringHealth: {
    type: 'object',
    required: ['status', 'at', 'services'],
    properties: {
      status: { type: 'string', enum: ['UP', 'DEGRADED', 'DOWN', 'UNKNOWN'], description: 'The worst service; UNKNOWN before any report' },
      at: date,
      services: {
        type: 'array',
        items: {
          type: 'object',
          required: ['service', 'status', 'instances'],
          properties: {
            service: { type: 'string', description: 'A service, or a dependency of the monitoring manager (redis)' },
            status: { ...healthStatus, description: "The service's own status, else the worst of its instances" },
            reason: { type: ['string', 'null'] },
            lastSeenAt: nullableDate,
            changedAt: nullableDate,
            instances: {
              type: 'array',
              items: {
                type: 'object',
                properties: { instance: { type: 'string' }, status: healthStatus, previousStatus: { type: ['string', 'null'] }, reason: { type: 'string' }, lastSeenAt: nullableDate, changedAt: date },
              },
            },
          },
        },
      },
    },
  },
  MetricSeries: {
    type: 'object',
    required: ['key', 'service', 'instance', 'metric', 'kind', 'labels', 'points', 'firstAt', 'lastAt', 'lastValue'],
    properties: { ...seriesFields, points: { type: 'integer', description: 'Points kept' }, firstAt: date, lastAt: date, lastValue: { type: 'number' } },
  },
  MetricSeriesPoints: {
    type: 'object',
    required: ['key', 'service', 'instance', 'metric', 'kind', 'labels', 'points'],
    properties: {
      ...seriesFields,
      points: {
        type: 'array',
        items: {
          type: 'object',
          required: ['at', 'value'],
          properties: { at: date, value: { type: 'number', description: "A counter's total, a gauge's value, a histogram's sum" }, count: { type: 'integer', description: 'Observations (histograms only)' } },
        },
      },
    },
  },
  MetricBaseline: {
    type: 'object',
    required: ['seriesKey', 'service', 'metric', 'labels', 'kind', 'measure', 'points', 'mean', 'stdDev', 'ready', 'hours'],
    properties: {
      seriesKey: { type: 'string' },
      service: { type: 'string' },
      metric: { type: 'string' },
      labels,
      kind: { type: 'string', enum: ['counter', 'gauge', 'histogram'] },
      measure: { type: 'string', enum: ['rate', 'value', 'mean'] },
      points: { type: 'integer' },
      mean: { type: 'number' },
      stdDev: { type: 'number' },
      ready: { type: 'boolean', description: 'Past the warm-up: values are judged' },
      lastAt: nullableDate,
      lastValue: { type: ['number', 'null'] },
      hours: { type: 'array', items: { type: 'object', description: 'hour, points, mean, stdDev, days, ready' } },
      openAnomaly: { type: ['object', 'null'], description: 'anomalyId, kind, direction, summary, openedAt' },
    },
  },
  MetricAnomaly: {
    type: 'object',
    required: ['anomalyId', 'status', 'kind', 'service', 'metric', 'summary', 'detectedAt'],
    properties: {
      anomalyId: { type: 'string' },
      status: { type: 'string', enum: ['open', 'resolved'] },
      kind: { type: 'string', enum: ['deviation', 'level_shift'] },
      seriesKey: { type: 'string' },
      service: { type: 'string' },
      metric: { type: 'string' },
      labels,
      measure: { type: 'string' },
      direction: { type: 'string' },
      summary: { type: 'string' },
      value: { type: 'number' },
      zScore: { type: 'number' },
      baseline: { type: 'object', description: 'mean, stdDev, source (overall or hour)' },
      window: { type: 'object', description: 'start, end' },
      detectedAt: date,
      evidence: { type: ['object', 'null'], description: 'The detector\'s evidence (null when over 64 KiB)' },
      resolution: { type: ['object', 'null'], description: 'resolution (recovered, adapted), value, worstValue, badPoints, resolvedAt' },
    },
  },
  AlertTransition: { type: 'object', required: Object.keys(transitionFields), properties: transitionFields },
  Alert: { type: 'object', required: Object.keys(alertFields), properties: alertFields },
  AlertDetail: {
    type: 'object',
    required: [...Object.keys(alertFields), 'history'],
    properties: { ...alertFields, history: { type: 'array', items: ref('AlertTransition') } },
  },
  Silence: {
    type: 'object',
    required: ['silenceId', 'state', 'matchers', 'startsAt', 'endsAt', 'comment', 'createdBy', 'createdAt'],
    properties: {
      silenceId: { type: 'string' },
      state: { type: 'string', enum: ['pending', 'active', 'expired'] },
      matchers: { type: 'array', items: { type: 'string' } },
      startsAt: date,
      endsAt: date,
      comment: { type: 'string' },
      createdBy: { type: 'string' },
      createdAt: date,
      expiredBy: { type: ['string', 'null'], description: 'Who ended it early' },
      expiredAt: date,
    },
  },
  AlertRules: {
    type: 'object',
    required: ['version', 'rules', 'ruleNames', 'changedBy', 'changedAt'],
    properties: { version: { type: 'integer' }, rules: { type: 'string', description: 'The rule file as given' }, ruleNames: { type: 'array', items: { type: 'string' } }, changedBy: { type: 'string' }, changedAt: date },
  },
};
