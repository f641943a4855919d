import { PipelineManagerError } from './errors.js';

export interface FailurePolicyOptions {
  /** A stage fails its run when errored/in over the window is above this. Default 0.5. */
  errorRate: number;
  /** No verdict before the window holds this many records (a few early errors are noise). Default 100. */
  minRecords: number;
  /** The window: the most recent deltas covering about this many records of the stage. Default 1000. */
  windowRecords: number;
}

export interface PipelineManagerOptions {
  failure: FailurePolicyOptions;
  /** How long a handler waits for the views to show its own writes before retrying. Default 10 s. */
  viewWaitTimeoutMs: number;
  /** Consumer group suffix: the group is `<prefix>-pipeline-manager`. */
  groupSuffix: string;
  /** Partitions of each pipeline's data topics. Default: the catalog's (topicCatalogDefaults.dataPartitions). */
  dataPartitions: number | undefined;
}

export type PipelineManagerOptionsInput = Partial<Omit<PipelineManagerOptions, 'failure'>> & { failure?: Partial<FailurePolicyOptions> };

export const pipelineManagerDefaults: Readonly<PipelineManagerOptions> = Object.freeze({
  failure: Object.freeze({ errorRate: 0.5, minRecords: 100, windowRecords: 1000 }),
  viewWaitTimeoutMs: 10_000,
  groupSuffix: 'pipeline-manager',
  dataPartitions: undefined,
});

/** Merges overrides over the defaults (the caller's object is not modified) and validates the result. */
export function resolvePipelineManagerOptions(input: PipelineManagerOptionsInput = {}): Readonly<PipelineManagerOptions> {
  const o: PipelineManagerOptions = {
    ...pipelineManagerDefaults,
    ...input,
    failure: { ...pipelineManagerDefaults.failure, ...input.failure },
  };
  const problems: string[] = [];
  const positiveInt = (name: string, v: unknown) => {
    if (!Number.isInteger(v) || (v as number) < 1) problems.push(`${name} must be a positive integer`);
  };
  if (!(o.failure.errorRate > 0 && o.failure.errorRate <= 1)) problems.push('failure.errorRate must be in (0, 1]');
  positiveInt('failure.minRecords', o.failure.minRecords);
  positiveInt('failure.windowRecords', o.failure.windowRecords);
  if (o.failure.windowRecords < o.failure.minRecords) problems.push('failure.windowRecords must be at least failure.minRecords');
  positiveInt('viewWaitTimeoutMs', o.viewWaitTimeoutMs);
  if (o.dataPartitions !== undefined) positiveInt('dataPartitions', o.dataPartitions);
  if (!/^[a-z0-9-]+$/.test(o.groupSuffix)) problems.push('groupSuffix must be lower-case letters, digits and -');
  if (problems.length > 0) {
    throw new PipelineManagerError('TRIB_PIPELINE_MANAGER_OPTIONS_INVALID', `Invalid pipeline manager options: ${problems.join('; ')}`);
  }
  return Object.freeze({ ...o, failure: Object.freeze(o.failure) });
}
