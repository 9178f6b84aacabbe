import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { createApiClient } from '../src/api/client.js';
import { createAdminApi } from '../src/api/endpoints.js';
import { provideApi } from '../src/api/instance.js';
import { createMemoryTokenStore } from '../src/api/token-store.js';
import { useAuthStore } from '../src/stores/auth.js';

// The auth store with the real client against the real orchestrator.
let runtime: TestRuntime;
let baseUrl: string;

function setup() {
  const pinia = createPinia();
  setActivePinia(pinia);
  const client = createApiClient({
    tokens: createMemoryTokenStore(),
    baseUrl,
    onSession: (session) => useAuthStore(pinia).syncSession(session),
  });
  provideApi({ client, api: createAdminApi(client) });
  return { client, auth: useAuthStore(pinia) };
}

beforeAll(async () => {
  runtime = await createTestRuntime();
  baseUrl = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => runtime?.dispose());
beforeEach(() => setActivePinia(createPinia()));

describe('auth store', () => {
  it('signs an admin in with full rights, and out again', async () => {
    const { auth } = setup();
    expect(auth.signedIn).toBe(false);
    await auth.login('admin', TEST_ADMIN_PASSWORD);
    expect(auth).toMatchObject({ signedIn: true, role: 'admin', admin: true, mayWrite: true });
    await auth.logout();
    expect(auth).toMatchObject({ signedIn: false, role: null, admin: false, mayWrite: false });
  });

  it('gives a guest read-only rights and a plain user no admin rights', async () => {
    const guest = await runtime.createUser('guest', 'store-guest');
    const user = await runtime.createUser('user', 'store-user');
    const first = setup().auth;
    await first.login(guest.username, `${guest.username}-password`);
    expect(first).toMatchObject({ role: 'guest', mayWrite: false, admin: false });
    const second = setup().auth;
    await second.login(user.username, `${user.username}-password`);
    expect(second).toMatchObject({ role: 'user', mayWrite: true, admin: false });
  });

  it('keeps a wrong password out, with the server code', async () => {
    const { auth } = setup();
    await expect(auth.login('admin', 'not-it-at-all')).rejects.toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    expect(auth.signedIn).toBe(false);
  });

  it('changes the password and stays signed in with a new session', async () => {
    const user = await runtime.createUser('user', 'store-pw');
    const { auth, client } = setup();
    await auth.login(user.username, `${user.username}-password`);
    const before = client.session()?.refreshToken;
    await auth.changePassword({ currentPassword: `${user.username}-password`, newPassword: 'changed-password-2' });
    expect(auth.signedIn).toBe(true);
    expect(client.session()?.refreshToken).not.toBe(before);
    await auth.reloadMe();
    expect(auth.user?.username).toBe(user.username);
    await expect(runtime.login(user.username, `${user.username}-password`)).rejects.toThrow(/401/);
  });

  it('follows the client when the session ends elsewhere', async () => {
    const { auth, client } = setup();
    await auth.login('admin', TEST_ADMIN_PASSWORD);
    await client.logout();
    expect(auth.signedIn).toBe(false);
  });
});
