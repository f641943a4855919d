import { uniqueName } from '@tributary/testing';
import { Redis, type RedisOptions } from 'ioredis';
import { BaselineStore, type BaselineStoreOptions } from '../../src/index.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A client of the shared test Redis that fails fast instead of queueing while Redis is away. */
export function testRedis(url = REDIS_URL, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: 0, ...options });
}

/** A store under a prefix no other test uses; tests clear it when done. */
export function testStore(redis: Redis, options: Partial<BaselineStoreOptions> = {}): BaselineStore {
  return new BaselineStore({ redis, prefix: uniqueName('it:monitoring-baselines'), ...options });
}
