#!/usr/bin/env node
// `npm start`: compiles what changed since the last build (server, workers, protocol, admin panel), then runs the
// orchestrator as plain JavaScript (`node --conditions=compiled server/dist/main.js`), forwarding
// SIGINT/SIGTERM/SIGHUP to it and exiting with its exit code. `npm run dev` runs the TypeScript sources instead.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureAdminBuilt } from './build-admin.mjs';
import { ensureBuilt } from './build.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

if (!ensureBuilt({ ifStale: true })) {
  console.error('AI Secretary failed to compile; see the errors above.');
  process.exit(1);
}
if (!ensureAdminBuilt({ ifStale: true }))
  console.error('The admin panel failed to build; starting the API without it.');
// `compiled` makes workspace packages (protocol) resolve to their dist/ JavaScript. On a machine with much memory
// V8 sizes the young generation at 32 MB per semi-space; 8 MB keeps the idle orchestrator near 145 MB instead of
// 190 MB (scripts/bench/startup.ts measures both). NODE_OPTIONS=--max-semi-space-size=N overrides it.
const nodeArgs = ['--conditions=compiled', ...(semiSpaceSet() ? [] : ['--max-semi-space-size=8'])];
const server = spawn(process.execPath, [...nodeArgs, 'server/dist/main.js', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    // DATA_DIR=./data means the directory npm start was run from (the repository root for `npm start`).
    DATA_DIR: path.resolve(process.cwd(), process.env.DATA_DIR || 'data'),
  },
});
function semiSpaceSet() {
  return /--max-semi-space-size/.test(process.env.NODE_OPTIONS ?? '');
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
