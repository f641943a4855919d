import type { Command } from 'commander';
import type { Run } from '../client/types.js';
import type { CommandContext } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { formatStages, formatTime, renderTable, writeJson } from '../output/format.js';
import { cliDefaults, positiveInt } from '../options.js';
import { parseTimeArg } from '../time.js';

/** Run statuses after which a run makes no more progress. */
const FINISHED = new Set(['STOPPED', 'FAILED', 'COMPLETED', 'SUCCEEDED', 'DONE', 'CANCELLED']);

export function isFinished(run: Run): boolean {
  return FINISHED.has(run.status.toUpperCase()) || (run.stoppedAt !== undefined && run.stoppedAt !== null);
}

/** `tributary runs <pipeline>` and `tributary replay <pipeline> --from …`. */
export function registerRunCommands(program: Command, ctx: CommandContext): void {
  program
    .command('runs')
    .description('list the runs of a pipeline, newest first, with per-stage in/out/errored')
    .argument('<pipeline>', 'pipeline id')
    .action(async (pipelineId: string) => {
      const runs = await ctx.client().listRuns(pipelineId);
      if (ctx.globals().output === 'json') return writeJson(ctx.io.stdout, { runs });
      if (runs.length === 0) {
        ctx.io.stdout.write(`no runs of ${pipelineId}\n`);
        return;
      }
      ctx.io.stdout.write(
        renderTable(
          ['run', 'mode', 'status', 'version', 'started', 'stopped', 'stages (in/out/errored)'],
          runs.map((r) => [
            r.runId,
            r.mode,
            r.reason ? `${r.status} (${r.reason})` : r.status,
            String(r.pipelineVersion ?? '-'),
            formatTime(r.startedAt),
            formatTime(r.stoppedAt),
            formatStages(r.stages),
          ]),
        ),
      );
    });

  program
    .command('replay')
    .description('replay the pipeline over a time range of its raw input; prints the replay run id')
    .argument('<pipeline>', 'pipeline id')
    .requiredOption('--from <time>', 'start: ISO-8601, "now" or relative like -15m, -2h, -1d')
    .option('--until <time>', 'end (exclusive), same forms; default: now')
    .option('--wait', 'follow the replay run until it stops; exit 1 if it fails')
    .option('--interval <ms>', `poll interval with --wait (default ${cliDefaults.pollIntervalMs})`)
    .action(async (pipelineId: string, flags: { from: string; until?: string; wait?: boolean; interval?: string }) => {
      const now = ctx.io.now();
      const from = parseTimeArg('--from', flags.from, now);
      const until = flags.until === undefined ? undefined : parseTimeArg('--until', flags.until, now);
      if (until !== undefined && Date.parse(until) <= Date.parse(from)) throw new UsageError('--until must be after --from');
      const interval = positiveInt('--interval', flags.interval, cliDefaults.pollIntervalMs);
      const json = ctx.globals().output === 'json';
      const runId = await ctx.client().replay(pipelineId, from, until);
      if (!flags.wait) {
        if (json) writeJson(ctx.io.stdout, { pipelineId, runId, from, until });
        else ctx.io.stdout.write(`${runId}\n`);
        return;
      }
      if (!json) ctx.io.stderr.write(`replay ${runId} of ${pipelineId} from ${from}${until ? ` until ${until}` : ''}\n`);
      const run = await follow(ctx, pipelineId, runId, interval, json);
      if (json) writeJson(ctx.io.stdout, run);
      else ctx.io.stdout.write(`${runId} ${run.status}${run.reason ? ` (${run.reason})` : ''}: ${formatStages(run.stages)}\n`);
      if (run.status.toUpperCase() === 'FAILED') {
        throw new CliError('TRIB_CLI_RUN_FAILED', `replay ${runId} failed${run.reason ? `: ${run.reason}` : ''}`);
      }
    });
}

/** Polls the run until it stops, printing a line whenever its counts change (table output only). */
async function follow(ctx: CommandContext, pipelineId: string, runId: string, intervalMs: number, quiet: boolean): Promise<Run> {
  let last = '';
  for (;;) {
    const run = await ctx.client().getRun(pipelineId, runId);
    const line = `${run.status}: ${formatStages(run.stages)}`;
    if (!quiet && line !== last) ctx.io.stderr.write(`  ${line}\n`);
    last = line;
    if (isFinished(run)) return run;
    if (ctx.io.signal.aborted) throw new CliError('TRIB_CLI_RUN_FAILED', `stopped following ${runId} (the replay goes on)`);
    await ctx.io.sleep(intervalMs, ctx.io.signal);
  }
}
