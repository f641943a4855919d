import { z } from 'zod';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { SpanProcessorKind } from './types.js';

/** Defaults of `createTelemetry`, in one place. */
export const tracingDefaults = {
  /** Background batching keeps exporting off the message hot path. */
  spanProcessor: 'batch',
  /** Record every new trace; lower it for very high message rates. */
  sampleRatio: 1,
  /** Instrumentation scope name on every span. */
  tracerName: '@tributary/observability',
} as const satisfies { spanProcessor: SpanProcessorKind; sampleRatio: number; tracerName: string };

export const telemetryOptionsSchema = z.object({
  serviceName: z.string().trim().min(1, 'a service name is required'),
  serviceVersion: z.string().min(1).optional(),
  exporter: z
    .custom<SpanExporter>(
      (v) => typeof v === 'object' && v !== null && typeof (v as { export?: unknown }).export === 'function',
      'expected an OpenTelemetry SpanExporter',
    )
    .optional(),
  spanProcessor: z.enum(['batch', 'simple']).default(tracingDefaults.spanProcessor),
  sampleRatio: z.number().min(0).max(1).default(tracingDefaults.sampleRatio),
});
