import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, Ok } from '@ai-secretary/protocol';
import type { TelegramChannel } from './telegram-channel.js';

/** Telegram's updates are small; anything near this is not one. */
const MAX_UPDATE_BYTES = 1_048_576;

/**
 * `POST /telegram/webhook/:id` (webhook mode, TELEGRAM_WEBHOOK_BASE_URL): Telegram posts each update with the
 * bot's `X-Telegram-Bot-Api-Secret-Token` (checked in constant time, 401 otherwise). The update is stored
 * before the 200, then handled from the store, so a slow answer never makes Telegram deliver it again.
 */
export function telegramWebhookRoutes(channel: TelegramChannel): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/telegram/webhook/:id',
      {
        bodyLimit: MAX_UPDATE_BYTES,
        config: { access: 'public' },
        schema: {
          hide: true,
          params: IdParams,
          body: Type.Object({ update_id: Type.Integer({ minimum: 0 }) }),
          response: { 200: Ok },
        },
      },
      async (request) => {
        const secret = request.headers['x-telegram-bot-api-secret-token'];
        await channel.webhook(request.params.id, typeof secret === 'string' ? secret : undefined, request.body);
        return { ok: true as const };
      },
    );
  };
}
