import { randomBytes } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { isVoiceMode, type VoiceMode } from './crypto.js';
import type { VoiceConnectionRecord, VoiceGrant } from './types.js';

/** Voice gateway opcodes (v8) the fake speaks. */
export const OP = {
  identify: 0,
  selectProtocol: 1,
  ready: 2,
  heartbeat: 3,
  sessionDescription: 4,
  speaking: 5,
  heartbeatAck: 6,
  resume: 7,
  hello: 8,
  resumed: 9,
  clientsConnect: 11,
  clientDisconnect: 13,
} as const;

export const VOICE_CLOSE = {
  unknownOpcode: 4001,
  decodeError: 4002,
  notAuthenticated: 4003,
  authenticationFailed: 4004,
  sessionNoLongerValid: 4006,
  unknownProtocol: 4012,
  disconnected: 4014,
  serverCrashed: 4015,
  unknownEncryptionMode: 4016,
  daveRequired: 4017,
} as const;

/** The per-guild media session: it outlives one WebSocket (Resume keeps SSRC, key and UDP address). */
export interface MediaSession {
  grant: VoiceGrant;
  ssrc: number;
  mode?: VoiceMode;
  secretKey?: Buffer;
  /** Where the bot's UDP socket is, learnt from IP discovery. */
  remote?: { address: string; port: number };
  socket?: VoiceSocket;
}

export interface VoiceSocketHost {
  modes: readonly VoiceMode[];
  heartbeatIntervalMs: number;
  requireDave: boolean;
  udpPort: () => number;
  grantFor: (token: string) => VoiceGrant | undefined;
  /** The media session for an identify (created) or a resume (existing, same session id). */
  session: (grant: VoiceGrant, create: boolean) => MediaSession | undefined;
  /** Called once Session Description is sent (or Resumed): the client can receive audio now. */
  ready: (session: MediaSession) => void;
}

/** One client WebSocket: Hello, Identify/Resume, Select Protocol, heartbeats, Speaking. */
export class VoiceSocket {
  private seq = 0;
  private media: MediaSession | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly host: VoiceSocketHost,
    readonly record: VoiceConnectionRecord,
  ) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', (code) => this.closed(code));
    socket.on('error', () => socket.terminate());
    this.send(OP.hello, { heartbeat_interval: host.heartbeatIntervalMs });
  }

  send(op: number, d: unknown): void {
    if (this.socket.readyState === 1) this.socket.send(JSON.stringify({ op, d, seq: ++this.seq }));
  }

  close(code: number, reason = 'fake-discord-voice'): void {
    this.record.closeCode ??= code;
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  private closed(code: number): void {
    this.record.closeCode ??= code;
    if (this.media?.socket === this) this.media.socket = undefined;
  }

  private receive(data: RawData, isBinary: boolean): void {
    const message = isBinary ? undefined : parse(data);
    if (!message) return this.close(VOICE_CLOSE.decodeError);
    switch (message.op) {
      case OP.identify:
        return this.identify(message.d);
      case OP.resume:
        return this.resume(message.d);
      case OP.selectProtocol:
        return this.selectProtocol(message.d);
      case OP.heartbeat:
        this.record.heartbeats += 1;
        return this.send(OP.heartbeatAck, { t: (message.d as { t?: unknown } | undefined)?.t ?? 0 });
      case OP.speaking:
        this.record.speaking.push(Number((message.d as { speaking?: unknown } | undefined)?.speaking ?? 0));
        return;
      default:
        return this.close(VOICE_CLOSE.unknownOpcode);
    }
  }

  private identify(d: unknown): void {
    const data = (d ?? {}) as Record<string, unknown>;
    const grant = typeof data.token === 'string' ? this.host.grantFor(data.token) : undefined;
    if (
      !grant ||
      grant.guildId !== data.server_id ||
      grant.userId !== data.user_id ||
      grant.sessionId !== data.session_id
    )
      return this.close(VOICE_CLOSE.authenticationFailed);
    const dave = typeof data.max_dave_protocol_version === 'number' ? data.max_dave_protocol_version : 0;
    Object.assign(this.record, {
      kind: 'identify',
      guildId: grant.guildId,
      userId: grant.userId,
      maxDaveProtocolVersion: dave,
    });
    if (this.host.requireDave && dave === 0) return this.close(VOICE_CLOSE.daveRequired, 'E2EE/DAVE protocol required');
    this.attach(this.host.session(grant, true)!);
    const modes = [...this.host.modes];
    this.send(OP.ready, { ssrc: this.media!.ssrc, ip: '127.0.0.1', port: this.host.udpPort(), modes, experiments: [] });
  }

  private resume(d: unknown): void {
    const data = (d ?? {}) as Record<string, unknown>;
    const grant = typeof data.token === 'string' ? this.host.grantFor(data.token) : undefined;
    const media = grant && grant.sessionId === data.session_id ? this.host.session(grant, false) : undefined;
    if (!media?.secretKey) return this.close(VOICE_CLOSE.sessionNoLongerValid);
    Object.assign(this.record, { kind: 'resume', guildId: media.grant.guildId, userId: media.grant.userId });
    this.attach(media);
    this.send(OP.resumed, null);
    this.host.ready(media);
  }

  private selectProtocol(d: unknown): void {
    const media = this.media;
    if (!media) return this.close(VOICE_CLOSE.notAuthenticated);
    const { protocol, data } = (d ?? {}) as { protocol?: unknown; data?: { mode?: unknown } };
    if (protocol !== 'udp') return this.close(VOICE_CLOSE.unknownProtocol);
    const mode = data?.mode;
    if (!isVoiceMode(mode) || !this.host.modes.includes(mode)) return this.close(VOICE_CLOSE.unknownEncryptionMode);
    media.mode = mode;
    media.secretKey = randomBytes(32);
    this.record.mode = mode;
    this.send(OP.sessionDescription, { mode, secret_key: [...media.secretKey], dave_protocol_version: 0 });
    this.host.ready(media);
  }

  private attach(media: MediaSession): void {
    if (media.socket && media.socket !== this) media.socket.close(4000, 'fake-discord-voice: replaced');
    media.socket = this;
    this.media = media;
  }
}

function parse(data: RawData): { op: number; d?: unknown } | undefined {
  try {
    const text = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    const value = JSON.parse(text.toString('utf8')) as { op?: unknown; d?: unknown };
    return typeof value.op === 'number' ? { op: value.op, d: value.d } : undefined;
  } catch {
    return undefined;
  }
}
