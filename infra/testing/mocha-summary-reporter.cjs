// Mocha's spec reporter, plus a per-run JSON summary (passes, failures, pending) written to
// $TRIBUTARY_TEST_RESULTS_DIR when set, so `npm test` can print one closing line for all projects.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const dir = process.env.TRIBUTARY_TEST_RESULTS_DIR;
      if (!dir) return;
      fs.mkdirSync(dir, { recursive: true });
      const name = path.basename(process.cwd());
      const { passes, failures, pending } = runner.stats;
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ name, passes, failures, pending }));
    });
  }
}
module.exports = SummaryReporter;
