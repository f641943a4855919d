import { controlTopicCatalog } from '@tributary/schemas';

/** The topic names the staging manager reads and writes, for one topic prefix. */
export interface StagingTopics {
  readonly prefix: string;
  readonly stagingEvents: string;
  readonly pipelineEvents: string;
  readonly definitions: string;
  raw(pipelineId: string): string;
  staged(pipelineId: string): string;
  rejected(pipelineId: string): string;
  /** The pipeline id of a `.raw` topic of this prefix; undefined for any other topic. */
  pipelineIdOfRaw(topic: string): string | undefined;
}

export function stagingTopics(prefix: string): StagingTopics {
  const catalog = controlTopicCatalog({ prefix });
  // Same shape as pipelineDataTopics() of @tributary/schemas, without building six specs per call.
  const data = (id: string, stage: string) => `${catalog.prefix}.data.${id}.${stage}`;
  const head = `${catalog.prefix}.data.`;
  return {
    prefix: catalog.prefix,
    stagingEvents: catalog.events.staging.name,
    pipelineEvents: catalog.events.pipeline.name,
    definitions: catalog.pipelineDefinitions.name,
    raw: (id) => data(id, 'raw'),
    staged: (id) => data(id, 'staged'),
    rejected: (id) => data(id, 'rejected'),
    pipelineIdOfRaw(topic) {
      if (!topic.startsWith(head) || !topic.endsWith('.raw')) return undefined;
      const id = topic.slice(head.length, -'.raw'.length);
      return id.length > 0 && !id.includes('.') ? id : undefined;
    },
  };
}
