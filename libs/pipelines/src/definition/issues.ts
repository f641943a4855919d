import type { DefinitionIssue } from '../types.js';

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['stages', 2, 'fields', 'total']` → `/stages/2/fields/total` (RFC 6901). */
export function toPointer(segments: readonly PathSegment[]): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** `['stages', 2, 'fields', 'total']` → `stages[2].fields.total`, the form people read in messages. */
export function toDotted(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** `/stages/2/fields/total` → `['stages', 2, 'fields', 'total']`; numeric segments become numbers. */
export function fromPointer(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** Collects the reasons a definition is refused, each with both path forms. */
export class IssueList {
  readonly issues: DefinitionIssue[] = [];

  add(segments: readonly PathSegment[], message: string): void {
    const path = toPointer(segments);
    // The same fault reached twice (e.g. by two rules) reads as noise: keep one.
    if (this.issues.some((i) => i.path === path && i.message === message)) return;
    this.issues.push({ path, field: toDotted(segments), message });
  }

  get empty(): boolean {
    return this.issues.length === 0;
  }
}
