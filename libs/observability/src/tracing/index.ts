export { MessagingAttribute } from './attributes.js';
export { noopSpan, noopTelemetry } from './noop.js';
export { tracingDefaults } from './options.js';
export { createTelemetry } from './telemetry.js';
export type { MessagingSpan, MessagingSpanOptions, SpanProcessorKind, Telemetry, TelemetryOptions } from './types.js';
