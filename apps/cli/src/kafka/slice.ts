import { BrokerError } from '@tributary/broker';
import { CliError } from '../errors.js';
import type { Writer } from '../io.js';
import { kafkaError } from './resources.js';

/** The CLI's throwaway groups (topic tails, dead-letter peeks) are `tributary-cli-<random>`. */
export const CLI_GROUP_PREFIX = 'tributary-cli';

/** Where a topic read says what went wrong without failing (its group could not be deleted). */
export function sliceWarning(stderr: Writer): (message: string) => void {
  return (message) => stderr.write(`warning: ${message}\n`);
}

/** A failed topic read as a CliError; the broker's message already names the topic. */
export function sliceError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof BrokerError) return new CliError('TRIB_CLI_KAFKA', err.message, { cause: err, retriable: err.retriable });
  return kafkaError(err, 'reading the topic failed');
}
