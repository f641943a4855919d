import { type BrokerLogger, type EventCodecPort, isRetriable } from '@tributary/broker';

const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 5_000;

/**
 * Decodes one message for a read model. A registry outage is waited out (the view must not skip
 * history it could read a moment later); a message that can never decode is logged and skipped
 * (undefined), since one bad record must not stop every reader of the topic.
 */
export async function decodeForView(
  codec: Pick<EventCodecPort, 'decode'>,
  value: Buffer,
  ctx: { logger: BrokerLogger; isClosed: () => boolean; where: Record<string, unknown> },
): Promise<{ type: string; value: unknown } | undefined> {
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await codec.decode(value);
    } catch (err) {
      if (!isRetriable(err) || ctx.isClosed()) {
        ctx.logger.warn({ err, ...ctx.where }, 'skipping a message the read model cannot decode');
        return undefined;
      }
      ctx.logger.warn({ err, ...ctx.where, delayMs: delay }, 'decode failed; retrying');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
