import type { DiscordTurnStartMessage, OwnerPressMessage } from '@ai-secretary/protocol';
import type { OwnerPress } from '../owner/owner-commands.js';
import type { OwnerActor } from '../owner/types.js';
import type { DiscordBotRecord } from './types.js';

const isOwner = (bot: DiscordBotRecord, userId: string) => bot.settings.ownerUsers.includes(userId);

/** The owner speaking in a turn: one of the bot's `ownerUsers`, in a DM — and only there; else null. */
export function discordOwnerActor(
  bot: DiscordBotRecord,
  turn: Omit<DiscordTurnStartMessage, 'type'>,
): OwnerActor | null {
  if (turn.guildId !== null || !isOwner(bot, turn.author.id)) return null;
  return {
    channel: 'discord',
    botId: bot.id,
    chatId: turn.channelId,
    userId: turn.author.id,
    userName: turn.author.displayName ?? turn.author.username,
    language: bot.settings.language,
  };
}

/** A button press as the owner command service reads it (whether the presser is an owner is decided here). */
export function discordOwnerPress(bot: DiscordBotRecord, message: OwnerPressMessage): OwnerPress {
  return {
    channel: 'discord',
    botId: bot.id,
    chatId: message.chatId,
    commandId: message.commandId,
    action: message.action,
    userId: message.user.id,
    userName: message.user.name,
    isOwner: isOwner(bot, message.user.id),
    language: bot.settings.language,
  };
}
