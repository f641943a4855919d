import { expect } from 'chai';
import {
  type LogDestination,
  ObservabilityError,
  correlationFromHeaders,
  createLogger,
  loggingDefaults,
  withCorrelation,
} from '../src/index.js';

/** Collects pino's lines in memory; pino writes synchronously to a plain `write` function. */
function memoryDestination(): LogDestination & { lines(): Record<string, unknown>[] } {
  const raw: string[] = [];
  return {
    write: (line: string) => raw.push(line),
    lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes one JSON object per line with service, level label, time and component', () => {
    const destination = memoryDestination();
    const logger = createLogger({ service: 'pipeline-manager', destination });
    logger.child({ component: 'consumer-runner' }).info({ topic: 'tributary.data.p1.raw' }, 'joined');
    const [line] = destination.lines();
    expect(line).to.include({
      service: 'pipeline-manager',
      component: 'consumer-runner',
      level: 'info',
      msg: 'joined',
      topic: 'tributary.data.p1.raw',
      pid: process.pid,
    });
    expect(Date.parse(String(line?.time))).to.be.a('number').and.not.NaN;
  });

  it('binds correlation ids, from values or from Kafka headers, and leaves absent ones out', () => {
    const destination = memoryDestination();
    const logger = createLogger({ service: 's', destination });
    withCorrelation(logger, { correlationId: 'c-1', causationId: 'e-0', eventId: 'e-1' }).info('handled');
    const headers = { 'correlation-id': Buffer.from('c-2'), 'event-id': 'e-2' };
    withCorrelation(logger, correlationFromHeaders(headers)).warn('retrying');
    const [first, second] = destination.lines();
    expect(first).to.include({ correlationId: 'c-1', causationId: 'e-0', eventId: 'e-1' });
    expect(second).to.include({ correlationId: 'c-2', eventId: 'e-2', level: 'warn' });
    expect(second).to.not.have.property('causationId');
  });

  it('redacts secrets at the default paths and at extra ones', () => {
    const destination = memoryDestination();
    const logger = createLogger({ service: 's', destination, redactPaths: ['sasl.mechanism'] });
    logger.info({
      authorization: 'Bearer a',
      headers: { authorization: 'Bearer b', accept: 'json' },
      req: { headers: { authorization: 'Bearer c' } },
      registry: { password: 'hunter2', apiKey: 'key-123', url: 'http://r' },
      redis: { secret: 'shh', token: 'tok-456' },
      password: 'top-secret',
      sasl: { mechanism: 'plain' },
    });
    const line = destination.lines()[0] ?? {};
    const text = JSON.stringify(line);
    for (const secret of ['Bearer', 'hunter2', 'key-123', 'shh', 'tok-456', 'top-secret', 'plain']) expect(text).to.not.include(secret);
    expect(line.headers).to.deep.equal({ authorization: loggingDefaults.censor, accept: 'json' });
    expect(line.registry).to.include({ url: 'http://r', password: '[REDACTED]' });
  });

  it('honours the level and never mutates the options', () => {
    const destination = memoryDestination();
    const options = Object.freeze({ service: 's', level: 'warn' as const, destination });
    const logger = createLogger(options);
    logger.info('dropped');
    logger.error('kept');
    expect(destination.lines().map((l) => l.msg)).to.deep.equal(['kept']);
    expect(createLogger({ service: 's', destination }).level).to.equal(loggingDefaults.level);
  });

  it('refuses invalid options with a stable code naming the option', () => {
    try {
      createLogger({ service: ' ', level: 'loud' as never });
      expect.fail('expected an error');
    } catch (error) {
      expect(error).to.be.instanceOf(ObservabilityError);
      const e = error as ObservabilityError;
      expect(e.code).to.equal('TRIB_OBSERVABILITY_OPTIONS_INVALID');
      expect(e.retriable).to.equal(false);
      expect(e.issues.map((i) => i.option)).to.have.members(['service', 'level']);
    }
  });
});
