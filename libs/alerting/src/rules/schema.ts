import { z } from 'zod';

/**
 * The rule file as written (YAML or JSON), before durations, matchers and templates are compiled.
 * Field names follow Prometheus rule files and Alertmanager's configuration (snake_case), so people
 * who know those read it without a manual. No transforms here: the schema stays plain data.
 */
const matcher = z.union([
  z.string().max(2048),
  z.strictObject({ name: z.string(), type: z.enum(['=', '!=', '=~', '!~']), value: z.string().max(2048) }),
]);
const matchers = z.array(matcher).max(100);
/** Prometheus duration text (`30s`, `1h30m`), or 0. Checked when compiled. */
const duration = z.union([z.string().max(40), z.literal(0)], { error: 'expected a duration like 30s, 5m, 1h30m or 0' });
const labelMap = z.record(z.string().max(200), z.string().max(4096));
const operator = z.enum(['>', '>=', '<', '<=', '==', '!=']);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const ruleFields = {
  name: z.string().min(1).max(200),
  series: z.strictObject({ metric: z.string().min(1).max(200), matchers: matchers.optional() }),
  for: duration.optional(),
  keep_firing_for: duration.optional(),
  severity: z.enum(['info', 'warning', 'critical']).optional(),
  labels: labelMap.optional(),
  annotations: labelMap.optional(),
};

const thresholdRule = z.strictObject({
  ...ruleFields,
  kind: z.literal('threshold'),
  threshold: z.strictObject({ op: operator, value: finite }),
});

const rateOfChangeRule = z.strictObject({
  ...ruleFields,
  kind: z.literal('rate_of_change'),
  rate_of_change: z.strictObject({
    window: duration,
    per: duration.optional(),
    unit: z.enum(['absolute', 'percent']).optional(),
    op: operator,
    value: finite,
  }),
});

const anomalyRule = z.strictObject({
  ...ruleFields,
  kind: z.literal('anomaly'),
  anomaly: z.strictObject({ min_score: finite.refine((v) => v > 0, 'must be above 0'), direction: z.enum(['above', 'below', 'both']).optional() }),
});

const absentRule = z.strictObject({
  ...ruleFields,
  kind: z.literal('absent'),
  absent: z.strictObject({ window: duration.optional() }).optional(),
});

export const ruleFileRuleSchema = z.discriminatedUnion('kind', [thresholdRule, rateOfChangeRule, anomalyRule, absentRule], {
  error: (issue) => (issue.code === 'invalid_union' ? 'kind must be one of threshold, rate_of_change, anomaly, absent' : undefined),
});

const ruleGroup = z.strictObject({
  name: z.string().min(1).max(200),
  labels: labelMap.optional(),
  rules: z.array(ruleFileRuleSchema),
});

const inhibitRule = z.strictObject({
  source_matchers: matchers.min(1),
  target_matchers: matchers.min(1),
  equal: z.array(z.string()).optional(),
});

export interface RuleFileRoute {
  receiver?: string | undefined;
  matchers?: z.infer<typeof matchers> | undefined;
  group_by?: string[] | undefined;
  group_wait?: string | 0 | undefined;
  group_interval?: string | 0 | undefined;
  repeat_interval?: string | 0 | undefined;
  continue?: boolean | undefined;
  routes?: RuleFileRoute[] | undefined;
}

const route: z.ZodType<RuleFileRoute> = z.strictObject({
  receiver: z.string().min(1).optional(),
  matchers: matchers.optional(),
  group_by: z.array(z.string()).optional(),
  group_wait: duration.optional(),
  group_interval: duration.optional(),
  repeat_interval: duration.optional(),
  continue: z.boolean().optional(),
  get routes() {
    return z.array(route).max(100).optional();
  },
});

const channelFields = { send_resolved: z.boolean().optional(), max_alerts: z.number().int().nonnegative().optional() };

const receiver = z.strictObject({
  name: z.string().min(1).max(200),
  webhook_configs: z
    .array(z.strictObject({ ...channelFields, url: z.string().min(1).max(2048), headers: z.record(z.string(), z.string()).optional() }))
    .optional(),
  slack_configs: z.array(z.strictObject({ ...channelFields, api_url: z.string().min(1).max(2048) })).optional(),
  log_configs: z.array(z.strictObject({ ...channelFields, level: z.enum(['info', 'warn', 'error']).optional() })).optional(),
});

export const ruleFileSchema = z.strictObject({
  groups: z.array(ruleGroup).optional(),
  inhibit_rules: z.array(inhibitRule).optional(),
  route: route.optional(),
  receivers: z.array(receiver).optional(),
});

export type RuleFile = z.infer<typeof ruleFileSchema>;
export type RuleFileRule = z.infer<typeof ruleFileRuleSchema>;
export type RuleFileReceiver = z.infer<typeof receiver>;

/**
 * The rule file format as JSON Schema (draft 2020-12), e.g. for CPM's OpenAPI document or an
 * editor. It checks shape only: durations, matchers, templates, references and the allow-list are
 * checked by parseAlertingConfig / loadAlertingConfig.
 */
export function alertingRuleFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ruleFileSchema, { io: 'input' });
}
