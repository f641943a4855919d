export { createQualityView, qualityViewDefaults } from './view.js';
export type { QualityIssueEntry, QualityView, QualityViewOptions, QualityWindowEntry, QuarantineRedriveEntry } from './types.js';
