import type { Beat, HealthStatus, HealthTransition, InstanceHealth, ServiceHealth, SystemHealth } from './types.js';
import { healthDefaults, type HealthOptions } from './options.js';

const RANK: Record<HealthStatus, number> = { UP: 0, DEGRADED: 1, DOWN: 2 };
const worst = (statuses: readonly HealthStatus[]): HealthStatus => statuses.reduce<HealthStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), 'UP');

interface Known {
  beat: Beat;
  /** The status last reported as a transition. */
  status: HealthStatus | null;
}

/**
 * The health of every service from its heartbeats (pure: time comes from the caller). An instance is
 * UP while it beats and is ready, DEGRADED while it beats but is not ready (a dependency unreachable),
 * DOWN once its beats stop for `heartbeatTimeoutMs`. A service is UP when all its instances are,
 * DOWN when all are DOWN, DEGRADED in between; the system is its worst service. `evaluate` returns the
 * changes since the last call, so they can be published once each.
 */
export class HealthBoard {
  private readonly options: HealthOptions;
  private readonly services = new Map<string, Map<string, Known>>();
  private readonly serviceStatus = new Map<string, HealthStatus>();

  constructor(options: Partial<HealthOptions> = {}) {
    this.options = { ...healthDefaults, ...options };
  }

  /** A beat; an older one than the instance's last (redelivered, or from its previous life) is ignored. */
  beat(beat: Beat): void {
    let instances = this.services.get(beat.service);
    if (!instances) this.services.set(beat.service, (instances = new Map<string, Known>()));
    const known = instances.get(beat.instance);
    if (known && known.beat.sentAt >= beat.sentAt) return;
    instances.set(beat.instance, { beat, status: known?.status ?? null });
  }

  /** The instance's status at `now`, with the reason. */
  private judge(beat: Beat, now: number): { status: HealthStatus; reason: string } {
    const silentMs = now - beat.sentAt;
    if (silentMs > this.options.heartbeatTimeoutMs) return { status: 'DOWN', reason: `no heartbeat for ${Math.round(silentMs / 1000)} s (timeout ${Math.round(this.options.heartbeatTimeoutMs / 1000)} s)` };
    if (!beat.ready) return { status: 'DEGRADED', reason: 'beating but not ready: a dependency is unreachable or it is still starting' };
    return { status: 'UP', reason: 'beating and ready' };
  }

  view(now: number): SystemHealth {
    const services: ServiceHealth[] = [];
    for (const [service, instances] of [...this.services].sort(([a], [b]) => a.localeCompare(b))) {
      const list: InstanceHealth[] = [...instances.values()]
        .map(({ beat }) => ({ instance: beat.instance, ...this.judge(beat, now), version: beat.version, startedAt: beat.startedAt, lastSeenAt: beat.sentAt }))
        .sort((a, b) => a.instance.localeCompare(b.instance));
      services.push({ service, ...serviceStatusOf(list), instances: list });
    }
    return { status: worst(services.map((s) => s.status)), services, at: now };
  }

  /** Status changes of instances and services since the last call; forgets instances DOWN for long. */
  evaluate(now: number): HealthTransition[] {
    const transitions: HealthTransition[] = [];
    for (const service of this.view(now).services) {
      const instances = this.services.get(service.service)!;
      for (const i of service.instances) {
        const known = instances.get(i.instance)!;
        if (known.status !== i.status) {
          transitions.push({ component: service.service, instance: i.instance, status: i.status, previousStatus: known.status, reason: i.reason, lastSeenAt: i.lastSeenAt, changedAt: now });
          known.status = i.status;
        }
        if (i.status === 'DOWN' && now - i.lastSeenAt > this.options.forgetAfterMs) instances.delete(i.instance);
      }
      const previous = this.serviceStatus.get(service.service) ?? null;
      if (previous !== service.status) {
        const lastSeenAt = Math.max(...service.instances.map((i) => i.lastSeenAt));
        transitions.push({ component: service.service, instance: null, status: service.status, previousStatus: previous, reason: service.reason, lastSeenAt, changedAt: now });
        this.serviceStatus.set(service.service, service.status);
      }
      if (instances.size === 0) this.services.delete(service.service);
    }
    return transitions;
  }
}

function serviceStatusOf(instances: readonly InstanceHealth[]): { status: HealthStatus; reason: string } {
  const up = instances.filter((i) => i.status === 'UP').length;
  if (up === instances.length) return { status: 'UP', reason: `${up} of ${instances.length} instance(s) up` };
  if (instances.every((i) => i.status === 'DOWN')) return { status: 'DOWN', reason: instances.map((i) => `${i.instance}: ${i.reason}`).join('; ') };
  const others = instances.filter((i) => i.status !== 'UP');
  return { status: 'DEGRADED', reason: `${up} of ${instances.length} instance(s) up; ${others.map((i) => `${i.instance}: ${i.reason}`).join('; ')}` };
}
