export { createQualityView, qualityViewDefaults } from './view.js';
export type { QualityIssueEntry, QualityView, QualityViewOptions, QualityWindowEntry } from './types.js';
