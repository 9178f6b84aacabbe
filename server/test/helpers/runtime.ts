import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import { createLogger } from '../../src/logger.js';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.js';

export const TEST_ADMIN_PASSWORD = 'admin-password-1';

/** Which database this test run uses: `TEST_DB=postgres` switches every suite to PostgreSQL. */
export const testDb = (): 'sqlite' | 'postgres' => (process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite');
export const testPostgresUrl = () =>
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/secretary_test';

export interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh data dir, and on PostgreSQL a fresh schema, per call. */
export function createTestDatabase(dataDir?: string): TestDatabase {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'secretary-test-'));
  const env: Record<string, string> = { DATA_DIR: dir };
  if (testDb() === 'sqlite') return { env, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  const schema = `t_${randomBytes(6).toString('hex')}`;
  Object.assign(env, { DATABASE_URL: testPostgresUrl(), DATABASE_SCHEMA: schema });
  return {
    env,
    async drop() {
      const client = new pg.Client({ connectionString: testPostgresUrl() });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestRuntime extends Runtime {
  config: Config;
  env: Record<string, string>;
  /** Closes the runtime and drops its database. */
  dispose(): Promise<void>;
  login(username: string, password: string): Promise<{ accessToken: string; refreshToken: string; userId: string }>;
  adminToken(): Promise<string>;
  createUser(
    role: 'admin' | 'user' | 'guest',
    username?: string,
  ): Promise<{ id: string; username: string; token: string }>;
}

export interface TestRuntimeOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** Reuse a database from an earlier runtime (restart tests). */
  database?: TestDatabase;
  keepDatabase?: boolean;
  /** Voice engine ports (fakes in tests) instead of the speech-worker and LLM-router adapters. */
  voicePorts?: RuntimeOptions['voicePorts'];
  /** Where the runtime's log lines go (with LOG_LEVEL set in `env`); default: pino's stdout. */
  logDestination?: DestinationStream;
}

export async function createTestRuntime(options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const database = options.database ?? createTestDatabase();
  const env = {
    NODE_ENV: 'test',
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    LOG_LEVEL: 'silent',
    SPEECH_LOCAL_WORKER: 'false', // speech suites turn the local worker on themselves
    OUTBOUND_ALLOW: '127.0.0.1', // fake upstreams (LLM providers, webhook receivers) listen on loopback
    ...database.env,
    ...options.env,
  };
  const config = loadConfig(env);
  const logger = createLogger({ logLevel: config.logLevel, logPretty: false }, options.logDestination);
  const runtime = await startRuntime(config, logger, {
    clock: options.clock,
    voicePorts: options.voicePorts,
  });
  const login: TestRuntime['login'] = async (username, password) => {
    const res = await runtime.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
    const body = res.json<{ accessToken: string; refreshToken: string; user: { id: string } }>();
    return { accessToken: body.accessToken, refreshToken: body.refreshToken, userId: body.user.id };
  };
  const adminToken = async () => (await login('admin', TEST_ADMIN_PASSWORD)).accessToken;
  let counter = 0;
  const createUser: TestRuntime['createUser'] = async (role, username) => {
    const name = username ?? `${role}${++counter}-${randomBytes(3).toString('hex')}`;
    const password = `${name}-password`;
    const user = await runtime.services.users.create({ username: name, password, role });
    return { id: user.id, username: name, token: (await login(name, password)).accessToken };
  };
  return Object.assign(runtime, {
    config,
    env,
    login,
    adminToken,
    createUser,
    async dispose() {
      await runtime.close();
      if (!options.keepDatabase) await database.drop();
    },
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
