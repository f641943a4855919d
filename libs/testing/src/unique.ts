import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses, for topics, groups and subjects on the shared broker: tests never
 * clean up by deleting, they just never collide.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
