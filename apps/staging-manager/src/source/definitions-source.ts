import type { DefinitionEntry, DefinitionsView } from '@tributary/pipeline-state';
import type { DefinitionsSource, PipelineVersion } from '../types.js';

const toVersion = (e: DefinitionEntry): PipelineVersion => ({ pipelineId: e.pipelineId, version: e.version, definition: e.definition });

/** The staging manager's view of the pipelines, on the definitions read model of @tributary/pipeline-state. */
export function definitionsSource(view: DefinitionsView): DefinitionsSource {
  return {
    start: () => view.start(),
    list: () => view.list().map(toVersion),
    get(pipelineId) {
      const entry = view.get(pipelineId);
      return entry ? toVersion(entry) : undefined;
    },
    subscribe: (listener) => view.subscribe(() => listener()),
    close: () => view.close(),
  };
}
