import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestDatabase,
  createTestRuntime,
  TEST_ADMIN_PASSWORD,
  type TestDatabase,
} from './helpers/runtime.js';

describe('restart', () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it('keeps users, sessions and tokens valid across a restart (secrets persist in DATA_DIR)', async () => {
    database = createTestDatabase();
    const first = await createTestRuntime({ database, keepDatabase: true });
    const u = await first.createUser('user', 'kate');
    const { refreshToken } = await first.login('kate', 'kate-password');
    const sealed = first.services.secrets.encrypt('bot-token-123', 'telegram:1');
    await first.dispose();

    const second = await createTestRuntime({ database, keepDatabase: true, env: { ADMIN_PASSWORD: 'ignored-now-1' } });
    try {
      const me = await second.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(u.token) });
      expect(me.statusCode).toBe(200);
      expect(me.json().username).toBe('kate');
      const refreshed = await second.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        payload: { refreshToken },
      });
      expect(refreshed.statusCode).toBe(200);
      expect(second.services.secrets.decrypt(sealed, 'telegram:1')).toBe('bot-token-123');
      expect(second.firstAdmin.created).toBe(false);
      await expect(second.login('admin', TEST_ADMIN_PASSWORD)).resolves.toBeDefined();
    } finally {
      await second.dispose();
    }
  });

  it('refuses to start when a secret file of an initialised database is missing, instead of regenerating it', async () => {
    database = createTestDatabase();
    const first = await createTestRuntime({ database, keepDatabase: true });
    await first.dispose();
    const keyFile = path.join(database.env.DATA_DIR!, 'secrets', 'encryption.key');
    fs.renameSync(keyFile, `${keyFile}.bak`);
    await expect(createTestRuntime({ database, keepDatabase: true })).rejects.toMatchObject({ code: 'SECRET_MISSING' });
    expect(fs.existsSync(keyFile)).toBe(false);
    fs.renameSync(`${keyFile}.bak`, keyFile);
    const again = await createTestRuntime({ database, keepDatabase: true });
    await again.dispose();
  });

  it('refuses an ENCRYPTION_KEY that does not match the one the data was sealed with', async () => {
    database = createTestDatabase();
    const first = await createTestRuntime({ database, keepDatabase: true });
    await first.dispose();
    const wrong = 'ab'.repeat(32);
    await expect(
      createTestRuntime({ database, keepDatabase: true, env: { ENCRYPTION_KEY: wrong } }),
    ).rejects.toMatchObject({ code: 'SECRET_MISMATCH' });
  });

  it('generates secret files readable only by the owner', async () => {
    database = createTestDatabase();
    const rt = await createTestRuntime({ database, keepDatabase: true });
    await rt.dispose();
    for (const name of ['jwt.key', 'encryption.key']) {
      const mode = fs.statSync(path.join(database.env.DATA_DIR!, 'secrets', name)).mode & 0o777;
      expect(mode).toBe(0o600);
    }
  });
});
