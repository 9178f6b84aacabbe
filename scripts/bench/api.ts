/**
 * Foundation benchmark: cold start to ready, idle RSS, and /api latency under autocannon load
 * (login-protected GET /api/auth/me, 10 connections, 10 s), SQLite vs PostgreSQL.
 * Run: npm run bench -- api   (or: tsx scripts/bench/api.ts [--seconds 10])
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { waitHealthy } from './harness.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/secretary_test';
const PASSWORD = 'bench-password-1';

async function rssMb(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const match = /^process_resident_memory_bytes (\d+)/m.exec(text);
  return Number(match?.[1] ?? 0) / 1048576;
}

async function runOne(label: string, env: Record<string, string>) {
  const port = 18000 + Math.floor(Math.random() * 1000);
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    ['--tsconfig', 'server/tsconfig.json', 'server/src/main.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        ...env,
        PORT: String(port),
        ADMIN_PASSWORD: PASSWORD,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      },
      stdio: 'ignore',
    },
  );
  try {
    await waitHealthy(`${base}/ready`, child, 10, Number.POSITIVE_INFINITY);
    const coldStartMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 2000));
    const idleRss = await rssMb(base);
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const result = await autocannon({
      url: `${base}/api/auth/me`,
      connections,
      duration: seconds,
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const loadedRss = await rssMb(base);
    return {
      label,
      coldStartMs: Math.round(coldStartMs),
      idleRssMb: Number(idleRss.toFixed(1)),
      loadedRssMb: Number(loadedRss.toFixed(1)),
      reqPerS: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

async function main() {
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sqlite-'));
  const schema = `bench_${process.pid}`;
  const rows = [];
  try {
    rows.push(await runOne('sqlite', { DATA_DIR: sqliteDir }));
    rows.push(
      await runOne('postgres', {
        DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pg-')),
        DATABASE_URL: pgUrl,
        DATABASE_SCHEMA: schema,
      }),
    );
  } finally {
    fs.rmSync(sqliteDir, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
  console.log(
    `\nGET /api/auth/me (JWT + session check), ${connections} connections, ${seconds} s, on ${os.cpus().length} cores`,
  );
  console.table(rows);
  const [s, p] = rows;
  if (s && p)
    console.log(
      `p50 ratio postgres/sqlite: ${(p.p50Ms / Math.max(s.p50Ms, 0.001)).toFixed(2)}; req/s ratio: ${(p.reqPerS / s.reqPerS).toFixed(2)}`,
    );
}

await main();
