// Runs before `npm start` and `npm test` on a fresh clone: checks Node, and installs the npm
// packages when node_modules is missing or older than package-lock.json. Plain Node, no packages.
import { execSync } from 'node:child_process';
import fs from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Tributary needs Node.js 20.19 or newer; this is ${process.versions.node}.`);
  process.exit(1);
}
const marker = 'node_modules/.package-lock.json';
const stale = !fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync('package-lock.json').mtimeMs;
if (stale) {
  console.log('Installing npm packages (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
