import type { FastifyInstance } from 'fastify';
import type { AuditService } from '../core/audit/audit-service.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Records every write made through the admin API by a signed-in principal, allowed or refused,
 * with who, from which IP, what (route and scrubbed body) and the resulting status. Done in onSend,
 * before the reply leaves, so a client that reads the audit log right after a write sees it.
 */
export function installAuditHook(app: FastifyInstance, audit: AuditService): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const config = request.routeOptions.config;
    if (!WRITE_METHODS.has(request.method) || !request.url.startsWith('/api/')) return payload;
    if (config.audit === false || request.principal === null) return payload;
    const params = request.params as Record<string, string> | undefined;
    const body = config.auditBody ? config.auditBody(request.body) : request.body;
    await audit.record({
      action: config.audit ?? `${request.method} ${request.routeOptions.url ?? request.url}`,
      actor: { id: request.principal.userId, username: request.principal.username },
      target: params?.[config.auditTarget ?? 'id'] ?? null,
      ip: request.ip,
      statusCode: reply.statusCode,
      details: body && typeof body === 'object' ? { body } : null,
    });
    return payload;
  });
}
