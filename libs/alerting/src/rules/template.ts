import type { Labels } from '../labels/index.js';
import { isLabelName, type Outcome } from '../labels/index.js';

type TemplatePart = { readonly text: string } | { readonly label: string } | { readonly value: true };

/**
 * An annotation with `{{ $labels.<name> }}` and `{{ $value }}` placeholders, parsed once. This is
 * substitution, not a template language: nothing in the text is ever evaluated.
 */
export interface AnnotationTemplate {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  readonly usesValue: boolean;
}

const HINT = 'only {{ $labels.<name> }} and {{ $value }} are supported';

export function parseTemplate(source: string): Outcome<AnnotationTemplate> {
  const parts: TemplatePart[] = [];
  let usesValue = false;
  let position = 0;
  while (position < source.length) {
    const open = source.indexOf('{{', position);
    if (open === -1) {
      parts.push({ text: source.slice(position) });
      break;
    }
    if (open > position) parts.push({ text: source.slice(position, open) });
    const close = source.indexOf('}}', open + 2);
    if (close === -1) return { ok: false, message: `unclosed {{ at character ${open + 1}` };
    const expression = source.slice(open + 2, close).trim();
    if (expression === '$value') {
      parts.push({ value: true });
      usesValue = true;
    } else if (expression.startsWith('$labels.') && isLabelName(expression.slice('$labels.'.length))) {
      parts.push({ label: expression.slice('$labels.'.length) });
    } else {
      return { ok: false, message: `{{ ${expression} }} is not a placeholder: ${HINT}` };
    }
    position = close + 2;
  }
  return { ok: true, value: { source, parts, usesValue } };
}

/** A missing label renders empty; a null value (absence alerts) renders empty. */
export function renderTemplate(template: AnnotationTemplate, labels: Labels, value: number | null): string {
  let out = '';
  for (const part of template.parts) {
    if ('text' in part) out += part.text;
    else if ('label' in part) out += labels[part.label] ?? '';
    else out += value === null ? '' : String(value);
  }
  return out;
}

export function renderAnnotations(
  templates: Readonly<Record<string, AnnotationTemplate>>,
  labels: Labels,
  value: number | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(templates)) out[name] = renderTemplate(template, labels, value);
  return out;
}
