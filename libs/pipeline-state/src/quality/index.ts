export { createQualityView, qualityViewDefaults } from './view.js';
export type { QualityIssueEntry, QualityIssueNote, QualityView, QualityViewOptions, QualityWindowEntry, QuarantineRedriveEntry } from './types.js';
