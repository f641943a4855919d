import { DestinationAllowList, redactUrl } from '../destinations/index.js';
import type { Notification, NotificationDispatcher } from '../dispatch/index.js';
import { AlertingError } from '../errors.js';
import { withRetry, sleep as timerSleep } from '../retry.js';
import type { NotificationChannel } from '../rules/index.js';
import { postJson } from './http.js';
import { type AlertNotifierOptions, type ResolvedAlertNotifierOptions, resolveAlertNotifierOptions } from './options.js';
import { logRecord, notificationTitle, slackPayload, webhookPayload } from './payloads.js';
import type { AlertingLogger, DeliveryOutcome } from './types.js';

const silent: AlertingLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function asAlertingError(error: unknown): AlertingError {
  return error instanceof AlertingError ? error : new AlertingError('TRIB_ALERT_DELIVERY_FAILED', 'delivery failed', { retriable: false });
}

/**
 * The I/O edge of alerting: delivers notifications to webhook, Slack and log channels. Every URL is
 * checked against the allow-list before any request; requests time out, and fail over to retries
 * with exponential backoff and jitter when the failure may pass. URLs and headers are secrets:
 * logs and errors show the channel key and the destination's origin only.
 */
export class AlertNotifier {
  readonly #options: ResolvedAlertNotifierOptions;
  readonly #allowList: DestinationAllowList;
  readonly #logger: AlertingLogger;
  readonly #closing = new AbortController();
  readonly #inflight = new Set<Promise<unknown>>();

  constructor(options: Partial<AlertNotifierOptions> = {}) {
    this.#options = resolveAlertNotifierOptions(options, { fetch: globalThis.fetch, sleep: timerSleep });
    this.#allowList = new DestinationAllowList(this.#options.allowedDestinations);
    this.#logger = this.#options.logger ?? silent;
  }

  /** Delivers one notification to its channel. Never throws: the outcome says what happened. */
  async deliver(notification: Notification, channel: NotificationChannel): Promise<DeliveryOutcome> {
    const task = this.#deliver(notification, channel);
    this.#inflight.add(task);
    try {
      return await task;
    } finally {
      this.#inflight.delete(task);
    }
  }

  async #deliver(notification: Notification, channel: NotificationChannel): Promise<DeliveryOutcome> {
    const outcome = (ok: boolean, attempts: number, error: AlertingError | null): DeliveryOutcome => ({
      notificationId: notification.id,
      channelKey: channel.key,
      ok,
      attempts,
      error,
    });
    if (this.#closing.signal.aborted) return outcome(false, 0, new AlertingError('TRIB_ALERT_CLOSED', 'the notifier is closed'));
    if (channel.type === 'log') {
      const fields = { channel: channel.key, notification: logRecord(notification, channel.maxAlerts) };
      this.#logger[channel.level](fields, `alert notification ${notificationTitle(notification)}`);
      return outcome(true, 0, null);
    }
    const destination = redactUrl(channel.url);
    let url: URL;
    try {
      url = this.#allowList.assertAllowed(channel.url);
    } catch (error) {
      const refused = asAlertingError(error);
      this.#logger.error({ channel: channel.key, destination, code: refused.code }, refused.message);
      return outcome(false, 0, refused);
    }
    const body =
      channel.type === 'webhook'
        ? webhookPayload(notification, { maxAlerts: channel.maxAlerts, externalUrl: this.#options.externalUrl })
        : slackPayload(notification, { maxAlerts: channel.maxAlerts });
    const headers = channel.type === 'webhook' ? channel.headers : {};
    let attempts = 0;
    try {
      await withRetry(
        (attempt) => {
          attempts = attempt;
          return postJson(url, body, { fetch: this.#options.fetch, timeoutMs: this.#options.timeout, closed: this.#closing.signal, headers });
        },
        { ...this.#options.retry },
        {
          sleep: this.#options.sleep,
          random: this.#options.random,
          signal: this.#closing.signal,
          onRetry: (error, retry, delayMs) => {
            const { code, message } = asAlertingError(error);
            this.#logger.warn({ channel: channel.key, destination, retry, delayMs, code, err: message }, 'alert notification failed; retrying');
          },
        },
      );
    } catch (error) {
      const failed = asAlertingError(error);
      this.#logger.error({ channel: channel.key, destination, attempts, code: failed.code, err: failed.message }, 'alert notification not delivered');
      return outcome(false, attempts, failed);
    }
    const { groupKey, reason } = notification;
    this.#logger.debug({ channel: channel.key, destination, attempts, groupKey, reason }, 'alert notification delivered');
    return outcome(true, attempts, null);
  }

  /**
   * One tick of the notification pipeline: takes the notifications due at `now` from the
   * dispatcher, delivers them concurrently and records each outcome with it.
   */
  async dispatch(dispatcher: NotificationDispatcher, now: number): Promise<DeliveryOutcome[]> {
    return Promise.all(
      dispatcher.flush(now).map(async (notification) => {
        const channel = dispatcher.channel(notification.channelKey);
        const missing = (): DeliveryOutcome => ({
          notificationId: notification.id,
          channelKey: notification.channelKey,
          ok: false,
          attempts: 0,
          error: new AlertingError('TRIB_ALERT_NOT_FOUND', `no channel ${notification.channelKey}`),
        });
        const result = channel === undefined ? missing() : await this.deliver(notification, channel);
        if (result.ok) dispatcher.delivered(notification, now);
        else dispatcher.failed(notification);
        return result;
      }),
    );
  }

  /** Stops: requests and retry waits in flight are abandoned (reported as TRIB_ALERT_CLOSED), nothing new is sent. */
  async close(): Promise<void> {
    this.#closing.abort();
    await Promise.allSettled([...this.#inflight]);
  }
}
