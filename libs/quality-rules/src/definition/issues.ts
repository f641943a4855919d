import type { RuleSetIssue } from '../types.js';

export type PathSegment = string | number;

/** `['rules', 2, 'max']` → `/rules/2/max` (RFC 6901). */
export function toPointer(segments: readonly PathSegment[]): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** `/rules/2/max` → `['rules', 2, 'max']`; numeric segments become numbers. */
export function fromPointer(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/**
 * Collects the reasons a rule set is refused. An issue under `/rules/<i>` is labelled with that
 * rule's id and the record field it is about, read from the input as given (even when the rule is
 * otherwise malformed), because "rule amount-range (amount)" is what a person looks for.
 */
export class IssueCollector {
  readonly issues: RuleSetIssue[] = [];
  readonly #rules: readonly unknown[];
  readonly #basePath: string;
  /** Indexes of rules with at least one issue. */
  readonly faulty = new Set<number>();
  /** Names of lookups with at least one issue. */
  readonly faultyLookups = new Set<string>();

  constructor(input: unknown, basePath: string) {
    const rules = (input as { rules?: unknown } | null)?.rules;
    this.#rules = Array.isArray(rules) ? rules : [];
    this.#basePath = basePath;
  }

  /** An issue at `segments` (relative to the rule set); `field` overrides the rule's own field. */
  add(segments: readonly PathSegment[], message: string, field?: string): void {
    const path = this.#basePath + toPointer(segments);
    if (this.issues.some((i) => i.path === path && i.message === message)) return;
    const index = segments[0] === 'rules' && typeof segments[1] === 'number' ? segments[1] : undefined;
    const rule = index === undefined ? undefined : this.#rules[index];
    if (index !== undefined) this.faulty.add(index);
    if (segments[0] === 'lookups' && typeof segments[1] === 'string') this.faultyLookups.add(segments[1]);
    const ruleId = readString(rule, 'id');
    const about = field ?? ruleField(rule);
    this.issues.push({
      ...(ruleId === undefined ? {} : { ruleId }),
      path,
      ...(about === undefined ? {} : { field: about }),
      message,
    });
  }

  /** Reports at a path inside rule `index`. */
  forRule(index: number): (at: readonly PathSegment[], message: string, field?: string) => void {
    return (at, message, field) => this.add(['rules', index, ...at], message, field);
  }

  get empty(): boolean {
    return this.issues.length === 0;
  }
}

function readString(value: unknown, key: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

/** The record field a rule is about: `field`, `left` (compare), or the `fields` of a unique key. */
function ruleField(rule: unknown): string | undefined {
  const direct = readString(rule, 'field') ?? readString(rule, 'left');
  if (direct !== undefined) return direct;
  const fields = rule !== null && typeof rule === 'object' ? (rule as { fields?: unknown }).fields : undefined;
  if (Array.isArray(fields) && fields.length > 0 && fields.every((f) => typeof f === 'string')) return fields.join(',');
  return undefined;
}
