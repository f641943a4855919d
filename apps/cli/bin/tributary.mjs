#!/usr/bin/env node
// Launcher of the `tributary` command. It runs the TypeScript sources through tsx's loader API, so it
// works in a fresh clone right after `npm ci`, with no build step; the workspace's tsconfig `paths`
// point @tributary/* imports at the libraries' sources too.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/main.ts');
