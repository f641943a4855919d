import type { QualityIssueEntry, QualityWindowEntry, QuarantineRedriveEntry } from '@tributary/pipeline-state';

/** What the quality routes read: the quality read model (main.ts passes @tributary/pipeline-state's view). */
export interface QualityPort {
  windows(pipelineId: string, range?: { from?: number; to?: number; windowMs?: number }): QualityWindowEntry[];
  issues(pipelineId: string, status?: 'open' | 'resolved'): QualityIssueEntry[];
  issue(pipelineId: string, issueId: string): QualityIssueEntry | undefined;
  redrives(pipelineId: string): QuarantineRedriveEntry[];
  redrive(pipelineId: string, redriveId: string): QuarantineRedriveEntry | undefined;
}
