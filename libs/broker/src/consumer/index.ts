export { createConsumerRunner, type ConsumerRunner, type ConsumerRunnerDeps } from './runner.js';
export { consumerRunnerDefaults, resolveConsumerRunnerOptions, type ConsumerRunnerOptions } from './options.js';
export { deadLetterOf, deadLetterTopicOf } from './dead-letter.js';
export type { Checkpoint, ConsumedEvent, EventHandler, EventHandlers, HandlerContext } from './types.js';
