import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { type MessageHeaders, headerText } from '../message-headers.js';

/** Reads W3C trace-context fields from Kafka headers, whose values arrive as Buffers on the consumer side. */
export const kafkaHeadersGetter: TextMapGetter<MessageHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => headerText(carrier[key]),
};

/** Writes trace-context fields as UTF-8 strings, as DESIGN.md asks for every Tributary header. */
export const kafkaHeadersSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
