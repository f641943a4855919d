/** How the benchmarks drive publishers: a flood with bounded concurrency, or a steady rate. */

/**
 * How an application publishes a stream: many publishes outstanding at once (the publisher
 * coalesces them into batches), at most `window` of them, so the caller does not hold a million
 * pending promises. Rejects with the first failure.
 */
export async function publishWindowed(count: number, window: number, publishOne: (i: number) => Promise<unknown>): Promise<void> {
  let outstanding = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const settle = () => {
    outstanding--;
    const w = wake;
    wake = undefined;
    w?.();
  };
  for (let i = 0; i < count; i++) {
    while (outstanding >= window) await new Promise<void>((r) => (wake = r));
    if (failure !== undefined) throw failure;
    outstanding++;
    publishOne(i).then(settle, (err: unknown) => {
      failure ??= err instanceof Error ? err : new Error(String(err));
      settle();
    });
  }
  while (outstanding > 0) await new Promise<void>((r) => (wake = r));
  if (failure !== undefined) throw failure;
}

/**
 * Publishes `count` messages at `perSecond`, on schedule (a late tick does not push the later ones
 * back), without waiting for acknowledgements in between. Resolves once all are acknowledged.
 */
export async function publishPaced(count: number, perSecond: number, publishOne: (i: number) => Promise<unknown>): Promise<void> {
  const interval = 1000 / perSecond;
  const start = performance.now();
  const sent: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + i * interval - performance.now();
    if (due > 0) await new Promise((r) => setTimeout(r, due));
    sent.push(publishOne(i));
  }
  await Promise.all(sent);
}
