import type { ChainableCommander, Redis } from 'ioredis';
import { BaselineError, toStoreError } from '../errors.js';
import { type SeriesSnapshot, parseSeriesSnapshot } from '../series/snapshot.js';
import { type StoreKeys, storeKeys } from './keys.js';
import { type BaselineStoreOptions, type ResolvedBaselineStoreOptions, resolveBaselineStoreOptions } from './options.js';

/** What a load found. */
export interface BaselineLoadResult {
  /** Valid snapshots, in the order asked (or per service, in index order). */
  readonly snapshots: SeriesSnapshot[];
  /** Series asked for, or listed in an index, with no stored baseline (expired, or never written). */
  readonly missing: string[];
  /** Stored baselines that could not be read (not JSON, or not this version's shape): rebuild them by replay. */
  readonly invalid: { readonly seriesKey: string; readonly message: string }[];
}

/**
 * Series baselines in Redis (key names: see storeKeys). Every call is pipelined: `save` writes each
 * batch of `batchSize` series in one MULTI/EXEC round trip (hash, expiry and index entries together,
 * so the index never lists a series whose hash that batch failed to write), and loads read a batch
 * per round trip. A call that cannot reach Redis fails within `timeoutMs` with
 * TRIB_BASELINE_STORE_UNAVAILABLE (retriable), never hangs: the caller degrades and retries later.
 */
export class BaselineStore {
  readonly keys: StoreKeys;
  private readonly options: ResolvedBaselineStoreOptions;
  private readonly redis: Redis;
  /** Series whose index entry this store wrote or read: forgotten when Redis turns out to have lost data. */
  private readonly indexed = new Set<string>();

  constructor(options: BaselineStoreOptions) {
    this.options = resolveBaselineStoreOptions(options);
    this.redis = this.options.redis;
    this.keys = storeKeys(this.options.prefix);
  }

  get prefix(): string {
    return this.options.prefix;
  }

  /**
   * Writes the snapshots, one MULTI/EXEC round trip per batch: each series' hash and its expiry, and
   * the index entries of series this store has not indexed yet (an index entry only changes when a
   * series appears, so it is not rewritten on every flush).
   */
  async save(snapshots: readonly SeriesSnapshot[]): Promise<number> {
    const { batchSize, ttlSeconds } = this.options;
    for (let start = 0; start < snapshots.length; start += batchSize) {
      const tx = this.redis.multi();
      const fresh: SeriesSnapshot[] = [];
      for (const s of snapshots.slice(start, start + batchSize)) {
        const key = this.keys.baseline(s.key);
        tx.hset(key, 'state', JSON.stringify(s), 'mean', s.overall.mean, 'stddev', Math.sqrt(s.overall.variance), 'points', s.overall.n, 'lastAt', s.lastAt ?? '');
        if (ttlSeconds > 0) tx.expire(key, ttlSeconds);
        if (!this.indexed.has(s.key)) {
          tx.zadd(this.keys.seriesIndex(s.service), 'NX', s.lastAt ?? 0, s.key);
          fresh.push(s);
        }
      }
      const services = new Set(fresh.map((s) => s.service));
      if (services.size > 0) tx.sadd(this.keys.services, ...services);
      await this.exec(tx, 'save baselines');
      for (const s of fresh) this.indexed.add(s.key);
    }
    return snapshots.length;
  }

  /** Reads the given series, `batchSize` per round trip. */
  async load(seriesKeys: readonly string[]): Promise<BaselineLoadResult> {
    const result: BaselineLoadResult = { snapshots: [], missing: [], invalid: [] };
    for (let start = 0; start < seriesKeys.length; start += this.options.batchSize) {
      const batch = seriesKeys.slice(start, start + this.options.batchSize);
      const pipeline = this.redis.pipeline();
      for (const seriesKey of batch) pipeline.hget(this.keys.baseline(seriesKey), 'state');
      const replies = await this.exec(pipeline, 'load baselines');
      batch.forEach((seriesKey, i) => {
        const text = replies[i];
        if (typeof text !== 'string') {
          result.missing.push(seriesKey);
          return;
        }
        try {
          const snapshot = parseSeriesSnapshot(JSON.parse(text));
          if (snapshot.key !== seriesKey) throw new Error(`holds series ${JSON.stringify(snapshot.key)}`);
          result.snapshots.push(snapshot);
        } catch (err) {
          result.invalid.push({ seriesKey, message: err instanceof Error ? err.message : String(err) });
        }
      });
    }
    return result;
  }

  /**
   * Reads every series of the given services (one round trip for their indexes, then `load`), and
   * drops from the indexes the series whose baseline expired.
   */
  async loadServices(services: readonly string[]): Promise<BaselineLoadResult> {
    if (services.length === 0) return { snapshots: [], missing: [], invalid: [] };
    const pipeline = this.redis.pipeline();
    for (const service of services) pipeline.zrange(this.keys.seriesIndex(service), 0, -1);
    const indexes = (await this.exec(pipeline, 'list series')) as string[][];
    const owner = new Map<string, string>();
    indexes.forEach((keys, i) => {
      for (const key of keys) owner.set(key, services[i]!);
    });
    const result = await this.load([...owner.keys()]);
    for (const snapshot of result.snapshots) this.indexed.add(snapshot.key);
    const emptied = services.filter((_, i) => indexes[i]!.length === 0);
    if (result.missing.length > 0 || emptied.length > 0) {
      const prune = this.redis.pipeline();
      for (const key of result.missing) {
        prune.zrem(this.keys.seriesIndex(owner.get(key)!), key);
        this.indexed.delete(key);
      }
      if (emptied.length > 0) prune.srem(this.keys.services, ...emptied);
      await this.exec(prune, 'prune series index');
    }
    return result;
  }

  /** Reads every series of every service. */
  async loadAll(): Promise<BaselineLoadResult> {
    return this.loadServices(await this.listServices());
  }

  /** Services with series, sorted. */
  async listServices(): Promise<string[]> {
    const services = await this.timed(this.redis.smembers(this.keys.services), 'list services');
    return services.sort();
  }

  /** Series keys of one service, oldest last observation first. */
  async listSeries(service: string): Promise<string[]> {
    return this.timed(this.redis.zrange(this.keys.seriesIndex(service), 0, -1), 'list series');
  }

  /**
   * Marks `writerId` as having its baselines here (for writerTtlSeconds) and says whether the mark was
   * already there. False means this writer never flushed, or Redis lost its data since (restarted
   * empty, flushed, expired): the writer must write everything it owns again.
   */
  async claimWriter(writerId: string): Promise<boolean> {
    const previous = await this.timed(
      this.redis.set(this.keys.writer(writerId), '1', 'EX', this.options.writerTtlSeconds, 'GET'),
      'claim writer mark',
    );
    if (previous === null) this.indexed.clear();
    return previous !== null;
  }

  /** Deletes every key under the prefix (SCAN + UNLINK, never KEYS). Returns how many were deleted. */
  async clear(): Promise<number> {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await this.timed(this.redis.scan(cursor, 'MATCH', this.keys.all, 'COUNT', 1000), 'scan baselines');
      cursor = next;
      if (keys.length > 0) deleted += await this.timed(this.redis.unlink(...keys), 'delete baselines');
    } while (cursor !== '0');
    this.indexed.clear();
    return deleted;
  }

  /** Round trip to Redis: resolves when it answers, TRIB_BASELINE_STORE_UNAVAILABLE otherwise. */
  async ping(): Promise<void> {
    await this.timed(this.redis.ping(), 'ping');
  }

  private async exec(pipeline: ChainableCommander, what: string): Promise<unknown[]> {
    const results = await this.timed(pipeline.exec(), what);
    if (results === null) throw new BaselineError('TRIB_BASELINE_STORE_FAILED', `${what}: transaction discarded by Redis`);
    return results.map(([err, value]) => {
      if (err) throw toStoreError(err, what);
      return value;
    });
  }

  /** `call`, or TRIB_BASELINE_STORE_UNAVAILABLE after timeoutMs: a client waiting to reconnect never hangs the caller. */
  private async timed<T>(call: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BaselineError('TRIB_BASELINE_STORE_UNAVAILABLE', `${what}: Redis did not answer within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
    });
    try {
      return await Promise.race([call, timeout]);
    } catch (err) {
      throw toStoreError(err, what);
    } finally {
      clearTimeout(timer);
    }
  }
}
