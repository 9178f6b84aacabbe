import { generatePassword } from '../auth/password.js';
import type { UsersService } from './users-service.js';

export interface FirstAdminResult {
  created: boolean;
  username: string;
  /** Set only when the password was generated here; print it once, never log it. */
  generatedPassword?: string;
}

/** On the first start (no users at all) creates `admin`; there is never a default password. */
export async function ensureFirstAdmin(
  users: UsersService,
  adminPassword: string | undefined,
): Promise<FirstAdminResult> {
  if ((await users.count()) > 0) return { created: false, username: 'admin' };
  const password = adminPassword ?? generatePassword();
  await users.create({ username: 'admin', password, displayName: 'Administrator', role: 'admin' });
  return adminPassword === undefined
    ? { created: true, username: 'admin', generatedPassword: password }
    : { created: true, username: 'admin' };
}
