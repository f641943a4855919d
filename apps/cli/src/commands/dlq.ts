import { readTopicSlice, redriveDeadLetters, type SliceMessage } from '@tributary/broker';
import { DLQ_SUFFIX } from '@tributary/schemas';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { kafkaError, withKafka } from '../kafka/resources.js';
import { CLI_GROUP_PREFIX, sliceError, sliceWarning } from '../kafka/slice.js';
import { showValue } from '../kafka/values.js';
import { formatTime, renderTable, toJson, writeJson } from '../output/format.js';
import { cliDefaults, positiveInt } from '../options.js';
import { countTopics } from './topics.js';

/** A dead letter as `dlq list --show` prints it: where it came from and why it died. */
export interface DeadLetterView {
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  /** The `dlq-*` headers (error code and message, attempts, original topic/partition/offset…). */
  dlq: Record<string, string>;
  eventType: string | undefined;
  value: unknown;
}

/** `tributary dlq list|redrive`. */
export function registerDlqCommands(program: Command, ctx: CommandContext): void {
  const dlq = program.command('dlq').description('dead-letter topics: count, inspect, redrive');

  dlq
    .command('list')
    .description(`every *${DLQ_SUFFIX} topic with its message count`)
    .option('--prefix <prefix>', 'only topics whose name starts with this')
    .option('--show [n]', `also print the last n dead letters of each (default ${cliDefaults.showDeadLetters})`)
    .action((flags: { prefix?: string; show?: string | boolean }) => {
      const show = flags.show === undefined ? 0 : flags.show === true || flags.show === false ? cliDefaults.showDeadLetters : positiveInt('--show', flags.show, 1);
      const json = ctx.globals().output === 'json';
      return withKafka(ctx.globals(), async (k) => {
        const admin = await k.admin();
        const topics = await countTopics(admin, (n) => n.endsWith(DLQ_SUFFIX) && n.startsWith(flags.prefix ?? ''));
        const shown: Record<string, DeadLetterView[]> = {};
        if (show > 0) {
          const codec = k.codec();
          for (const t of topics.filter((t) => t.messages > 0)) {
            shown[t.name] = await lastDeadLetters(ctx, admin, k.kafka, t.name, show, async (m) => {
              const v = await showValue(m.value, codec);
              return v.format === 'json' ? (JSON.parse(v.value as string) as unknown) : v.type ? { type: v.type, value: v.value } : v.value;
            });
          }
        }
        if (json) {
          return writeJson(ctx.io.stdout, { topics: topics.map((t) => (show > 0 ? { ...t, deadLetters: shown[t.name] ?? [] } : t)) });
        }
        if (topics.length === 0) {
          ctx.io.stdout.write('no dead-letter topics\n');
          return;
        }
        ctx.io.stdout.write(renderTable(['dead-letter topic', 'partitions', 'messages'], topics.map((t) => [t.name, String(t.partitions), String(t.messages)])));
        for (const [name, letters] of Object.entries(shown)) {
          ctx.io.stdout.write(`\n${name}: last ${letters.length}\n`);
          for (const l of letters) {
            ctx.io.stdout.write(`  partition ${l.partition} offset ${l.offset}  ${l.timestamp}  key=${l.key ?? '<null>'}  ${l.eventType ?? ''}\n`);
            for (const [h, v] of Object.entries(l.dlq)) ctx.io.stdout.write(`    ${h}: ${v}\n`);
            ctx.io.stdout.write(`    value: ${toJson(l.value)}\n`);
          }
        }
      });
    });

  dlq
    .command('redrive')
    .description('move dead letters back to the topic each came from (resumes where the last redrive stopped)')
    .argument('<topic>', `dead-letter topic, ending in ${DLQ_SUFFIX}`)
    .option('--limit <n>', 'move at most n messages')
    .action((topic: string, flags: { limit?: string }) => {
      if (!topic.endsWith(DLQ_SUFFIX)) throw new UsageError(`${topic} is not a dead-letter topic (its name must end in ${DLQ_SUFFIX})`);
      const limit = flags.limit === undefined ? undefined : positiveInt('--limit', flags.limit, 1);
      return withKafka(ctx.globals(), async (k) => {
        const admin = await k.admin();
        const existing = await admin.listTopics().catch((err: unknown) => {
          throw kafkaError(err, 'cannot list topics');
        });
        if (!existing.includes(topic)) throw new UsageError(`no topic ${topic}`);
        const publisher = k.publisher();
        const result = await redriveDeadLetters({ kafka: k.kafka, publisher, dlqTopic: topic, ...(limit === undefined ? {} : { limit }) }).catch(
          (err: unknown) => {
            throw kafkaError(err, `redriving ${topic} failed`);
          },
        );
        await publisher.flush();
        if (ctx.globals().output === 'json') return writeJson(ctx.io.stdout, { topic, ...result });
        ctx.io.stdout.write(`redriven ${result.redriven} dead letters from ${topic}${result.skipped ? ` (${result.skipped} skipped)` : ''}\n`);
        for (const [target, n] of Object.entries(result.byTopic)) ctx.io.stdout.write(`  ${n} → ${target}\n`);
      });
    });
}

/** The last `n` dead letters of a topic (the last n of each partition, newest n overall), oldest first. */
async function lastDeadLetters(
  ctx: CommandContext,
  admin: Parameters<typeof countTopics>[0],
  kafka: Parameters<typeof readTopicSlice>[0]['kafka'],
  topic: string,
  n: number,
  decode: (m: SliceMessage) => Promise<unknown>,
): Promise<DeadLetterView[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const start = new Map(offsets.map((o) => [o.partition, String(BigInt(o.high) - BigInt(n) > BigInt(o.low) ? BigInt(o.high) - BigInt(n) : BigInt(o.low))]));
  const letters: DeadLetterView[] = [];
  await readTopicSlice({
    kafka,
    admin,
    topic,
    start,
    stopAtEnd: true,
    signal: ctx.io.signal,
    groupPrefix: CLI_GROUP_PREFIX,
    warn: sliceWarning(ctx.io.stderr),
    onMessage: async (m) => {
      letters.push({
        partition: m.partition,
        offset: m.offset,
        timestamp: formatTime(m.timestamp),
        key: m.key,
        dlq: Object.fromEntries(Object.entries(m.headers).filter(([h]) => h.startsWith('dlq-'))),
        eventType: m.headers['event-type'],
        value: await decode(m),
      });
    },
  }).catch((err: unknown) => {
    throw sliceError(err);
  });
  return letters.sort((a, b) => a.timestamp.localeCompare(b.timestamp)).slice(-n);
}

