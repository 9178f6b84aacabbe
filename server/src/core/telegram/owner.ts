import type { OwnerPressMessage, TurnStartMessage } from '@ai-secretary/protocol';
import type { OwnerPress } from '../owner/owner-commands.js';
import type { OwnerActor } from '../owner/types.js';
import type { TelegramBotRecord } from './types.js';

const isOwner = (bot: TelegramBotRecord, userId: number) => bot.settings.adminUsers.includes(userId);

/** The owner speaking in a turn: one of the bot's `adminUsers`, in their private chat — and only there. */
export function telegramOwnerActor(bot: TelegramBotRecord, turn: TurnStartMessage): OwnerActor | null {
  if (turn.chat.type !== 'private' || !isOwner(bot, turn.from.id)) return null;
  return {
    channel: 'telegram',
    botId: bot.id,
    chatId: String(turn.chat.id),
    userId: String(turn.from.id),
    userName: turn.from.username ? `@${turn.from.username}` : (turn.from.name ?? String(turn.from.id)),
    language: bot.settings.language,
  };
}

/** A button press as the owner command service reads it (whether the presser is an owner is decided here). */
export function telegramOwnerPress(bot: TelegramBotRecord, message: OwnerPressMessage): OwnerPress {
  return {
    channel: 'telegram',
    botId: bot.id,
    chatId: message.chatId,
    commandId: message.commandId,
    action: message.action,
    userId: message.user.id,
    userName: message.user.name,
    isOwner: isOwner(bot, Number(message.user.id)),
    language: bot.settings.language,
  };
}
