export { CommandTypes, decideCommand } from './decide.js';
export type { CommandDeps, CommandEnvelope, CommandOutput } from './types.js';
