import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../core/auth/types.js';
import { AuthError } from '../../errors.js';

/** The authenticated caller; the access hook has already ensured there is one. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new AuthError('AUTH_REQUIRED', 'Sign in first');
  return request.principal;
}
