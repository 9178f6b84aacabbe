import type { DiscordGatewayAdapterCreator } from '@discordjs/voice';
import type { Client } from 'discord.js';
import type { DiscordConfigMessage, DiscordVoiceJoinMessage, DiscordVoiceLeaveMessage } from '@ai-secretary/protocol';
import type { Logger } from '../../kit/logger.js';
import type { WorkerLink } from '../../kit/run-worker.js';
import { GuildVoice } from './guild-voice.js';
import { voiceJoinOptions } from './join-options.js';
import { listenToSpeakers } from './speaker-listeners.js';

/** The bot's voice connections, one per server, driven by `voice.join` / `voice.leave` from the orchestrator. */
export class VoiceManager {
  private readonly guilds = new Map<string, GuildVoice>();
  /** 20 ms chunks heard per server (the engine is not wired to Discord yet: see docs/discord-voice.md). */
  readonly heard = new Map<string, number>();

  constructor(
    private readonly client: Client,
    private readonly link: WorkerLink<'discord-bot'>,
    private readonly config: () => DiscordConfigMessage,
    private readonly logger: Logger,
  ) {}

  get active(): number {
    return [...this.guilds.values()].filter((guild) => guild.current !== undefined).length;
  }

  onJoin(message: DiscordVoiceJoinMessage): void {
    const guild = this.client.guilds.cache.get(message.guildId);
    if (!guild) return this.refuse(message.guildId, message.channelId, 'unknown-guild');
    const channel = guild.channels.cache.get(message.channelId);
    if (!channel?.isVoiceBased()) return this.refuse(message.guildId, message.channelId, 'not-a-voice-channel');
    this.guildVoice(message.guildId, guild.voiceAdapterCreator).join(message.channelId);
  }

  onLeave(message: DiscordVoiceLeaveMessage): void {
    const voice = this.guilds.get(message.guildId);
    if (voice) voice.leave();
    else this.refuse(message.guildId, null, 'not-joined', 'left');
  }

  /** Leaves every channel (the process stops). */
  leaveAll(): void {
    for (const voice of this.guilds.values()) voice.leave();
  }

  private guildVoice(guildId: string, adapterCreator: DiscordGatewayAdapterCreator): GuildVoice {
    let voice = this.guilds.get(guildId);
    if (!voice) {
      voice = new GuildVoice({
        guildId,
        adapterCreator,
        options: () => voiceJoinOptions(this.config().voice),
        report: (state) => this.link.send(state),
        logger: this.logger.child({ guildId }),
        onConnection: (connection) =>
          listenToSpeakers(connection, {
            botId: () => this.client.user?.id,
            onAudio: () => this.heard.set(guildId, (this.heard.get(guildId) ?? 0) + 1),
            onFailure: () => voice?.decryptionFailed(),
            logger: this.logger.child({ guildId }),
          }),
      });
      this.guilds.set(guildId, voice);
    }
    return voice;
  }

  private refuse(guildId: string, channelId: string | null, reason: string, status: 'failed' | 'left' = 'failed') {
    this.link.send({ type: 'voice.state', guildId, channelId, status, reason, rejoins: 0, decryptionFailures: 0 });
  }
}
