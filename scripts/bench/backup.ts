/**
 * Backup/restore benchmark: 10,000 call records (inserted directly) plus BENCH_RECORDINGS_MB of synthetic
 * recordings (default 100), backed up with the same code as `npm run manage -- backup`, then restored into a
 * fresh DATA_DIR (and, with DATABASE_URL, a fresh PostgreSQL schema). Prints times and the archive size.
 * Run: tsx --tsconfig server/tsconfig.json scripts/bench/backup.ts   (DATABASE_URL=postgres://… for PostgreSQL)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createBackup } from '../../server/src/backup/create-backup.js';
import { restoreBackup } from '../../server/src/backup/restore-backup.js';
import { openDatabase } from '../../server/src/db/data-source.js';
import { GsmCallEntity } from '../../server/src/db/entities/index.js';

const CALLS = 10_000;
const recordingsMb = Number(process.env.BENCH_RECORDINGS_MB ?? '100');
const url = process.env.DATABASE_URL || undefined;

async function target() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-backup-'));
  const schema = url === undefined ? undefined : `bench_${randomBytes(4).toString('hex')}`;
  return { dataDir, schema, db: await openDatabase({ url, schema, dataDir }) };
}

function call(i: number) {
  const startedAt = Date.now() - i * 60_000;
  return {
    id: randomUUID(),
    direction: i % 2 === 0 ? 'in' : 'out',
    number: `+4915100${String(i).padStart(5, '0')}`,
    status: 'ended',
    task: null,
    startedAt,
    answeredAt: startedAt + 2000,
    endedAt: startedAt + 60_000,
    endReason: 'hangup',
    dtmf: '',
    transcript: [{ role: 'caller', text: `Hello, this is call ${i}, I would like an appointment.` }],
    metrics: { firstReplyMs: 700 },
    recordingCaller: `recordings/${i}-caller.wav`,
    recordingSecretary: null,
  } as unknown as GsmCallEntity;
}

async function seed(db: Awaited<ReturnType<typeof openDatabase>>, dataDir: string) {
  const repo = db.getRepository(GsmCallEntity);
  for (let i = 0; i < CALLS; i += 500) await repo.insert(Array.from({ length: 500 }, (_, k) => call(i + k)));
  fs.mkdirSync(path.join(dataDir, 'recordings'), { recursive: true });
  const chunk = randomBytes(1_048_576);
  for (let i = 0; i < recordingsMb; i++)
    fs.writeFileSync(path.join(dataDir, 'recordings', `synthetic-${i}.wav`), chunk);
}

async function dropSchema(schema: string | undefined) {
  if (schema === undefined || url === undefined) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

async function main() {
  const source = await target();
  await seed(source.db, source.dataDir);
  const keys = { jwtSecret: randomBytes(32), encryptionKey: randomBytes(32) };
  const out = path.join(os.tmpdir(), `bench-backup-${randomBytes(4).toString('hex')}.tar.gz`);
  let t = performance.now();
  const { manifest } = await createBackup({ db: source.db, dataDir: source.dataDir, keys, out });
  const backupMs = performance.now() - t;
  const restored = await target();
  t = performance.now();
  await restoreBackup({ db: restored.db, dataDir: restored.dataDir, file: out });
  const restoreMs = performance.now() - t;
  const count = await restored.db.getRepository(GsmCallEntity).count();
  const line = {
    database: url === undefined ? 'sqlite' : 'postgres',
    calls: count,
    recordingsMb,
    files: manifest.files.length,
    archiveMb: +(fs.statSync(out).size / 1_048_576).toFixed(1),
    backupS: +(backupMs / 1000).toFixed(2),
    restoreS: +(restoreMs / 1000).toFixed(2),
  };
  console.log(JSON.stringify(line));
  await source.db.destroy();
  await restored.db.destroy();
  await dropSchema(source.schema);
  await dropSchema(restored.schema);
  for (const dir of [source.dataDir, restored.dataDir]) fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(out, { force: true });
}

await main();
