import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../../context.js';
import { CliError } from '../../errors.js';
import { formatDuration, writeJson } from '../../output/format.js';
import { cliDefaults, nonNegativeInt, positiveInt } from '../../options.js';
import { type IngestSummary, ingestFile, summaryOf } from './ingest.js';
import { createIngestProgress } from './progress.js';
import { ingestFileFormat } from './records.js';

interface IngestFlags {
  format?: string;
  batchSize?: string;
  concurrency?: string;
  maxRetries?: string;
  maxErrors?: string;
  strict?: boolean;
}

/** `tributary ingest <pipeline> <file>`. */
export function registerIngestCommand(program: Command, ctx: CommandContext): void {
  program
    .command('ingest')
    .description('send a JSON array, NDJSON or CSV file to a pipeline in batches')
    .argument('<pipeline>', 'pipeline id')
    .argument('<file>', 'records file (.json, .ndjson/.jsonl, .csv)')
    .option('--format <format>', 'json | ndjson | csv (default: from the file extension)')
    .option('--batch-size <n>', `records per request (default ${cliDefaults.batchSize})`)
    .option('--concurrency <n>', `requests in flight (default ${cliDefaults.concurrency})`)
    .option('--max-retries <n>', `retries of a batch answered 503 (default ${cliDefaults.maxRetries})`)
    .option('--max-errors <n>', `rejected records listed in the summary (default ${cliDefaults.maxErrors})`)
    .option('--strict', 'exit 1 when any record was rejected')
    .action(async (pipelineId: string, file: string, flags: IngestFlags) => {
      const options = {
        pipelineId,
        file: resolve(ctx.io.cwd, file),
        format: ingestFileFormat(file, flags.format),
        batchSize: positiveInt('--batch-size', flags.batchSize, cliDefaults.batchSize),
        concurrency: positiveInt('--concurrency', flags.concurrency, cliDefaults.concurrency),
        maxRetries: nonNegativeInt('--max-retries', flags.maxRetries, cliDefaults.maxRetries),
        maxErrors: nonNegativeInt('--max-errors', flags.maxErrors, cliDefaults.maxErrors),
        retryDelayMs: cliDefaults.retryDelayMs,
        maxRetryDelayMs: cliDefaults.maxRetryDelayMs,
      };
      const client = ctx.client();
      let summary: IngestSummary;
      try {
        summary = await ingestFile(client, ctx.io, options, createIngestProgress(ctx.io));
      } catch (err) {
        const partial = summaryOf(err);
        if (partial) printSummary(ctx, partial);
        throw err;
      }
      printSummary(ctx, summary);
      if (flags.strict && summary.rejected > 0) {
        throw new CliError('TRIB_CLI_INGEST_FAILED', `${summary.rejected} records were rejected (--strict)`);
      }
    });
}

function printSummary(ctx: CommandContext, s: IngestSummary): void {
  if (ctx.globals().output === 'json') return writeJson(ctx.io.stdout, s);
  const out = ctx.io.stdout;
  const n = (v: number) => v.toLocaleString('en-US');
  out.write(`${s.failure ? 'stopped ingesting' : 'ingested'} ${s.file} into ${s.pipelineId} (${s.format})\n`);
  out.write(`  accepted  ${n(s.accepted)}\n`);
  out.write(`  rejected  ${n(s.rejected)}\n`);
  out.write(`  batches   ${n(s.batches)}${s.retries ? ` (${n(s.retries)} retries after 503)` : ''}\n`);
  out.write(`  elapsed   ${formatDuration(s.elapsedMs)} (${n(s.recordsPerSecond)} records/s)\n`);
  if (s.errors.length > 0) {
    out.write(`rejected records (first ${s.errors.length} of ${n(s.rejected)}):\n`);
    for (const e of s.errors) {
      const issues = e.errors.map((i) => `${i.field}: ${i.message} (${i.code})`).join('; ');
      out.write(`  line ${e.line}: ${issues}\n`);
    }
  }
}
