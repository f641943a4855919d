/** Shapes of the CPM HTTP API (docs/cpm.md, /api/v1) as the CLI reads them. */

export type PipelineStatus = 'CREATED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED';

export interface StageCount {
  stage: string;
  in: number;
  out: number;
  errored: number;
}

export interface Run {
  runId: string;
  mode: 'live' | 'replay';
  pipelineVersion: number;
  status: string;
  reason?: string;
  /** ISO-8601 text or epoch milliseconds: both are accepted and shown as ISO-8601. */
  startedAt: string | number;
  stoppedAt?: string | number;
  stages: StageCount[];
}

export interface PipelineSummary {
  id: string;
  name: string;
  version: number;
  status: PipelineStatus;
  reason?: string;
  currentRun?: Run;
  totals: { in: number; out: number; rejected: number };
}

export interface PipelineDetail extends PipelineSummary {
  definition: unknown;
  updatedAt?: string | number;
  updatedBy?: string;
}

export interface RecordIssue {
  field: string;
  code: string;
  message: string;
  value?: unknown;
}

export interface RejectedRecord {
  index: number;
  line?: number;
  errors: RecordIssue[];
}

export interface IngestAnswer {
  accepted: number;
  rejected: number;
  batchId: string;
  errors: RejectedRecord[];
}

/** Content types of a definition body. */
export type DefinitionFormat = 'yaml' | 'json';
