export { createConditionWaiters } from './conditions.js';
export type { ConditionWaiters } from './conditions.js';
