export { qualityTrendDefaults } from './options.js';
export type { QualityTrendOptions } from './options.js';
export { qualityTrend } from './trend.js';
export type { QualityTrend, QualityTrendDirection, QualityTrendPoint } from './trend.js';
