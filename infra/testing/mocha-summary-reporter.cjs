// Mocha's spec reporter, plus a per-run JSON summary (passes, failures, pending) written to
// $TRIBUTARY_TEST_RESULTS_DIR when set, so `npm test` can print one closing line for all projects
// and repeat every failure (full title, error, top of the stack) where CI logs show it: at the end.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failed = [];
    runner.on('fail', (test, err) => {
      const stack = String((err && err.stack) || err).split('\n').slice(0, 8).join('\n');
      failed.push({ title: test.fullTitle(), file: test.file ? path.relative(process.cwd(), test.file) : undefined, error: stack });
    });
    runner.once('end', () => {
      const dir = process.env.TRIBUTARY_TEST_RESULTS_DIR;
      if (!dir) return;
      fs.mkdirSync(dir, { recursive: true });
      const name = path.basename(process.cwd());
      const { passes, failures, pending } = runner.stats;
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ name, passes, failures, pending, failed }));
    });
  }
}
module.exports = SummaryReporter;
