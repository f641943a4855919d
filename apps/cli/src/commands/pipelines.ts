import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DefinitionError, parseDefinition, type PipelineDefinition } from '@tributary/pipelines';
import type { Command } from 'commander';
import type { DefinitionFormat, PipelineDetail, PipelineSummary } from '../client/types.js';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { formatStages, formatTime, renderFields, renderTable, runLabel, stageTable, writeJson } from '../output/format.js';

/** `tributary pipelines …`: apply, list, get, start, stop, delete. */
export function registerPipelineCommands(program: Command, ctx: CommandContext): void {
  const pipelines = program.command('pipelines').description('create, update, inspect, start and stop pipelines');

  pipelines
    .command('apply')
    .description('create the pipeline of a definition file, or update it when it exists')
    .requiredOption('-f, --file <path>', 'definition file (YAML or JSON)')
    .option('--dry-run', 'only validate the definition locally and print its issues')
    .action((opts: { file: string; dryRun?: boolean }) => apply(ctx, opts));

  pipelines
    .command('list')
    .description('list pipelines with their status and totals')
    .action(() => list(ctx));

  pipelines
    .command('get')
    .description('show a pipeline: status, version and its current run with per-stage counts')
    .argument('<id>', 'pipeline id')
    .action((id: string) => get(ctx, id));

  pipelines
    .command('start')
    .description('start a live run')
    .argument('<id>', 'pipeline id')
    .action(async (id: string) => {
      const runId = await ctx.client().startPipeline(id);
      report(ctx, { pipelineId: id, action: 'started', runId }, `started ${id}: run ${runId}`);
    });

  pipelines
    .command('stop')
    .description('stop the active run')
    .argument('<id>', 'pipeline id')
    .action(async (id: string) => {
      const runId = await ctx.client().stopPipeline(id);
      report(ctx, { pipelineId: id, action: 'stopped', runId }, `stopped ${id}: run ${runId}`);
    });

  pipelines
    .command('delete')
    .description('delete a pipeline (its data topics stay)')
    .argument('<id>', 'pipeline id')
    .action(async (id: string) => {
      await ctx.client().deletePipeline(id);
      report(ctx, { pipelineId: id, deleted: true }, `deleted ${id}`);
    });
}

function report(ctx: CommandContext, json: unknown, text: string): void {
  if (ctx.globals().output === 'json') writeJson(ctx.io.stdout, json);
  else ctx.io.stdout.write(`${text}\n`);
}

async function readDefinition(ctx: CommandContext, file: string): Promise<{ text: string; format: DefinitionFormat }> {
  let text: string;
  try {
    text = await readFile(resolve(ctx.io.cwd, file), 'utf8');
  } catch (err) {
    throw new CliError('TRIB_CLI_FILE', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const format: DefinitionFormat = /\.json$/i.test(file) || text.trimStart().startsWith('{') ? 'json' : 'yaml';
  return { text, format };
}

/** Local validation with the same library the CPM uses; issues carry line and column. */
function validateLocally(text: string, format: DefinitionFormat): PipelineDefinition {
  try {
    return parseDefinition(text, { format });
  } catch (err) {
    if (err instanceof DefinitionError) {
      throw new CliError(err.code, err.message, { issues: err.details, cause: err });
    }
    throw err;
  }
}

async function apply(ctx: CommandContext, opts: { file: string; dryRun?: boolean }): Promise<void> {
  const { text, format } = await readDefinition(ctx, opts.file);
  const definition = validateLocally(text, format);
  if (opts.dryRun) {
    const summary = `definition ${definition.id} is valid: ${definition.input.schema.length} input fields, ${definition.stages.length} stages, ${definition.sinks.length} sinks`;
    report(ctx, { pipelineId: definition.id, valid: true, issues: [] }, summary);
    return;
  }
  const client = ctx.client();
  // GET first: the CPM answers 409 to a create of an existing id, and an update carries the version
  // we saw (If-Match), so a concurrent change is refused instead of overwritten.
  const existing = await client.findPipeline(definition.id);
  const pipeline = existing
    ? await client.updatePipeline(definition.id, text, format, existing.version)
    : await client.createPipeline(text, format);
  const action = existing ? 'updated' : 'created';
  report(ctx, { action, pipeline }, `${action} ${pipeline.id ?? definition.id} (version ${pipeline.version})`);
}

async function list(ctx: CommandContext): Promise<void> {
  const pipelines = await ctx.client().listPipelines();
  if (ctx.globals().output === 'json') return writeJson(ctx.io.stdout, { pipelines });
  if (pipelines.length === 0) {
    ctx.io.stdout.write('no pipelines\n');
    return;
  }
  ctx.io.stdout.write(
    renderTable(
      ['id', 'name', 'version', 'status', 'run', 'in', 'out', 'rejected'],
      pipelines.map((p: PipelineSummary) => [
        p.id,
        p.name,
        String(p.version),
        p.reason ? `${p.status} (${p.reason})` : p.status,
        p.currentRun ? `${p.currentRun.runId} ${p.currentRun.mode}` : '-',
        String(p.totals?.in ?? 0),
        String(p.totals?.out ?? 0),
        String(p.totals?.rejected ?? 0),
      ]),
    ),
  );
}

async function get(ctx: CommandContext, id: string): Promise<void> {
  const p: PipelineDetail = await ctx.client().getPipeline(id);
  if (ctx.globals().output === 'json') return writeJson(ctx.io.stdout, p);
  const run = p.currentRun;
  ctx.io.stdout.write(
    renderFields([
      ['id', p.id],
      ['name', p.name],
      ['version', String(p.version)],
      ['status', p.reason ? `${p.status} (${p.reason})` : p.status],
      ['updated', `${formatTime(p.updatedAt)}${p.updatedBy ? ` by ${p.updatedBy}` : ''}`],
      ['totals', `in ${p.totals?.in ?? 0}, out ${p.totals?.out ?? 0}, rejected ${p.totals?.rejected ?? 0}`],
      ['current run', runLabel(run)],
    ]),
  );
  if (run) {
    ctx.io.stdout.write(
      renderFields([
        ['  started', formatTime(run.startedAt)],
        ['  version', String(run.pipelineVersion)],
        ...(run.reason ? [['  reason', run.reason] as const] : []),
      ]),
    );
    ctx.io.stdout.write(run.stages?.length ? `\n${stageTable(run.stages)}` : `  stages: ${formatStages(run.stages)}\n`);
  }
}

