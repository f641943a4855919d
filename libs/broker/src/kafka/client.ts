import { Kafka, type KafkaConfig, logLevel, type LogEntry } from 'kafkajs';
import { type BrokerLogger, silentLogger } from '../logger.js';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger?: BrokerLogger;
  /** Connection timeout per broker. Default 3 s (kafkajs: 1 s, too tight on a busy machine). */
  connectionTimeoutMs?: number;
  /** Extra kafkajs settings (retry, ssl, sasl…). */
  kafka?: Partial<KafkaConfig>;
}

/** kafkajs logs through the service's structured logger, at warn and above. */
function logCreator(logger: BrokerLogger) {
  const log = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log: { message, ...extra } }: LogEntry) => {
      if (level === logLevel.ERROR) log.error(extra, message);
      else if (level === logLevel.WARN) log.warn(extra, message);
      else if (level === logLevel.INFO) log.info(extra, message);
      else log.debug(extra, message);
    };
}

/** A kafkajs client for a Tributary service. */
export function createKafka(opts: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: opts.connectionTimeoutMs ?? 3_000,
    logLevel: logLevel.WARN,
    logCreator: logCreator(opts.logger ?? silentLogger),
    ...opts.kafka,
  });
}
