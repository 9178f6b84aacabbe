import type { APIMessage } from 'discord-api-types/v10';

/** One REST request the fake received, whatever it answered. */
export interface RecordedCall {
  /** `POST /channels/:channelId/messages`: the HTTP method and the route template the path matched. */
  route: string;
  method: string;
  /** The path after `/api/v10`, as sent. */
  path: string;
  /** Values of the route's `:params`. */
  params: Record<string, string>;
  query: Record<string, string>;
  /** The JSON body when it is an object; `{}` otherwise (see `json`). */
  body: Record<string, unknown>;
  /** The decoded JSON body as sent (an array for bulk command overwrites); undefined without one. */
  json: unknown;
  /** The token from `Authorization: Bot <token>`; '' without one. */
  token: string;
  /** Date.now() when the request arrived. */
  at: number;
  /** HTTP status the fake answered with; undefined while the request is open (or hanging). */
  status?: number;
}

/** What `failNext` makes a route answer instead of working. */
export type InjectedFailure =
  { status: 429; retryAfter: number; global?: boolean } | { status: 500 } | { status: 401 } | { hang: true };

export interface BotSpec {
  token: string;
  id?: string;
  username: string;
  /** false: an Identify asking for the privileged MESSAGE_CONTENT intent is closed with 4014. Default true. */
  messageContentAllowed?: boolean;
}

export interface ChannelSpec {
  id: string;
  name: string;
  /** 0 guild text (the only kind the fake serves messages in), 2 voice, 4 category, 5 announcement. */
  type?: 0 | 2 | 4 | 5;
  topic?: string;
}

export interface GuildSpec {
  id: string;
  name: string;
  ownerId?: string;
  channels: ChannelSpec[];
}

export interface AuthorSpec {
  id: string;
  username: string;
  globalName?: string;
  bot?: boolean;
}

export interface UserSaysSpec {
  channelId: string;
  /** Default: the guild that holds the channel (DM channels have none). */
  guildId?: string;
  author: AuthorSpec;
  content: string;
  /** Prepends `<@botId> ` unless the content already mentions that bot. Default: the only bot. */
  mentionsBot?: boolean | string;
  /** Id of the message this one replies to (its author is added to `mentions`, as Discord does). */
  replyTo?: string;
}

export interface DmSpec {
  userId: string;
  username?: string;
  content: string;
  /** The bot the user writes to; needed only when the fake has more than one. */
  botToken?: string;
}

export interface FakeDiscordOptions {
  /** Sent in Hello; Discord sends 41250. Small values make heartbeats visible in fast tests. */
  heartbeatIntervalMs?: number;
  /** Rate-limit window per bucket: `limit` requests per `windowMs`; beyond it the fake answers 429. */
  rateLimit?: { limit: number; windowMs: number };
}

/** A gateway connection as the fake saw it. */
export interface GatewayConnection {
  /** Path and query the client opened, e.g. `/gateway?v=10&encoding=json`. */
  url: string;
  /** How the connection authenticated; 'none' while it has not (or never did). */
  kind: 'none' | 'identify' | 'resume';
  /** op 1 heartbeats received (each answered with op 11). */
  heartbeats: number;
  token?: string;
  intents?: number;
  /** Close code the fake or the client ended it with; undefined while open. */
  closeCode?: number;
}

export type StoredMessage = APIMessage;

/** The voice server the gateway hands joins to (the fake-discord-voice package implements it). */
export interface VoiceServerHook {
  readonly endpoint: string;
  grant(grant: { guildId: string; channelId: string; userId: string; sessionId: string; token: string }): void;
  revoke(guildId: string, userId: string): void;
  joinUser(guildId: string, channelId: string, userId: string): void;
  leaveUser(userId: string): void;
}

/** A member's place in a voice channel (null: not in one). */
export interface VoiceStateSpec {
  guildId: string;
  channelId: string | null;
  user: AuthorSpec;
}
