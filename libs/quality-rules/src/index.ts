// The only public door of @tributary/quality-rules: per-record data-quality rules as a pure library
// (no Kafka, no HTTP). See docs/quality-rules.md.
export { compileRuleSet } from './definition/compile.js';
export { checkPipelineQuality, pipelineRuleSet } from './definition/pipeline.js';
export { QUALITY_RULES_SCHEMA_URL, qualityRulesJsonSchema } from './definition/schema.js';
export { QualityRulesOptionsError, RuleSetError } from './errors.js';
export type { QualityRulesErrorCode } from './errors.js';
export { qualityRulesDefaults } from './options.js';
export type { CompileRuleSetOptions, RuleSetLimits } from './options.js';
export type {
  CompareOp,
  CompareRule,
  CompiledRuleSet,
  CompletenessExpectation,
  CompletenessRule,
  EvaluationContext,
  ExpressionNulls,
  ExpressionRule,
  FreshnessRule,
  InRangeRule,
  InSetRule,
  LengthRule,
  NotNullRule,
  QualityRuleSetInput,
  RecordRuleDefinition,
  RecordRuleInfo,
  RecordRuleType,
  RecordVerdict,
  ReferenceRule,
  RegexRule,
  RuleDefinition,
  RuleEngine,
  RuleEvaluator,
  RuleFailure,
  RuleSetIssue,
  RuleType,
  Severity,
  TypeRule,
  UniqueRule,
  ValidityExpectation,
  ValidityRule,
  VolumeExpectation,
  VolumeRule,
  WindowExpectation,
  WindowRuleDefinition,
  WindowRuleType,
} from './types.js';
