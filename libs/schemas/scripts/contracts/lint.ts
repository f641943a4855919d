/**
 * The house rules for contract files, checked before anything is generated so a mistake is named
 * where it is made (file and field) rather than showing up later as a confusing type or registry error.
 */
import avro from 'avsc';
import { type Json, type NamedDefinition, type SchemaFile, namedDefinitions } from './source.js';

const DOMAIN_FOLDER = /^[a-z][a-z0-9-]*$/;
const RECORD_NAME = /^[A-Z][A-Za-z0-9]*$/;

export function lintSchemaFiles(files: readonly SchemaFile[]): string[] {
  const problems: string[] = [];
  // Named types seen so far, to require that a type repeated in several files is defined identically.
  const seen = new Map<string, { file: string; json: string }>();
  const shortNames = new Map<string, string>();

  for (const file of files) {
    const where = `schemas/${file.relativePath}`;
    const parts = file.relativePath.split('/');
    if (parts.length !== 2 || !DOMAIN_FOLDER.test(parts[0] ?? '')) {
      problems.push(`${where}: expected schemas/<domain>/<Name>.avsc (one folder per domain)`);
      continue;
    }
    const [domain = '', fileName = ''] = parts;
    const expectedName = fileName.replace(/\.avsc$/, '');
    const schema = file.schema;
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema) || schema.type !== 'record') {
      problems.push(`${where}: the top level must be one record`);
      continue;
    }
    if (schema.name !== expectedName || !RECORD_NAME.test(expectedName)) {
      problems.push(`${where}: record name must be the file name in PascalCase ("${expectedName}"), found ${JSON.stringify(schema.name)}`);
    }
    if (schema.namespace !== `tributary.${domain}`) {
      problems.push(`${where}: namespace must be "tributary.${domain}", found ${JSON.stringify(schema.namespace)}`);
    }
    try {
      // 'never' refuses ambiguous unions: the generated types assume unions decode unwrapped
      // (null | string), which only holds when every branch is a different kind of value.
      avro.Type.forSchema(schema as avro.Schema, { wrapUnions: 'never' });
    } catch (err) {
      problems.push(`${where}: not a valid Avro schema for Tributary: ${(err as Error).message}`);
      continue;
    }

    for (const named of namedDefinitions(schema)) {
      problems.push(...lintNamed(where, named));
      const json = JSON.stringify(named.definition);
      const previous = seen.get(named.fullName);
      if (previous && previous.json !== json) {
        problems.push(`${where}: ${named.fullName} is also defined in ${previous.file} differently; copies of a named type must be identical`);
      } else if (!previous) {
        seen.set(named.fullName, { file: where, json });
      }
      // Every named type gets a flat TypeScript alias, so short names must not collide across domains.
      const owner = shortNames.get(named.name);
      if (owner !== undefined && owner !== named.fullName) {
        problems.push(`${where}: type name "${named.name}" is already used by ${owner}; pick a distinct name (e.g. prefix the domain)`);
      } else {
        shortNames.set(named.name, named.fullName);
      }
    }
  }
  return problems;
}

function lintNamed(where: string, named: NamedDefinition): string[] {
  const problems: string[] = [];
  const def = named.definition;
  if (typeof def.doc !== 'string' || def.doc.trim() === '') problems.push(`${where}: ${named.fullName} needs a doc string`);
  if (named.kind !== 'record' || !Array.isArray(def.fields)) return problems;
  for (const field of def.fields) {
    if (field === null || typeof field !== 'object' || Array.isArray(field)) continue;
    const fieldName = typeof field.name === 'string' ? field.name : JSON.stringify(field.name);
    if (typeof field.doc !== 'string' || field.doc.trim() === '') {
      problems.push(`${where}: field ${named.fullName}.${fieldName} needs a doc string`);
    }
    if (/At$/.test(fieldName) && !isTimestampMillis(field.type ?? null)) {
      problems.push(`${where}: field ${named.fullName}.${fieldName} ends in "At", so it must be a long with logicalType timestamp-millis`);
    }
  }
  return problems;
}

function isTimestampMillis(type: Json): boolean {
  const branches = Array.isArray(type) ? type : [type];
  return branches.some(
    (b) => b !== null && typeof b === 'object' && !Array.isArray(b) && b.type === 'long' && b.logicalType === 'timestamp-millis',
  );
}
