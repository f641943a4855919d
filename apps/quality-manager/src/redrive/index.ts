// The door of the quarantine redrive (docs/quality.md, "Redrive").
export { createQuarantineRedriver } from './service.js';
export type { LocalRedriveStatus, QuarantineRedriver, QuarantineRedriverDeps } from './service.js';
export { redriveDefaults, resolveRedriveOptions } from './options.js';
export type { RedriveOptions } from './options.js';
export { REDRIVE_ID_HEADER, RedriveEventNames, redriveGroupId } from './names.js';
export { RedriveRejections } from './commands.js';
