import { expect } from 'chai';
import { MAX_KEY_LABEL_VALUE_LENGTH, canonicalLabels, seriesKey } from '../src/index.js';

describe('seriesKey', () => {
  it('is readable, and the same whatever order the labels arrive in', () => {
    const a = seriesKey({ service: 'cpm', metric: 'http_requests_total', labels: { route: 'pipelines', method: 'GET' } });
    const b = seriesKey({ service: 'cpm', metric: 'http_requests_total', labels: { method: 'GET', route: 'pipelines' } });
    expect(a).to.equal('cpm/http_requests_total/method=GET,route=pipelines');
    expect(b).to.equal(a);
    expect(seriesKey({ service: 'quality-manager', metric: 'lag', labels: {} })).to.equal('quality-manager/lag');
  });

  it('drops empty label values, as Prometheus does', () => {
    expect(seriesKey({ service: 's', metric: 'm', labels: { a: '', b: 'x' } })).to.equal('s/m/b=x');
    expect(canonicalLabels({ z: '1', a: '', m: '2' })).to.deep.equal({ m: '2', z: '1' });
  });

  it('percent-encodes separators, Redis glob characters, spaces and non-ASCII, so different series never collide', () => {
    const key = seriesKey({ service: 'a/b', metric: 'm:x', labels: { route: '/api/v1/*?[x]', 'we=ird': 'a,b c', city: 'Zürich' } });
    expect(key).to.equal('a%2Fb/m%3Ax/city=Z%C3%BCrich,route=%2Fapi%2Fv1%2F%2A%3F%5Bx%5D,we%3Dird=a%2Cb%20c');
    expect(key).to.not.match(/[*?[\]\s{}]/);
    // `a=b,c=d` as one value must not read as two labels.
    const one = seriesKey({ service: 's', metric: 'm', labels: { a: 'b,c=d' } });
    const two = seriesKey({ service: 's', metric: 'm', labels: { a: 'b', c: 'd' } });
    expect(one).to.not.equal(two);
  });

  it('hashes long label values and keeps the key short', () => {
    const long = 'SELECT * FROM orders WHERE '.repeat(10);
    const key = seriesKey({ service: 's', metric: 'm', labels: { query: long } });
    expect(key).to.match(/^s\/m\/query=~h[0-9a-f]{16}$/);
    const other = seriesKey({ service: 's', metric: 'm', labels: { query: `${long}x` } });
    expect(other).to.not.equal(key);
    const limit = 'x'.repeat(MAX_KEY_LABEL_VALUE_LENGTH);
    expect(seriesKey({ service: 's', metric: 'm', labels: { v: limit } })).to.equal(`s/m/v=${limit}`);
  });

  it('hashes the whole label part when there are very many labels', () => {
    const labels = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`label_${i}`, `value-${i}`]));
    const key = seriesKey({ service: 's', metric: 'm', labels });
    expect(key).to.match(/^s\/m\/~h[0-9a-f]{16}$/);
  });
});
