import { AlertingError, compileMatcher, formatMatcher, parseAlertingConfig, parseDuration, parseMatcher, silenceStoreDefaults } from '@tributary/alerting';
import type { Request } from 'express';
import { CpmHttpError } from '../errors.js';

const DAY = 24 * 3_600_000;
/** Longest silence, and how far ahead one may start. */
export const MAX_SILENCE_MS = 90 * DAY;
export const MAX_MATCHERS = 20;
export const MAX_MATCHER_LENGTH = 1_024;
/** Longest note (acknowledgement) and comment (silence), in characters. */
export const MAX_TEXT_LENGTH = 2_000;

interface Issue {
  path: string;
  message: string;
  matcher?: string;
}

const objectOf = (body: unknown): Record<string, unknown> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'the body must be a JSON object', {});
  return body as Record<string, unknown>;
};

/** `{ "note": "…" }` of an acknowledgement (or no body): optional, 1-2,000 characters, not blank; no other field. */
export function noteFromBody(body: unknown): string | null {
  const fields = objectOf(body ?? {});
  const unknown = Object.keys(fields).filter((k) => k !== 'note');
  if (unknown.length > 0) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', `unknown field ${JSON.stringify(unknown[0])}; only note is accepted`, { fields: unknown });
  const note = fields.note;
  if (note === undefined || note === null) return null;
  if (typeof note !== 'string' || note.trim() === '' || note.length > MAX_TEXT_LENGTH) {
    throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', `note must be a string of 1-${MAX_TEXT_LENGTH} characters, not blank`, { field: 'note' });
  }
  return note;
}

export interface SilenceRequest {
  /** Canonical text (`name="value"`), one per matcher. */
  matchers: string[];
  startsAt: number;
  endsAt: number;
  comment: string;
}

const SILENCE_FIELDS = new Set(['matchers', 'startsAt', 'endsAt', 'duration', 'comment']);

function timeField(fields: Record<string, unknown>, name: string, issues: Issue[]): number | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' && value.length <= 40 ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) issues.push({ path: name, message: 'must be an ISO-8601 time' });
  return Number.isNaN(ms) ? undefined : ms;
}

function matchersOf(value: unknown, issues: Issue[]): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_MATCHERS) {
    issues.push({ path: 'matchers', message: `must be an array of 1-${MAX_MATCHERS} matchers like service="processor"` });
    return [];
  }
  const canonical: string[] = [];
  const compiled: { matches(labels: Record<string, string>): boolean }[] = [];
  value.forEach((text: unknown, i) => {
    const path = `matchers.${i}`;
    if (typeof text !== 'string' || text.length === 0 || text.length > MAX_MATCHER_LENGTH) {
      issues.push({ path, message: `must be a matcher text of 1-${MAX_MATCHER_LENGTH} characters` });
      return;
    }
    const parsed = parseMatcher(text);
    if (!parsed.ok) {
      issues.push({ path, matcher: text, message: parsed.message });
      return;
    }
    // The manager's silence store compiles regexes with these limits (RE2, anchored): refuse here what it would refuse.
    const matcher = compileMatcher(parsed.value, silenceStoreDefaults);
    if (!matcher.ok) {
      issues.push({ path, matcher: text, message: matcher.message });
      return;
    }
    canonical.push(formatMatcher(parsed.value));
    compiled.push(matcher.value);
  });
  if (compiled.length === value.length && compiled.every((m) => m.matches({}))) {
    issues.push({ path: 'matchers', message: 'every matcher matches an empty label set, so the silence would mute every alert' });
  }
  return canonical;
}

/**
 * A silence to create: `{ matchers, startsAt?, endsAt | duration, comment }`. A start in the past
 * (or none) is now, as Alertmanager's API does. Every problem is reported at once (400
 * TRIB_ALERT_SILENCE_INVALID, `details.issues` with path, message and the matcher text).
 */
export function silenceFromBody(body: unknown, now: number): SilenceRequest {
  const fields = objectOf(body);
  const issues: Issue[] = [];
  for (const key of Object.keys(fields)) if (!SILENCE_FIELDS.has(key)) issues.push({ path: key, message: 'unknown field' });
  const matchers = matchersOf(fields.matchers, issues);
  const comment = fields.comment;
  if (typeof comment !== 'string' || comment.trim() === '' || comment.length > MAX_TEXT_LENGTH) {
    issues.push({ path: 'comment', message: `say why, in 1-${MAX_TEXT_LENGTH} characters (a ticket, a maintenance window)` });
  }
  const startsAt = Math.max(now, timeField(fields, 'startsAt', issues) ?? now);
  if (startsAt - now > MAX_SILENCE_MS) issues.push({ path: 'startsAt', message: 'is more than 90 days ahead' });
  let endsAt = timeField(fields, 'endsAt', issues);
  const duration = fields.duration;
  if (duration !== undefined && duration !== null) {
    const ms = typeof duration === 'string' ? parseDuration(duration) : undefined;
    if (endsAt !== undefined || fields.endsAt !== undefined) issues.push({ path: 'duration', message: 'give endsAt or duration, not both' });
    else if (ms === undefined || ms <= 0) issues.push({ path: 'duration', message: 'must be a duration like 30m, 2h or 1d' });
    else endsAt = startsAt + ms;
  } else if (endsAt === undefined && fields.endsAt === undefined) {
    issues.push({ path: 'endsAt', message: 'give endsAt (ISO-8601) or duration (e.g. 2h)' });
  }
  if (endsAt !== undefined) {
    if (endsAt <= startsAt) issues.push({ path: 'endsAt', message: 'must be after startsAt (and after now)' });
    else if (endsAt - startsAt > MAX_SILENCE_MS) issues.push({ path: 'endsAt', message: 'a silence lasts at most 90 days' });
  }
  if (issues.length > 0 || endsAt === undefined) {
    throw new CpmHttpError(400, 'TRIB_ALERT_SILENCE_INVALID', `invalid silence: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  return { matchers, startsAt, endsAt, comment: (comment as string).trim() };
}

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/**
 * The alert rule file of a PUT: YAML or JSON text (`application/yaml`, `text/yaml`,
 * `application/json`; none or `text/plain`: the text decides), validated with the manager's own
 * parser and allow-list. 400 TRIB_ALERT_RULES_INVALID with every issue (path, line, message).
 */
export function alertRulesFromBody(req: Request, allowedDestinations: readonly string[]): { text: string; ruleNames: string[] } {
  const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && type !== 'text/plain' && type !== 'application/json' && !type.endsWith('+json') && !YAML_TYPES.includes(type)) {
    throw new CpmHttpError(415, 'TRIB_UNSUPPORTED_MEDIA_TYPE', `an alert rule file is YAML (application/yaml, text/yaml) or JSON (application/json), not ${type}`, { contentType: type });
  }
  const text = typeof req.body === 'string' ? req.body : '';
  if (text.trim() === '') {
    throw new CpmHttpError(400, 'TRIB_ALERT_RULES_INVALID', 'the body is empty: send the alert rule file', { issues: [{ path: '', message: 'empty body' }] });
  }
  try {
    const config = parseAlertingConfig(text, { allowedDestinations });
    return { text, ruleNames: config.rules.map((r) => r.name) };
  } catch (err) {
    if (err instanceof AlertingError && err.code === 'TRIB_ALERT_RULES_INVALID') {
      const issues = err.issues.map((i) => ({ path: i.path, line: i.line ?? null, message: i.message }));
      throw new CpmHttpError(400, 'TRIB_ALERT_RULES_INVALID', err.message, { issues }, { cause: err });
    }
    throw err;
  }
}

/** `If-Match: "<version>"` (also `W/"3"` or `3`); undefined when absent or `*`. Anything else is a 400. */
export function expectedRulesVersion(req: Request): number | undefined {
  const header = req.get('if-match')?.trim();
  if (header === undefined || header === '' || header === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header);
  if (!match?.[1]) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'If-Match must be the alert rules version, e.g. If-Match: "3"', { ifMatch: header });
  return Number(match[1]);
}
