import { Api, GrammyError, HttpError, InlineKeyboard } from 'grammy';
import type { TelegramBotRecord } from '../../core/telegram/types.js';
import type { OutreachMessage, OutreachPort, OutreachResult } from '../../core/telegram/outreach/types.js';

function keyboard(message: OutreachMessage): InlineKeyboard | undefined {
  const { button } = message;
  if (!button) return undefined;
  return 'url' in button
    ? new InlineKeyboard().url(button.text, button.url)
    : new InlineKeyboard().text(button.text, button.callbackData);
}

/** Telegram's answer as an outcome: 429 with its `retry_after`, 403 blocked, the rest failed. */
function outcomeOf(error: unknown): OutreachResult {
  if (error instanceof GrammyError) {
    if (error.error_code === 429)
      return { status: 'rate-limited', retryAfterMs: (error.parameters.retry_after ?? 1) * 1000 };
    if (error.error_code === 403) return { status: 'blocked', error: error.description };
    return { status: 'failed', error: `${error.error_code} ${error.description}`, retryable: error.error_code >= 500 };
  }
  const text = error instanceof HttpError ? error.message : String(error);
  return { status: 'failed', error: text.slice(0, 300), retryable: true };
}

/** Sends follow-ups and broadcasts straight from the orchestrator with grammY's Api (one client per bot token). */
export function createOutreachSender(options: {
  apiRoot: string;
  timeoutMs: number;
  tokenOf: (bot: TelegramBotRecord) => string;
}): OutreachPort {
  const clients = new Map<string, Api>();
  const client = (bot: TelegramBotRecord) => {
    const token = options.tokenOf(bot);
    let api = clients.get(token);
    if (!api) {
      api = new Api(token, { apiRoot: options.apiRoot, timeoutSeconds: Math.ceil(options.timeoutMs / 1000) });
      clients.set(token, api);
    }
    return api;
  };
  return {
    async send(bot, message) {
      try {
        const markup = keyboard(message);
        const sent = await client(bot).sendMessage(
          message.chatId,
          message.text,
          markup ? { reply_markup: markup } : {},
        );
        return { status: 'sent', messageId: sent.message_id };
      } catch (error) {
        return outcomeOf(error);
      }
    },
  };
}
