export { BaselineBook } from './book.js';
export type { ApplyResult, BaselineBookHealth, FlushResult, RebuildResult, RejectedPoint, RestoreResult } from './book.js';
export type { BaselineBookOptions } from './options.js';
