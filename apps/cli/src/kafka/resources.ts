import { createKafka, createPublisher, type Publisher } from '@tributary/broker';
import {
  createEventCodec,
  createSchemaRegistryClient,
  type SchemaRegistryClient,
  untypedCodec,
  type UntypedEventCodec,
} from '@tributary/schemas';
import type { Admin, Kafka } from 'kafkajs';
import { CliError } from '../errors.js';
import type { GlobalOptions } from '../options.js';
import { cliDefaults } from '../options.js';

/**
 * The Kafka-side clients of one command, made on first use and closed together (reverse order of
 * creation) when the command ends.
 */
export interface KafkaResources {
  readonly kafka: Kafka;
  admin(): Promise<Admin>;
  /** Decodes (and, for redrive, encodes) Avro values through the schema registry. */
  codec(): UntypedEventCodec;
  publisher(): Publisher;
  close(): Promise<void>;
}

export function openKafka(globals: GlobalOptions): KafkaResources {
  // A person waits on the CLI: a few quick retries, not kafkajs' patient defaults.
  const kafka = createKafka({
    brokers: globals.brokers,
    clientId: cliDefaults.clientId,
    kafka: { retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 } },
  });
  const closers: (() => Promise<void>)[] = [];
  let admin: Promise<Admin> | undefined;
  let registry: SchemaRegistryClient | undefined;
  let codec: UntypedEventCodec | undefined;
  let publisher: Publisher | undefined;
  return {
    kafka,
    admin() {
      admin ??= (async () => {
        const a = kafka.admin();
        try {
          await a.connect();
        } catch (err) {
          throw kafkaError(err, `cannot connect to Kafka at ${globals.brokers.join(',')}`);
        }
        closers.push(() => a.disconnect());
        return a;
      })();
      return admin;
    },
    codec() {
      if (!codec) {
        registry = createSchemaRegistryClient({ url: globals.registryUrl, clientId: cliDefaults.clientId, retries: 1 });
        const r = registry;
        closers.push(() => r.close());
        codec = untypedCodec(createEventCodec({ registry }));
        const c = codec;
        closers.push(() => c.close());
      }
      return codec;
    },
    publisher() {
      if (!publisher) {
        publisher = createPublisher({ kafka, codec: this.codec() });
        const p = publisher;
        closers.push(() => p.close());
      }
      return publisher;
    },
    async close() {
      for (const close of closers.reverse()) {
        await close().catch(() => undefined);
      }
      closers.length = 0;
    },
  };
}

/** kafkajs errors as CliErrors naming what failed. */
export function kafkaError(err: unknown, what: string): CliError {
  if (err instanceof CliError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new CliError('TRIB_CLI_KAFKA', `${what}: ${message}`, { cause: err });
}

/** Runs `fn` with Kafka resources that are closed however it ends. */
export async function withKafka<T>(globals: GlobalOptions, fn: (k: KafkaResources) => Promise<T>): Promise<T> {
  const k = openKafka(globals);
  try {
    return await fn(k);
  } finally {
    await k.close();
  }
}
