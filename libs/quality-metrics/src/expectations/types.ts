/**
 * Expectations evaluated per window rather than per record, in Great Expectations' words: each has
 * an id, the window it is judged over, and the bounds its observed value must meet.
 */

/** Row count of the window within [min, max] (either bound may be left out, not both). */
export interface VolumeExpectation {
  readonly id: string;
  readonly type: 'volume';
  /** Window size as definitions write it, e.g. `1m`: judged on windows of exactly this size. */
  readonly window: string;
  readonly min?: number;
  readonly max?: number;
}

/** Ratio of records whose `field` is neither null nor absent, at least `min` (0..1). */
export interface CompletenessExpectation {
  readonly id: string;
  readonly type: 'completeness';
  readonly field: string;
  readonly window: string;
  readonly min: number;
}

/**
 * Ratio of records with no `error` failure (on `field` when given, else on any field, i.e. not
 * quarantined), at least `min` (0..1). Warnings do not make a record invalid.
 */
export interface ValidityExpectation {
  readonly id: string;
  readonly type: 'validity';
  readonly window: string;
  readonly min: number;
  readonly field?: string;
}

export type WindowExpectation = VolumeExpectation | CompletenessExpectation | ValidityExpectation;

export type WindowExpectationType = WindowExpectation['type'];

/** The verdict of one expectation on one window. Plain JSON. */
export interface ExpectationResult {
  readonly expectationId: string;
  readonly type: WindowExpectationType;
  readonly pipelineId: string;
  /** The declared window size, e.g. `1m`. */
  readonly window: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly field?: string;
  /**
   * Row count for volume, a ratio 0..1 otherwise. Null when there was nothing to judge (no records,
   * or the field was not tracked): the expectation then succeeds, and volume speaks for the window.
   */
  readonly observedValue: number | null;
  readonly min?: number;
  readonly max?: number;
  readonly success: boolean;
}
