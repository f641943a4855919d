import { QualityEventNames } from '../checking/topics.js';

/** Record types of an issue's resolution by people (schemas/quality/*.avsc). */
export const IssueEventNames = {
  acknowledge: 'tributary.quality.AcknowledgeQualityIssue',
  addNote: 'tributary.quality.AddQualityIssueNote',
  resolve: 'tributary.quality.ResolveQualityIssue',
  opened: QualityEventNames.issueOpened,
  acknowledged: 'tributary.quality.QualityIssueAcknowledged',
  noteAdded: 'tributary.quality.QualityIssueNoteAdded',
  resolved: QualityEventNames.issueResolved,
  rejected: 'tributary.pipeline.CommandRejected',
} as const;

/** Codes of CommandRejected answers to the issue commands. */
export const IssueRejections = {
  notFound: 'TRIB_QUALITY_ISSUE_NOT_FOUND',
  resolved: 'TRIB_QUALITY_ISSUE_RESOLVED',
  noteInvalid: 'TRIB_QUALITY_ISSUE_NOTE_INVALID',
} as const;

/** Longest note on an issue, in characters (the CPM refuses longer ones before they get here). */
export const MAX_ISSUE_NOTE_LENGTH = 2000;
