export { createPublisher, type Publisher, type PublisherDeps, type RawMessage } from './publisher.js';
export { publisherDefaults, resolvePublisherOptions, type PublisherOptions } from './options.js';
export type { PublishOptions, PublishReceipt } from './types.js';
