import { type DestinationAllowList, redactUrl } from '../destinations/index.js';
import { formatMatcher } from '../labels/index.js';
import type { CompileContext } from './compile-context.js';
import { ruleFileDefaults } from './options.js';
import type { RuleFile, RuleFileReceiver, RuleFileRoute } from './schema.js';
import type { InhibitRule, NotificationChannel, Receiver, Route } from './types.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Set by fetch itself, or would let a rule file smuggle requests to other hosts. */
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'content-type', 'connection', 'transfer-encoding']);

export function compileInhibitRules(file: RuleFile, ctx: CompileContext): InhibitRule[] {
  return (file.inhibit_rules ?? []).map((rule, index) => {
    const path = `inhibit_rules.${index}`;
    return {
      sourceMatchers: ctx.matchers(rule.source_matchers, `${path}.source_matchers`),
      targetMatchers: ctx.matchers(rule.target_matchers, `${path}.target_matchers`),
      equal: ctx.labelNames(rule.equal, `${path}.equal`),
    };
  });
}

function destination(url: string, path: string, allowList: DestinationAllowList, ctx: CompileContext): string {
  const checked = allowList.check(url);
  // The URL is a secret (Slack's is its own credential): messages show its origin only.
  if (!checked.ok) ctx.report(path, `destination ${redactUrl(url)} ${checked.reason}`);
  return url;
}

function compileReceiver(raw: RuleFileReceiver, path: string, allowList: DestinationAllowList, ctx: CompileContext): Receiver {
  const channels: NotificationChannel[] = [];
  (raw.webhook_configs ?? []).forEach((c, i) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(c.headers ?? {})) {
      const where = `${path}.webhook_configs.${i}.headers`;
      if (!HEADER_NAME.test(name)) ctx.report(where, `${JSON.stringify(name)} is not an HTTP header name`);
      else if (FORBIDDEN_HEADERS.has(name.toLowerCase())) ctx.report(`${where}.${name}`, 'is set by the notifier and cannot be overridden');
      else headers[name] = value;
    }
    channels.push({
      type: 'webhook',
      key: `${raw.name}/webhook/${i}`,
      url: destination(c.url, `${path}.webhook_configs.${i}.url`, allowList, ctx),
      headers,
      sendResolved: c.send_resolved ?? ruleFileDefaults.webhook.send_resolved,
      maxAlerts: c.max_alerts ?? ruleFileDefaults.webhook.max_alerts,
    });
  });
  (raw.slack_configs ?? []).forEach((c, i) => {
    channels.push({
      type: 'slack',
      key: `${raw.name}/slack/${i}`,
      url: destination(c.api_url, `${path}.slack_configs.${i}.api_url`, allowList, ctx),
      sendResolved: c.send_resolved ?? ruleFileDefaults.slack.send_resolved,
      maxAlerts: c.max_alerts ?? ruleFileDefaults.slack.max_alerts,
    });
  });
  (raw.log_configs ?? []).forEach((c, i) => {
    channels.push({
      type: 'log',
      key: `${raw.name}/log/${i}`,
      level: c.level ?? ruleFileDefaults.log.level,
      sendResolved: c.send_resolved ?? ruleFileDefaults.log.send_resolved,
      maxAlerts: c.max_alerts ?? ruleFileDefaults.log.max_alerts,
    });
  });
  return { name: raw.name, channels };
}

export function compileReceivers(file: RuleFile, allowList: DestinationAllowList, ctx: CompileContext): Map<string, Receiver> {
  const receivers = new Map<string, Receiver>();
  (file.receivers ?? []).forEach((raw, index) => {
    const path = `receivers.${index}`;
    if (receivers.has(raw.name)) ctx.report(`${path}.name`, `duplicate receiver name ${JSON.stringify(raw.name)}`);
    else receivers.set(raw.name, compileReceiver(raw, path, allowList, ctx));
  });
  return receivers;
}

function groupBy(raw: readonly string[] | undefined, inherited: Route['groupBy'], path: string, ctx: CompileContext): Route['groupBy'] {
  if (raw === undefined) return inherited;
  if (raw.includes('...')) {
    if (raw.length > 1) ctx.report(path, "'...' (group by every label) cannot be combined with label names");
    return 'all';
  }
  return ctx.labelNames(raw, path);
}

function compileRoute(
  raw: RuleFileRoute,
  parent: Route | undefined,
  id: string,
  path: string,
  receivers: ReadonlyMap<string, Receiver>,
  ctx: CompileContext,
): Route {
  const defaults = ruleFileDefaults.route;
  const receiver = raw.receiver ?? parent?.receiver ?? '';
  if (raw.receiver !== undefined && !receivers.has(raw.receiver)) ctx.report(`${path}.receiver`, `unknown receiver ${JSON.stringify(raw.receiver)}`);
  const time = (value: string | 0 | undefined, inherited: number | undefined, fallback: string, field: string) =>
    value === undefined && inherited !== undefined ? inherited : ctx.duration(value, fallback, `${path}.${field}`);
  const groupIntervalMs = time(raw.group_interval, parent?.groupIntervalMs, defaults.group_interval, 'group_interval');
  const repeatIntervalMs = time(raw.repeat_interval, parent?.repeatIntervalMs, defaults.repeat_interval, 'repeat_interval');
  if (raw.group_interval !== undefined && groupIntervalMs <= 0) ctx.report(`${path}.group_interval`, 'must be longer than 0');
  if (raw.repeat_interval !== undefined && repeatIntervalMs <= 0) ctx.report(`${path}.repeat_interval`, 'must be longer than 0');
  const route: Route = {
    id,
    receiver,
    matchers: ctx.matchers(raw.matchers, `${path}.matchers`),
    groupBy: groupBy(raw.group_by, parent?.groupBy ?? [...defaults.group_by], `${path}.group_by`, ctx),
    groupWaitMs: time(raw.group_wait, parent?.groupWaitMs, defaults.group_wait, 'group_wait'),
    groupIntervalMs,
    repeatIntervalMs,
    continue: raw.continue ?? false,
    routes: [],
  };
  const seen = new Map<string, number>();
  const children = (raw.routes ?? []).map((child, index) => {
    const key = `{${(child.matchers ?? []).map((m) => (typeof m === 'string' ? m.trim() : formatMatcher(m))).join(',')}}`;
    // Siblings with the same matchers get distinct ids, so their groups never merge.
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return compileRoute(child, route, `${id}/${key}${count > 0 ? `#${count}` : ''}`, `${path}.routes.${index}`, receivers, ctx);
  });
  return { ...route, routes: children };
}

export function compileRootRoute(file: RuleFile, receivers: ReadonlyMap<string, Receiver>, ctx: CompileContext): Route | undefined {
  if (file.route === undefined) {
    if ((file.receivers ?? []).length > 0) ctx.report('route', 'is required when receivers are declared (it says which alerts go where)');
    return undefined;
  }
  if (file.route.receiver === undefined) ctx.report('route.receiver', 'the root route must name a receiver (the default for every alert)');
  if ((file.route.matchers ?? []).length > 0) ctx.report('route.matchers', 'the root route matches every alert and cannot have matchers');
  if (file.route.continue !== undefined) ctx.report('route.continue', 'the root route cannot have continue');
  return compileRoute(file.route, undefined, '{}', 'route', receivers, ctx);
}
