/**
 * A consumer in its own process (consumer-process.ts), driven from the benchmark: its RSS is its
 * own, and a handler that keeps its event loop busy cannot delay the publishers of the benchmark
 * (which would stamp `sentAt` late and hide latency).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ConsumerJob {
  /** `runtime`: createConsumerRunner; `kafkajs`: a plain kafkajs eachBatch consumer of JSON. */
  kind: 'runtime' | 'kafkajs';
  topic: string;
  groupId: string;
  /** Band layout of `topic` for the runner (publisher-side layout of priorityBands(partitions)). */
  bandedPartitions?: number;
  /** Simulated work per message, in µs. Default 0. */
  handlerMicros?: number;
  /** The job ends when this many records were handled… */
  records?: number;
  /** …or when this many high-priority commands were. */
  highs?: number;
}

export interface ConsumerProgress {
  handled: number;
  lowHandled: number;
  highHandled: number;
  rss: number;
  /** ms since the group was joined. */
  at: number;
}

export interface ConsumerOutcome {
  /** Process RSS right after joining, before the first record. */
  startRss: number;
  /** Every 250 ms from the join to the last record. */
  samples: ConsumerProgress[];
  endRss: number;
  /** Join → last record handled. */
  seconds: number;
  /** Latency (handling start − sentAt, ms) of each high-priority command, with when it was sent. */
  highs: { sentAt: number; latency: number }[];
}

export type ChildMessage =
  | { kind: 'ready'; rss: number }
  | ({ kind: 'progress' } & ConsumerProgress)
  | ({ kind: 'done' } & ConsumerOutcome)
  | { kind: 'failed'; error: string };

export interface RemoteConsumer {
  /** Resolves once the child joined its group. */
  ready: Promise<void>;
  /** Resolves with the outcome once the job's count is reached. */
  done: Promise<ConsumerOutcome>;
  /** The last progress report. */
  progress(): ConsumerProgress | undefined;
  /** Ends the child if it is still running. */
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./consumer-process.ts', import.meta.url));

export function startRemoteConsumer(job: ConsumerJob, timeoutMs: number): RemoteConsumer {
  // The child inherits this process's execArgv, so it runs TypeScript the same way (tsx).
  const child: ChildProcess = fork(CHILD, [], { env: { ...process.env, BENCH_CONSUMER_JOB: JSON.stringify(job) }, stdio: 'inherit' });
  let last: ConsumerProgress | undefined;
  let resolveReady!: () => void;
  let resolveDone!: (o: ConsumerOutcome) => void;
  let rejectBoth!: (err: Error) => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const done = new Promise<ConsumerOutcome>((resolve, reject) => {
    resolveDone = resolve;
    rejectBoth = reject;
  });
  // `ready` must fail too when the child dies before joining.
  const readyOrFail = Promise.race([ready, done.then(() => undefined)]);
  const timer = setTimeout(() => rejectBoth(new Error(`consumer process (${job.kind} on ${job.topic}) timed out after ${timeoutMs} ms`)), timeoutMs);
  child.on('message', (m: ChildMessage) => {
    if (m.kind === 'ready') resolveReady();
    else if (m.kind === 'progress') last = m;
    else if (m.kind === 'done') resolveDone(m);
    else rejectBoth(new Error(`consumer process failed: ${m.error}`));
  });
  child.on('exit', (code) => rejectBoth(new Error(`consumer process exited with ${code} before finishing`)));
  void done.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return {
    ready: readyOrFail,
    done,
    progress: () => last,
    async stop() {
      clearTimeout(timer);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
