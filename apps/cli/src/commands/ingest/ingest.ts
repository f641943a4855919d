import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { CpmClient } from '../../client/cpm-client.js';
import type { IngestAnswer, RecordIssue } from '../../client/types.js';
import { ApiError, CliError } from '../../errors.js';
import type { CliIo } from '../../io.js';
import { batchBody, createSplitter, type IngestFileFormat, type SourceRecord } from './records.js';

export interface IngestOptions {
  pipelineId: string;
  /** Absolute path of the input file. */
  file: string;
  format: IngestFileFormat;
  batchSize: number;
  concurrency: number;
  maxRetries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** Rejected records kept for the summary. */
  maxErrors: number;
}

/** A rejected record located in the input file. */
export interface LocatedRejection {
  /** 0-based position of the record in the file. */
  index: number;
  line: number;
  errors: RecordIssue[];
}

export interface IngestSummary {
  pipelineId: string;
  file: string;
  format: IngestFileFormat;
  /** Records read from the file and sent. */
  records: number;
  accepted: number;
  rejected: number;
  batches: number;
  retries: number;
  elapsedMs: number;
  recordsPerSecond: number;
  /** The first `maxErrors` rejected records, in file order. */
  errors: LocatedRejection[];
  /** Set when the ingest stopped before the end of the file. */
  failure?: { code: string; message: string };
}

export interface IngestProgress {
  start(totalBytes: number): void;
  /** After each answered batch. */
  update(state: { bytes: number; batches: number; accepted: number; rejected: number }): void;
  stop(): void;
}

interface Batch {
  seq: number;
  /** Position of the batch's first record in the file. */
  firstIndex: number;
  records: SourceRecord[];
  bytes: number;
}

/**
 * Streams the file to `POST /pipelines/:id/records` in batches, at most `concurrency` requests in
 * flight (reading pauses while they are), retrying a batch answered 503 after its Retry-After (bounded
 * by `maxRetries`). A 503 means nothing of that batch was accepted, so a retry cannot duplicate it.
 */
export async function ingestFile(client: CpmClient, io: CliIo, opts: IngestOptions, progress: IngestProgress): Promise<IngestSummary> {
  const started = io.now();
  const summary: IngestSummary = {
    pipelineId: opts.pipelineId,
    file: opts.file,
    format: opts.format,
    records: 0,
    accepted: 0,
    rejected: 0,
    batches: 0,
    retries: 0,
    elapsedMs: 0,
    recordsPerSecond: 0,
    errors: [],
  };
  let totalBytes: number;
  try {
    totalBytes = (await stat(opts.file)).size;
  } catch (err) {
    throw new CliError('TRIB_CLI_FILE', `cannot read ${opts.file}: ${(err as Error).message}`, { cause: err });
  }
  const splitter = createSplitter(opts.format);
  let failure: CliError | undefined;
  let bytesDone = 0;
  const inFlight = new Set<Promise<void>>();
  progress.start(totalBytes);

  async function post(batch: Batch): Promise<IngestAnswer> {
    const { body, contentType } = batchBody(opts.format, batch.records, splitter.header);
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.ingest(opts.pipelineId, body, contentType);
      } catch (err) {
        // Every record failed validation: not a failure of the ingest, the records are reported.
        if (err instanceof ApiError && err.code === 'TRIB_INGEST_ALL_REJECTED') return allRejected(err, batch);
        if (!(err instanceof ApiError && err.status === 503) || attempt >= opts.maxRetries || io.signal.aborted) throw err;
        summary.retries++;
        const wait =
          err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : opts.retryDelayMs * 2 ** attempt;
        await io.sleep(Math.min(wait, opts.maxRetryDelayMs), io.signal);
      }
    }
  }

  async function send(batch: Batch): Promise<void> {
    try {
      const answer = await post(batch);
      summary.batches++;
      summary.accepted += answer.accepted;
      summary.rejected += answer.rejected;
      // Batches are answered out of order: keep the first `maxErrors` by position in the file.
      for (const e of (answer.errors ?? []).slice(0, opts.maxErrors)) {
        const record = batch.records[e.index];
        summary.errors.push({ index: batch.firstIndex + e.index, line: record?.line ?? e.line ?? 0, errors: e.errors });
      }
      summary.errors.sort((a, b) => a.index - b.index).splice(opts.maxErrors);
      bytesDone += batch.bytes;
      progress.update({ bytes: Math.min(bytesDone, totalBytes), batches: summary.batches, accepted: summary.accepted, rejected: summary.rejected });
    } catch (err) {
      failure ??= err instanceof CliError ? err : new CliError('TRIB_CLI_INGEST_FAILED', (err as Error).message, { cause: err });
    }
  }

  let seq = 0;
  let pending: SourceRecord[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const batch: Batch = { seq: seq++, firstIndex: summary.records, records: pending, bytes: pendingBytes };
    summary.records += pending.length;
    pending = [];
    pendingBytes = 0;
    const p: Promise<void> = send(batch).finally(() => inFlight.delete(p));
    inFlight.add(p);
    // Back-pressure: the file is read no faster than the CPM takes it.
    while (inFlight.size >= opts.concurrency) await Promise.race(inFlight);
  };
  const accept = async (records: SourceRecord[]) => {
    for (const r of records) {
      pending.push(r);
      pendingBytes += Buffer.byteLength(r.text) + 1;
      if (pending.length >= opts.batchSize) await flush();
      if (failure || io.signal.aborted) return;
    }
  };

  const stream = createReadStream(opts.file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      await accept(splitter.push(chunk));
      if (failure || io.signal.aborted) break;
    }
    if (!failure && !io.signal.aborted) {
      await accept(splitter.end());
      await flush();
    }
  } catch (err) {
    failure ??= err instanceof CliError ? err : new CliError('TRIB_CLI_FILE', `reading ${opts.file}: ${(err as Error).message}`, { cause: err });
  } finally {
    stream.destroy();
    await Promise.allSettled(inFlight);
    progress.stop();
  }
  if (!failure && io.signal.aborted) failure = new CliError('TRIB_CLI_INGEST_FAILED', 'interrupted');
  summary.elapsedMs = io.now() - started;
  const answered = summary.accepted + summary.rejected;
  summary.recordsPerSecond = summary.elapsedMs > 0 ? Math.round((answered * 1000) / summary.elapsedMs) : answered;
  if (failure) {
    summary.failure = { code: failure.code, message: failure.message };
    throw Object.assign(failure, { summary });
  }
  return summary;
}

/** A 422 TRIB_INGEST_ALL_REJECTED read as an answer: nothing accepted, every record reported. */
function allRejected(err: ApiError, batch: Batch): IngestAnswer {
  const d = (err.details ?? {}) as Partial<IngestAnswer>;
  return { accepted: 0, rejected: d.rejected ?? batch.records.length, batchId: d.batchId ?? '', errors: d.errors ?? [] };
}

/** The summary an ingest that stopped midway carries on its error. */
export function summaryOf(err: unknown): IngestSummary | undefined {
  return (err as { summary?: IngestSummary } | undefined)?.summary;
}
