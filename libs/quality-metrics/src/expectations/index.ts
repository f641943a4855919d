export { evaluateExpectations, expectationFields, expectationWindowSizes } from './evaluate.js';
export { parseWindowExpectations } from './parse.js';
export type {
  CompletenessExpectation,
  ExpectationResult,
  ValidityExpectation,
  VolumeExpectation,
  WindowExpectation,
  WindowExpectationType,
} from './types.js';
