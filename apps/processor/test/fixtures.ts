import { type PipelineDefinition, validateDefinition } from '@tributary/pipelines';

/**
 * An orders pipeline with one stage of each kind the processor must apply: map (derive a total),
 * filter (positive totals), enrich (region by country, failing on unknown countries) and dedupe
 * (one record per order id within 10 minutes of event time).
 */
export function ordersDefinition(id: string, overrides: Record<string, unknown> = {}): PipelineDefinition {
  return validateDefinition({
    id,
    name: `Orders ${id}`,
    input: {
      schema: [
        { name: 'id', type: 'string' },
        { name: 'country', type: 'string' },
        { name: 'price', type: 'double' },
        { name: 'quantity', type: 'int' },
        { name: 'ts', type: 'timestamp' },
      ],
    },
    key: ['id'],
    stages: [
      { id: 'totals', type: 'map', fields: { total: { expr: 'price * double(quantity)', type: 'double' } } },
      { id: 'positive', type: 'filter', where: 'total > 0.0' },
      { id: 'region', type: 'enrich', on: 'country', table: { DE: { region: 'EU' }, US: { region: 'NA' } }, fields: ['region'], missing: 'error' },
      { id: 'once', type: 'dedupe', keys: ['id'], window: '10m', timeField: 'ts' },
    ],
    ...overrides,
  });
}

export const T0 = 1_700_000_000_000;

export const order = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'o1',
  country: 'DE',
  price: 2.5,
  quantity: 4,
  ts: T0,
  ...overrides,
});
