import { controlTopicCatalog } from '@tributary/schemas';

/** Where the quality manager reads and writes for one pipeline (docs/quality.md). */
export interface QualityTopics {
  /** Input: the processors' output. */
  readonly processed: string;
  /** Records that passed every rule of severity `error` (warnings flagged in a header). */
  readonly validated: string;
  /** QuarantinedRecord per record that failed a rule of severity `error`. */
  readonly quarantine: string;
}

export function qualityTopics(prefix: string, pipelineId: string): QualityTopics {
  const data = `${prefix}.data.${pipelineId}`;
  return { processed: `${data}.processed`, validated: `${data}.validated`, quarantine: `${data}.quarantine` };
}

/** `<prefix>.quality.events`: what the quality manager publishes about pipelines. */
export function qualityEventsTopic(prefix: string): string {
  return controlTopicCatalog({ prefix }).events.quality.name;
}

/** `<prefix>.quality.commands` and `<prefix>.quality.events`, with the command topic's priority bands. */
export function qualityControlTopics(prefix: string) {
  const catalog = controlTopicCatalog({ prefix });
  return {
    commands: catalog.commands.quality.name,
    commandBands: catalog.commands.quality.priorityBands,
    events: catalog.events.quality.name,
  };
}

/** The consumer group of the quality manager's commands: every instance joins it. */
export const qualityCommandsGroupId = (prefix: string) => `${prefix}-quality`;

/** The consumer group of the windows and issues trackers on `<prefix>.quality.events`: every instance joins it. */
export const qualityTrackerGroupId = (prefix: string) => `${prefix}-quality-tracker`;

/** Headers of `.processed` records the quality manager reads, and of what it writes. */
export const QualityHeaders = {
  recordId: 'record-id',
  runId: 'run-id',
  pipelineVersion: 'pipeline-version',
  /** On `.validated`: ids of the `warn` rules the record failed, comma-separated. */
  warnings: 'quality-warnings',
} as const;

export const QualityEventNames = {
  quarantinedRecord: 'tributary.quality.QuarantinedRecord',
  windowObserved: 'tributary.quality.QualityWindowObserved',
  windowClosed: 'tributary.quality.QualityWindowClosed',
  issueOpened: 'tributary.quality.QualityIssueOpened',
  issueResolved: 'tributary.quality.QualityIssueResolved',
} as const;
