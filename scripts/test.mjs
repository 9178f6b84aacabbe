#!/usr/bin/env node
// Builds admin/dist when stale (for the browser tests), runs the whole suite on SQLite, then on PostgreSQL
// (unit-only files, *.unit.test.ts, run once; the admin panel's suites included), and prints one closing
// line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureAdminBuilt } from './build-admin.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const vitest = path.join(root, 'node_modules', '.bin', 'vitest');
const only = process.env.TEST_DBS?.split(',') ?? ['sqlite', 'postgres'];
const extra = process.argv.slice(2);

// The slowest files of a pass, so the suite's time budget (CI: 45 minutes in all) can be watched.
function printSlowest(label, files) {
  const timed = files
    .map((f) => ({ name: path.relative(root, f.name), ms: (f.endTime ?? 0) - (f.startTime ?? 0) }))
    .filter((f) => f.ms > 0)
    .sort((a, b) => b.ms - a.ms);
  const total = timed.reduce((sum, f) => sum + f.ms, 0);
  console.log(`${label}: ${timed.length} files, ${(total / 1000).toFixed(0)} s of file time; slowest:`);
  for (const f of timed.slice(0, 12)) console.log(`  ${(f.ms / 1000).toFixed(1).padStart(6)} s  ${f.name}`);
}

function run(label, args, env) {
  const out = path.join(os.tmpdir(), `secretary-vitest-${label}-${process.pid}.json`);
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(
    vitest,
    ['run', '--reporter=default', '--reporter=json', `--outputFile=${out}`, ...args, ...extra],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    },
  );
  let passed = 0;
  let failed = 0;
  const names = [];
  if (fs.existsSync(out)) {
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed = report.numPassedTests;
    failed = report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
    for (const file of report.testResults ?? []) {
      const rel = path.relative(root, file.name);
      const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
      for (const t of failedTests) names.push(`${label}: ${rel} > ${t.fullName}`);
      if (failedTests.length === 0 && file.status === 'failed') names.push(`${label}: ${rel} (file failed to run)`);
    }
    printSlowest(label, report.testResults ?? []);
    fs.rmSync(out);
  }
  if (result.status !== 0 && failed === 0) failed = 1; // crashed runner, or a file that failed to load
  console.log(`${label}: ${passed} passed, ${failed} failed`);
  return { passed, failed, names };
}

const totals = { passed: 0, failed: 0, names: [] };
// The browser tests (admin/e2e) need admin/dist: build it once here, before the runs, when it is stale.
if (!ensureAdminBuilt({ ifStale: true })) totals.failed += 1;
// The speech fixtures (festival + sox, gitignored): made once here rather than by several test files at once.
const fixtures = spawnSync('bash', [path.join(root, 'scripts', 'make-speech-fixtures.sh')], {
  cwd: root,
  stdio: 'inherit',
});
if (fixtures.status !== 0) console.log('speech fixtures could not be made; the speech tests will say why');
const add = (r) => {
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.names.push(...r.names);
};
if (only.includes('sqlite')) add(run('sqlite', [], { TEST_DB: 'sqlite' }));
if (only.includes('postgres'))
  add(run('postgres', ['--exclude', '**/*.unit.test.ts', '--exclude', '**/node_modules/**'], { TEST_DB: 'postgres' }));
// Failed tests of every pass, listed again here so the end of the output names them all.
if (totals.names.length > 0) console.log(`\nFailed:\n${totals.names.map((n) => `  ${n}`).join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);
