import { Command, CommanderError, Option } from 'commander';
import { registerDlqCommands } from './commands/dlq.js';
import { registerIngestCommand } from './commands/ingest/index.js';
import { registerPipelineCommands } from './commands/pipelines.js';
import { registerRunCommands } from './commands/runs.js';
import { registerTopicCommands } from './commands/topics.js';
import { createCommandContext } from './context.js';
import { CliError, ExitCode } from './errors.js';
import type { CliIo } from './io.js';
import { cliDefaults, type GlobalOptions, resolveGlobalOptions } from './options.js';
import { printError } from './output/errors.js';

/** Builds the `tributary` command tree, writing through `io` and never exiting the process. */
export function createProgram(io: CliIo): Command {
  const program = new Command('tributary');
  program
    .description('Tributary on the command line: pipelines, ingest, runs, replays, topics and dead letters')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .option('--url <url>', `CPM base URL (env TRIBUTARY_URL, default ${cliDefaults.url})`)
    // The key is never echoed: help shows no default and errors never include it.
    .option('--api-key <key>', 'CPM API key (env TRIBUTARY_API_KEY)')
    .option('--brokers <list>', 'Kafka bootstrap servers, comma-separated (env KAFKA_BROKERS, default 127.0.0.1:9092)')
    .option('--registry <url>', 'schema registry URL (env SCHEMA_REGISTRY_URL)')
    .addOption(new Option('--output <format>', 'output format').choices(['table', 'json']).default('table'));

  let globals: GlobalOptions | undefined;
  const ctx = createCommandContext(io, () => (globals ??= resolveGlobalOptions(program.opts(), io.env)));
  registerPipelineCommands(program, ctx);
  registerIngestCommand(program, ctx);
  registerRunCommands(program, ctx);
  registerTopicCommands(program, ctx);
  registerDlqCommands(program, ctx);
  return program;
}

/**
 * Runs one command line (without `node` and the script) and returns the exit code: 0 ok, 1 an error
 * (printed on stderr with its code), 2 a usage error.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the message (or the help) through configureOutput.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage;
    }
    printError(err, io.stderr);
    return err instanceof CliError ? err.exitCode : ExitCode.error;
  }
}
