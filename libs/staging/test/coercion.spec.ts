import { expect } from 'chai';
import { type FieldType, type IngestFormat, validateRecord } from '../src/index.js';

// One row per rule of the coercion table in docs/staging.md: [type, source, input, expected].
// `expected` is the staged value, or the issue code when the value is refused.
type Row = [FieldType, IngestFormat, unknown, unknown];
const TYPE = 'TRIB_RECORD_FIELD_TYPE';
const RANGE = 'TRIB_RECORD_FIELD_RANGE';
const INT32_MAX = 2_147_483_647;

const accepted: Row[] = [
  ['string', 'json', 'héllo', 'héllo'],
  ['string', 'json', '', ''],
  ['string', 'csv', ' spaced ', ' spaced '],
  ['int', 'json', 42, 42],
  ['int', 'json', -2_147_483_648, -2_147_483_648],
  ['int', 'json', INT32_MAX, INT32_MAX],
  ['int', 'json', 1.0, 1],
  ['int', 'json', -0, 0],
  ['int', 'csv', '42', 42],
  ['int', 'csv', ' -7 ', -7],
  ['int', 'csv', '+007', 7],
  ['int', 'csv', 5, 5],
  ['long', 'json', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ['long', 'json', -Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
  ['long', 'csv', '9007199254740991', Number.MAX_SAFE_INTEGER],
  ['float', 'json', 1.5, 1.5],
  ['float', 'json', 3.4e38, 3.4e38],
  ['float', 'csv', '-0.25', -0.25],
  ['double', 'json', 1e308, 1e308],
  ['double', 'csv', '1e3', 1000],
  ['double', 'csv', '.5', 0.5],
  ['double', 'csv', '5.', 5],
  ['double', 'ndjson', 7, 7],
  ['boolean', 'json', true, true],
  ['boolean', 'json', false, false],
  ['boolean', 'csv', 'true', true],
  ['boolean', 'csv', 'FALSE', false],
  ['boolean', 'csv', ' True ', true],
  ['timestamp', 'json', 1_700_000_000_000, 1_700_000_000_000],
  ['timestamp', 'json', -1, -1],
  ['timestamp', 'json', '2024-03-01T12:30:00Z', Date.UTC(2024, 2, 1, 12, 30)],
  ['timestamp', 'json', '2024-03-01T12:30:00.123456+02:00', Date.UTC(2024, 2, 1, 10, 30, 0, 123)],
  ['timestamp', 'json', '2024-03-01', Date.UTC(2024, 2, 1)],
  ['timestamp', 'csv', '1700000000000', 1_700_000_000_000],
  ['timestamp', 'csv', '2024-02-29 23:59-0130', Date.UTC(2024, 2, 1, 1, 29)],
];

const refused: Row[] = [
  ['string', 'json', 42, TYPE],
  ['string', 'json', true, TYPE],
  ['string', 'json', { a: 1 }, TYPE],
  ['string', 'csv', 42, TYPE],
  ['int', 'json', '42', TYPE],
  ['int', 'json', 1.5, TYPE],
  ['int', 'json', NaN, TYPE],
  ['int', 'json', Infinity, TYPE],
  ['int', 'json', true, TYPE],
  ['int', 'json', INT32_MAX + 1, RANGE],
  ['int', 'json', -2_147_483_649, RANGE],
  ['int', 'csv', '2147483648', RANGE],
  ['int', 'csv', '1.5', TYPE],
  ['int', 'csv', '1e3', TYPE],
  ['int', 'csv', '0x10', TYPE],
  ['int', 'csv', '1,000', TYPE],
  ['int', 'csv', 'abc', TYPE],
  ['long', 'json', 2 ** 53, RANGE],
  ['long', 'json', 1e300, RANGE],
  ['long', 'csv', '9007199254740993', RANGE],
  ['long', 'ndjson', '12', TYPE],
  ['float', 'json', 3.5e38, RANGE],
  ['float', 'json', NaN, TYPE],
  ['float', 'json', '1.5', TYPE],
  ['double', 'json', Infinity, RANGE],
  ['double', 'json', -Infinity, RANGE],
  ['double', 'csv', 'NaN', TYPE],
  ['double', 'csv', 'Infinity', TYPE],
  ['double', 'csv', '1e999', RANGE],
  ['double', 'csv', '1_000', TYPE],
  ['double', 'csv', '1.2.3', TYPE],
  ['boolean', 'json', 'true', TYPE],
  ['boolean', 'json', 1, TYPE],
  ['boolean', 'csv', 'yes', TYPE],
  ['boolean', 'csv', '1', TYPE],
  ['timestamp', 'json', 1.5, TYPE],
  ['timestamp', 'json', 8.64e15 + 1, RANGE],
  ['timestamp', 'json', '1700000000000', TYPE],
  ['timestamp', 'json', '2024-03-01T12:30:00', TYPE],
  ['timestamp', 'json', '2024-02-30', TYPE],
  ['timestamp', 'json', '2023-02-29', TYPE],
  ['timestamp', 'json', '2024-03-01T24:00:00Z', TYPE],
  ['timestamp', 'json', '2024-03-01T12:00:60Z', TYPE],
  ['timestamp', 'json', '2024-13-01', TYPE],
  ['timestamp', 'json', '2024-03-01T12:00:00+24:00', TYPE],
  ['timestamp', 'json', 'March 1, 2024', TYPE],
  ['timestamp', 'json', true, TYPE],
  ['timestamp', 'csv', '1.5', TYPE],
];

describe('type coercion', () => {
  for (const [type, source, input, expected] of accepted) {
    it(`${type} from ${source} accepts ${show(input)} as ${show(expected)}`, () => {
      const result = validateRecord({ v: input }, [{ name: 'v', type }], { source });
      expect(result).to.deep.equal({ ok: true, record: { v: expected } });
      if (result.ok) expect(Object.is(result.record['v'], expected)).to.equal(true);
    });
  }

  for (const [type, source, input, code] of refused) {
    it(`${type} from ${source} refuses ${show(input)} (${String(code).replace('TRIB_RECORD_FIELD_', '')})`, () => {
      const result = validateRecord({ v: input }, [{ name: 'v', type }], { source });
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.errors).to.have.length(1);
      expect(result.errors[0]).to.deep.include({ field: 'v', code, value: input });
      expect(result.errors[0]?.message).to.be.a('string').and.not.equal('');
    });
  }

  it('reads a zoneless date-time as UTC only when the policy says so', () => {
    const fields = [{ name: 't', type: 'timestamp' as const }];
    expect(validateRecord({ t: '2024-03-01T12:30' }, fields, { zonelessTimestamps: 'utc' })).to.deep.equal({
      ok: true,
      record: { t: Date.UTC(2024, 2, 1, 12, 30) },
    });
    expect(validateRecord({ t: '2024-03-01T12:30' }, fields).ok).to.equal(false);
  });

  it('reads years before 100 as themselves, not as 19xx', () => {
    const result = validateRecord({ t: '0099-01-01T00:00:00Z' }, [{ name: 't', type: 'timestamp' }]);
    expect(result.ok && new Date(result.record['t'] as number).getUTCFullYear()).to.equal(99);
  });
});

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}
