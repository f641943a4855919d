import { isLabelName } from '../labels/index.js';
import type { CompileContext } from './compile-context.js';
import { ruleFileDefaults } from './options.js';
import type { RuleFile, RuleFileRule } from './schema.js';
import { type AnnotationTemplate, parseTemplate } from './template.js';
import type { AlertRule, SeriesSelector } from './types.js';

/** Labels the engine sets itself: a rule or group cannot declare them. */
const RESERVED_LABELS: Readonly<Record<string, string>> = {
  alertname: 'it is the rule name',
  severity: "use the rule's severity field",
};

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function compileLabels(labels: Readonly<Record<string, string>> | undefined, path: string, ctx: CompileContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels ?? {})) {
    if (!isLabelName(name)) ctx.report(`${path}.${name}`, 'is not a label name (letters, digits, _; not a digit first)');
    else if (RESERVED_LABELS[name] !== undefined) ctx.report(`${path}.${name}`, `cannot be set here: ${RESERVED_LABELS[name]}`);
    else if (value.includes('{{')) ctx.report(`${path}.${name}`, 'labels are not templated (they identify the alert; put changing text in annotations)');
    else out[name] = value;
  }
  return out;
}

function compileAnnotations(rule: RuleFileRule, path: string, ctx: CompileContext): Record<string, AnnotationTemplate> {
  const out: Record<string, AnnotationTemplate> = {};
  for (const [name, source] of Object.entries(rule.annotations ?? {})) {
    if (!isLabelName(name)) {
      ctx.report(`${path}.annotations.${name}`, 'is not an annotation name (letters, digits, _; not a digit first)');
      continue;
    }
    const parsed = parseTemplate(source);
    if (!parsed.ok) ctx.report(`${path}.annotations.${name}`, parsed.message);
    else if (parsed.value.usesValue && rule.kind === 'absent') {
      ctx.report(`${path}.annotations.${name}`, 'an absent rule has no {{ $value }} (there is no sample)');
    }
    else out[name] = parsed.value;
  }
  return out;
}

function compileSelector(rule: RuleFileRule, path: string, ctx: CompileContext): SeriesSelector {
  if (!METRIC_NAME.test(rule.series.metric)) {
    ctx.report(`${path}.series.metric`, `${JSON.stringify(rule.series.metric)} is not a metric name (letters, digits, _ and :; not a digit first)`);
  }
  return { metric: rule.series.metric, matchers: ctx.matchers(rule.series.matchers, `${path}.series.matchers`) };
}

function compileRule(rule: RuleFileRule, group: { name: string; labels: Record<string, string> }, path: string, ctx: CompileContext): AlertRule {
  const base = {
    name: rule.name,
    group: group.name,
    selector: compileSelector(rule, path, ctx),
    forMs: ctx.duration(rule.for, ruleFileDefaults.for, `${path}.for`),
    keepFiringForMs: ctx.duration(rule.keep_firing_for, ruleFileDefaults.keep_firing_for, `${path}.keep_firing_for`),
    severity: rule.severity ?? ruleFileDefaults.severity,
    labels: { ...group.labels, ...compileLabels(rule.labels, `${path}.labels`, ctx) },
    annotations: compileAnnotations(rule, path, ctx),
  };
  switch (rule.kind) {
    case 'threshold':
      return { ...base, kind: 'threshold', threshold: { op: rule.threshold.op, value: rule.threshold.value } };
    case 'rate_of_change': {
      const r = rule.rate_of_change;
      const windowMs = ctx.duration(r.window, '0s', `${path}.rate_of_change.window`);
      if (windowMs <= 0) ctx.report(`${path}.rate_of_change.window`, 'must be longer than 0');
      const perMs = r.per === undefined ? windowMs : ctx.duration(r.per, '0s', `${path}.rate_of_change.per`);
      if (r.per !== undefined && perMs <= 0) ctx.report(`${path}.rate_of_change.per`, 'must be longer than 0');
      return {
        ...base,
        kind: 'rate_of_change',
        rateOfChange: { windowMs, perMs, unit: r.unit ?? ruleFileDefaults.rate_of_change_unit, op: r.op, value: r.value },
      };
    }
    case 'anomaly':
      return {
        ...base,
        kind: 'anomaly',
        anomaly: { minScore: rule.anomaly.min_score, direction: rule.anomaly.direction ?? ruleFileDefaults.anomaly_direction },
      };
    case 'absent': {
      const windowMs = ctx.duration(rule.absent?.window, ruleFileDefaults.absent_window, `${path}.absent.window`);
      if (windowMs <= 0) ctx.report(`${path}.absent.window`, 'must be longer than 0');
      return { ...base, kind: 'absent', absent: { windowMs } };
    }
  }
}

/** The file's alert rules in declaration order; problems go to `ctx`. */
export function compileRules(file: RuleFile, maxRules: number, ctx: CompileContext): AlertRule[] {
  const rules: AlertRule[] = [];
  const groupNames = new Map<string, string>();
  const ruleNames = new Map<string, string>();
  (file.groups ?? []).forEach((group, g) => {
    const groupPath = `groups.${g}`;
    const firstGroup = groupNames.get(group.name);
    if (firstGroup !== undefined) ctx.report(`${groupPath}.name`, `duplicate group name ${JSON.stringify(group.name)} (first at ${firstGroup})`);
    else groupNames.set(group.name, `${groupPath}.name`);
    const labels = compileLabels(group.labels, `${groupPath}.labels`, ctx);
    group.rules.forEach((rule, r) => {
      const path = `${groupPath}.rules.${r}`;
      const first = ruleNames.get(rule.name);
      // Names are unique in the file: the name is the alertname, and two rules sharing it would
      // produce alerts with the same fingerprint.
      if (first !== undefined) ctx.report(`${path}.name`, `duplicate rule name ${JSON.stringify(rule.name)} (first at ${first})`);
      else ruleNames.set(rule.name, `${path}.name`);
      rules.push(compileRule(rule, { name: group.name, labels }, path, ctx));
    });
  });
  if (rules.length > maxRules) ctx.report('groups', `declares ${rules.length} rules; at most ${maxRules} are allowed`);
  return rules;
}
