export { buildQualityReport } from './build.js';
export { renderQualityReportMarkdown } from './markdown.js';
export { qualityReportDefaults } from './options.js';
export type { QualityReportOptions } from './options.js';
export type {
  QualityReport,
  QualityReportField,
  QualityReportInput,
  QualityReportRule,
  QualityReportSummary,
  QualityReportTrend,
} from './types.js';
