import { Type, type Static, type TOptional, type TSchema } from 'typebox';
import { StrictObject } from '../common.js';

/** A Discord snowflake (user, channel or guild id), as a decimal string. */
export const DiscordSnowflake = Type.String({ pattern: '^[0-9]{15,21}$' });

/** Settings an admin edits per bot (all optional on create and PATCH; defaults apply). */
export const DiscordBotSettings = {
  /** Persona slug or model route the bot answers with. */
  persona: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:/-]+$' }),
  /** Language of the bot's own texts (apologies); the model follows the user. */
  language: Type.Union([Type.Literal('ru'), Type.Literal('en')]),
  /** Channel ids the bot answers in without being mentioned; empty: mentions, replies and DMs only. */
  channels: Type.Array(DiscordSnowflake, { maxItems: 500 }),
  /** Discord user ids allowed to talk to the bot; empty: everyone. */
  allowedUsers: Type.Array(DiscordSnowflake, { maxItems: 1000 }),
  /** Discord user ids the bot ignores. */
  blockedUsers: Type.Array(DiscordSnowflake, { maxItems: 10_000 }),
  /** Discord user ids that run the secretary from a DM (owner commands, each confirmed with a button). */
  ownerUsers: Type.Array(DiscordSnowflake, { maxItems: 20 }),
  /** One user's messages in one channel closer together than this are answered as one turn (0: each at once). */
  burstWindowMs: Type.Integer({ minimum: 0, maximum: 10_000 }),
};

export const DiscordBotSettingsSchema = StrictObject(DiscordBotSettings);
export type DiscordBotSettings = Static<typeof DiscordBotSettingsSchema>;

export const DiscordBotStatus = Type.Union([
  Type.Literal('stopped'),
  Type.Literal('starting'),
  Type.Literal('running'),
  Type.Literal('crashed'),
  Type.Literal('stopping'),
  Type.Literal('failed'),
]);
export type DiscordBotStatus = Static<typeof DiscordBotStatus>;

export const DiscordBotView = StrictObject({
  id: Type.String(),
  name: Type.String(),
  /** The bot user's name and id, from GET /users/@me. */
  username: Type.String(),
  discordId: Type.String(),
  /** The token's last 4 characters; the token itself is never returned. */
  tokenHint: Type.String(),
  ...DiscordBotSettings,
  autoStart: Type.Boolean(),
  status: DiscordBotStatus,
  /** Why it is failed or crashed (the last exit, a revoked token, a crash loop). */
  lastError: Type.Union([Type.String(), Type.Null()]),
  /** Whether the gateway gave the Message Content intent (null until connected); without it only mentions, replies and DMs are answered. */
  messageContent: Type.Union([Type.Boolean(), Type.Null()]),
  /** Something an admin should know about a running bot (e.g. the Message Content intent refused). */
  notice: Type.Union([Type.String(), Type.Null()]),
  pid: Type.Union([Type.Integer(), Type.Null()]),
  rssBytes: Type.Union([Type.Integer(), Type.Null()]),
  restarts: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type DiscordBotView = Static<typeof DiscordBotView>;

const Token = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'The bot token from the Discord developer portal (Bot → Reset Token)',
});

/** Every property of `props`, optional (create and PATCH bodies). */
function optional<T extends Record<string, TSchema>>(props: T): { [K in keyof T]: TOptional<T[K]> } {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: TOptional<T[K]>;
  };
}

export const CreateDiscordBotRequest = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  token: Token,
  /** Start the bot at once (default true). */
  autoStart: Type.Optional(Type.Boolean()),
  ...optional(DiscordBotSettings),
});
export type CreateDiscordBotRequest = Static<typeof CreateDiscordBotRequest>;

export const UpdateDiscordBotRequest = StrictObject({
  ...optional({ name: Type.String({ minLength: 1, maxLength: 100 }), token: Token, autoStart: Type.Boolean() }),
  ...optional(DiscordBotSettings),
});
export type UpdateDiscordBotRequest = Static<typeof UpdateDiscordBotRequest>;

export const DiscordTurnView = StrictObject({
  id: Type.String(),
  messageId: Type.String(),
  channelId: Type.String(),
  guildId: Type.Union([Type.String(), Type.Null()]),
  userId: Type.String(),
  userName: Type.String(),
  /** What the user wrote (a burst's messages, one per line). */
  text: Type.String(),
  reply: Type.Union([Type.String(), Type.Null()]),
  /**
   * How the turn ended: answered, refused (not allowed, over a limit), failed (the LLM was down), cancelled (a
   * newer turn took over in a `cancel` channel), or answering.
   */
  status: Type.String(),
  delivered: Type.Boolean(),
  /** The tools the model called for this turn, in order, with what each answered. */
  toolCalls: Type.Array(
    StrictObject({
      name: Type.String(),
      arguments: Type.String(),
      result: Type.Union([Type.String(), Type.Null()]),
      error: Type.Union([Type.String(), Type.Null()]),
      durationMs: Type.Number(),
    }),
  ),
  createdAt: Type.String({ format: 'date-time' }),
});
export type DiscordTurnView = Static<typeof DiscordTurnView>;

/** One channel (or DM) the bot talked in. */
export const DiscordChannelView = StrictObject({
  channelId: Type.String(),
  guildId: Type.Union([Type.String(), Type.Null()]),
  turns: Type.Integer(),
  lastAt: Type.String({ format: 'date-time' }),
});
export type DiscordChannelView = Static<typeof DiscordChannelView>;
