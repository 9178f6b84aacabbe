import { AuthError, ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { Principal, SessionStore } from '../auth/types.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type { Clock } from '../clock.js';
import { newId } from '../ids.js';
import type { Page, Role, UserRecord, UserStore } from './types.js';

export interface UsersServiceDeps {
  users: UserStore;
  sessions: SessionStore;
  clock: Clock;
}

export interface NewUser {
  username: string;
  password: string;
  displayName?: string | undefined;
  role?: Role | undefined;
}

export interface UserPatch {
  displayName?: string | undefined;
  role?: Role | undefined;
  disabled?: boolean | undefined;
}

/** Admins see everyone; others only themselves. */
export function assertCanAccessUser(principal: Principal, userId: string): void {
  if (principal.role !== 'admin' && principal.userId !== userId)
    throw new ForbiddenError('You can only see your own account');
}

export function createUsersService(deps: UsersServiceDeps) {
  const listeners = new Set<(userId: string) => void>();
  const changed = (id: string) => listeners.forEach((listener) => listener(id));

  async function get(id: string): Promise<UserRecord> {
    const user = await deps.users.findById(id);
    if (user === null) throw new NotFoundError('User');
    return user;
  }

  async function create(input: NewUser): Promise<UserRecord> {
    if ((await deps.users.findByUsername(input.username)) !== null) {
      throw new ConflictError(`User "${input.username}" already exists`);
    }
    const now = deps.clock();
    const user: UserRecord = {
      id: newId(),
      username: input.username,
      displayName: input.displayName ?? input.username,
      role: input.role ?? 'user',
      passwordHash: await hashPassword(input.password),
      disabled: false,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
    };
    await deps.users.insert(user);
    return user;
  }

  /** Refuses to leave the installation without an enabled admin. */
  async function assertKeepsAnAdmin(user: UserRecord, next: { role: Role; disabled: boolean } | null): Promise<void> {
    const wasActiveAdmin = user.role === 'admin' && !user.disabled;
    const staysActiveAdmin = next !== null && next.role === 'admin' && !next.disabled;
    if (wasActiveAdmin && !staysActiveAdmin && (await deps.users.countActiveAdmins()) <= 1) {
      throw new ConflictError('This is the last enabled admin; create another admin first', 'LAST_ADMIN');
    }
  }

  async function update(id: string, patch: UserPatch): Promise<UserRecord> {
    const user = await get(id);
    const next = { role: patch.role ?? user.role, disabled: patch.disabled ?? user.disabled };
    await assertKeepsAnAdmin(user, next);
    const now = deps.clock();
    await deps.users.update(id, { ...definedOnly(patch), updatedAt: now });
    if (next.disabled && !user.disabled) await deps.sessions.revokeAllForUser(id, now);
    if (next.role !== user.role) await deps.sessions.revokeAllForUser(id, now);
    changed(id);
    return get(id);
  }

  /** Sets a new password and signs the user out everywhere. */
  async function setPassword(id: string, password: string): Promise<void> {
    await get(id);
    const now = deps.clock();
    await deps.users.update(id, { passwordHash: await hashPassword(password), updatedAt: now });
    await deps.sessions.revokeAllForUser(id, now);
  }

  async function changeOwnPassword(id: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await get(id);
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new AuthError('AUTH_INVALID_CREDENTIALS', 'The current password is wrong', { statusCode: 400 });
    }
    await setPassword(id, newPassword);
  }

  async function remove(id: string): Promise<void> {
    const user = await get(id);
    await assertKeepsAnAdmin(user, null);
    await deps.users.delete(id);
    changed(id);
  }

  return {
    get,
    create,
    update,
    setPassword,
    changeOwnPassword,
    remove,
    list: (page: Page) => deps.users.list(page),
    findByUsername: (username: string) => deps.users.findByUsername(username),
    count: () => deps.users.count(),
    /** Called after a user's role, status or existence changed in this process (for caches keyed by user). */
    onChanged(listener: (userId: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type UsersService = ReturnType<typeof createUsersService>;
