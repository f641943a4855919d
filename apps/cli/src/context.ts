import { createCpmClient, type CpmClient } from './client/cpm-client.js';
import type { CliIo } from './io.js';
import { cliDefaults, type GlobalOptions } from './options.js';

/** What every command gets: its I/O, the resolved global options and a CPM client made from them. */
export interface CommandContext {
  readonly io: CliIo;
  /** Global options (flags, then env, then defaults), resolved when a command runs. */
  globals(): GlobalOptions;
  client(): CpmClient;
}

export function createCommandContext(io: CliIo, globals: () => GlobalOptions): CommandContext {
  let client: CpmClient | undefined;
  return {
    io,
    globals,
    client() {
      const g = globals();
      client ??= createCpmClient({
        baseUrl: g.url,
        apiKey: g.apiKey,
        fetch: io.fetch,
        timeoutMs: cliDefaults.requestTimeoutMs,
        signal: io.signal,
      });
      return client;
    },
  };
}
