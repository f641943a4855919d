import type { Schema, Type } from 'avsc';
import { type AvroRecordSchema, CodecError, type SchemaRegistryPort, codecAvroType } from '../../src/index.js';

/**
 * An in-memory SchemaRegistryPort for unit tests of the codec's own logic (caching, wire format,
 * errors). It registers without checking compatibility: the integration tests run the real registry.
 */
export class FakeRegistry implements SchemaRegistryPort {
  readonly calls = { lookup: 0, versions: 0, register: 0, typeById: 0 };
  private readonly byId = new Map<number, string>();
  private readonly subjects = new Map<string, number[]>();
  private nextId = 100;

  lookup(subject: string, schema: AvroRecordSchema): Promise<number | undefined> {
    this.calls.lookup++;
    const text = JSON.stringify(schema);
    return Promise.resolve((this.subjects.get(subject) ?? []).find((id) => this.byId.get(id) === text));
  }

  versions(subject: string) {
    this.calls.versions++;
    return Promise.resolve((this.subjects.get(subject) ?? []).map((id, i) => ({ version: i + 1, id, type: this.type(id) })));
  }

  register(subject: string, schema: AvroRecordSchema): Promise<number> {
    this.calls.register++;
    const id = this.nextId++;
    this.byId.set(id, JSON.stringify(schema));
    this.subjects.set(subject, [...(this.subjects.get(subject) ?? []), id]);
    return Promise.resolve(id);
  }

  typeById(id: number): Promise<Type> {
    this.calls.typeById++;
    if (!this.byId.has(id)) return Promise.reject(new CodecError('TRIB_CODEC_UNKNOWN_SCHEMA', `Schema id ${id} is not in the registry`));
    return Promise.resolve(this.type(id));
  }

  /** Registers a schema directly, as another producer would. */
  add(subject: string, schema: AvroRecordSchema): number {
    const id = this.nextId++;
    this.byId.set(id, JSON.stringify(schema));
    this.subjects.set(subject, [...(this.subjects.get(subject) ?? []), id]);
    return id;
  }

  private type(id: number): Type {
    return codecAvroType(JSON.parse(this.byId.get(id) ?? 'null') as Schema);
  }
}
