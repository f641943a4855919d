import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { uniqueName, waitFor } from '@tributary/testing';
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

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A private redis-server (no persistence, like the stack's) that a test may stop and start again. */
export class PrivateRedis {
  private child: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(this.port), '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.child = child;
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await Promise.race([
        failed,
        waitFor(
          async () => {
            if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
            return (await probe.ping().catch(() => undefined)) === 'PONG';
          },
          { timeoutMs: 10_000, intervalMs: 50, what: `redis-server on ${this.port}` },
        ),
      ]);
    } finally {
      probe.disconnect();
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
