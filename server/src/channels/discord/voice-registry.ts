import type { DiscordVoiceStateMessage, DiscordVoiceStateView } from '@ai-secretary/protocol';
import { toIso } from '../../core/clock.js';

/** The voice connections each bot process last reported, per server (in memory: a new process reports anew). */
export class DiscordVoiceRegistry {
  private readonly byBot = new Map<string, Map<string, DiscordVoiceStateView>>();
  /** Where each bot should be (guild → voice channel): a restarted process is sent there again. */
  private readonly wanted = new Map<string, Map<string, string>>();

  want(botId: string, guildId: string, channelId: string | null): void {
    const guilds = this.wanted.get(botId) ?? new Map<string, string>();
    if (channelId === null) guilds.delete(guildId);
    else guilds.set(guildId, channelId);
    this.wanted.set(botId, guilds);
  }

  /** The channels a bot should be in: `[guildId, channelId]`. */
  wantedBy(botId: string): [string, string][] {
    return [...(this.wanted.get(botId)?.entries() ?? [])];
  }

  update(botId: string, message: DiscordVoiceStateMessage, now = Date.now()): DiscordVoiceStateView {
    const view: DiscordVoiceStateView = {
      guildId: message.guildId,
      channelId: message.channelId,
      status: message.status,
      reason: message.reason ?? null,
      closeCode: message.closeCode ?? null,
      rejoins: message.rejoins,
      decryptionFailures: message.decryptionFailures,
      updatedAt: toIso(now),
    };
    if (message.status === 'failed' || message.status === 'left') this.want(botId, message.guildId, null);
    const guilds = this.byBot.get(botId) ?? new Map<string, DiscordVoiceStateView>();
    guilds.set(message.guildId, view);
    this.byBot.set(botId, guilds);
    return view;
  }

  states(botId: string): DiscordVoiceStateView[] {
    return [...(this.byBot.get(botId)?.values() ?? [])];
  }

  /** The process went away: its connections went with it (where it should be is kept). */
  forget(botId: string): void {
    this.byBot.delete(botId);
  }
}
