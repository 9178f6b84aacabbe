import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeysService } from '../core/api-keys/api-keys-service.js';
import type { AuthService } from '../core/auth/auth-service.js';
import type { Principal } from '../core/auth/types.js';
import { AuthError, ForbiddenError } from '../errors.js';
import type { Access, RouteInfo } from './types.js';

const GUARDED_PREFIXES = ['/api/', '/v1/'];
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const RANK = { guest: 0, user: 1, admin: 2 } as const;

export interface AccessDeps {
  auth: AuthService;
  apiKeys: ApiKeysService;
}

function isGuarded(url: string): boolean {
  return GUARDED_PREFIXES.some((prefix) => url.startsWith(prefix));
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AuthError('AUTH_INVALID_TOKEN', 'Authorization must be "Bearer <token>"');
  return match[1]!;
}

async function authenticate(deps: AccessDeps, request: FastifyRequest, access: Access): Promise<Principal> {
  const token = bearer(request);
  if (token === null) {
    const what = access === 'api' ? 'an API key' : 'a signed-in user';
    throw new AuthError(access === 'api' ? 'API_KEY_INVALID' : 'AUTH_REQUIRED', `This endpoint needs ${what}`);
  }
  if (access === 'api' && token.startsWith('sk-')) return deps.apiKeys.verify(token);
  return deps.auth.authenticate(token);
}

function authorize(principal: Principal, access: Access, request: FastifyRequest): void {
  const minimum = access === 'admin' ? 'admin' : access === 'user' ? 'user' : 'guest';
  if (RANK[principal.role] < RANK[minimum]) throw new ForbiddenError(`This needs the ${minimum} role`);
  const write = !READ_METHODS.has(request.method);
  if (write && principal.role === 'guest' && request.routeOptions.config.guestMayWrite !== true) {
    throw new ForbiddenError('Guests have read-only access');
  }
}

/**
 * Default-deny: a guarded route without a declared `access` makes registration fail, and every
 * non-public route authenticates before its body is even parsed.
 */
export function installAccessControl(app: FastifyInstance, deps: AccessDeps): RouteInfo[] {
  const inventory: RouteInfo[] = [];
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    if (!isGuarded(route.url)) return;
    const access = route.config?.access;
    if (access === undefined) throw new Error(`Route ${String(route.method)} ${route.url} declares no access level`);
    for (const method of [route.method].flat()) {
      inventory.push({ method, url: route.url, access, guestMayWrite: route.config?.guestMayWrite === true });
    }
  });
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    request.principal = await authenticate(deps, request, access);
    authorize(request.principal, access, request);
  });
  return inventory;
}
