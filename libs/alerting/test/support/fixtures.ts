import { type AlertingConfig, type AlertingError, type AlertingLogger, parseAlertingConfig } from '../../src/index.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Runs `fn`, which must throw an AlertingError, and returns it. */
export function attempt(fn: () => unknown): AlertingError {
  try {
    fn();
  } catch (e) {
    return e as AlertingError;
  }
  throw new Error('expected an AlertingError');
}

export function config(yaml: string, allowedDestinations: readonly string[] = []): AlertingConfig {
  return parseAlertingConfig(yaml, { allowedDestinations });
}

export interface LogLine {
  readonly level: string;
  readonly fields: object;
  readonly message: string | undefined;
}

/** A logger that keeps every line, for assertions on what was (and was not) written. */
export function capturingLogger(): AlertingLogger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const at = (level: string) => (fields: object, message?: string) => void lines.push({ level, fields, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), text: () => JSON.stringify(lines) };
}
