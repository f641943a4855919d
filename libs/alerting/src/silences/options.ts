import { z } from 'zod';
import { type Duration, durationOption, resolveOptions } from '../validate-options.js';

export interface SilenceStoreOptions {
  /** How long an expired silence is kept (listed, in snapshots) before it is purged. Default `120h`, as Alertmanager. */
  readonly expiredRetention: Duration;
  /** Most silences kept (any state). Default 10 000. */
  readonly maxSilences: number;
  /** Longest regex in a silence matcher, in characters. Default 500. */
  readonly maxPatternLength: number;
  /** Largest compiled regex, in RE2 instructions. Default 5 000. */
  readonly maxPatternProgramSize: number;
  /** Makes silence ids. Default `crypto.randomUUID`. */
  readonly newId: () => string;
}

export const silenceStoreDefaults: SilenceStoreOptions = Object.freeze({
  expiredRetention: '120h',
  maxSilences: 10_000,
  maxPatternLength: 500,
  maxPatternProgramSize: 5000,
  newId: () => crypto.randomUUID(),
});

const schema = z.strictObject({
  expiredRetention: durationOption,
  maxSilences: z.number().int().positive(),
  maxPatternLength: z.number().int().positive(),
  maxPatternProgramSize: z.number().int().positive(),
  newId: z.custom<() => string>((v) => typeof v === 'function', 'must be a function returning a string'),
});

export type ResolvedSilenceStoreOptions = z.output<typeof schema>;

export function resolveSilenceStoreOptions(options: Partial<SilenceStoreOptions> = {}): ResolvedSilenceStoreOptions {
  return resolveOptions(schema, silenceStoreDefaults, options, 'silence store options');
}
