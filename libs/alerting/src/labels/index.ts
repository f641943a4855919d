export { canonicalLabels, fingerprint, labelsKey } from './label-set.js';
export { compileMatcher, formatMatcher, isLabelName, matchesAll, parseMatcher } from './matchers.js';
export type { Outcome } from './matchers.js';
export type { CompiledMatcher, LabelMatcher, Labels, MatchType, MatcherInput, PatternLimits } from './types.js';
