/** Validated service configuration. */
export interface TributaryConfig {
  kafka: { brokers: string[] };
  schemaRegistry: { url: string };
  redis: { url: string };
  cpm: { port: number };
  topicPrefix: string;
}
