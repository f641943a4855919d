import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { requireRole } from '../auth/middleware.js';
import { CpmHttpError } from '../errors.js';
import { jsonBody, textBody } from '../http/body.js';
import { createCommandSender } from '../http/broker.js';
import { alertRulesFromBody, expectedRulesVersion, noteFromBody, silenceFromBody } from './bodies.js';
import { alertNotFound, silenceNotFound } from './not-found.js';
import { pathId } from './query.js';
import type { MonitoringRouteDeps } from './types.js';

/** Largest JSON body of an acknowledgement or a silence (a note or comment is 2,000 characters at most). */
const JSON_BODY_MAX_BYTES = 64 * 1024;
/** Key of every PutAlertRules: one partition, so rule changes apply in the order sent. */
const ALERT_RULES_KEY = 'alert-rules';

const COMMAND = {
  acknowledge: 'tributary.monitoring.AcknowledgeAlert',
  createSilence: 'tributary.monitoring.CreateSilence',
  expireSilence: 'tributary.monitoring.ExpireSilence',
  putAlertRules: 'tributary.monitoring.PutAlertRules',
} as const;

/**
 * What people do about monitoring: acknowledge an alert, create and expire silences (operator),
 * replace the alert rule file (admin). Each is checked against the read model and validated here,
 * then sent to the monitoring manager on `<prefix>.monitoring.commands` and answered 202 with the
 * Location where the outcome shows once the manager has applied it.
 */
export function registerMonitoringCommandRoutes(app: Express, deps: MonitoringRouteDeps & { now: () => number }): void {
  const { monitoring, now } = deps;
  const base = `${deps.prefix}/monitoring`;
  const operator = requireRole(deps.apiKeys, 'operator');
  const admin = requireRole(deps.apiKeys, 'admin');

  // Keyed by subject (alert, silence, the rule file): one subject's commands stay in order in one partition.
  const sendCommand = createCommandSender(deps);

  app.post(`${base}/alerts/:alertId/acknowledge`, operator, ...jsonBody(JSON_BODY_MAX_BYTES), async (req, res) => {
    const alertId = pathId(req, 'alertId');
    const alert = alertId === undefined ? undefined : monitoring.alert(alertId);
    if (!alert) throw alertNotFound(String(req.params.alertId));
    const note = noteFromBody(req.body);
    if (alert.state !== 'firing') {
      throw new CpmHttpError(409, 'TRIB_ALERT_NOT_FIRING', `alert ${alert.alertId} is ${alert.state}: only a firing alert can be acknowledged`, { alertId: alert.alertId, state: alert.state });
    }
    await sendCommand(res, COMMAND.acknowledge, alert.alertId, { alertId: alert.alertId, note });
    res.location(`${base}/alerts/${encodeURIComponent(alert.alertId)}`);
    res.status(202).json({ alertId: alert.alertId, action: 'acknowledge', status: 'requested' });
  });

  app.post(`${base}/silences`, operator, ...jsonBody(JSON_BODY_MAX_BYTES), async (req, res) => {
    const silence = silenceFromBody(req.body, now());
    // The CPM names the silence, so a redelivered command creates one silence.
    const silenceId = randomUUID();
    await sendCommand(res, COMMAND.createSilence, silenceId, { silenceId, ...silence });
    res.location(`${base}/silences/${silenceId}`);
    res.status(202).json({
      silenceId,
      status: 'requested',
      matchers: silence.matchers,
      startsAt: new Date(silence.startsAt).toISOString(),
      endsAt: new Date(silence.endsAt).toISOString(),
    });
  });

  app.delete(`${base}/silences/:silenceId`, operator, async (req, res) => {
    const silenceId = pathId(req, 'silenceId');
    const silence = silenceId === undefined ? undefined : monitoring.silence(silenceId);
    if (!silence) throw silenceNotFound(String(req.params.silenceId));
    if (silence.state === 'expired') {
      throw new CpmHttpError(409, 'TRIB_SILENCE_EXPIRED', `silence ${silence.silenceId} has already expired`, { silenceId: silence.silenceId, endsAt: new Date(silence.endsAt).toISOString() });
    }
    await sendCommand(res, COMMAND.expireSilence, silence.silenceId, { silenceId: silence.silenceId });
    res.location(`${base}/silences/${silence.silenceId}`);
    res.status(202).json({ silenceId: silence.silenceId, action: 'expire', status: 'requested' });
  });

  app.put(`${base}/alert-rules`, admin, textBody(deps.alertRulesMaxBytes), async (req, res) => {
    const expectedVersion = expectedRulesVersion(req);
    const { text, ruleNames } = alertRulesFromBody(req, deps.alertDestinations);
    const current = monitoring.alertRules();
    if (expectedVersion !== undefined && expectedVersion !== (current?.version ?? 0)) {
      throw new CpmHttpError(409, 'TRIB_VERSION_CONFLICT', `the alert rules are at version ${current?.version ?? 0}, not ${expectedVersion}`, {
        expected: expectedVersion,
        current: current?.version ?? 0,
      });
    }
    await sendCommand(res, COMMAND.putAlertRules, ALERT_RULES_KEY, { rules: text, expectedVersion: expectedVersion ?? null });
    res.location(`${base}/alert-rules`);
    res.status(202).json({ status: 'requested', expectedVersion: expectedVersion ?? null, ruleNames });
  });
}
