export { createTopicReader } from './reader.js';
export { decodeForView } from './decode.js';
export type { TopicReader, TopicReaderDeps } from './reader.js';
