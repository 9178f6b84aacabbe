import { Api } from 'grammy';
import type { NoticeSender } from '../../core/notifications/types.js';

/** Sends owner notices with the Bot API's sendMessage through one of the configured bots. */
export function createTelegramNoticeSender(options: {
  apiRoot: string;
  timeoutMs: number;
  /** The bot's token; throws when the bot is gone or Telegram is off. */
  tokenOf: (botId: string) => Promise<string>;
}): NoticeSender {
  return async (target, _secret, notice) => {
    if (target.settings.kind !== 'telegram') throw new Error('not a Telegram target');
    const token = await options.tokenOf(target.settings.botId);
    const api = new Api(token, { apiRoot: options.apiRoot, timeoutSeconds: Math.ceil(options.timeoutMs / 1000) });
    const { chatId } = target.settings;
    // Numeric ids go as numbers (they fit in 52 bits); `@channelname` as it is.
    await api.sendMessage(
      /^-?[0-9]+$/.test(chatId) ? Number(chatId) : chatId,
      `${notice.title}\n\n${notice.body}`.slice(0, 4096),
    );
  };
}
