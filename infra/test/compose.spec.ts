/** docker-compose.kafka.yml must describe the same stack as infra/: same versions, ports and topics. */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { repoRoot, stackDefaults } from '../stack/src/options.js';

interface ComposeService {
  image: string;
  ports?: string[];
  environment?: Record<string, string | number>;
}

describe('docker-compose.kafka.yml', () => {
  const compose = parse(fs.readFileSync(path.join(repoRoot, 'docker-compose.kafka.yml'), 'utf8')) as {
    services: Record<string, ComposeService>;
  };
  const registryArgs = fs.readFileSync(path.join(repoRoot, 'infra', 'stack', 'src', 'services.ts'), 'utf8');

  it('pins the Kafka and registry versions that infra/ runs', () => {
    expect(compose.services.kafka?.image).to.equal(`apache/kafka:${stackDefaults.kafkaVersion}`);
    expect(compose.services.registry?.image).to.equal(`apicurio/apicurio-registry:${stackDefaults.registryVersion}`);
  });

  it('publishes the contract ports on loopback', () => {
    expect(compose.services.kafka?.ports).to.include('127.0.0.1:9092:9092');
    expect(compose.services.registry?.ports?.[0]).to.match(/^127\.0\.0\.1:8081:/);
    expect(compose.services.redis?.ports).to.include('127.0.0.1:6379:6379');
  });

  it('keeps the registry journal in the same Kafka topics', () => {
    const env = compose.services.registry?.environment ?? {};
    expect(env.APICURIO_STORAGE_KIND).to.equal('kafkasql');
    for (const key of ['APICURIO_KAFKASQL_TOPIC', 'APICURIO_KAFKASQL_SNAPSHOTS_TOPIC', 'APICURIO_EVENTS_KAFKA_TOPIC']) {
      expect(registryArgs).to.contain(String(env[key]), key);
    }
  });
});
