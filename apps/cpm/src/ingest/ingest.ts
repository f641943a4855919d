import { randomUUID } from 'node:crypto';
import { BrokerError, type Publisher, type RawMessage } from '@tributary/broker';
import { isValidPipelineId, pipelineDataTopics } from '@tributary/schemas';
import {
  compileRecordValidator,
  type FieldIssue,
  type FieldSpec,
  type IngestFormat,
  type RecordValidator,
  parseRecords,
  recordId,
} from '@tributary/staging';
import type { RequestHandler } from 'express';
import { CpmHttpError } from '../errors.js';
import type { ReachabilityProbe } from '../health/probes.js';
import { requestLocals } from '../http/request-context.js';
import type { CpmOptions } from '../options.js';
import type { PipelineDirectory } from './pipeline-directory.js';

/** The `event-type` header of a record on `.raw`. */
export const RAW_RECORD_EVENT_TYPE = 'tributary.data.RawRecord';
/** Response header carrying the batch id (also in the body and on every `.raw` message). */
export const BATCH_ID_HEADER = 'X-Batch-Id';

const RAW_EVENT_TYPE_BYTES = Buffer.from(RAW_RECORD_EVENT_TYPE);
const JSON_CONTENT_TYPE_BYTES = Buffer.from('application/json');
const CSV_CONTENT_TYPE_BYTES = Buffer.from('application/json; source=csv');

export interface RejectedRecord {
  index: number;
  line?: number;
  errors: readonly FieldIssue[];
}

export interface IngestResult {
  accepted: number;
  rejected: number;
  batchId: string;
  errors: RejectedRecord[];
}

export interface IngestDeps {
  publisher: Pick<Publisher, 'publishRawBatch'>;
  kafkaProbe: ReachabilityProbe;
  pipelines: PipelineDirectory;
  topicPrefix: string;
  options: Readonly<CpmOptions>;
}

/** Validators are compiled once per field list and format (the directory hands out the same array). */
function validatorCache() {
  const cache = new WeakMap<readonly FieldSpec[], Map<IngestFormat, RecordValidator>>();
  return (fields: readonly FieldSpec[], format: IngestFormat): RecordValidator => {
    let byFormat = cache.get(fields);
    if (!byFormat) cache.set(fields, (byFormat = new Map<IngestFormat, RecordValidator>()));
    let validate = byFormat.get(format);
    if (!validate) byFormat.set(format, (validate = compileRecordValidator(fields, { source: format })));
    return validate;
  };
}

/**
 * `POST /api/v1/pipelines/:id/records`: parse (JSON array, NDJSON, CSV), validate each record against
 * the pipeline's input fields, publish the accepted ones as they were sent (UTF-8 JSON) to the
 * pipeline's `.raw` topic keyed by record id, and answer once Kafka acknowledged them all.
 */
export function ingestHandler(deps: IngestDeps): RequestHandler {
  const validatorFor = validatorCache();
  const { options } = deps;
  const unavailable = (code: 'TRIB_BROKER_UNREACHABLE' | 'TRIB_INGEST_ACK_TIMEOUT', message: string, cause?: unknown) =>
    new CpmHttpError(503, code, message, { accepted: 0 }, { cause, headers: { 'Retry-After': String(options.retryAfterSeconds) } });

  return async (req, res) => {
    const { requestId, log } = requestLocals(res);
    const param: unknown = req.params.id;
    const pipelineId = typeof param === 'string' ? param : '';
    const input = isValidPipelineId(pipelineId) ? await deps.pipelines.getInput(pipelineId) : undefined;
    if (input === undefined) {
      throw new CpmHttpError(404, 'TRIB_PIPELINE_NOT_FOUND', `no pipeline ${JSON.stringify(pipelineId)}`, { pipelineId });
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const { format, records, lines, texts } = parseRecords(body, req.get('content-type'), options.ingestLimits);
    const validate = validatorFor(input.fields, format);
    const batchId = randomUUID();
    res.setHeader(BATCH_ID_HEADER, batchId);

    const errors: RejectedRecord[] = [];
    const accepted: RawMessage[] = [];
    // The headers every record of the request shares, encoded once. Every record is stored as JSON
    // text; CSV's records hold only strings, and the staging manager coerces them by CSV's rules
    // when the content type says where they came from.
    const batch = Buffer.from(batchId);
    const contentType = format === 'csv' ? CSV_CONTENT_TYPE_BYTES : JSON_CONTENT_TYPE_BYTES;
    const correlation = Buffer.from(requestId);
    records.forEach((raw, index) => {
      const result = validate(raw);
      if (!result.ok) {
        const line = lines?.[index];
        errors.push(line === undefined ? { index, errors: result.errors } : { index, line, errors: result.errors });
        return;
      }
      const id = Buffer.from(recordId(result.record, { keyFields: input.keyFields, batchId, index }));
      // The raw record as sent, not the coerced one: `.raw` stays faithful and replayable. Its JSON
      // text was made once already, when the parser measured its size.
      accepted.push({
        key: id,
        value: texts[index]!,
        headers: { 'event-type': RAW_EVENT_TYPE_BYTES, 'record-id': id, 'batch-id': batch, 'content-type': contentType, 'correlation-id': correlation },
      });
    });
    if (accepted.length === 0) {
      throw new CpmHttpError(422, 'TRIB_INGEST_ALL_REJECTED', `all ${errors.length} records were rejected`, {
        accepted: 0,
        rejected: errors.length,
        batchId,
        errors,
      });
    }

    // A cheap, bounded check first: with Kafka down nothing is handed to the producer (which would
    // keep retrying), so a 503 really means "nothing of this request was written".
    try {
      await deps.kafkaProbe.check();
    } catch (err) {
      throw unavailable('TRIB_BROKER_UNREACHABLE', 'Kafka is unreachable; nothing was accepted, retry later', err);
    }

    const [topic] = pipelineDataTopics(pipelineId, { prefix: deps.topicPrefix }).filter((t) => t.name.endsWith('.raw'));
    const topicName = topic?.name ?? `${deps.topicPrefix}.data.${pipelineId}.raw`;
    const acks = deps.publisher.publishRawBatch(topicName, RAW_RECORD_EVENT_TYPE, accepted);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.ingestAckTimeoutMs);
    });
    let answered = false;
    // After a timeout the producer may still deliver or fail: that rejection must not go unhandled.
    acks.catch((err: unknown) => {
      if (answered) log.warn({ err, batchId }, 'ingest publish failed after the request was answered');
    });
    try {
      const outcome = await Promise.race([acks.then(() => 'acked' as const), timedOut]);
      if (outcome === 'timeout') {
        answered = true;
        log.warn({ batchId, topic: topicName, records: accepted.length }, 'Kafka did not acknowledge in time');
        throw unavailable(
          'TRIB_INGEST_ACK_TIMEOUT',
          `Kafka did not acknowledge within ${options.ingestAckTimeoutMs} ms; nothing is reported accepted, retry later (records may still be written: ids make them dedupable)`,
        );
      }
    } catch (err) {
      if (err instanceof CpmHttpError) throw err;
      if (err instanceof BrokerError && err.retriable) throw unavailable('TRIB_BROKER_UNREACHABLE', 'Kafka is unreachable; retry later', err);
      const reason = err instanceof Error ? err.message : String(err);
      throw new CpmHttpError(502, 'TRIB_PUBLISH_FAILED', 'Kafka refused the records; nothing is reported accepted', { accepted: 0, reason }, { cause: err });
    } finally {
      clearTimeout(timer);
    }

    const result: IngestResult = { accepted: accepted.length, rejected: errors.length, batchId, errors };
    log.info({ pipelineId, batchId, accepted: result.accepted, rejected: result.rejected }, 'ingested');
    res.status(202).json(result);
  };
}
