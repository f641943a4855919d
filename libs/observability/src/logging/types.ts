import type { DestinationStream, LevelWithSilent, Logger as PinoLogger } from 'pino';

/**
 * The logger every Tributary lib and app accepts through its options. It is pino's type, so other
 * libs depend on the type only and the app decides where lines go.
 */
export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;
export type LogDestination = DestinationStream;

export interface LoggerOptions {
  /** Name of the service (e.g. `pipeline-manager`), written as `service` on every line. Required. */
  service: string;
  /** Lowest level written. Default: `loggingDefaults.level` (`info`). */
  level?: LogLevel;
  /** Where JSON lines go (anything with `write(line)`). Default: stdout, written synchronously by pino. */
  destination?: LogDestination;
  /**
   * Extra pino redact paths, added to `loggingDefaults.redactPaths` (the defaults cannot be dropped,
   * so a service cannot leak a secret by forgetting one). Default: none.
   */
  redactPaths?: readonly string[];
}

/**
 * The ids that tie a log line to the message being handled (DESIGN.md headers `correlation-id`,
 * `causation-id`, `event-id`). Absent ids are left out of the line rather than written as null.
 */
export interface CorrelationIds {
  correlationId?: string | undefined;
  causationId?: string | undefined;
  eventId?: string | undefined;
}
