import type { ChainableCommander, Redis } from 'ioredis';

export interface IdempotencyGuardOptions {
  redis: Redis;
  /** Key namespace, one per handler that must act once (e.g. `quality:redrive`). */
  namespace: string;
  /** How long an event id is remembered. Default 7 days: longer than any redelivery window. */
  ttlSeconds?: number;
}

export const idempotencyDefaults = { ttlSeconds: 7 * 24 * 3600 } as const;

export interface IdempotencyGuard {
  /**
   * Applies `effect` (Redis commands queued on the transaction) and marks `eventId` as done, in one
   * Redis transaction: both happen, or neither. Returns false, applying nothing, when the id was
   * already done — so a message redelivered after a crash has no effect the second time.
   */
  applyOnce(eventId: string, effect: (tx: ChainableCommander) => void): Promise<boolean>;
  /** True when `eventId` was applied already. */
  seen(eventId: string): Promise<boolean>;
}

/**
 * Effectively-once effects for at-least-once delivery. Redis `WATCH` makes the check of the mark
 * and the `MULTI` that sets it (with the effect) atomic: if another delivery of the same event
 * marks it in between, this transaction is discarded.
 */
export function createIdempotencyGuard(opts: IdempotencyGuardOptions): IdempotencyGuard {
  const ttl = opts.ttlSeconds ?? idempotencyDefaults.ttlSeconds;
  const keyOf = (eventId: string) => `tributary:idempotency:${opts.namespace}:${eventId}`;
  return {
    async applyOnce(eventId, effect) {
      const key = keyOf(eventId);
      // WATCH binds to the connection; a duplicated connection keeps concurrent guards apart.
      for (;;) {
        await opts.redis.watch(key);
        if ((await opts.redis.exists(key)) === 1) {
          await opts.redis.unwatch();
          return false;
        }
        const tx = opts.redis.multi().set(key, '1', 'EX', ttl);
        effect(tx);
        const result = await tx.exec();
        if (result !== null) {
          const failed = result.find(([err]) => err);
          if (failed?.[0]) throw failed[0];
          return true;
        }
        // EXEC aborted: the key changed under WATCH. Loop: it is most likely marked now.
      }
    },
    async seen(eventId) {
      return (await opts.redis.exists(keyOf(eventId))) === 1;
    },
  };
}
