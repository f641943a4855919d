/** The 404s of the monitoring routes (ids are cut to the query limit before they are echoed). */
import { CpmHttpError } from '../errors.js';
import { MAX_QUERY_VALUE } from './query.js';

export const alertNotFound = (alertId: string) =>
  new CpmHttpError(404, 'TRIB_ALERT_NOT_FOUND', `no alert ${JSON.stringify(alertId.slice(0, MAX_QUERY_VALUE))}`, { alertId: alertId.slice(0, MAX_QUERY_VALUE) });
export const silenceNotFound = (silenceId: string) =>
  new CpmHttpError(404, 'TRIB_SILENCE_NOT_FOUND', `no silence ${JSON.stringify(silenceId.slice(0, MAX_QUERY_VALUE))} (a just-requested one appears once the monitoring manager created it)`, {
    silenceId: silenceId.slice(0, MAX_QUERY_VALUE),
  });
/** No AlertRulesChanged yet: the manager runs its start-up file (version 0), whose text it does not publish. */
export const alertRulesNotFound = () =>
  new CpmHttpError(404, 'TRIB_ALERT_RULES_NOT_FOUND', 'no alert rules were put yet: the monitoring manager runs its start-up file (version 0); PUT replaces it (If-Match: "0")', { version: 0 });
