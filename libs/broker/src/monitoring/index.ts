export { createMonitoringSink, MonitoringEventNames } from './sink.js';
export type { MonitoringSink, MonitoringSinkDeps } from './sink.js';
