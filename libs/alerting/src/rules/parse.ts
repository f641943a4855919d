import { LineCounter, type Node, parseDocument } from 'yaml';
import { DestinationAllowList } from '../destinations/index.js';
import { type AlertingIssue, invalid } from '../errors.js';
import { zodIssues } from '../validate-options.js';
import { CompileContext } from './compile-context.js';
import { compileRules } from './compile-rules.js';
import { compileInhibitRules, compileReceivers, compileRootRoute } from './compile-routing.js';
import { type AlertingConfigOptions, resolveAlertingConfigOptions } from './options.js';
import { ruleFileSchema } from './schema.js';
import type { AlertingConfig } from './types.js';

type LineOf = (path: string) => number | undefined;

function validate(value: unknown, options: Partial<AlertingConfigOptions>, lineOf: LineOf | undefined): AlertingConfig {
  const resolved = resolveAlertingConfigOptions(options);
  const allowList = new DestinationAllowList(resolved.allowedDestinations);
  const withLines = (issues: readonly AlertingIssue[]) =>
    issues.map((issue) => {
      const line = lineOf?.(issue.path);
      return line === undefined ? issue : { ...issue, line };
    });
  const parsed = ruleFileSchema.safeParse(value ?? {});
  if (!parsed.success) throw invalid('TRIB_ALERT_RULES_INVALID', 'alerting rule file', withLines(zodIssues(parsed.error)));
  const file = parsed.data;
  const ctx = new CompileContext(resolved);
  const rules = compileRules(file, resolved.maxRules, ctx);
  const inhibitRules = compileInhibitRules(file, ctx);
  const receivers = compileReceivers(file, allowList, ctx);
  const route = compileRootRoute(file, receivers, ctx);
  if (ctx.issues.length > 0) throw invalid('TRIB_ALERT_RULES_INVALID', 'alerting rule file', withLines(ctx.issues));
  return Object.freeze({ rules, inhibitRules, route, receivers });
}

/**
 * Validates an already-parsed rule file (e.g. a JSON body CPM received) and compiles it. Throws
 * TRIB_ALERT_RULES_INVALID with one issue per offending field, each naming its path
 * (`groups.0.rules.2.threshold.value`) and why; destinations off the allow-list are among them.
 */
export function loadAlertingConfig(value: unknown, options: Partial<AlertingConfigOptions> = {}): AlertingConfig {
  return validate(value, options, undefined);
}

/**
 * Parses a rule file written in YAML or JSON (JSON is YAML) and compiles it. Issues carry the line
 * of the offending node as well as its path. Duplicate keys and more than 100 aliases are refused.
 */
export function parseAlertingConfig(text: string, options: Partial<AlertingConfigOptions> = {}): AlertingConfig {
  const { maxFileBytes } = resolveAlertingConfigOptions(options);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxFileBytes) {
    throw invalid('TRIB_ALERT_RULES_INVALID', 'alerting rule file', [{ path: '', message: `is ${bytes} bytes; at most ${maxFileBytes} are read` }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({ path: '', message: `not valid YAML/JSON: ${e.message.split('\n')[0] ?? e.code}`, line: e.linePos?.[0].line }));
    throw invalid('TRIB_ALERT_RULES_INVALID', 'alerting rule file', issues);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw invalid('TRIB_ALERT_RULES_INVALID', 'alerting rule file', [{ path: '', message: `not valid YAML/JSON: ${String((err as Error).message)}` }]);
  }
  const lineOf: LineOf = (path) => {
    const segments: (string | number)[] = path === '' ? [] : path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    // The deepest node that exists on the path: a missing field is reported at its parent.
    for (let n = segments.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true)) as Node | null | undefined;
      const offset = node?.range?.[0];
      if (offset !== undefined) return lineCounter.linePos(offset).line;
    }
    return undefined;
  };
  return validate(value, options, lineOf);
}
