import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackupService } from '../src/backup/backup-service.js';
import { createLogger } from '../src/logger.js';
import { createSecretBox } from '../src/core/secrets/secret-box.js';
import { UserEntity } from '../src/db/entities/index.js';
import { LlmProviderEntity } from '../src/db/entities/llm.entity.js';
import {
  bearer,
  createTestDatabase,
  createTestRuntime,
  testDb,
  testPostgresUrl,
  type TestDatabase,
  type TestRuntime,
} from './helpers/runtime.js';

const root = path.resolve(import.meta.dirname, '..', '..');

function manage(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    ['--tsconfig', 'server/tsconfig.json', 'server/src/cli/manage.ts', ...args],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', DATABASE_SCHEMA: '', LOG_LEVEL: 'silent', ...env },
      encoding: 'utf8',
    },
  );
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** An empty target of the other kind than this run's (SQLite <-> PostgreSQL). */
function otherKindDatabase(kind: 'sqlite' | 'postgres'): TestDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secretary-restore-'));
  if (kind === 'sqlite')
    return { env: { DATA_DIR: dir }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    env: { DATA_DIR: dir, DATABASE_URL: testPostgresUrl(), DATABASE_SCHEMA: schema },
    async drop() {
      const client = new pg.Client({ connectionString: testPostgresUrl() });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const RECORDING = 'recordings/2026/12/call-1.wav';

describe(`backup and restore (${testDb()})`, { timeout: 300_000 }, () => {
  let source: TestRuntime;
  let apiKey: string;
  let providerId: string;
  let archive: string;
  let recording: Buffer;
  const targets: TestDatabase[] = [];

  beforeAll(async () => {
    source = await createTestRuntime({ env: { LLM_API_KEY: 'sk-bootstrap-secret-1234' } });
    for (let i = 0; i < 5; i++) await source.createUser('user');
    apiKey = (
      await source.services.apiKeys.create({
        name: 'crm',
        ownerId: (await source.services.users.findByUsername('admin'))!.id,
        rateLimitPerMinute: null,
        createdBy: null,
      })
    ).key;
    const token = await source.adminToken();
    const created = await source.app.inject({
      method: 'POST',
      url: '/api/llm/providers',
      headers: bearer(token),
      payload: { name: 'openai', type: 'openai', apiKey: 'sk-live-very-secret-value-9876', models: ['gpt-4o-mini'] },
    });
    providerId = created.json<{ id: string }>().id;
    recording = randomBytes(200_000);
    fs.mkdirSync(path.join(source.config.dataDir, path.dirname(RECORDING)), { recursive: true });
    fs.writeFileSync(path.join(source.config.dataDir, RECORDING), recording);
    archive = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'secretary-archive-')), 'a.tar.gz');
  });
  afterAll(async () => {
    await source.dispose();
    for (const t of targets) await t.drop();
  });

  it('backs up while users are being written, and manifest counts are one snapshot', async () => {
    let writing = true;
    const writes = (async () => {
      while (writing) await source.createUser('guest');
    })();
    const res = manage(source.env, 'backup', '--out', archive);
    writing = false;
    await writes;
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/backup written/);
    const listing = spawnSync('tar', ['tzf', archive], { encoding: 'utf8' }).stdout;
    expect(listing).toContain('manifest.json');
    expect(listing).toContain(`files/${RECORDING}`);
    expect(listing).toContain('db/users.jsonl');
  });

  async function checkRestored(target: TestDatabase) {
    const manifest = JSON.parse(spawnSync('tar', ['xzOf', archive, 'manifest.json'], { encoding: 'utf8' }).stdout) as {
      tables: Array<{ name: string; rows: number }>;
    };
    const rt = await createTestRuntime({ database: target, keepDatabase: true });
    try {
      expect(await rt.db.getRepository(UserEntity).count()).toBe(manifest.tables.find((t) => t.name === 'users')!.rows);
      const models = await rt.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(apiKey) });
      expect(models.statusCode).toBe(200);
      const provider = await rt.db.getRepository(LlmProviderEntity).findOneByOrFail({ id: providerId });
      const key = Buffer.from(
        fs.readFileSync(path.join(rt.config.dataDir, 'secrets', 'encryption.key'), 'utf8').trim(),
        'base64',
      );
      expect(createSecretBox(key).decrypt(provider.apiKeySealed!, `llm-provider:${providerId}`)).toBe(
        'sk-live-very-secret-value-9876',
      );
      expect(fs.readFileSync(path.join(rt.config.dataDir, RECORDING)).equals(recording)).toBe(true);
      await expect(rt.login('admin', 'admin-password-1')).resolves.toBeDefined();
    } finally {
      await rt.close();
    }
  }

  it('restores into a fresh DATA_DIR (and database) of the same kind', async () => {
    const target = createTestDatabase();
    targets.push(target);
    const res = manage(target.env, 'restore', archive);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/restored \d+ rows/);
    await checkRestored(target);
  });

  it.runIf(testDb() === 'postgres')('restores SQLite -> PostgreSQL and back', async () => {
    const sqlite = otherKindDatabase('sqlite');
    targets.push(sqlite);
    expect(manage(sqlite.env, 'restore', archive).code).toBe(0);
    await checkRestored(sqlite);
    const fromSqlite = path.join(path.dirname(archive), 'from-sqlite.tar.gz');
    expect(manage(sqlite.env, 'backup', '--out', fromSqlite).code).toBe(0);
    const postgres = otherKindDatabase('postgres');
    targets.push(postgres);
    const res = manage(postgres.env, 'restore', fromSqlite);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    await checkRestored(postgres);
  });

  function damaged(name: string, change: (data: Buffer) => Buffer): string {
    const file = path.join(path.dirname(archive), name);
    fs.writeFileSync(file, change(fs.readFileSync(archive)));
    return file;
  }

  it('refuses a corrupted, a truncated and a manifest-less archive and leaves the target unchanged', async () => {
    const target = createTestDatabase();
    targets.push(target);
    const flipped = damaged('flipped.tar.gz', (d) => {
      const copy = Buffer.from(d);
      copy[Math.floor(copy.length / 2)]! ^= 0xff;
      return copy;
    });
    const truncated = damaged('truncated.tar.gz', (d) => d.subarray(0, Math.floor(d.length * 0.7)));
    for (const file of [flipped, truncated]) {
      const res = manage(target.env, 'restore', file);
      expect(res.code).toBe(1);
      expect(res.err).toMatch(/BACKUP_INVALID: .*(corrupted|truncated|checksum)/);
    }
    const notGzip = damaged('plain.tar.gz', () => Buffer.from('not an archive'));
    expect(manage(target.env, 'restore', notGzip).err).toMatch(/BACKUP_INVALID/);
    expect(fs.readdirSync(target.env.DATA_DIR!).filter((f) => !f.startsWith('secretary.db'))).toEqual([]);
    expect(manage(target.env, 'list-users').out.trim()).toBe('');
  });

  it('refuses an archive into another install unless --force', async () => {
    const other = await createTestRuntime({ keepDatabase: true, database: createTestDatabase() });
    const otherDb = { env: other.env, drop: async () => undefined } as TestDatabase;
    await other.createUser('user', 'only-here');
    await other.close();
    const before = manage(otherDb.env, 'list-users').out;
    const refused = manage(otherDb.env, 'restore', archive);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/RESTORE_TARGET_NOT_EMPTY: .*already holds an install.*--force/);
    expect(manage(otherDb.env, 'list-users').out).toBe(before);
    expect(manage(otherDb.env, 'restore', archive, '--force').code).toBe(0);
    expect(manage(otherDb.env, 'list-users').out).not.toContain('only-here');
    targets.push(createTestDatabase(other.env.DATA_DIR)); // cleans the data dir; the schema goes with the run
  });

  it('POST /api/backups (admin only, audited) writes one that GET lists and downloads; old ones are pruned', async () => {
    const user = await source.createUser('user');
    const forbidden = await source.app.inject({ method: 'POST', url: '/api/backups', headers: bearer(user.token) });
    expect(forbidden.statusCode).toBe(403);
    const token = await source.adminToken();
    const created = await source.app.inject({ method: 'POST', url: '/api/backups', headers: bearer(token) });
    expect(created.statusCode).toBe(201);
    const body = created.json<{ name: string; size: number; manifest: { tables: Array<{ name: string }> } }>();
    expect(body.manifest.tables.map((t) => t.name)).toContain('users');
    const listed = await source.app.inject({ method: 'GET', url: '/api/backups', headers: bearer(token) });
    expect(listed.json<{ items: Array<{ name: string }> }>().items.map((i) => i.name)).toContain(body.name);
    const download = await source.app.inject({
      method: 'GET',
      url: `/api/backups/${body.name}`,
      headers: bearer(token),
    });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(fs.readFileSync(path.join(source.config.dataDir, 'backups', body.name)))).toBe(
      true,
    );
    const missing = await source.app.inject({
      method: 'GET',
      url: '/api/backups/secretary-nope.tar.gz',
      headers: bearer(token),
    });
    expect(missing.statusCode).toBe(404);
    const audit = JSON.stringify(
      (await source.app.inject({ method: 'GET', url: '/api/audit', headers: bearer(token) })).json(),
    );
    expect(audit).toContain('backups.create');
    expect(audit).toContain('backups.download');

    const keys = { jwtSecret: randomBytes(32), encryptionKey: randomBytes(32) };
    const service = createBackupService({
      db: source.db,
      dataDir: source.config.dataDir,
      keys,
      logger: createLogger({ logLevel: 'silent', logPretty: false }),
    });
    await service.create();
    const names = service.list().map((e) => e.name);
    expect(service.prune(1)).toEqual(names.slice(1));
    expect(service.list().map((e) => e.name)).toEqual(names.slice(0, 1));
  });
});
