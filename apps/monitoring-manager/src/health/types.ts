/** How a service instance, a service or the whole system stands. Worst first when sorted by rank. */
export type HealthStatus = 'UP' | 'DEGRADED' | 'DOWN';

/** A liveness beat, as `tributary.monitoring.Heartbeat` carries it. */
export interface Beat {
  service: string;
  instance: string;
  version: string | null;
  ready: boolean;
  startedAt: number;
  sentAt: number;
}

export interface InstanceHealth {
  instance: string;
  status: HealthStatus;
  reason: string;
  version: string | null;
  startedAt: number;
  lastSeenAt: number;
}

export interface ServiceHealth {
  service: string;
  status: HealthStatus;
  reason: string;
  instances: InstanceHealth[];
}

export interface SystemHealth {
  status: HealthStatus;
  services: ServiceHealth[];
  /** When the view was computed. */
  at: number;
}

/** A service or instance whose status changed, with why. `instance` null: the service as a whole. */
export interface HealthTransition {
  component: string;
  instance: string | null;
  status: HealthStatus;
  previousStatus: HealthStatus | null;
  reason: string;
  lastSeenAt: number | null;
  changedAt: number;
}
