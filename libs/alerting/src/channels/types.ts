import type { AlertingError } from '../errors.js';

/**
 * The logger the notifier writes to: pino's (what every Tributary service passes, already bound to
 * a component) satisfies it. Lines never carry a destination URL or a header, only the channel key
 * and the redacted origin.
 */
export interface AlertingLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export interface DeliveryOutcome {
  readonly notificationId: string;
  readonly channelKey: string;
  readonly ok: boolean;
  /** Requests made (0 when refused before any). */
  readonly attempts: number;
  /** Why it failed (URL redacted); null when delivered. */
  readonly error: AlertingError | null;
}
