import type { TokenResponse, UserView } from '@ai-secretary/protocol';

export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms after which the access token is no longer accepted. */
  accessExpiresAtMs: number;
  user: UserView;
}

export interface TokenStore {
  load(): StoredSession | null;
  save(session: StoredSession | null): void;
}

export function sessionFromTokens(tokens: TokenResponse, nowMs: number): StoredSession {
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accessExpiresAtMs: nowMs + tokens.expiresIn * 1000,
    user: tokens.user,
  };
}

function isStoredSession(value: unknown): value is StoredSession {
  const v = value as Partial<StoredSession> | null;
  return typeof v?.accessToken === 'string' && typeof v.refreshToken === 'string' && typeof v.user === 'object';
}

/** Keeps the session in localStorage so an installed PWA stays signed in across restarts. */
export function createLocalTokenStore(storage: Storage, key = 'secretary.session'): TokenStore {
  return {
    load() {
      try {
        const parsed: unknown = JSON.parse(storage.getItem(key) ?? 'null');
        return isStoredSession(parsed) ? parsed : null;
      } catch {
        return null;
      }
    },
    save(session) {
      if (session === null) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(session));
    },
  };
}

export function createMemoryTokenStore(initial: StoredSession | null = null): TokenStore {
  let current = initial;
  return { load: () => current, save: (session) => void (current = session) };
}
