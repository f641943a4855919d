// The door of the pattern capability: linear-time regular expressions for `regex` rules.
export { compilePattern } from './compile.js';
export type { CompiledPattern, PatternEngine, PatternLimits, PatternOutcome } from './compile.js';
