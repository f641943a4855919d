import type { RuleFailure } from '@tributary/quality-rules';
import type { RuleFailure as RuleFailureEvent } from '@tributary/schemas';

/** A failure's value is kept as JSON text of at most this many characters. */
const MAX_VALUE_TEXT = 1024;

/** A rule engine failure as `QuarantinedRecord.failures` carries it (the checker's and a redrive's). */
export function toFailureEvent(failure: RuleFailure): RuleFailureEvent {
  return {
    ruleId: failure.ruleId,
    ruleType: failure.ruleType,
    severity: failure.severity,
    field: failure.field ?? null,
    value: failure.value === undefined ? null : valueText(failure.value),
    message: failure.message,
  };
}

/** The offending value as JSON text, cut at MAX_VALUE_TEXT. */
export function valueText(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // BigInt or a cycle: not JSON, still worth showing.
    text = String(value);
  }
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT)}…` : text;
}
