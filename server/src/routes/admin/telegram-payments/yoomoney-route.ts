import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AdminErrorBody, IdParams, StrictObject } from '@ai-secretary/protocol';
import type { AuditService } from '../../../core/audit/audit-service.js';
import type { PaymentsService } from '../../../core/payments/payments-service.js';
import { AppError } from '../../../errors.js';
import type { Logger } from '../../../logger.js';

/** YooMoney's notifications are a few hundred bytes of form fields. */
const MAX_NOTIFICATION_BYTES = 16_384;
const FORM = 'application/x-www-form-urlencoded';

export interface YoomoneyRouteDeps {
  payments: PaymentsService;
  audit: AuditService;
  logger: Logger;
}

/** A form body as YooMoney sends it (UTF-8, `application/x-www-form-urlencoded`): each field once, as a string. */
function parseForm(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) fields[name] = value;
  return fields;
}

/**
 * `POST /api/payments/yoomoney/:id` (public; the signature is the credential): a YooMoney wallet's HTTP
 * notification for the bot `:id`. 200 once stored (or already stored: YooMoney repeats until it sees 200);
 * 400 for missing fields, 403 when no secret is set or `sha1_hash` does not match (logged and audited).
 */
export function yoomoneyRoutes(deps: YoomoneyRouteDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: MAX_NOTIFICATION_BYTES }, (_req, body, done) =>
      done(null, parseForm(body as string)),
    );
    app.post(
      '/yoomoney/:id',
      {
        bodyLimit: MAX_NOTIFICATION_BYTES,
        config: { access: 'public' },
        schema: {
          tags: ['payments'],
          params: IdParams,
          body: Type.Record(Type.String(), Type.String()),
          response: {
            200: StrictObject({ ok: Type.Literal(true), recorded: Type.Boolean() }),
            400: AdminErrorBody,
            403: AdminErrorBody,
          },
        },
      },
      async (request) => {
        const botId = request.params.id;
        try {
          const { created } = await deps.payments.yoomoneyNotification(botId, request.body);
          return { ok: true as const, recorded: created };
        } catch (error) {
          if (error instanceof AppError && error.statusCode === 403) await refused(deps, botId, request.ip, error);
          throw error;
        }
      },
    );
  };
}

async function refused(deps: YoomoneyRouteDeps, botId: string, ip: string, error: AppError): Promise<void> {
  deps.logger.warn({ botId, ip, code: error.code }, 'payments: YooMoney notification refused');
  await deps.audit.record({
    action: 'payments.yoomoney.refused',
    actor: null,
    target: botId,
    ip,
    statusCode: 403,
    details: { code: error.code },
  });
}
