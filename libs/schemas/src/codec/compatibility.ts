/**
 * BACKWARD_TRANSITIVE, explained. avsc decides whether a reader schema can read a writer's data
 * (`reader.createResolver(writer)` throws when it cannot) but its messages do not name the field
 * ("cannot read \"string\" as \"int\""). This module asks avsc for the verdict and then walks both
 * schemas, asking avsc again at each level, to find the deepest field that breaks and why.
 */
import type { Type, types } from 'avsc';
import { type CompatibilityViolation, SchemaIncompatibleError } from '../errors.js';
import { SUBJECT_COMPATIBILITY } from './options.js';
import type { RegisteredVersion } from './types.js';

export interface Incompatibility {
  /** Dotted path of the field ("amount", "inner.y", "stages[].count", "labels{}"); undefined for the root. */
  readonly field: string | undefined;
  readonly violation: CompatibilityViolation;
  /** What breaks, as a sentence fragment ("field 'id' changed type from string to int"). */
  readonly explanation: string;
}

/** Why `reader` cannot read data written with `writer`, or undefined when it can. */
export function findIncompatibility(reader: Type, writer: Type): Incompatibility | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return (
      explain(reader, writer, undefined) ?? {
        field: undefined,
        violation: 'other',
        explanation: `the schema cannot read the old one (${(err as Error).message})`,
      }
    );
  }
}

/**
 * Throws SchemaIncompatibleError unless `candidate` can read data written with every one of
 * `versions` (BACKWARD_TRANSITIVE: history is replayed, so no old version may become unreadable).
 */
export function assertReadsEveryVersion(subject: string, candidate: Type, versions: readonly RegisteredVersion[]): void {
  for (const v of versions) {
    const issue = findIncompatibility(candidate, v.type);
    if (issue) {
      throw new SchemaIncompatibleError(incompatibilityMessage(subject, `version ${v.version}`, issue), {
        subject,
        field: issue.field,
        rule: SUBJECT_COMPATIBILITY,
        violation: issue.violation,
        version: v.version,
      });
    }
  }
}

/** "<subject>: <explanation>, so records written with <writtenWith> cannot be read (BACKWARD_TRANSITIVE)". */
export function incompatibilityMessage(subject: string, writtenWith: string, issue: Incompatibility): string {
  return `${subject}: ${issue.explanation}, so records written with ${writtenWith} cannot be read (${SUBJECT_COMPATIBILITY})`;
}

function canRead(reader: Type, writer: Type): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}

function explain(reader: Type, writer: Type, path: string | undefined): Incompatibility | undefined {
  if (canRead(reader, writer)) return undefined;

  if (isUnion(writer)) {
    // Every branch the writer could have used must stay readable.
    const branch = branches(writer).find((b) => !canRead(reader, b));
    if (!branch) return undefined;
    const inner = explain(reader, branch, path);
    return inner && !(inner.violation === 'type-changed' && inner.field === path) ? inner : typeChanged(path, writer, reader);
  }
  if (isUnion(reader)) {
    // Some branch must read the writer's type; explain with the branch of the same kind, if any.
    const sameKind = branches(reader).find((b) => b.typeName === writer.typeName);
    return (sameKind && explain(sameKind, writer, path)) ?? typeChanged(path, writer, reader);
  }
  if (isRecord(reader) && isRecord(writer)) return explainRecord(reader, writer, path);
  if (reader.typeName !== writer.typeName) return typeChanged(path, writer, reader);
  if (reader.typeName === 'enum') return explainEnum(reader as types.EnumType, writer as types.EnumType, path);
  if (reader.typeName === 'array') {
    return explain((reader as types.ArrayType).itemsType, (writer as types.ArrayType).itemsType, join(path, '[]'));
  }
  if (reader.typeName === 'map') {
    return explain((reader as types.MapType).valuesType as Type, (writer as types.MapType).valuesType as Type, join(path, '{}'));
  }
  if (reader.typeName === 'fixed') {
    if (!sameName(reader, writer)) return renamed(path, writer, reader);
    const [r, w] = [(reader as types.FixedType).size, (writer as types.FixedType).size];
    return violation(path, 'fixed-size-changed', `${where(path)} changed fixed size from ${w} to ${r}`);
  }
  return typeChanged(path, writer, reader);
}

function explainRecord(reader: types.RecordType, writer: types.RecordType, path: string | undefined): Incompatibility | undefined {
  if (!sameName(reader, writer)) return renamed(path, writer, reader);
  const writerFields = new Map(writer.fields.map((f) => [f.name, f]));
  for (const field of reader.fields) {
    const fieldPath = join(path, field.name);
    const match = [field.name, ...field.aliases].map((n) => writerFields.get(n)).find((f) => f !== undefined);
    if (!match) {
      if (field.defaultValue() === undefined) {
        return violation(fieldPath, 'field-added-without-default', `field '${fieldPath}' was added without a default`);
      }
      continue;
    }
    const inner = explain(field.type, match.type, fieldPath);
    if (inner) return inner;
  }
  return undefined;
}

function explainEnum(reader: types.EnumType, writer: types.EnumType, path: string | undefined): Incompatibility | undefined {
  if (!sameName(reader, writer)) return renamed(path, writer, reader);
  const dropped = writer.symbols.filter((s) => !reader.symbols.includes(s));
  const hasDefault = (reader as types.EnumType & { default?: string }).default !== undefined;
  if (dropped.length === 0 || hasDefault) return undefined;
  const list = dropped.map((s) => `'${s}'`).join(', ');
  return violation(path, 'enum-symbol-removed', `${where(path)} (enum ${reader.name}) dropped symbol(s) ${list} and the enum has no default`);
}

function typeChanged(path: string | undefined, writer: Type, reader: Type): Incompatibility {
  return violation(path, 'type-changed', `${where(path)} changed type from ${describe(writer)} to ${describe(reader)}`);
}

function renamed(path: string | undefined, writer: Type, reader: Type): Incompatibility {
  return violation(path, 'name-changed', `${where(path)} was renamed from ${writer.name} to ${reader.name} without an alias`);
}

function violation(field: string | undefined, kind: CompatibilityViolation, explanation: string): Incompatibility {
  return { field, violation: kind, explanation };
}

function where(path: string | undefined): string {
  return path === undefined ? 'the record' : `field '${path}'`;
}

/** A readable name for a type: "string", "tributary.x.Foo", "array<long>", "union[null, string]". */
export function describe(type: Type): string {
  if (isUnion(type)) return `union[${branches(type).map(describe).join(', ')}]`;
  if (type.typeName === 'array') return `array<${describe((type as types.ArrayType).itemsType)}>`;
  if (type.typeName === 'map') return `map<${describe((type as types.MapType).valuesType as Type)}>`;
  return type.name ?? type.typeName;
}

function join(path: string | undefined, segment: string): string {
  if (path === undefined) return segment;
  return segment.startsWith('[') || segment.startsWith('{') ? `${path}${segment}` : `${path}.${segment}`;
}

function sameName(reader: Type, writer: Type): boolean {
  return writer.name === undefined || reader.name === writer.name || (reader.aliases ?? []).includes(writer.name);
}

function isUnion(type: Type): boolean {
  return type.typeName.startsWith('union');
}

function isRecord(type: Type): type is types.RecordType {
  return type.typeName === 'record' || type.typeName === 'error';
}

function branches(type: Type): Type[] {
  return (type as types.UnwrappedUnionType).types;
}
