import type { BrokerLogger, Publisher } from '@tributary/broker';
import type { ProcessorAnnounced } from '@tributary/schemas';
import { EventNames } from '../processing/index.js';

export interface AnnouncerDeps {
  publisher: Pick<Publisher, 'publish'>;
  topic: string;
  processorId: string;
  url: string;
  intervalMs: number;
  startedAt: number;
  /** What this instance runs and has paused, read at each announcement. */
  snapshot: () => { pipelines: string[]; paused: string[] };
  logger: BrokerLogger;
  clock?: () => number;
}

export interface Announcer {
  /** Publishes one announcement now; failures are logged (the next interval tries again). */
  announce(): Promise<void>;
  /** Announces now and then every interval. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** ProcessorAnnounced at start, on every interval, and whenever the caller asks (pause, resume). */
export function createAnnouncer(deps: AnnouncerDeps): Announcer {
  const clock = deps.clock ?? Date.now;
  let timer: NodeJS.Timeout | undefined;

  async function announce(): Promise<void> {
    const { pipelines, paused } = deps.snapshot();
    const value: ProcessorAnnounced = {
      processorId: deps.processorId,
      url: deps.url,
      pipelines: [...pipelines].sort(),
      paused: [...paused].sort(),
      intervalMs: deps.intervalMs,
      startedAt: deps.startedAt,
      announcedAt: clock(),
    };
    try {
      await deps.publisher.publish(deps.topic, EventNames.processorAnnounced, value, { key: deps.processorId });
    } catch (err) {
      deps.logger.warn({ err }, 'could not announce the processor');
    }
  }

  return {
    announce,
    async start() {
      await announce();
      timer = setInterval(() => void announce(), deps.intervalMs);
      // The HTTP server and the consumers keep the process alive; the timer alone should not.
      timer.unref();
    },
    close() {
      clearInterval(timer);
      return Promise.resolve();
    },
  };
}
