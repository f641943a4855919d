import { expect } from 'chai';
import { IngestParseError, parseRecords } from '../src/index.js';
import { thrown } from './helpers.js';

const NDJSON = 'application/x-ndjson';

describe('parseRecords: application/x-ndjson', () => {
  it('reads one record per line, skips blank lines and CRLF, and says which line each came from', () => {
    const body = '{"a":1}\r\n\r\n   \n{"a":2}\n{"a":3}';
    expect(parseRecords(body, NDJSON)).to.deep.equal({
      format: 'ndjson',
      records: [{ a: 1 }, { a: 2 }, { a: 3 }],
      lines: [1, 4, 5],
      texts: ['{"a":1}', '{"a":2}', '{"a":3}'],
    });
  });

  it('accepts a trailing newline and an empty body', () => {
    expect(parseRecords('{"a":1}\n', NDJSON).records).to.deep.equal([{ a: 1 }]);
    expect(parseRecords('', NDJSON).records).to.deep.equal([]);
    expect(parseRecords('\n\n', NDJSON).records).to.deep.equal([]);
  });

  it('leaves a line that is JSON but not an object to validation', () => {
    expect(parseRecords('{"a":1}\n[1,2]\n7', NDJSON).records).to.deep.equal([{ a: 1 }, [1, 2], 7]);
  });

  it('reports the number of a bad line and the column in it', () => {
    const body = '{"a":1}\n\n{"a":2}\n{"a":3,,"b":4}\n{"a":5}';
    const err = thrown(() => parseRecords(body, NDJSON), IngestParseError);
    expect(err.code).to.equal('TRIB_INGEST_MALFORMED');
    // Line 4 starts at position 17; the second comma is its 8th character.
    expect(err.details).to.include({ line: 4, column: 8, position: 24 });
    expect(err.message).to.contain('line 4, column 8');
  });

  it('locates a bad line that V8 reports without a position, and one cut short', () => {
    const noPosition = thrown(() => parseRecords('{"a":1}\r\n{"a": nul}\r\n', NDJSON), IngestParseError);
    expect(noPosition.details).to.include({ line: 2, column: 10, position: 18 });
    const cut = thrown(() => parseRecords('{"a":1}\n{"a":', NDJSON), IngestParseError);
    expect(cut.details).to.include({ line: 2, column: 6, position: 13 });
  });
});
