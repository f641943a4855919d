export { baselineDefaults, resolveBaselineOptions } from './options.js';
export type { BaselineOptions, ResolvedBaselineOptions } from './options.js';
export { HOURS_PER_DAY, hourOf } from './seasonal.js';
export type { HourBucket } from './seasonal.js';
export { alphaForHalfLife, emptyStats, pushStats } from './stats.js';
export type { RollingStats } from './stats.js';
