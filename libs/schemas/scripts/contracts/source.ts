/**
 * Reading the contract sources: every `schemas/<domain>/<Name>.avsc` under the repository root,
 * in a stable order (by path) so that generation is deterministic.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The repository root, from this file's place in libs/schemas/scripts/contracts. */
export const repoRoot = path.resolve(import.meta.dirname, '../../../..');
/** Where the .avsc files live. */
export const schemasDir = path.join(repoRoot, 'schemas');
/** The generated TypeScript module. */
export const generatedFile = path.join(repoRoot, 'libs/schemas/src/contracts/generated.ts');
/** The package door, which holds a generated block of export lines. */
export const indexFile = path.join(repoRoot, 'libs/schemas/src/index.ts');

/** JSON as it comes out of JSON.parse. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface SchemaFile {
  /** Path relative to schemas/, with "/" separators (e.g. "pipeline/PipelineCreated.avsc"). */
  readonly relativePath: string;
  /** The parsed file. */
  readonly schema: Json;
}

export function readSchemaFiles(dir: string = schemasDir): SchemaFile[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.avsc')) found.push(full);
    }
  };
  walk(dir);
  // Compare as plain strings, not with localeCompare: the order must not depend on the machine's locale.
  const relative = found.map((f) => path.relative(dir, f).split(path.sep).join('/')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return relative.map((relativePath) => {
    const text = fs.readFileSync(path.join(dir, relativePath), 'utf8');
    try {
      return { relativePath, schema: JSON.parse(text) as Json };
    } catch (err) {
      throw new Error(`schemas/${relativePath}: not valid JSON (${(err as Error).message})`, { cause: err });
    }
  });
}

/** A named type (record, enum, fixed) defined somewhere in a schema, with its fully qualified name. */
export interface NamedDefinition {
  readonly fullName: string;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly kind: 'record' | 'enum' | 'fixed';
  readonly definition: { [key: string]: Json };
}

const NAMED_KINDS = new Set(['record', 'error', 'enum', 'fixed']);

/**
 * Every named type defined inline in `schema` (the root first), following Avro's namespace rules: a
 * name with a dot is already qualified, otherwise it takes the namespace of its own declaration or of
 * the nearest enclosing named type.
 */
export function namedDefinitions(schema: Json): NamedDefinition[] {
  const out: NamedDefinition[] = [];
  const visit = (node: Json, enclosingNamespace: string | undefined): void => {
    if (Array.isArray(node)) {
      for (const branch of node) visit(branch, enclosingNamespace);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const type = node.type;
    if (typeof type === 'string' && NAMED_KINDS.has(type) && typeof node.name === 'string') {
      const declared = typeof node.namespace === 'string' ? node.namespace : enclosingNamespace;
      const dot = node.name.lastIndexOf('.');
      const namespace = dot >= 0 ? node.name.slice(0, dot) : declared;
      const name = dot >= 0 ? node.name.slice(dot + 1) : node.name;
      out.push({
        fullName: namespace ? `${namespace}.${name}` : name,
        namespace,
        name,
        kind: type === 'enum' ? 'enum' : type === 'fixed' ? 'fixed' : 'record',
        definition: node,
      });
      if (Array.isArray(node.fields)) {
        for (const field of node.fields) {
          if (field !== null && typeof field === 'object' && !Array.isArray(field)) visit(field.type ?? null, namespace);
        }
      }
      return;
    }
    if (type === 'array') visit(node.items ?? null, enclosingNamespace);
    else if (type === 'map') visit(node.values ?? null, enclosingNamespace);
    else if (typeof type === 'object') visit(type, enclosingNamespace);
  };
  visit(schema, undefined);
  return out;
}
