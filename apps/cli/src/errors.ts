/**
 * Errors of the CLI, in one module. Every failure the user should read becomes a `CliError` with a
 * stable `TRIB_…` code and the process exit code; anything else is a bug and is printed as such.
 */
export type CliErrorCode =
  | 'TRIB_CLI_USAGE'
  | 'TRIB_CLI_UNREACHABLE'
  | 'TRIB_CLI_TIMEOUT'
  | 'TRIB_CLI_BAD_RESPONSE'
  | 'TRIB_CLI_FILE'
  | 'TRIB_CLI_INGEST_FAILED'
  | 'TRIB_CLI_RUN_FAILED'
  | 'TRIB_CLI_KAFKA'
  | 'TRIB_DEFINITION_INVALID';

/** Process exit codes: 0 ok, 1 an error, 2 the command line itself was wrong. */
export const ExitCode = { ok: 0, error: 1, usage: 2 } as const;

/** A definition problem with its position in the file, as @tributary/pipelines and the CPM report them. */
export interface IssueLike {
  readonly path?: string;
  readonly field?: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode | (string & {}),
    message: string,
    readonly options: {
      exitCode?: number;
      /** Retrying the same command may succeed (network, 503). */
      retriable?: boolean;
      issues?: readonly IssueLike[];
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
  }

  get exitCode(): number {
    return this.options.exitCode ?? ExitCode.error;
  }

  get retriable(): boolean {
    return this.options.retriable ?? false;
  }

  get issues(): readonly IssueLike[] {
    return this.options.issues ?? [];
  }
}

/** Wrong arguments or options: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super('TRIB_CLI_USAGE', message, { exitCode: ExitCode.usage });
    this.name = 'UsageError';
  }
}

/** The CPM answered with an error body `{ error: { code, message, details } }`. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly details: unknown,
    /** Seconds from the `Retry-After` header, when the answer had one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message, { retriable: status === 503, issues: issuesOf(details) });
    this.name = 'ApiError';
  }
}

function issuesOf(details: unknown): IssueLike[] {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter((i): i is IssueLike => typeof (i as IssueLike | undefined)?.message === 'string');
}
