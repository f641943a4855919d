export { createLogger, correlationFromHeaders, withCorrelation } from './logger.js';
export { loggingDefaults } from './options.js';
export type { CorrelationIds, LogDestination, Logger, LoggerOptions, LogLevel } from './types.js';
