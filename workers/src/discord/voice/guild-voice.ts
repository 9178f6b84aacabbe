import {
  entersState,
  joinVoiceChannel,
  VoiceConnectionStatus,
  type DiscordGatewayAdapterCreator,
  type VoiceConnection,
  type VoiceConnectionState,
} from '@discordjs/voice';
import type { DiscordVoiceStateMessage, DiscordVoiceStatus } from '@ai-secretary/protocol';
import type { Logger } from '../../kit/logger.js';
import { FailureWindow, FINAL_VOICE_CLOSES, RejoinBackoff, type VoiceJoinOptions } from './join-options.js';

/** How long a Disconnected connection may take to start reconnecting on its own (Signalling / Connecting). */
const RECOVER_WAIT_MS = 5000;
const READY_WAIT_MS = 20_000;

export interface GuildVoiceDeps {
  guildId: string;
  adapterCreator: DiscordGatewayAdapterCreator;
  options: () => VoiceJoinOptions;
  report: (state: DiscordVoiceStateMessage) => void;
  logger: Logger;
  /** Called with each new connection (listening and playback attach here). */
  onConnection?: (connection: VoiceConnection) => void;
}

/**
 * One server's voice connection as a state machine over @discordjs/voice's: joins, waits for Ready with
 * `entersState`, and on Disconnected follows the library's recipe (wait for Signalling/Connecting, else rejoin
 * with backoff, else destroy). A close code rejoining cannot fix (4017: Discord wants DAVE) ends it with a clear
 * `failed` status instead of a loop. Every change is reported to the orchestrator.
 */
export class GuildVoice {
  private connection: VoiceConnection | undefined;
  private channelId: string | null = null;
  private status: DiscordVoiceStatus = 'left';
  private readonly backoff = new RejoinBackoff();
  readonly decryption = new FailureWindow();
  private lastClose: number | undefined;
  private final = false;

  constructor(private readonly deps: GuildVoiceDeps) {}

  get current(): VoiceConnection | undefined {
    return this.connection;
  }

  join(channelId: string): void {
    if (this.connection && this.channelId === channelId && this.status !== 'failed') return;
    this.teardown();
    this.final = false;
    this.channelId = channelId;
    this.backoff.reset();
    const connection = joinVoiceChannel({
      guildId: this.deps.guildId,
      channelId,
      adapterCreator: this.deps.adapterCreator,
      ...this.deps.options(),
    });
    this.connection = connection;
    connection.on('stateChange', (before, after) => this.onState(connection, before, after));
    connection.on('error', (error) => this.deps.logger.warn({ err: error.message }, 'voice connection error'));
    this.set('joining');
    this.deps.onConnection?.(connection);
    void this.awaitReady(connection);
  }

  leave(): void {
    this.teardown();
    this.channelId = null;
    this.set('left');
  }

  /** Counts a decryption failure of a speaker's stream; past the tolerance window the connection rejoins. */
  decryptionFailed(): void {
    if (!this.decryption.record() || !this.connection) return;
    this.decryption.reset();
    this.deps.logger.warn({ guildId: this.deps.guildId }, 'voice: decryption failures past the tolerance; rejoining');
    this.set('reconnecting', 'decryption-failures');
    this.connection.rejoin();
  }

  private async awaitReady(connection: VoiceConnection): Promise<void> {
    try {
      await entersState(connection, VoiceConnectionStatus.Ready, READY_WAIT_MS);
    } catch {
      if (this.connection === connection && !this.final) this.fail('ready-timeout');
    }
  }

  private onState(connection: VoiceConnection, before: VoiceConnectionState, after: VoiceConnectionState): void {
    if (this.connection !== connection) return;
    if ('networking' in after && (!('networking' in before) || before.networking !== after.networking))
      after.networking.once('close', (code: number) => this.onClose(code));
    if (after.status === VoiceConnectionStatus.Ready) {
      this.backoff.reset();
      this.set('ready');
    } else if (after.status === VoiceConnectionStatus.Disconnected) void this.recover(connection);
  }

  private onClose(code: number): void {
    this.lastClose = code;
    const reason = FINAL_VOICE_CLOSES[code];
    if (reason && code !== 4014) this.fail(reason); // 4014 is handled as Disconnected (kicked or moved)
  }

  /** The Disconnected recipe: a reconnect under way, else a rejoin after backoff, else give up. */
  private async recover(connection: VoiceConnection): Promise<void> {
    if (this.final) return;
    this.set('reconnecting', 'disconnected');
    try {
      await Promise.race([
        entersState(connection, VoiceConnectionStatus.Signalling, RECOVER_WAIT_MS),
        entersState(connection, VoiceConnectionStatus.Connecting, RECOVER_WAIT_MS),
      ]);
    } catch {
      const delay = this.backoff.next();
      if (delay === null || this.connection !== connection) return this.fail('rejoin-exhausted');
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.connection === connection && connection.state.status === VoiceConnectionStatus.Disconnected)
        connection.rejoin();
    }
  }

  private fail(reason: string): void {
    this.final = true;
    this.deps.logger.warn({ guildId: this.deps.guildId, reason, closeCode: this.lastClose }, 'voice connection failed');
    this.teardown();
    this.set('failed', reason);
  }

  private teardown(): void {
    const connection = this.connection;
    this.connection = undefined;
    if (connection && connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
  }

  private set(status: DiscordVoiceStatus, reason?: string): void {
    this.status = status;
    this.deps.report({
      type: 'voice.state',
      guildId: this.deps.guildId,
      channelId: status === 'left' ? null : this.channelId,
      status,
      ...(reason ? { reason } : {}),
      ...(this.lastClose !== undefined && status !== 'ready' ? { closeCode: this.lastClose } : {}),
      rejoins: this.backoff.attempts,
      decryptionFailures: this.decryption.total,
    });
  }
}
