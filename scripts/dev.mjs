#!/usr/bin/env node
// `npm run dev`: runs the orchestrator from its TypeScript sources through tsx, restarting on changes
// (tsx watch). The speech worker it spawns runs from source too. Builds the admin panel once if missing.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureAdminBuilt } from './build-admin.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

if (!ensureAdminBuilt()) console.error('The admin panel failed to build; starting the API without it.');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const args = ['watch', '--tsconfig', 'server/tsconfig.json', 'server/src/main.ts', ...process.argv.slice(2)];
const server = spawn(tsx, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, DATA_DIR: path.resolve(process.cwd(), process.env.DATA_DIR || 'data') },
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
