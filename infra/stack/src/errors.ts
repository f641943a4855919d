/**
 * Why the stack could not do what was asked, in words a developer can act on. `code` is stable
 * (scripts match on it); `detail` carries the evidence, e.g. the tail of a service's log.
 */
export class StackError extends Error {
  readonly retriable = false;
  constructor(
    readonly code:
      | 'TRIB_STACK_NO_JAVA'
      | 'TRIB_STACK_NO_MAVEN'
      | 'TRIB_STACK_DOWNLOAD_FAILED'
      | 'TRIB_STACK_PORT_TAKEN'
      | 'TRIB_STACK_START_FAILED'
      | 'TRIB_STACK_START_TIMEOUT'
      | 'TRIB_STACK_STOP_FAILED',
    message: string,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StackError';
  }
}
