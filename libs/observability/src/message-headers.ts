/**
 * Kafka message headers as kafkajs hands them to a consumer (Buffer values) or as a producer builds
 * them (string values). Structural, so this library does not depend on kafkajs.
 */
export type MessageHeaderValue = Buffer | string | readonly (Buffer | string)[] | undefined;
export type MessageHeaders = Readonly<Record<string, MessageHeaderValue>>;

/** A header's value as a UTF-8 string; for a repeated header, the first value (as W3C asks). */
export function headerText(value: MessageHeaderValue): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  const first = value[0];
  return first === undefined ? undefined : headerText(first);
}
