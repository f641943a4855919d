// Shared mocha settings: every project runs `mocha` from its own root, and mocha finds this file
// by walking up. TypeScript runs directly through tsx; nothing is compiled first.
'use strict';
module.exports = {
  spec: ['test/**/*.spec.ts'],
  'node-option': ['import=tsx'],
  reporter: require.resolve('./infra/testing/mocha-summary-reporter.cjs'),
  // Integration tests talk to a real broker and registry on a shared, noisy 2-core machine:
  // a generous default, and each test waits on conditions (waitFor), never on sleeps.
  timeout: 60000,
  exit: true,
};
