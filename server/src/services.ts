import type { Config } from './config.js';
import { createApiKeysService } from './core/api-keys/api-keys-service.js';
import { createAuditService } from './core/audit/audit-service.js';
import { createAuthService } from './core/auth/auth-service.js';
import { createLoginThrottle } from './core/auth/login-throttle.js';
import { createSessionsService } from './core/auth/sessions-service.js';
import { createAccessTokenCodec } from './core/auth/tokens.js';
import type { Clock } from './core/clock.js';
import { createRateLimiter } from './core/rate-limiter.js';
import type { KeyMaterial } from './core/secrets/key-material.js';
import { createSecretBox } from './core/secrets/secret-box.js';
import { createUsersService } from './core/users/users-service.js';
import type { Stores } from './db/stores/index.js';

/** Builds the core services from stores and keys; shared by main.ts, the CLI and tests. */
export function createCoreServices(config: Config, stores: Stores, keys: KeyMaterial, clock: Clock) {
  const audit = createAuditService(stores.audit, clock);
  const users = createUsersService({ users: stores.users, sessions: stores.sessions, clock });
  const throttle = createLoginThrottle({
    store: stores.loginFailures,
    maxFailuresPerUser: config.loginMaxFailuresPerUser,
    maxFailuresPerIp: config.loginMaxFailuresPerIp,
    windowMs: config.loginWindowS * 1000,
    firstDelayMs: 1000,
    maxDelayMs: config.loginMaxDelayS * 1000,
    clock,
  });
  const auth = createAuthService({
    users: stores.users,
    sessions: stores.sessions,
    tokens: createAccessTokenCodec(keys.jwtSecret, config.accessTokenTtlS),
    throttle,
    audit,
    clock,
    refreshTokenTtlS: config.refreshTokenTtlS,
  });
  const apiKeys = createApiKeysService({
    store: stores.apiKeys,
    users,
    limiter: createRateLimiter(clock),
    clock,
    verifyCacheMs: config.apiKeyCacheMs,
  });
  return {
    audit,
    users,
    auth,
    loginThrottle: throttle,
    apiKeys,
    sessions: createSessionsService(stores.sessions, clock),
    secrets: createSecretBox(keys.encryptionKey),
  };
}

export type CoreServices = ReturnType<typeof createCoreServices>;
