import type { LoginRequest, TokenResponse } from '@ai-secretary/protocol';
import { ApiError, errorFromResponse } from './errors.js';
import { sessionFromTokens, type StoredSession, type TokenStore } from './token-store.js';

export type QueryValue = string | number | boolean | null | undefined;
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  /** false for public endpoints (login, refresh, /ready); default true. */
  auth?: boolean;
  /** Non-2xx statuses whose body is still the answer (e.g. 503 from /ready). */
  okStatuses?: number[];
  /** Cancels the request (used by streams). */
  signal?: AbortSignal | undefined;
}

export interface ApiClientOptions {
  tokens: TokenStore;
  /** '' for the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Refresh this long before the access token expires, instead of waiting for a 401. */
  refreshMarginMs?: number;
  /** Every request reports whether the server answered at all. */
  onReachability?: (reachable: boolean) => void;
  /** The session changed: signed in, refreshed, or ended (null). */
  onSession?: (session: StoredSession | null) => void;
}

export interface ApiClient {
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
  /** An authorized request whose 2xx body is read by the caller (SSE streams); errors are ApiErrors. */
  stream(method: HttpMethod, path: string, options?: RequestOptions): Promise<Response>;
  login(credentials: LoginRequest): Promise<StoredSession>;
  logout(): Promise<void>;
  session(): StoredSession | null;
  /** Exchanges the refresh token now; null when the server refused it (the session is over). */
  refresh(): Promise<StoredSession | null>;
}

function buildUrl(baseUrl: string, path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return `${baseUrl}${path}${search ? `?${search}` : ''}`;
}

/** One typed client for /api: bearer tokens, single-flight refresh with rotation, one error type. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const { tokens } = options;
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;
  const marginMs = options.refreshMarginMs ?? 30_000;
  let refreshing: Promise<StoredSession | null> | null = null;

  function setSession(session: StoredSession | null): void {
    tokens.save(session);
    options.onSession?.(session);
  }

  async function send(method: HttpMethod, path: string, opts: RequestOptions, token?: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    // A FormData body (an upload) sets its own multipart content type with the boundary.
    const form = typeof FormData !== 'undefined' && opts.body instanceof FormData;
    if (opts.body !== undefined && !form) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers };
    if (opts.signal !== undefined) init.signal = opts.signal;
    if (opts.body !== undefined) init.body = form ? (opts.body as FormData) : JSON.stringify(opts.body);
    try {
      const response = await doFetch(buildUrl(baseUrl, path, opts.query), init);
      options.onReachability?.(true);
      return response;
    } catch (cause) {
      if (opts.signal?.aborted === true) throw cause;
      options.onReachability?.(false);
      throw new ApiError('NETWORK_UNREACHABLE', 'The server cannot be reached', 0, { cause });
    }
  }

  async function parse<T>(response: Response, okStatuses: number[] = []): Promise<T> {
    if (!response.ok && !okStatuses.includes(response.status)) throw await errorFromResponse(response);
    if (response.status === 204) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch (cause) {
      throw new ApiError('BAD_RESPONSE', 'The server sent something that is not JSON', response.status, { cause });
    }
  }

  async function exchange(refreshToken: string): Promise<StoredSession | null> {
    const response = await send('POST', '/api/auth/refresh', { body: { refreshToken } });
    if (response.status === 401 || response.status === 400) {
      setSession(null);
      return null;
    }
    const session = sessionFromTokens(await parse<TokenResponse>(response), now());
    setSession(session);
    return session;
  }

  function refresh(): Promise<StoredSession | null> {
    const current = tokens.load();
    if (current === null) return Promise.resolve(null);
    refreshing ??= exchange(current.refreshToken).finally(() => (refreshing = null));
    return refreshing;
  }

  /** The session to use now: refreshed first if its access token is about to expire. */
  async function usableSession(): Promise<StoredSession | null> {
    if (refreshing) return refreshing;
    const session = tokens.load();
    if (session === null || session.accessExpiresAtMs - marginMs > now()) return session;
    return refresh();
  }

  async function authorized(method: HttpMethod, path: string, opts: RequestOptions): Promise<Response> {
    const session = await usableSession();
    if (session === null) throw new ApiError('SESSION_EXPIRED', 'Please sign in', 401);
    const response = await send(method, path, opts, session.accessToken);
    if (response.status !== 401) return response;
    // Another request may have rotated the tokens meanwhile; otherwise refresh once and retry.
    const latest = tokens.load();
    const next = latest !== null && latest.accessToken !== session.accessToken ? latest : await refresh();
    if (next === null) throw new ApiError('SESSION_EXPIRED', 'Your session has ended; please sign in again', 401);
    return send(method, path, opts, next.accessToken);
  }

  return {
    session: () => tokens.load(),
    refresh,
    async request<T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> {
      const response = opts.auth === false ? await send(method, path, opts) : await authorized(method, path, opts);
      return parse<T>(response, opts.okStatuses);
    },
    async stream(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<Response> {
      const response = await authorized(method, path, opts);
      if (!response.ok) throw await errorFromResponse(response);
      return response;
    },
    async login(credentials) {
      const response = await send('POST', '/api/auth/login', { body: credentials });
      const session = sessionFromTokens(await parse<TokenResponse>(response), now());
      setSession(session);
      return session;
    },
    async logout() {
      const session = tokens.load();
      setSession(null);
      if (session === null) return;
      await send('POST', '/api/auth/logout', {}, session.accessToken).catch(() => undefined);
    },
  };
}
