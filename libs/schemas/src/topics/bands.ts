import { SchemasError } from '../errors.js';
import type { Priority, PriorityBand, TopicSpec } from './types.js';

/** Highest first: the order a consumer drains bands in. */
export const PRIORITIES: readonly Priority[] = ['high', 'normal', 'low'];

/**
 * Splits `partitions` into three contiguous bands, high first. Equal thirds when divisible by 3
 * (6 → high 0–1, normal 2–3, low 4–5); a remainder goes to the higher bands, which must stay fast.
 * Three or more partitions are needed so every band has at least one.
 */
export function priorityBands(partitions: number): PriorityBand[] {
  if (!Number.isInteger(partitions) || partitions < PRIORITIES.length) {
    throw new SchemasError('TRIB_TOPIC_SPEC_INVALID', `Priority bands need at least 3 partitions, got ${partitions}`);
  }
  const base = Math.floor(partitions / PRIORITIES.length);
  const remainder = partitions % PRIORITIES.length;
  let next = 0;
  return PRIORITIES.map((priority, i) => {
    const size = base + (i < remainder ? 1 : 0);
    const band = { priority, firstPartition: next, lastPartition: next + size - 1 };
    next += size;
    return band;
  });
}

/** The band of `priority` on a command topic; throws when the topic has no bands. */
export function priorityBandOf(spec: Pick<TopicSpec, 'name' | 'priorityBands'>, priority: Priority): PriorityBand {
  const band = spec.priorityBands?.find((b) => b.priority === priority);
  if (!band) {
    throw new SchemasError('TRIB_TOPIC_SPEC_INVALID', `Topic ${spec.name} has no ${priority} priority band`);
  }
  return band;
}
