import { BaselineError, seriesKey, type SeriesSnapshot } from '@tributary/monitoring-baselines';
import type { Express, Request } from 'express';
import { requireRole } from '../auth/middleware.js';
import { CpmHttpError } from '../errors.js';
import { registerMonitoringCommandRoutes } from './command-routes.js';
import { METRIC_NAME, pathId, queryBounds, queryEnum, queryFlag, queryLabels, queryLimit, queryRange, queryString } from './query.js';
import { alertNotFound, silenceNotFound, alertRulesNotFound } from './not-found.js';
import type { BaselinesPort, MonitoringRouteDeps } from './types.js';
import { alertView, anomalyView, baselineView, healthView, seriesInfoView, seriesPointsView, silenceView, transitionView } from './views.js';

const HOUR = 3_600_000;
const STATES = ['pending', 'firing', 'resolved'] as const;
/** Transitions shown with one alert. */
const ALERT_HISTORY_SHOWN = 100;

/**
 * Monitoring (viewer): health, metric series, anomalies, alerts and their history, silences and the
 * alert rules, answered from the monitoring read model; baselines read from the manager's Redis
 * cache. Times are ISO-8601 in and out. The commands (acknowledge, silence, alert rules) are in
 * command-routes.ts.
 */
export function registerMonitoringRoutes(app: Express, deps: MonitoringRouteDeps): void {
  const { prefix, monitoring } = deps;
  const viewer = requireRole(deps.apiKeys, 'viewer');
  const now = deps.now ?? Date.now;
  const base = `${prefix}/monitoring`;

  app.get(`${base}/health`, viewer, (_req, res) => {
    res.json(healthView(monitoring.health()));
  });

  app.get(`${base}/metrics`, viewer, (req, res) => {
    const filter = seriesFilter(req);
    const { series, truncated } = monitoring.series(filter, queryLimit(req, 1000, 5000));
    res.json({ series: series.map(seriesInfoView), truncated, kept: monitoring.seriesStats() });
  });

  app.get(`${base}/metrics/series`, viewer, (req, res) => {
    const filter = seriesFilter(req);
    if (filter.metric === undefined) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'metric is required', { parameter: 'metric' });
    const range = queryRange(req, HOUR, now());
    const { series, truncated } = monitoring.points(filter, range, queryLimit(req, 20, 100));
    res.json({ from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), series: series.map(seriesPointsView), truncated });
  });

  app.get(`${base}/anomalies`, viewer, (req, res) => {
    const status = queryEnum(req, 'status', ['open', 'resolved'] as const);
    const service = queryString(req, 'service');
    const limit = queryLimit(req, 100, 1000);
    const anomalies = monitoring.anomalies({ ...(status ? { status } : {}), ...(service ? { service } : {}), limit: limit + 1 });
    res.json({ anomalies: anomalies.slice(0, limit).map(anomalyView), truncated: anomalies.length > limit });
  });

  app.get(`${base}/alerts`, viewer, (req, res) => {
    const state = queryEnum(req, 'state', STATES);
    const rule = queryString(req, 'rule');
    const pipeline = queryString(req, 'pipeline');
    const service = queryString(req, 'service');
    const limit = queryLimit(req, 100, 1000);
    const filter = { ...(state ? { state } : {}), ...(rule ? { rule } : {}), ...(pipeline ? { pipeline } : {}), ...(service ? { service } : {}), ...queryBounds(req), limit: limit + 1 };
    if (queryFlag(req, 'history')) {
      const history = monitoring.alertHistory(filter);
      res.json({ history: history.slice(0, limit).map(transitionView), truncated: history.length > limit });
      return;
    }
    const alerts = monitoring.alerts(filter);
    res.json({ alerts: alerts.slice(0, limit).map(alertView), truncated: alerts.length > limit });
  });

  app.get(`${base}/alerts/:alertId`, viewer, (req, res) => {
    const alertId = pathId(req, 'alertId');
    const alert = alertId === undefined ? undefined : monitoring.alert(alertId);
    if (!alert) throw alertNotFound(String(req.params.alertId));
    res.json({ ...alertView(alert), history: monitoring.alertHistory({ alertId: alert.alertId, limit: ALERT_HISTORY_SHOWN }).map(transitionView) });
  });

  app.get(`${base}/silences`, viewer, (req, res) => {
    const state = queryEnum(req, 'state', ['pending', 'active', 'expired'] as const);
    res.json({ silences: monitoring.silences(state).map(silenceView) });
  });

  app.get(`${base}/silences/:silenceId`, viewer, (req, res) => {
    const silenceId = pathId(req, 'silenceId');
    const silence = silenceId === undefined ? undefined : monitoring.silence(silenceId);
    if (!silence) throw silenceNotFound(String(req.params.silenceId));
    res.json(silenceView(silence));
  });

  app.get(`${base}/alert-rules`, viewer, (_req, res) => {
    const rules = monitoring.alertRules();
    if (!rules) throw alertRulesNotFound();
    res.setHeader('ETag', `"${rules.version}"`);
    res.json({ version: rules.version, rules: rules.rules, ruleNames: rules.ruleNames, changedBy: rules.changedBy, changedAt: new Date(rules.changedAt).toISOString() });
  });

  app.get(`${base}/baselines`, viewer, async (req, res) => {
    const service = queryString(req, 'service');
    const metric = queryString(req, 'metric', METRIC_NAME);
    const limit = queryLimit(req, 100, 1000);
    try {
      const { snapshots, truncated } = await readBaselines(deps.baselines, { service, metric, limit });
      res.json({ baselines: snapshots.map(baselineView), truncated });
    } catch (err) {
      if (err instanceof BaselineError && err.retriable) {
        throw new CpmHttpError(503, 'TRIB_BASELINES_UNAVAILABLE', 'the baselines cache (Redis) is unreachable; retry later', { reason: err.code }, {
          cause: err,
          headers: { 'Retry-After': String(deps.retryAfterSeconds) },
        });
      }
      throw err;
    }
  });

  registerMonitoringCommandRoutes(app, { ...deps, now });
}

function seriesFilter(req: Request) {
  const service = queryString(req, 'service');
  const instance = queryString(req, 'instance');
  const metric = queryString(req, 'metric', METRIC_NAME);
  const labels = queryLabels(req);
  return { ...(service ? { service } : {}), ...(instance ? { instance } : {}), ...(metric ? { metric } : {}), ...(Object.keys(labels).length > 0 ? { labels } : {}) };
}

/**
 * Stored baselines of one service (or of every service, in name order), of one metric when asked:
 * the series keys come from the per-service index, filtered by their `<service>/<metric>` head
 * before anything is loaded, then at most `limit` are read.
 */
async function readBaselines(
  store: BaselinesPort,
  query: { service: string | undefined; metric: string | undefined; limit: number },
): Promise<{ snapshots: SeriesSnapshot[]; truncated: boolean }> {
  const services = query.service === undefined ? await store.listServices() : [query.service];
  const keys: string[] = [];
  for (const service of services) {
    const head = query.metric === undefined ? undefined : seriesKey({ service, metric: query.metric, labels: {} });
    const listed = (await store.listSeries(service)).filter((k) => head === undefined || k === head || k.startsWith(`${head}/`));
    keys.push(...listed.sort());
    if (keys.length > query.limit) break;
  }
  const { snapshots } = await store.load(keys.slice(0, query.limit));
  return { snapshots, truncated: keys.length > query.limit };
}
