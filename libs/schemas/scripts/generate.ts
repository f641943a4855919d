/**
 * `npm run schemas:generate`: reads every schemas/<domain>/<Name>.avsc, checks the house rules, and
 * writes libs/schemas/src/contracts/generated.ts plus the generated export block of
 * libs/schemas/src/index.ts. With `--check` it writes nothing and exits 1 when either file is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lintSchemaFiles } from './contracts/lint.js';
import { currentIndexBlock, renderContracts, renderIndexBlock, withIndexBlock } from './contracts/render.js';
import { generatedFile, indexFile, readSchemaFiles, repoRoot } from './contracts/source.js';

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const files = readSchemaFiles();
  const problems = lintSchemaFiles(files);
  if (problems.length > 0) {
    console.error(`${problems.length} problem(s) in schemas/:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }

  const contracts = renderContracts(files);
  const block = renderIndexBlock(files);
  const indexText = fs.readFileSync(indexFile, 'utf8');
  const currentContracts = fs.existsSync(generatedFile) ? fs.readFileSync(generatedFile, 'utf8') : '';
  const stale = [
    ...(currentContracts === contracts ? [] : [generatedFile]),
    ...(currentIndexBlock(indexText) === block ? [] : [indexFile]),
  ].map((f) => path.relative(repoRoot, f));

  if (check) {
    if (stale.length > 0) console.error(`Out of date (run npm run schemas:generate): ${stale.join(', ')}`);
    return stale.length > 0 ? 1 : 0;
  }
  fs.mkdirSync(path.dirname(generatedFile), { recursive: true });
  if (currentContracts !== contracts) fs.writeFileSync(generatedFile, contracts);
  const newIndex = withIndexBlock(indexText, block);
  if (newIndex !== indexText) fs.writeFileSync(indexFile, newIndex);
  console.log(`${files.length} record types; ${stale.length > 0 ? `updated ${stale.join(', ')}` : 'already up to date'}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
