import { ApiError, CliError, type IssueLike } from '../errors.js';
import type { Writer } from '../io.js';

/** `line 3, column 7: stages[0].where: unknown field` */
export function formatIssue(issue: IssueLike): string {
  const at = issue.line === undefined ? '' : `line ${issue.line}${issue.column === undefined ? '' : `, column ${issue.column}`}: `;
  const field = issue.field ? `${issue.field}: ` : issue.path ? `${issue.path}: ` : '';
  return `${at}${field}${issue.message}`;
}

/**
 * Prints a failure on stderr: the code and message, then each definition issue with its position.
 * Unexpected errors (bugs) are printed with their stack so they can be reported.
 */
export function printError(err: unknown, stderr: Writer): void {
  if (err instanceof CliError) {
    const status = err instanceof ApiError ? ` (HTTP ${err.status})` : '';
    stderr.write(`error ${err.code}${status}: ${err.message}\n`);
    for (const issue of err.issues) stderr.write(`  ${formatIssue(issue)}\n`);
    return;
  }
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  stderr.write(`error TRIB_CLI_INTERNAL: ${text}\n`);
}
