import type { DefinitionIssue } from './types.js';

/**
 * Errors of @tributary/pipelines. A definition is user input: retrying never fixes it, so these are
 * not retriable. Failures of single records are not thrown: `apply` returns them per record.
 */
export type PipelinesErrorCode = 'TRIB_DEFINITION_INVALID';

/** A pipeline definition (or sample set) was refused; `details` names every offending field and why. */
export class DefinitionError extends Error {
  readonly code: PipelinesErrorCode = 'TRIB_DEFINITION_INVALID';
  readonly retriable = false;

  constructor(
    readonly details: readonly DefinitionIssue[],
    options?: { cause?: unknown },
  ) {
    super(summarise(details), options);
    this.name = 'DefinitionError';
  }
}

function summarise(details: readonly DefinitionIssue[]): string {
  const [first] = details;
  if (!first) return 'Invalid pipeline definition';
  const where = first.field === '' ? '' : `${first.field}: `;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return `Invalid pipeline definition: ${where}${first.message}${more}`;
}
