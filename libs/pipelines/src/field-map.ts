import type { FieldDeclaration } from './types.js';

/** The fields a stage sees, in record order, by name. Each stage's planner derives the next one. */
export type FieldMap = Map<string, FieldDeclaration>;

export function toFieldMap(fields: readonly FieldDeclaration[]): FieldMap {
  return new Map(fields.map((f) => [f.name, f]));
}

/** The declarations as an output schema lists them: `nullable` always spelled out, no `default: undefined`. */
export function toDeclarations(fields: FieldMap): FieldDeclaration[] {
  return [...fields.values()].map((f) => {
    const out: { -readonly [K in keyof FieldDeclaration]: FieldDeclaration[K] } = {
      name: f.name,
      type: f.type,
      nullable: f.nullable === true,
    };
    if (f.default !== undefined) out.default = f.default;
    if (f.doc !== undefined) out.doc = f.doc;
    return out;
  });
}

/** "unknown field "x" (fields here: a, b, c)": what a person needs to fix a typo. */
export function unknownField(name: string, fields: FieldMap): string {
  return `unknown field "${name}" (fields here: ${fieldList([...fields.keys()])})`;
}

/** At most 12 names, so a message about a 200-field record stays readable. */
export function fieldList(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, …` : names.join(', ');
}
