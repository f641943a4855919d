import type { SilenceStoreOptions } from '../silences/index.js';
import { silenceStoreDefaults } from '../silences/index.js';

export interface NotificationDispatcherOptions {
  /** Options of the dispatcher's silence store. Default `silenceStoreDefaults`. */
  readonly silences: Partial<SilenceStoreOptions>;
}

export const notificationDispatcherDefaults: NotificationDispatcherOptions = Object.freeze({
  silences: silenceStoreDefaults,
});
