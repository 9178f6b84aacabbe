import type { Principal } from '../core/auth/types.js';

/**
 * Who may call a route. Every `/api` and `/v1` route must say; registration fails otherwise.
 * - public: anyone (login, refresh)
 * - authenticated: any signed-in user, guests included (guests still cannot write)
 * - user: role user or admin
 * - admin: admins only
 * - api: an API key or a signed-in user's access token (the OpenAI-compatible surface)
 */
export type Access = 'public' | 'authenticated' | 'user' | 'admin' | 'api';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Audit action name for writes (default "METHOD /url"); false skips the generic entry. */
    audit?: string | false;
    /** The route parameter recorded as the audit entry's target (default `id`; a route whose id is personal data names another). */
    auditTarget?: string;
    /** What of the body the audit entry keeps, where secrets sit under keys the scrubber does not know. */
    auditBody?: (body: unknown) => unknown;
    /** Lets guests call this write route (their own logout). */
    guestMayWrite?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface RouteInfo {
  method: string;
  url: string;
  access: Access | undefined;
  guestMayWrite: boolean;
}
