import type { VoiceMode } from './crypto.js';

/** What the fake gateway hands the voice server when a bot asks to join (op 4): the bot may identify with it. */
export interface VoiceGrant {
  guildId: string;
  channelId: string;
  /** The bot's user id. */
  userId: string;
  sessionId: string;
  token: string;
}

export interface FakeDiscordVoiceOptions {
  /** Offered in Ready, in this order (the client picks the first it supports). Default: both, AES-GCM first. */
  modes?: VoiceMode[];
  /** Hello's heartbeat_interval. Default 13750 ms, what Discord sends. */
  heartbeatIntervalMs?: number;
  /** Close Identify with 4017 when max_dave_protocol_version is 0 (Discord since March 2026). Default false. */
  requireDave?: boolean;
}

/** One voice WebSocket as the fake saw it. */
export interface VoiceConnectionRecord {
  guildId?: string;
  userId?: string;
  kind: 'none' | 'identify' | 'resume';
  maxDaveProtocolVersion?: number;
  /** The mode the client chose in Select Protocol. */
  mode?: VoiceMode;
  heartbeats: number;
  /** Speaking (op 5) values the client sent, in order. */
  speaking: number[];
  closeCode?: number;
}

/** What the bot sent on UDP for one guild: decrypted, decoded 48 kHz stereo PCM and the packet accounting. */
export interface ReceivedAudio {
  packets: number;
  /** Packets whose tag did not verify (they are dropped, as Discord drops them). */
  badPackets: number;
  /** Opus silence frames (f8 ff fe) among `packets`. */
  silenceFrames: number;
  pcm: Int16Array;
}
