/**
 * The `tributary` process: real stdio, fetch, clock and Ctrl-C wired into runCli. Nothing else lives here.
 */
import { abortableSleep, type CliIo } from './io.js';
import { runCli } from './program.js';

const controller = new AbortController();
let interrupts = 0;
const onSignal = () => {
  // First Ctrl-C: stop cleanly (close consumers, delete the throwaway group); second: leave now.
  if (++interrupts > 1) process.exit(130);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  progressStream: process.stderr,
  progressTty: process.stderr.isTTY === true,
  env: process.env,
  fetch: globalThis.fetch,
  now: () => Date.now(),
  sleep: abortableSleep,
  signal: controller.signal,
  cwd: process.cwd(),
};

const code = await runCli(process.argv.slice(2), io);
process.exitCode = controller.signal.aborted && code === 0 ? 0 : code;
// kafkajs and keep-alive sockets may hold the loop open for a while after everything is closed, so
// exit explicitly, once both streams have flushed (writes to pipes are asynchronous).
const drained = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(process.exitCode);
