/**
 * `npm test`: brings the local stack up if it is not running, runs every project's tests through Nx
 * (two projects at a time: integration tests share one broker but use their own topics and groups,
 * and spend most of their time waiting on it; one at a time took over 25 minutes on a slow 2-core
 * machine), and prints one closing line with the totals. Extra arguments go to Nx (e.g.
 * `npm test -- --projects=broker`).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { resolveStackOptions, repoRoot } from '../stack/src/options.js';
import { createStack, formatStatus } from '../stack/src/stack.js';

const resultsDir = path.join(repoRoot, 'tmp', 'test-results');

async function main(): Promise<number> {
  const stack = createStack(resolveStackOptions(), (line) => console.log(line));
  console.log(`Local stack:\n${formatStatus(await stack.up())}\n`);

  fs.rmSync(resultsDir, { recursive: true, force: true });
  const nx = spawnSync(
    'npx',
    ['nx', 'run-many', '-t', 'test', '--parallel=2', '--skip-nx-cache', '--outputStyle=stream', ...process.argv.slice(2)],
    { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, TRIBUTARY_TEST_RESULTS_DIR: resultsDir, NX_DAEMON: 'false' } },
  );

  const totals = { passed: 0, failed: 0, skipped: 0 };
  const failures: string[] = [];
  const files = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir) : [];
  for (const file of files) {
    const r = JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8')) as {
      name: string;
      passes: number;
      failures: number;
      pending: number;
      failed?: { title: string; file?: string; error: string }[];
    };
    for (const f of r.failed ?? []) failures.push(`✗ ${r.name}: ${f.title}${f.file ? ` (${f.file})` : ''}\n${f.error.replace(/^/gm, '    ')}`);
    totals.passed += r.passes;
    totals.failed += r.failures;
    totals.skipped += r.pending;
  }
  if (failures.length > 0) console.log(`\nFailures:\n${failures.join('\n')}`);
  console.log(`\n${files.length} projects tested`);
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  if (nx.status !== 0 || totals.failed > 0) return 1;
  if (totals.passed === 0) {
    console.error('No test ran.');
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
