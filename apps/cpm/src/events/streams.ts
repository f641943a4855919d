import type { Logger } from '@tributary/observability';
import type { RequestHandler, Response } from 'express';
import { CpmHttpError } from '../errors.js';
import type { PipelineEvent, PipelineEventsPort } from '../pipelines/types.js';

export interface EventStreamsDeps {
  events: Pick<PipelineEventsPort, 'subscribe'>;
  logger: Logger;
  options: {
    /** Most concurrent streams; more are answered 503 TRIB_TOO_MANY_STREAMS. */
    maxEventStreams: number;
    /** Interval of the `: heartbeat` comment. */
    eventHeartbeatMs: number;
    retryAfterSeconds: number;
  };
}

export interface EventStreams {
  /** `GET /api/v1/events?pipeline=<id>`: text/event-stream of the events view's events. */
  handler(): RequestHandler;
  /** Streams open now. */
  readonly active: number;
  /** Ends every open stream (shutdown: an open stream would keep the HTTP server from closing). */
  close(): Promise<void>;
}

/** A client that reads slower than events come is cut off past this much unsent output. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** The short type name (`RunProgress`) names SSE events; the data carries the full one. */
const shortType = (type: string) => type.slice(type.lastIndexOf('.') + 1);

function frame(event: PipelineEvent): string {
  const data = JSON.stringify({ type: event.type, pipelineId: event.pipelineId ?? null, value: event.value }, (_k, v: unknown) =>
    typeof v === 'bigint' ? Number(v) : v,
  );
  return `event: ${shortType(event.type)}\ndata: ${data}\n\n`;
}

/**
 * Server-sent events of run progress and state, one subscription to the events view per stream,
 * filtered by pipeline. Streams are capped, kept alive with a heartbeat comment and cleaned up when
 * the client goes away.
 */
export function createEventStreams(deps: EventStreamsDeps): EventStreams {
  const log = deps.logger.child({ component: 'event-streams' });
  const open = new Set<() => void>();

  return {
    get active() {
      return open.size;
    },
    handler() {
      return (req, res: Response) => {
        const param = req.query.pipeline;
        if (param !== undefined && typeof param !== 'string') {
          throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'pipeline must be given once', { field: 'pipeline' });
        }
        const pipeline = param === '' ? undefined : param;
        if (open.size >= deps.options.maxEventStreams) {
          throw new CpmHttpError(503, 'TRIB_TOO_MANY_STREAMS', `${open.size} event streams are open, the most this CPM serves; retry later`, {
            max: deps.options.maxEventStreams,
          }, { headers: { 'Retry-After': String(deps.options.retryAfterSeconds) } });
        }
        res.status(200);
        res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
        res.setHeader('Cache-Control', 'no-cache, no-transform');
        res.setHeader('Connection', 'keep-alive');
        // Reverse proxies (nginx) buffer responses unless told not to; events must flow as they come.
        res.setHeader('X-Accel-Buffering', 'no');
        res.flushHeaders();
        res.write(`retry: 3000\n: stream of ${pipeline === undefined ? 'all pipelines' : `pipeline ${pipeline}`}\n\n`);

        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          unsubscribe();
          open.delete(end);
          if (!res.writableEnded) res.end();
        };
        const write = (chunk: string) => {
          if (ended) return;
          if (res.writableLength > MAX_BUFFERED_BYTES) {
            log.warn({ pipeline }, 'event stream client too slow; closing its stream');
            end();
            return;
          }
          res.write(chunk);
        };
        const unsubscribe = deps.events.subscribe((event) => {
          if (pipeline !== undefined && event.pipelineId !== pipeline) return;
          write(frame(event));
        });
        const heartbeat = setInterval(() => write(': heartbeat\n\n'), deps.options.eventHeartbeatMs);
        heartbeat.unref();
        open.add(end);
        req.on('close', end);
        res.on('error', end);
      };
    },
    close() {
      for (const end of [...open]) end();
      return Promise.resolve();
    },
  };
}
