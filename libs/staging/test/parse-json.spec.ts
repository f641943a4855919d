import { expect } from 'chai';
import { IngestParseError, UnsupportedMediaTypeError, ingestFormatOf, parseRecords } from '../src/index.js';
import { thrown } from './helpers.js';

const JSON_TYPE = 'application/json';

describe('parseRecords: application/json', () => {
  it('returns the elements of an array in order', () => {
    const parsed = parseRecords('[{"a":1},{"a":2,"b":"x"}]', JSON_TYPE);
    expect(parsed).to.deep.equal({ format: 'json', records: [{ a: 1 }, { a: 2, b: 'x' }], texts: ['{"a":1}', '{"a":2,"b":"x"}'] });
  });

  it('accepts a single object as one record, and an empty array as none', () => {
    expect(parseRecords(' {"a":1} ', JSON_TYPE).records).to.deep.equal([{ a: 1 }]);
    expect(parseRecords('[]', JSON_TYPE).records).to.deep.equal([]);
  });

  it('reads a Buffer as UTF-8 and drops a byte-order mark', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"name":"Zoë"}]')]);
    expect(parseRecords(body, JSON_TYPE).records).to.deep.equal([{ name: 'Zoë' }]);
  });

  it('leaves non-object elements to validation instead of failing the body', () => {
    expect(parseRecords('[{"a":1}, 42, null]', JSON_TYPE).records).to.deep.equal([{ a: 1 }, 42, null]);
  });

  it('refuses a top-level value that is neither an array nor an object', () => {
    const err = thrown(() => parseRecords('\n  "hello"', JSON_TYPE), IngestParseError);
    expect(err.code).to.equal('TRIB_INGEST_MALFORMED');
    expect(err.details).to.include({ line: 2, column: 3, position: 3 });
  });

  // Positions are counted by hand from each body; lines and columns are 1-based.
  const malformed: { name: string; body: string; line: number; column: number; position: number; message: RegExp }[] = [
    { name: 'a trailing comma in an object', body: '[\n  {"a": 1,}\n]', line: 2, column: 11, position: 12, message: /property name/ },
    { name: 'a missing comma between elements', body: '[{"a":1}\n {"b":2}]', line: 2, column: 2, position: 10, message: /','/ },
    { name: 'a bare word (V8 gives no position)', body: '[{"a": 1},\n {"b": tru}]', line: 2, column: 11, position: 21, message: /^Unexpected token '}'$/ },
    { name: 'a trailing comma in an array (no position from V8)', body: '[1,\n]', line: 2, column: 1, position: 4, message: /Unexpected token '\]'/ },
    { name: 'an unterminated array', body: '[{"a":1}', line: 1, column: 9, position: 8, message: /','|end/ },
    { name: 'an empty body', body: '', line: 1, column: 1, position: 0, message: /end of JSON input/ },
    { name: 'single quotes', body: "[{'a':1}]", line: 1, column: 3, position: 2, message: /property name/ },
    { name: 'garbage after the value', body: '[{"a":1}]\nx', line: 2, column: 1, position: 10, message: /non-whitespace/ },
    { name: 'a raw control character in a string', body: '[{"a":"x\u0001"}]', line: 1, column: 9, position: 8, message: /control character/ },
  ];
  for (const c of malformed) {
    it(`reports ${c.name} with its line, column and position`, () => {
      const err = thrown(() => parseRecords(c.body, JSON_TYPE), IngestParseError);
      expect(err.code).to.equal('TRIB_INGEST_MALFORMED');
      expect(err.retriable).to.equal(false);
      expect({ line: err.line, column: err.column, position: err.position }).to.deep.equal({
        line: c.line,
        column: c.column,
        position: c.position,
      });
      expect(err.details.message).to.match(c.message);
      expect(err.details.message).not.to.match(/position \d+|is not valid JSON/);
      expect(err.message).to.contain(`line ${c.line}, column ${c.column}`);
      expect(err.cause).to.be.instanceOf(SyntaxError);
    });
  }

  it('counts positions after a byte-order mark, in characters rather than bytes', () => {
    const body = Buffer.from('\uFEFF[{"é":"ü"},]', 'utf8');
    const err = thrown(() => parseRecords(body, JSON_TYPE), IngestParseError);
    expect(err.details).to.include({ line: 1, position: 11, column: 12 });
  });

  it('refuses invalid UTF-8 and says where it starts', () => {
    const body = Buffer.concat([Buffer.from('[{"a":"\uFFFD ok"},\n{"b":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]')]);
    const err = thrown(() => parseRecords(body, JSON_TYPE), IngestParseError);
    expect(err.details).to.deep.equal({ line: 2, column: 7, position: 21, message: 'Invalid UTF-8 byte sequence' });
  });
});

describe('ingestFormatOf', () => {
  it('maps the accepted media types, ignoring case and a UTF-8 charset', () => {
    expect(ingestFormatOf('application/json')).to.equal('json');
    expect(ingestFormatOf('Application/JSON; charset="UTF-8"')).to.equal('json');
    expect(ingestFormatOf('application/x-ndjson')).to.equal('ndjson');
    expect(ingestFormatOf('application/ndjson;charset=utf-8')).to.equal('ndjson');
    expect(ingestFormatOf('text/csv; header=present')).to.equal('csv');
  });

  for (const contentType of [undefined, '', 'text/plain', 'application/xml', 'text/csv; charset=latin1']) {
    it(`refuses ${JSON.stringify(contentType)} with TRIB_INGEST_UNSUPPORTED_MEDIA_TYPE`, () => {
      const err = thrown(() => parseRecords('[]', contentType), UnsupportedMediaTypeError);
      expect(err.code).to.equal('TRIB_INGEST_UNSUPPORTED_MEDIA_TYPE');
      expect(err.details.supported).to.include.members(['application/json', 'application/x-ndjson', 'text/csv']);
    });
  }
});

describe('locateJsonError', () => {
  it('reads the Node 22+ message form with "(line L column C)" and keeps only the reason', async () => {
    const { locateJsonError } = await import('../src/parse/json.js');
    const err = new SyntaxError("Expected ',' or ']' after array element in JSON at position 8 (line 1 column 9)");
    expect(locateJsonError('[{"a":1}', err)).to.deep.equal({ position: 8, reason: "Expected ',' or ']' after array element" });
  });
});
