export { MAX_KEY_LABELS_LENGTH, MAX_KEY_LABEL_VALUE_LENGTH, canonicalLabels, seriesKey, serviceKeyPart } from './key.js';
export { pointProblem } from './observe.js';
export { parseSeriesSnapshot } from './snapshot.js';
export type { SeriesSnapshot } from './snapshot.js';
export type { HistogramBucket, MetricKind, MetricPoint, SeriesIdentity } from './types.js';
export type { BaselineView, HourBaselineView } from './view.js';
