import type { Redis } from 'ioredis';

/** Series keys stored under a store prefix (`<prefix>:baseline:*`, by SCAN), without the prefix, sorted. */
async function storedSeries(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:baseline:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys.map((k) => k.slice(prefix.length)));
  } while (cursor !== '0');
  return found.sort();
}

/**
 * Compares what two designs left in Redis, series by series (the `state` field: the whole baseline
 * and detector as JSON). Returns how many series are stored and how many
 * differ or exist under one prefix only; a comparison between different baselines would be dishonest.
 */
export async function compareStored(redis: Redis, a: string, b: string): Promise<{ series: number; differing: number }> {
  const [ka, kb] = await Promise.all([storedSeries(redis, a), storedSeries(redis, b)]);
  const [inA, inB] = [new Set(ka), new Set(kb)];
  let differing = ka.filter((k) => !inB.has(k)).length + kb.filter((k) => !inA.has(k)).length;
  const shared = ka.filter((k) => inB.has(k));
  for (let i = 0; i < shared.length; i += 500) {
    const pipeline = redis.pipeline();
    for (const key of shared.slice(i, i + 500)) pipeline.hget(`${a}${key}`, 'state').hget(`${b}${key}`, 'state');
    const replies = (await pipeline.exec()) ?? [];
    for (let j = 0; j < replies.length; j += 2) {
      const [sa, sb] = [replies[j]?.[1], replies[j + 1]?.[1]];
      if (typeof sa !== 'string' || sa !== sb) differing++;
    }
  }
  return { series: Math.max(ka.length, kb.length), differing };
}
