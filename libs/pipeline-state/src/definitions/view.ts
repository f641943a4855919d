import { Headers, headersToStrings, silentLogger } from '@tributary/broker';
import { parseDefinition, type PipelineDefinition } from '@tributary/pipelines';
import type { PipelineDefinition as PipelineDefinitionRecord } from '@tributary/schemas';
import { createTopicReader, decodeForView } from '../topic-reader/index.js';
import { checkViewOptions } from '../view-options.js';
import { createConditionWaiters } from '../waiting/index.js';
import type { DefinitionEntry, DefinitionsListener, DefinitionsView, DefinitionsViewOptions } from './types.js';

const DEFINITION_TYPE = 'tributary.pipeline.PipelineDefinition';

/**
 * The definitions read model: the compacted topic replayed from the beginning into a map, a tombstone
 * deleting its key. Each instance reads every partition with a group of its own.
 */
export function createDefinitionsView(options: DefinitionsViewOptions): DefinitionsView {
  checkViewOptions(options, 'definitions view');
  const { kafka, codec, topicPrefix } = options;
  const topic = `${topicPrefix}.pipeline.definitions`;
  const logger = (options.logger ?? silentLogger).child({ component: 'definitions-view', topic });
  const entries = new Map<string, DefinitionEntry>();
  const listeners = new Set<DefinitionsListener>();
  const waiters = createConditionWaiters();
  let closed = false;

  const changed = (pipelineId: string, entry: DefinitionEntry | undefined) => {
    for (const listener of listeners) {
      try {
        listener(pipelineId, entry);
      } catch (err) {
        logger.warn({ err, pipelineId }, 'definitions listener failed');
      }
    }
    waiters.changed();
  };

  const reader = createTopicReader({
    kafka,
    topics: [topic],
    groupPrefix: `${topicPrefix}.defs-view`,
    logger,
    async onMessage(message, where) {
      const key = message.key?.toString('utf8');
      if (!key) return;
      if (message.value === null) {
        if (entries.delete(key)) changed(key, undefined);
        return;
      }
      const decoded = await decodeForView(codec, message.value, { logger, isClosed: () => closed, where: { ...where, offset: message.offset } });
      if (!decoded || decoded.type !== DEFINITION_TYPE) return;
      const record = decoded.value as PipelineDefinitionRecord;
      let definition: PipelineDefinition;
      try {
        definition = parseDefinition(record.definition, { format: 'json' });
      } catch (err) {
        // Written by the pipeline manager after the same validation, so this means a newer, stricter
        // library: keep the last version this process understands rather than a half-read one.
        logger.warn({ err, pipelineId: key, version: record.version }, 'stored definition does not parse; keeping the previous one');
        return;
      }
      const entry: DefinitionEntry = {
        pipelineId: record.pipelineId,
        name: record.name,
        version: record.version,
        definition,
        definitionText: record.definition,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
        updatedBy: record.updatedBy,
        causationId: headersToStrings(message.headers)[Headers.causationId],
      };
      entries.set(key, entry);
      changed(key, entry);
    },
  });

  const view: DefinitionsView = {
    start: () => reader.start(),
    get caughtUp() {
      return reader.caughtUp;
    },
    get: (pipelineId) => entries.get(pipelineId),
    list: () => [...entries.values()],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitUntil: (condition, timeoutMs, what) => waiters.waitUntil(() => condition(view), timeoutMs, what),
    async close() {
      if (closed) return;
      closed = true;
      waiters.close();
      listeners.clear();
      await reader.close();
    },
  };
  return view;
}
