import dgram from 'node:dgram';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import type { AudioChunk } from '@ai-secretary/protocol';
import { createTestCertificate, type TestCertificate } from './certificate.js';
import { VOICE_MODES } from './crypto.js';
import { encodeFrames, OPUS_SILENCE, OpusStreamDecoder, toDiscordPcm, FRAME_SAMPLES } from './opus.js';
import { discoveryRequestSsrc, discoveryResponse, isRtp, parseClientPacket, relayPacket } from './rtp.js';
import type { FakeDiscordVoiceOptions, ReceivedAudio, VoiceConnectionRecord, VoiceGrant } from './types.js';
import { OP, VoiceSocket, type MediaSession, type VoiceSocketHost } from './voice-connection.js';

export type * from './types.js';
export { VOICE_CLOSE } from './voice-connection.js';
export { toDiscordPcm } from './opus.js';

const FRAME_MS = 20;
const SILENCE_FRAMES = 5;

interface VoiceUser {
  userId: string;
  guildId: string;
  channelId: string;
  ssrc: number;
  sequence: number;
  timestamp: number;
  counter: number;
}

interface Inbox {
  packets: number;
  badPackets: number;
  silenceFrames: number;
  pcm: Int16Array[];
  decoder: OpusStreamDecoder;
}

export interface PlayOptions {
  /** Stop sending (no trailing silence) once aborted: a user who stops mid-sentence. */
  signal?: AbortSignal;
  /** Called as each frame leaves (`performance.now()`): for latency measurements. */
  onSent?: (frame: number, atMs: number) => void;
}

/**
 * Discord's voice server for tests, with DAVE off: a TLS WebSocket speaking voice gateway v8 (Hello, Identify,
 * Ready, heartbeats, Select Protocol, Session Description, Speaking, Resume, Clients Connect) and a UDP socket
 * (74-byte IP discovery, keep-alives, RTP payload type 120 under aead_aes256_gcm_rtpsize or
 * aead_xchacha20_poly1305_rtpsize). Users "speak" by `play()`: their audio becomes Opus frames in encrypted RTP at
 * real-time pace; what the bot sends is decrypted and decoded into `received()`. The fake Discord gateway hands it
 * grants (`attachVoice`) when a bot sends op 4, so the real @discordjs/voice joins through the real adapter.
 */
export class FakeDiscordVoice {
  readonly certificate: TestCertificate = createTestCertificate();
  private readonly https = https.createServer({ key: this.certificate.key, cert: this.certificate.cert });
  private readonly wss = new WebSocketServer({ server: this.https });
  private readonly udp = dgram.createSocket('udp4');
  private readonly grants = new Map<string, VoiceGrant>();
  private readonly media = new Map<string, MediaSession>();
  private readonly users = new Map<string, VoiceUser>();
  private readonly inboxes = new Map<string, Inbox>();
  private readonly records: VoiceConnectionRecord[] = [];
  private readonly host: VoiceSocketHost;
  private nextSsrc = 1000;
  private corruptNextPackets = 0;

  constructor(private readonly options: FakeDiscordVoiceOptions = {}) {
    this.host = {
      modes: options.modes ?? [...VOICE_MODES],
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 13_750,
      requireDave: options.requireDave ?? false,
      udpPort: () => this.udp.address().port,
      grantFor: (token) => this.grants.get(token),
      session: (grant, create) => this.mediaFor(grant, create),
      ready: (session) => this.announceUsers(session),
    };
    this.wss.on('connection', (socket, req) => this.accept(socket, req.url ?? '/'));
    this.udp.on('message', (packet, rinfo) => this.receiveUdp(packet, rinfo));
  }

  async start(): Promise<{ endpoint: string; certPath: string }> {
    await new Promise<void>((resolve) => this.udp.bind(0, '127.0.0.1', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      this.https.once('error', reject);
      this.https.listen(0, '127.0.0.1', () => resolve());
    });
    return { endpoint: this.endpoint, certPath: this.certificate.certPath };
  }

  /** `127.0.0.1:<port>`: what VOICE_SERVER_UPDATE carries; the client opens `wss://<endpoint>?v=8`. */
  get endpoint(): string {
    return `127.0.0.1:${(this.https.address() as AddressInfo).port}`;
  }

  /** Lets a bot identify for a guild (called by the fake gateway on op 4); a new grant ends the old session. */
  grant(grant: VoiceGrant): void {
    for (const [token, old] of this.grants)
      if (old.guildId === grant.guildId && old.userId === grant.userId) this.grants.delete(token);
    const old = this.media.get(grant.guildId);
    if (old && old.grant.userId === grant.userId) this.media.delete(grant.guildId);
    this.grants.set(grant.token, grant);
  }

  /** The bot left the channel (op 4 with a null channel). */
  revoke(guildId: string, userId: string): void {
    for (const [token, grant] of this.grants)
      if (grant.guildId === guildId && grant.userId === userId) this.grants.delete(token);
    this.media.delete(guildId);
  }

  /** A user is in a voice channel: bots connected there get Clients Connect (op 11). */
  joinUser(guildId: string, channelId: string, userId: string): void {
    const user = { userId, guildId, channelId, ssrc: this.nextSsrc++, sequence: 1, timestamp: 0, counter: 0 };
    this.users.set(userId, user);
    const media = this.media.get(guildId);
    if (media?.grant.channelId === channelId) media.socket?.send(OP.clientsConnect, { user_ids: [userId] });
  }

  leaveUser(userId: string): void {
    const user = this.users.get(userId);
    if (!user) return;
    this.users.delete(userId);
    this.media.get(user.guildId)?.socket?.send(OP.clientDisconnect, { user_id: userId });
  }

  /** The user speaks `audio`: Speaking (op 5), then 20 ms Opus frames in encrypted RTP, then five silence frames. */
  async play(userId: string, audio: AudioChunk, options: PlayOptions = {}): Promise<number> {
    const user = this.users.get(userId);
    if (!user) throw new Error(`FakeDiscordVoice: user ${userId} is not in a voice channel (joinUser first)`);
    const session = this.readyMedia(user.guildId);
    session.socket?.send(OP.speaking, { user_id: userId, ssrc: user.ssrc, speaking: 1 });
    const frames = encodeFrames(toDiscordPcm(audio));
    const started = performance.now();
    let sent = 0;
    for (const frame of [...frames, ...Array<Buffer>(SILENCE_FRAMES).fill(OPUS_SILENCE)]) {
      if (options.signal?.aborted === true && sent < frames.length) break;
      const due = started + sent * FRAME_MS - performance.now();
      if (due > 0) await sleep(due);
      this.sendAs(user, session, frame);
      options.onSent?.(sent, performance.now());
      sent += 1;
    }
    return sent;
  }

  /** From now on, Identify without DAVE (max_dave_protocol_version 0) is closed with 4017, as Discord does. */
  requireDave(on = true): void {
    this.host.requireDave = on;
  }

  /** The next `n` packets relayed to bots carry a broken tag (the client's decryption fails on each). */
  corruptNext(n: number): void {
    this.corruptNextPackets += n;
  }

  /** What the bot has sent in this guild so far (decrypted, decoded 48 kHz stereo). */
  received(guildId: string): ReceivedAudio {
    const inbox = this.inboxes.get(guildId);
    if (!inbox) return { packets: 0, badPackets: 0, silenceFrames: 0, pcm: new Int16Array(0) };
    const pcm = new Int16Array(inbox.pcm.reduce((n, part) => n + part.length, 0));
    inbox.pcm.reduce((offset, part) => (pcm.set(part, offset), offset + part.length), 0);
    return { packets: inbox.packets, badPackets: inbox.badPackets, silenceFrames: inbox.silenceFrames, pcm };
  }

  /** Forgets what the bot sent in this guild (to measure the next reply alone). */
  clearReceived(guildId: string): void {
    this.inboxes.delete(guildId);
  }

  /** Voice WebSockets in the order they were opened. */
  connections(): VoiceConnectionRecord[] {
    return [...this.records];
  }

  /** Whether the bot's media session in this guild is ready (Session Description sent, UDP address known). */
  isReady(guildId: string): boolean {
    const media = this.media.get(guildId);
    return media?.secretKey !== undefined && media.remote !== undefined && media.socket !== undefined;
  }

  /** Drops the guild's voice WebSocket: `terminate` (no close frame, 1006: the client resumes) or a close code. */
  dropSocket(guildId: string, code?: number): void {
    const socket = this.media.get(guildId)?.socket;
    if (!socket) throw new Error(`FakeDiscordVoice: no voice socket in guild ${guildId}`);
    if (code === undefined) socket.terminate();
    else socket.close(code);
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.https.close(() => resolve()));
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
  }

  private accept(socket: import('ws').WebSocket, url: string): void {
    const record: VoiceConnectionRecord = { kind: 'none', heartbeats: 0, speaking: [] };
    this.records.push(record);
    if (new URL(url, 'wss://fake').searchParams.get('v') !== '8') {
      record.closeCode = 4012;
      return socket.close(4012, 'fake-discord-voice speaks v8 only');
    }
    new VoiceSocket(socket, this.host, record);
  }

  private mediaFor(grant: VoiceGrant, create: boolean): MediaSession | undefined {
    const existing = this.media.get(grant.guildId);
    if (existing && existing.grant.sessionId === grant.sessionId && !create) return existing;
    if (!create) return undefined;
    const session: MediaSession = { grant, ssrc: this.nextSsrc++ };
    this.media.set(grant.guildId, session);
    return session;
  }

  private announceUsers(session: MediaSession): void {
    const present = [...this.users.values()].filter((user) => user.channelId === session.grant.channelId);
    if (present.length > 0) session.socket?.send(OP.clientsConnect, { user_ids: present.map((user) => user.userId) });
  }

  private readyMedia(guildId: string): MediaSession & { mode: NonNullable<MediaSession['mode']>; secretKey: Buffer } {
    const session = this.media.get(guildId);
    if (!session?.mode || !session.secretKey || !session.remote)
      throw new Error(`FakeDiscordVoice: no ready voice connection in guild ${guildId}`);
    return session as MediaSession & { mode: NonNullable<MediaSession['mode']>; secretKey: Buffer };
  }

  private sendAs(user: VoiceUser, session: ReturnType<FakeDiscordVoice['readyMedia']>, opus: Buffer): void {
    const fields = { sequence: user.sequence++, timestamp: user.timestamp, ssrc: user.ssrc };
    user.timestamp += FRAME_SAMPLES;
    const packet = relayPacket(session.mode, session.secretKey, fields, user.counter++, opus);
    if (this.corruptNextPackets > 0) {
      this.corruptNextPackets -= 1;
      const last = packet.length - 5; // the last tag byte
      packet.writeUInt8(packet.readUInt8(last) ^ 0xff, last);
    }
    const remote = session.remote!;
    this.udp.send(packet, remote.port, remote.address);
  }

  private receiveUdp(packet: Buffer, rinfo: dgram.RemoteInfo): void {
    const discoverySsrc = discoveryRequestSsrc(packet);
    if (discoverySsrc !== undefined) return this.discover(discoverySsrc, rinfo);
    if (!isRtp(packet)) return; // keep-alives
    const session = [...this.media.values()].find((media) => media.ssrc === packet.readUInt32BE(8));
    if (!session?.mode || !session.secretKey) return;
    this.deliver(session, packet);
  }

  private discover(ssrc: number, rinfo: dgram.RemoteInfo): void {
    const session = [...this.media.values()].find((media) => media.ssrc === ssrc);
    if (!session) return;
    session.remote = { address: rinfo.address, port: rinfo.port };
    this.udp.send(discoveryResponse(ssrc, rinfo.address, rinfo.port), rinfo.port, rinfo.address);
  }

  private deliver(session: MediaSession, packet: Buffer): void {
    const guildId = session.grant.guildId;
    const inbox = this.inboxes.get(guildId) ?? {
      packets: 0,
      badPackets: 0,
      silenceFrames: 0,
      pcm: [],
      decoder: new OpusStreamDecoder(),
    };
    this.inboxes.set(guildId, inbox);
    inbox.packets += 1;
    try {
      const { opus } = parseClientPacket(session.mode!, session.secretKey!, packet);
      if (opus.equals(OPUS_SILENCE)) inbox.silenceFrames += 1;
      inbox.pcm.push(inbox.decoder.decode(opus));
    } catch {
      inbox.badPackets += 1;
    }
  }
}
