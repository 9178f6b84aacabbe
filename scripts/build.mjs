#!/usr/bin/env node
// `npm run build`: compiles protocol, workers and server (tsc, each package's tsconfig.build.json, into its dist/)
// and builds the admin panel. With --if-stale only what changed since its last build, so `npm start` can call it
// on every start. Exits non-zero when a build fails.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureAdminBuilt } from './build-admin.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
/** In dependency order: workers and server import the protocol package. */
export const PACKAGES = ['protocol', 'workers', 'server'];

function newestMtimeMs(target) {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((max, name) => Math.max(max, newestMtimeMs(path.join(target, name))), 0);
}

function builtAtMs(pkg) {
  const marker = path.join(root, pkg, 'dist', '.tsbuildinfo');
  return fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
}

/** A package is stale when its sources, its build config or a package it imports are newer than its build. */
function stale(pkg, rebuilt) {
  if (rebuilt.size > 0 && pkg !== 'protocol' && rebuilt.has('protocol')) return true;
  const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => path.join(root, pkg, f));
  inputs.push(path.join(root, 'tsconfig.base.json'));
  return Math.max(...inputs.map(newestMtimeMs)) > builtAtMs(pkg);
}

function compile(pkg) {
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-p', path.join(root, pkg, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (result.status === 0) fs.utimesSync(path.join(root, pkg, 'dist', '.tsbuildinfo'), new Date(), new Date());
  return result.status === 0;
}

/** Returns true when every package's dist/ is usable afterwards. */
export function ensureBuilt({ ifStale = false } = {}) {
  const rebuilt = new Set();
  for (const pkg of PACKAGES) {
    if (ifStale && !stale(pkg, rebuilt)) continue;
    console.log(`compiling ${pkg} (${pkg}/dist)…`);
    if (!compile(pkg)) return false;
    rebuilt.add(pkg);
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ifStale = process.argv.includes('--if-stale');
  const ok = ensureBuilt({ ifStale }) && ensureAdminBuilt({ ifStale });
  process.exit(ok ? 0 : 1);
}
