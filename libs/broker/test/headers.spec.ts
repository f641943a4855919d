import { expect } from 'chai';
import { eventHeaders, headersToStrings } from '../src/headers.js';

describe('eventHeaders', () => {
  it('sets the standard headers, the correlation id defaulting to the event id', () => {
    expect(eventHeaders('tributary.pipeline.PipelineCreated', 'e-1', {})).to.deep.equal({
      'event-type': 'tributary.pipeline.PipelineCreated',
      'event-id': 'e-1',
      'correlation-id': 'e-1',
    });
  });

  it('adds causation and priority when given, and extra headers that never override the standard ones', () => {
    const extra = { 'record-id': 'r-1', 'event-id': 'forged', 'event-type': 'forged' };
    const headers = eventHeaders('t', 'e-2', { correlationId: 'c-1', causationId: 'e-0', priority: 'high', headers: extra });
    expect(headers).to.deep.equal({
      'record-id': 'r-1',
      'event-type': 't',
      'event-id': 'e-2',
      'correlation-id': 'c-1',
      'causation-id': 'e-0',
      priority: 'high',
    });
    expect(extra['event-id'], 'the caller’s headers are not modified').to.equal('forged');
  });
});

describe('headersToStrings', () => {
  it('decodes buffers as UTF-8 and keeps the last of repeated headers', () => {
    expect(headersToStrings({ a: Buffer.from('é'), b: [Buffer.from('1'), Buffer.from('2')], c: 'x', d: undefined })).to.deep.equal({ a: 'é', b: '2', c: 'x' });
  });
});
