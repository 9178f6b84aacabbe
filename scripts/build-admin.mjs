#!/usr/bin/env node
// Builds the admin panel (admin/dist) when it is missing, or with --if-stale also when a source file is
// newer than the last build. Used by `npm start`, `npm test` and the browser tests, so they build once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const admin = path.join(root, 'admin');
const builtMarker = path.join(admin, 'dist', 'index.html');
const builtWidget = path.join(admin, 'dist', 'widget.js');
const builtVoice = path.join(admin, 'dist', 'widget-voice.js');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtimeMs(target) {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((max, name) => Math.max(max, newestMtimeMs(path.join(target, name))), 0);
}

export function adminBuildNeeded(ifStale) {
  if (![builtMarker, builtWidget, builtVoice].every((file) => fs.existsSync(file))) return true;
  if (!ifStale) return false;
  const built = fs.statSync(builtMarker).mtimeMs;
  return SOURCES.some((name) => newestMtimeMs(path.join(admin, name)) > built);
}

/** Returns true when admin/dist is usable afterwards. */
export function ensureAdminBuilt({ ifStale = false } = {}) {
  if (!adminBuildNeeded(ifStale)) return true;
  console.log('building the admin panel (admin/dist)…');
  const vite = path.join(root, 'node_modules', '.bin', 'vite');
  // NODE_ENV=test (inherited from vitest) would make Vite drop production-only code such as the service worker.
  const env = { ...process.env, NODE_ENV: 'production' };
  const result = spawnSync(vite, ['build', '--logLevel', 'warn'], { cwd: admin, stdio: 'inherit', env });
  return result.status === 0 && buildWidget();
}

function esbuild(entry, format, outfile) {
  const bin = path.join(root, 'node_modules', '.bin', 'esbuild');
  const args = [
    path.join(admin, 'src', 'widget', entry),
    '--bundle',
    '--minify',
    `--format=${format}`,
    '--target=es2020',
    '--legal-comments=none',
    `--outfile=${outfile}`,
    '--log-level=warning',
  ];
  return spawnSync(bin, args, { cwd: admin, stdio: 'inherit' }).status === 0;
}

/**
 * The website widget (admin/src/widget → admin/dist/widget.js, served at GET /widget.js): one small IIFE,
 * no framework, built after Vite (which empties dist/); and its voice chunk (admin/dist/widget-voice.js, an ES
 * module the widget fetches with import() when the voice button is pressed). The index.html marker is touched
 * last, so a failed widget build is retried next time.
 */
export function buildWidget() {
  if (!esbuild('main.ts', 'iife', builtWidget)) return false;
  if (!esbuild(path.join('voice', 'voice-session.ts'), 'esm', builtVoice)) return false;
  fs.utimesSync(builtMarker, new Date(), new Date());
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(ensureAdminBuilt({ ifStale: process.argv.includes('--if-stale') }) ? 0 : 1);
}
