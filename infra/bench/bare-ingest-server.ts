/**
 * The baseline of `bench:ingest`: a bare express + kafkajs handler doing the same parse-and-send as
 * the CPM's ingest (JSON array in, one message per record to a topic, 202 with the count), without
 * auth, validation, record ids or error handling. Run as its own process: PORT, TOPIC, KAFKA_BROKERS,
 * BARE_KAFKAJS (`stock`: kafkajs 2.2.4 as published, the default; `patched`: with Tributary's patch).
 */
import express from 'express';

const { Kafka, logLevel } = process.env.BARE_KAFKAJS === 'patched' ? await import('kafkajs') : await import('kafkajs-stock');

const port = Number(process.env.PORT ?? 17190);
const topic = process.env.TOPIC!;
const kafka = new Kafka({ clientId: 'bare-ingest', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();

const app = express();
app.use(express.raw({ type: '*/*', limit: '16mb' }));
app.get('/readyz', (_req, res) => void res.send('ok'));
app.post('/records', async (req, res) => {
  const records = JSON.parse((req.body as Buffer).toString('utf8')) as { id: string }[];
  await producer.send({ topic, acks: -1, messages: records.map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
  res.status(202).json({ accepted: records.length });
});
app.listen(port, () => console.log(`bare ingest on :${port} → ${topic}`));
