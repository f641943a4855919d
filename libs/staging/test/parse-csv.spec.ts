import { expect } from 'chai';
import { IngestParseError, parseRecords } from '../src/index.js';
import { thrown } from './helpers.js';

const CSV = 'text/csv';

describe('parseRecords: text/csv', () => {
  it('turns every row after the header into a record of strings', () => {
    expect(parseRecords('id,name,amount\n1,ann,9.5\n2,bob,\n', CSV)).to.deep.equal({
      format: 'csv',
      records: [
        { id: '1', name: 'ann', amount: '9.5' },
        { id: '2', name: 'bob', amount: '' },
      ],
      lines: [2, 3],
      texts: ['{"id":"1","name":"ann","amount":"9.5"}', '{"id":"2","name":"bob","amount":""}'],
    });
  });

  it('reads RFC 4180 quoting: commas, doubled quotes and line breaks inside quotes', () => {
    const body = 'id,note,city\r\n1,"Hello, world","Paris"\r\n2,"She said ""hi""\r\nthen left",Oslo\r\n3,plain,"multi\nline\nvalue"\r\n';
    const parsed = parseRecords(body, CSV);
    expect(parsed.records).to.deep.equal([
      { id: '1', note: 'Hello, world', city: 'Paris' },
      { id: '2', note: 'She said "hi"\r\nthen left', city: 'Oslo' },
      { id: '3', note: 'plain', city: 'multi\nline\nvalue' },
    ]);
    // Records start on lines 2, 3 and 5, even though the second and third span several lines.
    expect(parsed.lines).to.deep.equal([2, 3, 5]);
  });

  it('skips blank lines, drops a byte-order mark, and keeps spaces in values', () => {
    const body = Buffer.from('\uFEFFa,b\n\n 1 ,x\n\n2,y\n', 'utf8');
    const parsed = parseRecords(body, CSV);
    expect(parsed.records).to.deep.equal([{ a: ' 1 ', b: 'x' }, { a: '2', b: 'y' }]);
    expect(parsed.lines).to.deep.equal([3, 5]);
  });

  it('counts lines ended by a lone CR too', () => {
    expect(parseRecords('a,b\r1,"x\ry"\r2,z\r', CSV).lines).to.deep.equal([2, 4]);
  });

  it('gives no records for an empty body or a header alone', () => {
    expect(parseRecords('', CSV).records).to.deep.equal([]);
    expect(parseRecords('a,b\n', CSV).records).to.deep.equal([]);
  });

  it('keeps a column named __proto__ as data', () => {
    const [record] = parseRecords('__proto__,b\nx,y\n', CSV).records as Record<string, unknown>[];
    expect(Object.getPrototypeOf(record)).to.equal(Object.prototype);
    expect(Object.keys(record ?? {})).to.deep.equal(['__proto__', 'b']);
  });

  const malformed: { name: string; body: string; line: number; column: number; position: number; field?: string }[] = [
    { name: 'a row with too many fields', body: 'a,b\n1,2\n3,4,5\n', line: 3, column: 3, position: 8 },
    { name: 'a row with too few fields', body: 'a,b\n1,2\n3\n', line: 3, column: 2, position: 8, field: 'b' },
    { name: 'text after a closing quote', body: 'a,b\n1,"x"y\n', line: 2, column: 2, position: 4, field: 'b' },
    { name: 'an unclosed quote', body: 'a,b\n1,2\n"open,3\n', line: 3, column: 1, position: 8, field: 'a' },
    { name: 'a quote inside an unquoted field', body: 'a,b\n1,ab"c\n', line: 2, column: 2, position: 4, field: 'b' },
    { name: 'a duplicate header name', body: 'a,b,a\n1,2,3\n', line: 1, column: 3, position: 0 },
    { name: 'an empty header name', body: 'a,,c\n1,2,3\n', line: 1, column: 2, position: 0 },
    { name: 'a duplicate header name after blank lines', body: '\n\na,a\n1,2\n', line: 3, column: 2, position: 2 },
    // The CRLF inside the quoted value of line 2 is one line break, not two.
    { name: 'a stray quote after a multi-line value', body: 'a,b\r\n1,"x\r\ny"\r\n2,"q"z\r\n', line: 4, column: 2, position: 15, field: 'b' },
    { name: 'an error after a non-ASCII value', body: 'a,b\nÜber,ß\nx\n', line: 3, column: 2, position: 11, field: 'b' },
  ];
  for (const c of malformed) {
    it(`reports ${c.name} with its line and column (field number)`, () => {
      const err = thrown(() => parseRecords(c.body, CSV), IngestParseError);
      expect(err.code).to.equal('TRIB_INGEST_MALFORMED');
      expect({ line: err.line, column: err.column, position: err.position }).to.deep.equal({
        line: c.line,
        column: c.column,
        position: c.position,
      });
      expect(err.field).to.equal(c.field);
      expect(err.details.message).not.to.match(/at line \d/);
    });
  }
});
