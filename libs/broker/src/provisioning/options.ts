import type { TopicSpec } from '@tributary/schemas';
import type { Admin } from 'kafkajs';
import { z } from 'zod';
import { BrokerError } from '../errors.js';
import { silentLogger, type BrokerLogger } from '../logger.js';

/** Defaults of {@link ApplyTopicsOptions}, in one place. */
export const applyTopicsDefaults = {
  /** How long the broker may take to create topics and elect their leaders (ms). */
  createTimeoutMs: 30_000,
  /** Plan and report only; create nothing. */
  dryRun: false,
} as const;

export interface ApplyTopicsOptions {
  /** A connected kafkajs admin client; the caller owns it (connects and disconnects it). */
  readonly admin: Admin;
  /** The topics that should exist, as declared (replication is resolved against the cluster). */
  readonly catalog: readonly TopicSpec[];
  /** Default: silent. */
  readonly logger?: BrokerLogger;
  /** Default {@link applyTopicsDefaults.createTimeoutMs}. */
  readonly createTimeoutMs?: number;
  /** Default {@link applyTopicsDefaults.dryRun}. */
  readonly dryRun?: boolean;
}

export interface ResolvedApplyTopicsOptions {
  readonly admin: Admin;
  readonly catalog: readonly TopicSpec[];
  readonly logger: BrokerLogger;
  readonly createTimeoutMs: number;
  readonly dryRun: boolean;
}

const settingsSchema = z.object({
  createTimeoutMs: z.number().int().positive(),
  dryRun: z.boolean(),
});

/** Validates options once, at the boundary; never mutates the caller's object. */
export function resolveApplyTopicsOptions(options: ApplyTopicsOptions): ResolvedApplyTopicsOptions {
  const settings = settingsSchema.safeParse({
    createTimeoutMs: options.createTimeoutMs ?? applyTopicsDefaults.createTimeoutMs,
    dryRun: options.dryRun ?? applyTopicsDefaults.dryRun,
  });
  if (!settings.success) {
    const why = settings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new BrokerError('TRIB_BROKER_OPTIONS_INVALID', `Invalid applyTopics options: ${why}`, { cause: settings.error });
  }
  if (typeof options.admin?.createTopics !== 'function') {
    throw new BrokerError('TRIB_BROKER_OPTIONS_INVALID', 'applyTopics needs a kafkajs admin client');
  }
  const seen = new Set<string>();
  for (const spec of options.catalog) {
    if (seen.has(spec.name)) {
      throw new BrokerError('TRIB_BROKER_OPTIONS_INVALID', `Topic ${spec.name} is declared twice in the catalog`);
    }
    seen.add(spec.name);
  }
  return {
    admin: options.admin,
    catalog: options.catalog,
    logger: (options.logger ?? silentLogger).child({ component: 'topic-provisioning' }),
    ...settings.data,
  };
}
