import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { GatewaySession } from './gateway-session.js';
import { CLOSE, has, INTENTS, type CloseReason } from './intents.js';
import { guildCreate } from './payloads.js';
import type { GatewayConnection, VoiceServerHook } from './types.js';
import { requestVoiceState } from './voice-states.js';
import type { BotRecord, World } from './world.js';

interface Connection {
  socket: WebSocket;
  record: GatewayConnection;
  session?: GatewaySession;
}

interface GatewayPayload {
  op: number;
  d?: unknown;
}

export interface GatewayOptions {
  heartbeatIntervalMs: number;
  /** `ws://127.0.0.1:<port>`; sessions get `${url}/resume` as resume_gateway_url. */
  url: () => string;
  /** The voice server op 4 joins are handed to, when one is attached. */
  voice: () => VoiceServerHook | undefined;
}

/** Close codes after which Discord forgets the session (a client leaving on purpose). */
const FINAL_CLIENT_CLOSES = new Set([1000, 1001]);

/**
 * The Discord gateway (v10, JSON, no transport compression) on the fake's HTTP server: Hello, heartbeats and ACKs,
 * Identify → READY + GUILD_CREATE, Resume with replay, Invalid Session, the 40xx close codes discord.js acts on.
 */
export class Gateway {
  readonly connections: GatewayConnection[] = [];
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly live = new Set<Connection>();
  private readonly server = new WebSocketServer({ noServer: true });

  constructor(
    private readonly world: World,
    private readonly options: GatewayOptions,
  ) {}

  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req.url ?? '/'));
  }

  /** Sessions that receive dispatches: attached to a socket now, or detached but resumable. */
  sessionsOf(bot?: BotRecord): GatewaySession[] {
    return [...this.sessions.values()].filter((session) => bot === undefined || session.bot === bot);
  }

  /** Closes the bot's sockets with `close`; resumable codes keep the session for a Resume. */
  disconnect(bot: BotRecord, close: CloseReason = CLOSE.unknownError): void {
    for (const connection of this.live) {
      if (connection.session?.bot === bot) this.closeWith(connection, close);
    }
  }

  /** Sends op 7 Reconnect: discord.js closes and resumes. */
  requestReconnect(bot: BotRecord): void {
    for (const connection of this.live) if (connection.session?.bot === bot) this.send(connection, { op: 7, d: null });
  }

  /** Sends op 9 Invalid Session; `resumable: false` also forgets the session, so the client identifies anew. */
  invalidateSession(bot: BotRecord, resumable: boolean): void {
    for (const connection of this.live) {
      if (connection.session?.bot !== bot) continue;
      if (!resumable) this.sessions.delete(connection.session.id);
      this.send(connection, { op: 9, d: resumable });
    }
  }

  /** Token revoked: live sockets close with 4004 and no session can be resumed. */
  revoke(bot: BotRecord): void {
    for (const session of this.sessionsOf(bot)) this.sessions.delete(session.id);
    this.disconnect(bot, CLOSE.authenticationFailed);
  }

  close(): void {
    for (const connection of this.live) connection.socket.terminate();
    this.live.clear();
    this.server.close();
  }

  private accept(socket: WebSocket, url: string): void {
    const record: GatewayConnection = { url, kind: 'none', heartbeats: 0 };
    const connection: Connection = { socket, record };
    this.connections.push(record);
    this.live.add(connection);
    socket.on('message', (data, isBinary) => this.receive(connection, data, isBinary));
    socket.on('close', (code) => this.closed(connection, code));
    socket.on('error', () => socket.terminate());
    const refusal = refuseQuery(new URL(url, 'ws://fake-discord'));
    if (refusal) return this.closeWith(connection, refusal);
    this.send(connection, { op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
  }

  private closed(connection: Connection, code: number): void {
    connection.record.closeCode ??= code;
    this.live.delete(connection);
    const session = connection.session;
    if (!session) return;
    session.detach(connection.socket);
    if (FINAL_CLIENT_CLOSES.has(code) && !session.connected) this.sessions.delete(session.id);
  }

  private receive(connection: Connection, data: RawData, isBinary: boolean): void {
    const payload = isBinary ? undefined : parsePayload(data);
    if (!payload) return this.closeWith(connection, CLOSE.decodeError);
    switch (payload.op) {
      case 1:
        connection.record.heartbeats += 1;
        return this.send(connection, { op: 11 });
      case 2:
        return this.identify(connection, payload.d);
      case 6:
        return this.resume(connection, payload.d);
      case 4:
        if (!connection.session) return this.closeWith(connection, CLOSE.notAuthenticated);
        return requestVoiceState(this.world, connection.session, payload.d, this.options.voice());
      case 3:
      case 8:
        if (!connection.session) this.closeWith(connection, CLOSE.notAuthenticated);
        return; // presence and member requests are accepted and ignored
      default:
        return this.closeWith(connection, CLOSE.unknownOpcode);
    }
  }

  private identify(connection: Connection, data: unknown): void {
    if (connection.session) return this.closeWith(connection, CLOSE.alreadyAuthenticated);
    const { token, intents } = (data ?? {}) as { token?: unknown; intents?: unknown };
    const bot = typeof token === 'string' ? this.world.bots.get(token) : undefined;
    if (!bot || bot.revoked) return this.closeWith(connection, CLOSE.authenticationFailed);
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0) {
      return this.closeWith(connection, CLOSE.invalidIntents);
    }
    if (has(intents, INTENTS.messageContent) && !bot.messageContentAllowed) {
      return this.closeWith(connection, CLOSE.disallowedIntents);
    }
    this.dropDetachedSessions(bot);
    const session = new GatewaySession(bot, intents);
    this.sessions.set(session.id, session);
    this.bind(connection, session, 'identify');
    session.dispatch('READY', this.readyData(session));
    if (has(intents, INTENTS.guilds)) {
      for (const guild of this.world.guilds.values())
        session.dispatch('GUILD_CREATE', guildCreate(this.world, guild, bot));
    }
  }

  private resume(connection: Connection, data: unknown): void {
    if (connection.session) return this.closeWith(connection, CLOSE.alreadyAuthenticated);
    const {
      token,
      session_id: sessionId,
      seq,
    } = (data ?? {}) as { token?: unknown; session_id?: unknown; seq?: unknown };
    const session = typeof sessionId === 'string' ? this.sessions.get(sessionId) : undefined;
    if (!session || session.bot.token !== token || session.bot.revoked)
      return this.send(connection, { op: 9, d: false });
    const from = typeof seq === 'number' ? seq : 0;
    if (!session.canReplayFrom(from)) return this.closeWith(connection, CLOSE.invalidSeq);
    this.bind(connection, session, 'resume');
    session.replayFrom(from);
    session.dispatch('RESUMED', null);
  }

  private bind(connection: Connection, session: GatewaySession, kind: 'identify' | 'resume'): void {
    connection.session = session;
    Object.assign(connection.record, { kind, token: session.bot.token, intents: session.intents });
    session.attach(connection.socket);
  }

  private readyData(session: GatewaySession): Record<string, unknown> {
    return {
      v: 10,
      user: session.bot.user,
      guilds: [...this.world.guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: `${this.options.url()}/resume`,
      shard: [0, 1],
      application: { id: session.bot.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      user_settings: {},
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      _trace: ['["fake-discord-gateway",{"micros":0}]'],
    };
  }

  private dropDetachedSessions(bot: BotRecord): void {
    for (const session of this.sessionsOf(bot)) if (!session.connected) this.sessions.delete(session.id);
  }

  private send(connection: Connection, payload: Record<string, unknown>): void {
    if (connection.socket.readyState === 1) connection.socket.send(JSON.stringify({ s: null, t: null, ...payload }));
  }

  private closeWith(connection: Connection, close: CloseReason): void {
    connection.record.closeCode = close.code;
    connection.socket.close(close.code, close.reason);
  }
}

function parsePayload(data: RawData): GatewayPayload | undefined {
  try {
    const text = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    const value = JSON.parse(text.toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as GatewayPayload).op === 'number') {
      return value as GatewayPayload;
    }
  } catch {
    // a payload that is not JSON is a decode error
  }
  return undefined;
}

/** The fake speaks v10 JSON without zlib-stream; anything else is refused the way Discord refuses it. */
function refuseQuery(url: URL): CloseReason | undefined {
  if (url.searchParams.get('v') !== '10') return CLOSE.invalidApiVersion;
  if ((url.searchParams.get('encoding') ?? 'json') !== 'json') return CLOSE.decodeError;
  if (url.searchParams.has('compress'))
    return { code: 4000, reason: 'fake-discord: transport compression not supported' };
  return undefined;
}
