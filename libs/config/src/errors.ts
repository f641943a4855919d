/** Errors of @tributary/config. Every error has a stable code; configuration errors are never retriable. */
export class ConfigError extends Error {
  readonly code = 'TRIB_CONFIG_INVALID';
  readonly retriable = false;

  constructor(
    message: string,
    /** One entry per invalid variable: its name and why it was refused. */
    readonly issues: readonly { variable: string; message: string }[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
