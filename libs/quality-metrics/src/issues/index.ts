export { QualityIssueDetector } from './detector.js';
export { qualityIssueDefaults, resolveQualityIssueOptions } from './options.js';
export type { QualityIssueDetectorOptions, ResolvedQualityIssueOptions } from './options.js';
export { parseIssueSnapshot } from './snapshot.js';
export type {
  IssueBaseline,
  IssueEvidence,
  IssueReason,
  IssueTransition,
  PipelineIssueSnapshot,
  QualityIssue,
  QualityIssueSnapshot,
  QualitySignalKind,
  SignalSnapshot,
} from './types.js';
