export { waitFor } from './wait-for.js';
export { uniqueName } from './unique.js';
export { PrivateRedis } from './private-redis.js';
export { seededRandom } from './random.js';
