import type { FieldMap } from '../field-map.js';
import type { StageDefinition } from '../types.js';
import { planDedupe } from './dedupe.js';
import { planEnrich } from './enrich.js';
import { planFilter, planMap } from './expression-stages.js';
import { planCast, planDrop, planRename } from './reshape.js';
import type { ReportIssue, StagePlan } from './types.js';

export { DedupeWindow, checkWindow } from './dedupe.js';
export type { ReportIssue, RunContext, StagePlan, StageRunner } from './types.js';

/** Checks one stage against the fields that reach it and plans how to run it. */
export function planStage(stage: StageDefinition, fields: FieldMap, report: ReportIssue): StagePlan {
  switch (stage.type) {
    case 'map':
    case 'derive':
      return planMap(stage, fields, report);
    case 'filter':
      return planFilter(stage, fields, report);
    case 'rename':
      return planRename(stage, fields, report);
    case 'drop':
      return planDrop(stage, fields, report);
    case 'cast':
      return planCast(stage, fields, report);
    case 'dedupe':
      return planDedupe(stage, fields, report);
    case 'enrich':
      return planEnrich(stage, fields, report);
  }
}
