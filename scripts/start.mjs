#!/usr/bin/env node
// `npm start`: builds the admin panel if admin/dist is missing, then runs the orchestrator,
// forwarding SIGINT/SIGTERM/SIGHUP to it and exiting with its exit code.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureAdminBuilt } from './build-admin.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

if (!ensureAdminBuilt()) console.error('The admin panel failed to build; starting the API without it.');
// One process (node with tsx's loader) rather than the tsx CLI, whose extra parent process can leave the
// server running when a signal arrives before main.ts has installed its handlers.
const server = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    // DATA_DIR=./data means the directory npm start was run from (the repository root for `npm start`).
    DATA_DIR: path.resolve(process.cwd(), process.env.DATA_DIR || 'data'),
    TSX_TSCONFIG_PATH: path.join(root, 'server', 'tsconfig.json'),
  },
});
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
