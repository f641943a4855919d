import { type Labels, canonicalLabels, labelsKey, matchesAll } from '../labels/index.js';
import type { Route } from '../rules/index.js';

/**
 * The routes an alert goes to, as Alertmanager decides: depth first, the first matching child
 * takes it unless that child has `continue`; a node no child takes keeps the alert itself.
 */
export function matchRoutes(route: Route, labels: Labels): Route[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const out: Route[] = [];
  for (const child of route.routes) {
    const matched = matchRoutes(child, labels);
    if (matched.length === 0) continue;
    out.push(...matched);
    if (!child.continue) break;
  }
  return out.length > 0 ? out : [route];
}

export function groupLabelsOf(route: Route, labels: Labels): Labels {
  if (route.groupBy === 'all') return canonicalLabels(labels);
  const picked: Record<string, string> = {};
  for (const name of route.groupBy) {
    const value = labels[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  return canonicalLabels(picked);
}

export function groupKeyOf(route: Route, groupLabels: Labels): string {
  return `${route.id}:${labelsKey(groupLabels)}`;
}

export function flattenRoutes(route: Route | undefined, into = new Map<string, Route>()): Map<string, Route> {
  if (route === undefined) return into;
  into.set(route.id, route);
  for (const child of route.routes) flattenRoutes(child, into);
  return into;
}
