import { expect } from 'chai';
import { ConfigError, configDefaults, loadConfig } from '../src/index.js';

describe('loadConfig', () => {
  it('takes every default from one place when the environment is empty', () => {
    const config = loadConfig({});
    expect(config).to.deep.equal({
      kafka: { brokers: ['127.0.0.1:9092'] },
      schemaRegistry: { url: configDefaults.SCHEMA_REGISTRY_URL },
      redis: { url: 'redis://127.0.0.1:6379' },
      cpm: { port: 8080 },
      topicPrefix: 'tributary',
      monitoring: { metricsIntervalMs: 15_000 },
    });
  });

  it('reads overrides and never mutates the caller env', () => {
    const env = Object.freeze({
      KAFKA_BROKERS: ' a:1 , b:2 ',
      SCHEMA_REGISTRY_URL: 'http://reg:9/apis/ccompat/v7/',
      CPM_PORT: '9999',
      TRIBUTARY_TOPIC_PREFIX: 'acme',
      TRIBUTARY_METRICS_INTERVAL_MS: '0',
    });
    const config = loadConfig(env);
    expect(config.kafka.brokers).to.deep.equal(['a:1', 'b:2']);
    expect(config.schemaRegistry.url).to.equal('http://reg:9/apis/ccompat/v7');
    expect(config.cpm.port).to.equal(9999);
    expect(config.topicPrefix).to.equal('acme');
    expect(config.monitoring.metricsIntervalMs).to.equal(0);
  });

  it('names every invalid variable and why', () => {
    try {
      loadConfig({ KAFKA_BROKERS: 'no-port', CPM_PORT: '70000', TRIBUTARY_TOPIC_PREFIX: 'a.b', TRIBUTARY_METRICS_INTERVAL_MS: '-5' });
      expect.fail('expected a ConfigError');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const e = err as ConfigError;
      expect(e.code).to.equal('TRIB_CONFIG_INVALID');
      expect(e.retriable).to.equal(false);
      expect(e.issues.map((i) => i.variable)).to.have.members(['KAFKA_BROKERS', 'CPM_PORT', 'TRIBUTARY_TOPIC_PREFIX', 'TRIBUTARY_METRICS_INTERVAL_MS']);
      expect(e.message).to.contain('expected host:port');
    }
  });
});
