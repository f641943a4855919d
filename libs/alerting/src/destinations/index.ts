export { DestinationAllowList } from './allow-list.js';
export type { DestinationCheck } from './allow-list.js';
export { redactError, redactText, redactUrl } from './redact.js';
