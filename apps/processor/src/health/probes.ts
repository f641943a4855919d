import type { Admin } from 'kafkajs';

/** A dependency checked by `/readyz`. */
export interface ReachabilityProbe {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (with the reason) when it does not or is too slow. */
  check(): Promise<void>;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Kafka reachability through an admin client: connect (once) and describe the cluster, bounded by
 * `timeoutMs`. At most one check runs at a time (callers share it), so a hanging broker never piles
 * up connections.
 */
export function createKafkaProbe(admin: Admin, options: { timeoutMs: number }): ReachabilityProbe & { close(): Promise<void> } {
  let running: Promise<void> | undefined;
  let connected: Promise<void> | undefined;
  const run = async () => {
    connected ??= admin.connect().catch((err: unknown) => {
      connected = undefined;
      throw err;
    });
    await connected;
    await admin.describeCluster();
  };
  return {
    name: 'kafka',
    check() {
      running ??= run().finally(() => {
        running = undefined;
      });
      return withTimeout(running, options.timeoutMs, 'Kafka');
    },
    async close() {
      await admin.disconnect();
    },
  };
}

/** Schema registry reachability: `GET <url>/subjects` must answer 2xx within `timeoutMs`. */
export function createRegistryProbe(url: string, options: { timeoutMs: number }): ReachabilityProbe {
  return {
    name: 'schemaRegistry',
    async check() {
      const res = await fetch(`${url.replace(/\/+$/, '')}/subjects`, { signal: AbortSignal.timeout(options.timeoutMs) });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`schema registry answered ${res.status}`);
    },
  };
}
