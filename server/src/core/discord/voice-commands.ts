import type { DiscordCommandStartMessage } from '@ai-secretary/protocol';
import { DiscordBotNotRunningError } from '../../errors.js';
import type { DiscordCommandTexts } from './command-texts.js';
import type { DiscordBotRecord } from './types.js';

/** Tells a bot process to join or leave a voice channel (the Discord channel sends it over the bot link). */
export interface DiscordVoiceControl {
  /** Throws DiscordBotNotRunningError when the bot's process is not connected. */
  join(botId: string, guildId: string, channelId: string): void;
  leave(botId: string, guildId: string): void;
}

type Command = Pick<DiscordCommandStartMessage, 'name' | 'guildId' | 'voiceChannelId'>;

/** `/join` (the caller's voice channel) and `/leave`: the text of the ephemeral answer. */
export function voiceCommand(
  voice: DiscordVoiceControl,
  bot: DiscordBotRecord,
  command: Command,
  t: DiscordCommandTexts,
): string {
  if (command.guildId === null) return t.dmOnlyServer;
  try {
    if (command.name === 'leave') {
      voice.leave(bot.id, command.guildId);
      return t.leaving;
    }
    if (command.voiceChannelId === undefined) return t.joinWhere;
    voice.join(bot.id, command.guildId, command.voiceChannelId);
    return t.joining;
  } catch (error) {
    if (error instanceof DiscordBotNotRunningError) return t.notRunning;
    throw error;
  }
}
