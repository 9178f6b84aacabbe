import type { ChangePasswordRequest, UserView } from '@ai-secretary/protocol';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { useApi } from '../api/instance.js';
import type { StoredSession } from '../api/token-store.js';
import { canWrite, isAdmin } from './permissions.js';

/** Who is signed in, and what the interface lets them do. */
export const useAuthStore = defineStore('auth', () => {
  const { client, api } = useApi();
  const user = ref<UserView | null>(client.session()?.user ?? null);

  const signedIn = computed(() => user.value !== null);
  const role = computed(() => user.value?.role ?? null);
  const mayWrite = computed(() => canWrite(role.value));
  const admin = computed(() => isAdmin(role.value));

  /** Called by the API client whenever tokens change (login, refresh, expiry). */
  function syncSession(session: StoredSession | null): void {
    user.value = session?.user ?? null;
  }

  async function login(username: string, password: string): Promise<UserView> {
    const session = await client.login({ username, password });
    user.value = session.user;
    return session.user;
  }

  async function logout(): Promise<void> {
    await client.logout();
    user.value = null;
  }

  async function reloadMe(): Promise<void> {
    user.value = await api.auth.me();
  }

  /** The server ends every session of the user on a password change, this one too: sign in again. */
  async function changePassword(body: ChangePasswordRequest): Promise<void> {
    const username = user.value?.username;
    await api.auth.changePassword(body);
    if (username !== undefined) await login(username, body.newPassword);
  }

  return { user, signedIn, role, mayWrite, admin, syncSession, login, logout, reloadMe, changePassword };
});
