import { readTopicSlice, type SliceMessage } from '@tributary/broker';
import type { Command } from 'commander';
import type { Admin } from 'kafkajs';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { kafkaError, withKafka } from '../kafka/resources.js';
import { CLI_GROUP_PREFIX, sliceError, sliceWarning } from '../kafka/slice.js';
import { showValue, type ShownValue } from '../kafka/values.js';
import { formatTime, renderTable, toJson, writeJson } from '../output/format.js';
import { positiveInt } from '../options.js';

export interface TopicCount {
  name: string;
  partitions: number;
  /** Sum over partitions of high − low watermark (an upper bound on compacted or transactional topics). */
  messages: number;
}

/** Name, partitions and message count of every topic with the prefix (internal `__` topics left out). */
export async function countTopics(admin: Admin, filter: (name: string) => boolean): Promise<TopicCount[]> {
  let names: string[];
  try {
    names = (await admin.listTopics()).filter((n) => !n.startsWith('__') && filter(n)).sort();
  } catch (err) {
    throw kafkaError(err, 'cannot list topics');
  }
  const counts: TopicCount[] = [];
  // A few at a time: the broker is shared and one offsets request per topic is enough load.
  for (let i = 0; i < names.length; i += 8) {
    const slice = names.slice(i, i + 8);
    counts.push(
      ...(await Promise.all(
        slice.map(async (name) => {
          const offsets = await admin.fetchTopicOffsets(name).catch((err: unknown) => {
            throw kafkaError(err, `cannot read the offsets of ${name}`);
          });
          const messages = offsets.reduce((sum, o) => sum + (Number(o.high) - Number(o.low)), 0);
          return { name, partitions: offsets.length, messages };
        }),
      )),
    );
  }
  return counts;
}

/** One message as a JSON object (`--output json`, one per line). */
export function messageJson(m: SliceMessage, shown: ShownValue): Record<string, unknown> {
  const value = shown.format === 'json' ? (JSON.parse(shown.value as string) as unknown) : shown.value;
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: new Date(m.timestamp).toISOString(),
    key: m.key,
    headers: m.headers,
    format: shown.format,
    ...(shown.type === undefined ? {} : { type: shown.type }),
    ...(shown.schemaId === undefined ? {} : { schemaId: shown.schemaId }),
    value,
    ...(shown.error === undefined ? {} : { error: shown.error }),
  };
}

/** A message as a readable block: position, time and key; headers; the value. */
export function messageText(m: SliceMessage, shown: ShownValue): string {
  const headers = Object.entries(m.headers)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  let value: string;
  if (shown.format === 'avro' && shown.type !== undefined) value = `${shown.type} (schema ${shown.schemaId}) ${toJson(shown.value)}`;
  else if (shown.format === 'avro') value = `<avro, schema ${shown.schemaId}; --decode to read> ${String(shown.value)}`;
  else if (shown.format === 'binary') value = `<binary, base64${shown.error ? `; ${shown.error}` : ''}> ${String(shown.value)}`;
  else if (shown.format === 'null') value = '<null>';
  else value = String(shown.value);
  return (
    `${m.topic} partition ${m.partition} offset ${m.offset}  ${formatTime(m.timestamp)}  key=${m.key ?? '<null>'}\n` +
    `  headers: ${headers || '-'}\n` +
    `  value: ${value}\n`
  );
}

/** `tributary topics list|tail`. */
export function registerTopicCommands(program: Command, ctx: CommandContext): void {
  const topics = program.command('topics').description('inspect Kafka topics');

  topics
    .command('list')
    .description('topics with their partitions and message counts (high − low watermark)')
    .option('--prefix <prefix>', 'only topics whose name starts with this')
    .action((flags: { prefix?: string }) =>
      withKafka(ctx.globals(), async (k) => {
        const counts = await countTopics(await k.admin(), (n) => n.startsWith(flags.prefix ?? ''));
        if (ctx.globals().output === 'json') return writeJson(ctx.io.stdout, { topics: counts });
        if (counts.length === 0) {
          ctx.io.stdout.write('no topics\n');
          return;
        }
        ctx.io.stdout.write(renderTable(['name', 'partitions', 'messages'], counts.map((t) => [t.name, String(t.partitions), String(t.messages)])));
      }),
    );

  topics
    .command('tail')
    .description('print the messages of a topic as they arrive (Ctrl-C stops)')
    .argument('<topic>', 'topic name')
    .option('--from-beginning', 'start at the first retained message instead of the end')
    .option('--limit <n>', 'stop after n messages')
    .option('--decode', 'decode Avro values through the schema registry')
    .action((topic: string, flags: { fromBeginning?: boolean; limit?: string; decode?: boolean }) => {
      if (topic.trim() === '') throw new UsageError('topic name is empty');
      const limit = flags.limit === undefined ? undefined : positiveInt('--limit', flags.limit, 1);
      const json = ctx.globals().output === 'json';
      return withKafka(ctx.globals(), async (k) => {
        const admin = await k.admin();
        const existing = await admin.listTopics().catch((err: unknown) => {
          throw kafkaError(err, 'cannot list topics');
        });
        if (!existing.includes(topic)) throw new UsageError(`no topic ${topic}`);
        const codec = flags.decode ? k.codec() : undefined;
        await readTopicSlice({
          kafka: k.kafka,
          admin,
          topic,
          start: flags.fromBeginning ? 'earliest' : 'latest',
          ...(limit === undefined ? {} : { limit }),
          signal: ctx.io.signal,
          groupPrefix: CLI_GROUP_PREFIX,
          warn: sliceWarning(ctx.io.stderr),
          onMessage: async (m) => {
            const shown = await showValue(m.value, codec);
            ctx.io.stdout.write(json ? `${toJson(messageJson(m, shown))}\n` : messageText(m, shown));
          },
        }).catch((err: unknown) => {
          throw sliceError(err);
        });
      });
    });
}
