import { AlertingError, DestinationAllowList } from '@tributary/alerting';
import { CpmConfigError } from '../errors.js';

/**
 * `MONITORING_ALERT_DESTINATIONS` (comma-separated; the monitoring manager's own list, so the CPM
 * refuses exactly the rule files the manager would): checked once at start-up, a malformed entry
 * stops the process with TRIB_CPM_OPTIONS_INVALID naming it (URLs redacted). Default: none.
 */
export function parseAlertDestinations(text: string | undefined): string[] {
  const entries = (text ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  try {
    new DestinationAllowList(entries);
  } catch (err) {
    if (!(err instanceof AlertingError)) throw err;
    const issues = err.issues.map((i) => ({ path: `MONITORING_ALERT_DESTINATIONS[${i.path.split('.').pop() ?? ''}]`, message: i.message }));
    throw new CpmConfigError('TRIB_CPM_OPTIONS_INVALID', `Invalid MONITORING_ALERT_DESTINATIONS: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return entries;
}
