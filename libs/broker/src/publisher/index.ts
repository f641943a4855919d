export { createPublisher, type Publisher, type PublisherDeps } from './publisher.js';
export { publisherDefaults, resolvePublisherOptions, type PublisherOptions } from './options.js';
export type { PublishOptions, PublishReceipt } from './types.js';
