export { createHealthServer } from './health-server.js';
export type { HealthServer, HealthServerDeps } from './health-server.js';
