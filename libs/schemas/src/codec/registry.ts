/**
 * The schema registry client the codec uses: @kafkajs/confluent-schema-registry for registration
 * (including its "set the compatibility on first registration" step), schema-by-id and version lookups,
 * plus two plain HTTP GETs the library has no call for (a subject's version list and its config).
 * Every failure leaves here as one of the errors of ../errors.ts.
 */
import http from 'node:http';
import https from 'node:https';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Type } from 'avsc';
import type { AvroRecordSchema } from '../contracts/types.js';
import { CodecError, RegistryRequestError, RegistryUnavailableError, SchemaIncompatibleError } from '../errors.js';
import { type SchemaRegistryClientOptions, codecAvroOptions, resolveSchemaRegistryClientOptions } from './options.js';
import type { RegisteredVersion, SchemaRegistryPort } from './types.js';

export interface SchemaRegistryClient extends SchemaRegistryPort {
  /** The subject's own compatibility level, or undefined when it has none (or does not exist). */
  compatibilityLevel(subject: string): Promise<string | undefined>;
  /** Closes the HTTP connections kept alive to the registry. */
  close(): Promise<void>;
}

type LibraryMiddleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number];

// The library's error classes are not exported from its entry point; they are told apart by name.
const isLibraryError = (err: unknown, name: string): boolean => err instanceof Error && err.name === name;

// Network-level failures reach us from the library as HTTP 400 responses whose body is the socket error.
const NETWORK_FAILURE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|socket hang up|Timeout \(/i;

export function createSchemaRegistryClient(options: SchemaRegistryClientOptions): SchemaRegistryClient {
  const o = resolveSchemaRegistryClientOptions(options);
  const agent = o.url.startsWith('https:') ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const timeout: LibraryMiddleware = () => ({
    prepareRequest: (next) => next().then((request) => request.enhance({ timeout: o.requestTimeoutMs })),
  });
  const library = new SchemaRegistry(
    { host: o.url, clientId: o.clientId, retry: { retries: o.retries }, agent, middlewares: [timeout] },
    // The library spreads these into a new object per schema, so avsc's type registry is not shared.
    { [SchemaType.AVRO]: { ...codecAvroOptions } },
  );

  /** GET on the registry API without the library: { status, body }, network failures retried. */
  async function get(path: string): Promise<{ status: number; body: unknown }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${o.url}${path}`, {
          headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json' },
          signal: AbortSignal.timeout(o.requestTimeoutMs),
        });
        const body: unknown = await res.json().catch(() => undefined);
        if (res.status < 500 || attempt >= o.retries) return { status: res.status, body };
      } catch (err) {
        if (attempt >= o.retries) throw new RegistryUnavailableError(`Schema registry ${o.url} unreachable (GET ${path})`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }

  function failure(err: unknown, what: string): Error {
    const status = (err as { status?: unknown }).status;
    const message = err instanceof Error ? err.message : String(err);
    if (typeof status === 'number') {
      if (status >= 500 || status === 408 || status === 429 || (status === 400 && NETWORK_FAILURE.test(message))) {
        return new RegistryUnavailableError(`Schema registry ${o.url} unavailable while ${what}: ${message}`, { cause: err });
      }
      return new RegistryRequestError(`Schema registry refused ${what} (HTTP ${status}): ${message}`, status, { cause: err });
    }
    return err instanceof Error ? err : new Error(message);
  }

  async function compatibilityLevel(subject: string): Promise<string | undefined> {
    const { status, body } = await get(`/config/${encodeURIComponent(subject)}`);
    if (status === 404) return undefined;
    const level = (body as { compatibilityLevel?: unknown } | undefined)?.compatibilityLevel;
    if (status !== 200 || typeof level !== 'string') {
      throw failure({ status, message: JSON.stringify(body) }, `reading the config of ${subject}`);
    }
    return level.toUpperCase();
  }

  async function registerWith(subject: string, schema: AvroRecordSchema, compatibility: COMPATIBILITY, updateConfig: boolean) {
    const confluent = { type: SchemaType.AVRO, schema: JSON.stringify(schema) } as const;
    return (await library.register(confluent, { subject, compatibility, updateConfig })).id;
  }

  return {
    async lookup(subject, schema) {
      try {
        return await library.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(schema) });
      } catch (err) {
        // The library turns "subject or schema not found" (404) into its own error class.
        if (isLibraryError(err, 'ConfluentSchemaRegistryError')) return undefined;
        throw failure(err, `looking up a schema of ${subject}`);
      }
    },

    async versions(subject) {
      const { status, body } = await get(`/subjects/${encodeURIComponent(subject)}/versions`);
      if (status === 404) return [];
      if (status !== 200 || !Array.isArray(body)) throw failure({ status, message: JSON.stringify(body) }, `listing versions of ${subject}`);
      const out: RegisteredVersion[] = [];
      for (const version of (body as number[]).sort((a, b) => a - b)) {
        try {
          const id = await library.getRegistryId(subject, version);
          out.push({ version, id, type: (await library.getSchema(id)) as unknown as Type });
        } catch (err) {
          throw failure(err, `reading version ${version} of ${subject}`);
        }
      }
      return out;
    },

    async register(subject, schema, compatibility) {
      const wanted = asCompatibility(compatibility);
      try {
        return await registerWith(subject, schema, wanted, true);
      } catch (err) {
        if (isCompatibilityRuleRace(err)) {
          // Another process registered the subject's first version at the same moment and set its
          // compatibility rule first (Apicurio answers 409 where Confluent's PUT /config is
          // idempotent): the rule is there, so register without setting it.
          try {
            return await registerWith(subject, schema, wanted, false);
          } catch (retryErr) {
            throw registrationFailure(retryErr, subject, wanted);
          }
        }
        if (isLibraryError(err, 'ConfluentSchemaRegistryCompatibilityError')) {
          // The subject exists with a level its owner chose. Keep it: the codec has already checked
          // BACKWARD_TRANSITIVE itself, and the registry still enforces the owner's level.
          const level = await compatibilityLevel(subject);
          o.logger?.warn({ subject, level, expected: wanted }, 'Subject has another compatibility level; keeping it');
          try {
            return await registerWith(subject, schema, asCompatibility(level ?? wanted), false);
          } catch (retryErr) {
            throw registrationFailure(retryErr, subject, level ?? wanted);
          }
        }
        throw registrationFailure(err, subject, wanted);
      }
    },

    async typeById(id) {
      try {
        return (await library.getSchema(id)) as unknown as Type;
      } catch (err) {
        if ((err as { status?: unknown }).status === 404) {
          throw new CodecError('TRIB_CODEC_UNKNOWN_SCHEMA', `Schema id ${id} is not in the registry (${o.url})`, { cause: err });
        }
        throw failure(err, `fetching schema id ${id}`);
      }
    },

    compatibilityLevel,

    close() {
      agent.destroy();
      return Promise.resolve();
    },
  };

  function registrationFailure(err: unknown, subject: string, level: string): Error {
    if ((err as { status?: unknown }).status === 409) {
      const message = err instanceof Error ? err.message : String(err);
      return new SchemaIncompatibleError(
        `${subject}: the registry refused the schema as incompatible with a registered version (${level}): ${message}`,
        { subject, field: undefined, rule: level, violation: 'other', version: undefined },
        { cause: err },
      );
    }
    return failure(err, `registering a schema under ${subject}`);
  }
}

function asCompatibility(level: string): COMPATIBILITY {
  const known = Object.values(COMPATIBILITY) as string[];
  if (!known.includes(level)) throw new RegistryRequestError(`Unknown compatibility level ${level}`, undefined);
  return level as COMPATIBILITY;
}

/** Apicurio's refusal to create a subject's compatibility rule that a concurrent registration just created. */
function isCompatibilityRuleRace(err: unknown): boolean {
  return err instanceof Error && /rule named 'COMPATIBILITY' already exists/i.test(err.message);
}
