import { serviceKeyPart } from '../series/key.js';

/**
 * The Redis keys of a store, all under one prefix (default `tributary:monitoring`):
 *
 * | key | type | holds |
 * |---|---|---|
 * | `<prefix>:baseline:<seriesKey>` | hash, TTL | `state` (the series snapshot as JSON) and, for people with redis-cli, `mean`, `stddev`, `points` (overall baseline) and `lastAt` (epoch ms) |
 * | `<prefix>:series:<service>` | sorted set | the series keys of a service, scored by the time of the series' last observation when it was first written |
 * | `<prefix>:services` | set | the services that have series (as sent, not encoded) |
 * | `<prefix>:writer:<writerId>` | string, TTL | "this writer's baselines are here": missing means Redis lost them (see BaselineBook.flush) |
 *
 * Series keys are built by seriesKey (percent-encoded, no glob characters), so `SCAN MATCH
 * <prefix>:baseline:*` lists every baseline. Baselines expire after ttlSeconds without a write; the
 * indexes do not expire but are pruned of series whose baseline expired whenever they are loaded.
 */
export interface StoreKeys {
  baseline(seriesKey: string): string;
  seriesIndex(service: string): string;
  readonly services: string;
  writer(writerId: string): string;
  /** SCAN MATCH pattern of every key of the store. */
  readonly all: string;
}

/** The prefix with Redis glob characters escaped, for SCAN MATCH. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export function storeKeys(prefix: string): StoreKeys {
  return {
    baseline: (seriesKey) => `${prefix}:baseline:${seriesKey}`,
    seriesIndex: (service) => `${prefix}:series:${serviceKeyPart(service)}`,
    services: `${prefix}:services`,
    writer: (writerId) => `${prefix}:writer:${serviceKeyPart(writerId)}`,
    all: `${globEscape(prefix)}:*`,
  };
}
