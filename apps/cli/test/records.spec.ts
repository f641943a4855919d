import { expect } from 'chai';
import { batchBody, createSplitter, ingestFileFormat, type IngestFileFormat, type SourceRecord } from '../src/commands/ingest/records.js';
import { parseTimeArg } from '../src/time.js';

/** Splits `text` fed in chunks of `size` characters. */
function split(format: IngestFileFormat, text: string, size: number): { records: SourceRecord[]; header: string | undefined } {
  const s = createSplitter(format);
  const records: SourceRecord[] = [];
  for (let i = 0; i < text.length; i += size) records.push(...s.push(text.slice(i, i + size)));
  records.push(...s.end());
  return { records, header: s.header };
}

describe('record splitting of ingest files', () => {
  for (const size of [1, 3, 7, 1_000]) {
    it(`NDJSON in chunks of ${size}: skips blank lines, keeps line numbers, drops CR`, () => {
      const { records } = split('ndjson', '\uFEFF{"a":1}\r\n\n{"a":"x y"}\n{"a":3}', size);
      expect(records).to.deep.equal([
        { text: '{"a":1}', line: 1 },
        { text: '{"a":"x y"}', line: 3 },
        { text: '{"a":3}', line: 4 },
      ]);
    });

    it(`CSV in chunks of ${size}: header apart, quoted line breaks and commas kept in one row`, () => {
      const { records, header } = split('csv', 'id,note\n1,"a, b"\n2,"two\nlines"\n\n3,""""\n', size);
      expect(header).to.equal('id,note');
      expect(records).to.deep.equal([
        { text: '1,"a, b"', line: 2 },
        { text: '2,"two\nlines"', line: 3 },
        { text: '3,""""', line: 6 },
      ]);
    });

    it(`JSON arrays in chunks of ${size}: nested brackets, commas and escapes in strings`, () => {
      const text = '[\n  {"a": [1, 2], "s": "x, ] \\" y"},\n  {"b": {"c": "}"}},\n  7\n]\n';
      const { records } = split('json', text, size);
      expect(records.map((r) => [JSON.parse(r.text) as unknown, r.line])).to.deep.equal([
        [{ a: [1, 2], s: 'x, ] " y' }, 2],
        [{ b: { c: '}' } }, 3],
        [7, 4],
      ]);
    });
  }

  it('builds each batch in the format of the file', () => {
    const recs = [{ text: '{"a":1}', line: 1 }, { text: '{"a":2}', line: 2 }];
    expect(batchBody('json', recs)).to.deep.equal({ body: '[{"a":1},{"a":2}]', contentType: 'application/json' });
    expect(batchBody('ndjson', recs)).to.deep.equal({ body: '{"a":1}\n{"a":2}\n', contentType: 'application/x-ndjson' });
    expect(batchBody('csv', [{ text: '1,x', line: 2 }], 'id,v')).to.deep.equal({ body: 'id,v\n1,x\n', contentType: 'text/csv' });
  });

  it('tells the format from --format or the extension', () => {
    expect(ingestFileFormat('a.JSONL')).to.equal('ndjson');
    expect(ingestFileFormat('a.csv')).to.equal('csv');
    expect(ingestFileFormat('a.txt', 'json')).to.equal('json');
    expect(() => ingestFileFormat('a.txt')).to.throw(/--format/);
    expect(() => ingestFileFormat('a.json', 'xml')).to.throw(/--format must be/);
  });

  it('refuses a JSON file that is not an array', () => {
    expect(() => split('json', '{"a":1}', 100)).to.throw(/expected a JSON array/);
  });
});

describe('time arguments', () => {
  const now = Date.parse('2025-11-28T05:00:00.000Z');
  it('reads relative times, now and ISO-8601 with a zone', () => {
    expect(parseTimeArg('--from', '-15m', now)).to.equal('2025-11-28T04:45:00.000Z');
    expect(parseTimeArg('--from', '-1d', now)).to.equal('2025-11-27T05:00:00.000Z');
    expect(parseTimeArg('--from', '+30s', now)).to.equal('2025-11-28T05:00:30.000Z');
    expect(parseTimeArg('--from', 'now', now)).to.equal('2025-11-28T05:00:00.000Z');
    expect(parseTimeArg('--from', '2025-11-28T06:00:00+02:00', now)).to.equal('2025-11-28T04:00:00.000Z');
    expect(parseTimeArg('--from', '2025-11-28', now)).to.equal('2025-11-28T00:00:00.000Z');
  });
  it('refuses times without a zone and other words', () => {
    expect(() => parseTimeArg('--from', '2025-11-28T06:00:00', now)).to.throw(/--from must be/);
    expect(() => parseTimeArg('--from', '15m', now)).to.throw(/--from must be/);
  });
});
