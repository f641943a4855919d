export { readTopicSlice } from './read.js';
export type { SliceEnd, SliceMessage, SliceVerdict, TopicSliceOptions, TopicSliceResult } from './types.js';
