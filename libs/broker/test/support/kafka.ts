import { loadConfig } from '@tributary/config';
import kafkajs, { type Admin } from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

/** A connected admin client for the broker under test (KAFKA_BROKERS, default 127.0.0.1:9092). */
export async function connectTestAdmin(): Promise<Admin> {
  const kafka = new Kafka({
    clientId: 'tributary-broker-test',
    brokers: loadConfig().kafka.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 3 },
  });
  const admin = kafka.admin();
  await admin.connect();
  return admin;
}

