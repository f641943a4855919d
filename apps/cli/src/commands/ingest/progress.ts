import cliProgress from 'cli-progress';
import type { CliIo } from '../../io.js';
import type { IngestProgress } from './ingest.js';

/** A bar on a terminal (cli-progress), plain lines otherwise (logs, CI, pipes). Both on stderr. */
export function createIngestProgress(io: CliIo): IngestProgress {
  if (io.progressTty && io.progressStream) return barProgress(io.progressStream);
  return lineProgress(io);
}

function barProgress(stream: NodeJS.WritableStream): IngestProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{bar} {percentage}% | {batches} batches | {accepted} accepted, {rejected} rejected | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(Math.max(total, 1), 0, { batches: 0, accepted: 0, rejected: 0 }),
    update: (s) => bar.update(s.bytes, { batches: s.batches, accepted: s.accepted, rejected: s.rejected }),
    stop: () => bar.stop(),
  };
}

function lineProgress(io: CliIo): IngestProgress {
  let total = 0;
  return {
    start: (t) => {
      total = t;
    },
    update: (s) => {
      const pct = total > 0 ? Math.min(100, Math.floor((s.bytes * 100) / total)) : 100;
      io.stderr.write(`batch ${s.batches} answered: ${s.accepted} accepted, ${s.rejected} rejected (${pct}% of the file)\n`);
    },
    stop: () => undefined,
  };
}
