/** Record types of the redrive (schemas/quality/*.avsc; CommandRejected is the pipeline manager's, reused). */
export const RedriveEventNames = {
  command: 'tributary.quality.RedriveQuarantine',
  started: 'tributary.quality.QuarantineRedriveStarted',
  progressed: 'tributary.quality.QuarantineRedriveProgressed',
  completed: 'tributary.quality.QuarantineRedriveCompleted',
  rejected: 'tributary.pipeline.CommandRejected',
  quarantinedRecord: 'tributary.quality.QuarantinedRecord',
} as const;

/** Header on every record a redrive writes (`.validated` and `.quarantine`): the redrive's id. */
export const REDRIVE_ID_HEADER = 'redrive-id';

/**
 * The consumer group of one redrive's worker. One group per redrive: its committed offsets are the
 * redrive's progress, they survive a restart, and the group is deleted when the redrive completes.
 */
export const redriveGroupId = (prefix: string, pipelineId: string, redriveId: string) => `${prefix}-quality-redrive.${pipelineId}.${redriveId}`;

/** Stable across restarts of the same instance, so a restarted worker fences its killed predecessor's transaction. */
export const redriveTransactionalId = (prefix: string, pipelineId: string, redriveId: string, instanceId: string) =>
  `${prefix}-quality-redrive.${pipelineId}.${redriveId}.${instanceId}`;
