import { PipelineStateError } from '../errors.js';

interface Waiter {
  check: () => boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

/** Promises that settle when a read model reaches a condition, re-checked after every change. */
export interface ConditionWaiters {
  /** Resolves once `condition()` is true (at once if it already is); rejects with TRIB_VIEW_WAIT_TIMEOUT. */
  waitUntil(condition: () => boolean, timeoutMs: number, what?: string): Promise<void>;
  /** Re-checks every pending condition; call after each change of the model. */
  changed(): void;
  /** Rejects every pending wait with TRIB_VIEW_CLOSED. */
  close(): void;
}

export function createConditionWaiters(): ConditionWaiters {
  const waiters = new Set<Waiter>();
  return {
    waitUntil(condition, timeoutMs, what = 'a condition') {
      if (condition()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          check: condition,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            reject(new PipelineStateError('TRIB_VIEW_WAIT_TIMEOUT', `Timed out after ${timeoutMs} ms waiting for ${what}`));
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    changed() {
      for (const w of waiters) {
        if (!w.check()) continue;
        clearTimeout(w.timer);
        waiters.delete(w);
        w.resolve();
      }
    },
    close() {
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new PipelineStateError('TRIB_VIEW_CLOSED', 'view closed while waiting'));
      }
      waiters.clear();
    },
  };
}
