export { createDefinitionsView } from './view.js';
export type { DefinitionEntry, DefinitionsListener, DefinitionsView, DefinitionsViewOptions } from './types.js';
