#!/usr/bin/env node
// `npm run bench [-- name ...]`: runs benchmarks under scripts/bench/ (all, or the named ones) one after another.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dir = path.join(root, 'scripts', 'bench');
const wanted = process.argv.slice(2);
const HELPERS = new Set(['fake-upstream']); // imported by benchmarks, not one itself
const all = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((n) => !HELPERS.has(n));
const names = wanted.length > 0 ? wanted : all;
let failed = 0;
for (const name of names) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark "${name}"; known: ${all.join(', ')}`);
    failed++;
    continue;
  }
  console.log(`\n##### bench: ${name}`);
  const r = spawnSync(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    ['--tsconfig', 'server/tsconfig.json', path.join(dir, `${name}.ts`)],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
