import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';
import { DiscordSnowflake } from './discord.js';

const Route = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:/-]+$' });

/** What an admin sets per server (Discord guild) of a bot; every field optional on PATCH. */
export const DiscordGuildSettingsFields = {
  /** Persona slug or model route for this server (null: the bot's persona). */
  route: Type.Union([Route, Type.Null()]),
  temperature: Type.Union([Type.Number({ minimum: 0, maximum: 2 }), Type.Null()]),
  /** Persona prompt of this server's turns (null: the route's own); a channel's `/persona` replaces it. */
  persona: Type.Union([Type.String({ minLength: 1, maxLength: 2000 }), Type.Null()]),
  /** What `/model` may choose in this server's channels (empty: only the default). */
  allowedRoutes: Type.Array(Route, { maxItems: 50 }),
  /** Text channels of this server answered without a mention. */
  channels: Type.Array(DiscordSnowflake, { maxItems: 500 }),
  /** Tokens (prompt + completion) per UTC day for the whole server (null: no limit). */
  dailyTokenLimit: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  dailyCostLimitUsd: Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Null()]),
  /** Tokens per UTC day for each member of this server on their own (null: no limit). */
  userDailyTokenLimit: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  /** Over a limit: `fallback` to the next cheaper model, or `refuse` politely. */
  limitAction: Type.Union([Type.Literal('fallback'), Type.Literal('refuse')]),
};

export const UpdateDiscordGuildRequest = StrictObject(
  Object.fromEntries(Object.entries(DiscordGuildSettingsFields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof DiscordGuildSettingsFields]: ReturnType<
      typeof Type.Optional<(typeof DiscordGuildSettingsFields)[K]>
    >;
  },
);
export type UpdateDiscordGuildRequest = Static<typeof UpdateDiscordGuildRequest>;

const WhileAnswering = Type.Union([Type.Literal('queue'), Type.Literal('cancel')]);

/** What one channel of a server chose (by `/model`, `/persona` or an admin); null: the server's setting. */
export const DiscordChannelChoiceFields = {
  route: Type.Union([Route, Type.Null()]),
  persona: Type.Union([Type.String({ minLength: 1, maxLength: 2000 }), Type.Null()]),
  /** A new turn while one is being answered in this channel: `queue` it (default) or `cancel` the one running. */
  whileAnswering: Type.Union([WhileAnswering, Type.Null()]),
};

export const UpdateDiscordChannelRequest = StrictObject({
  route: Type.Optional(DiscordChannelChoiceFields.route),
  persona: Type.Optional(DiscordChannelChoiceFields.persona),
  whileAnswering: Type.Optional(DiscordChannelChoiceFields.whileAnswering),
});
export type UpdateDiscordChannelRequest = Static<typeof UpdateDiscordChannelRequest>;

export const DiscordChannelChoiceView = StrictObject({ channelId: Type.String(), ...DiscordChannelChoiceFields });
export type DiscordChannelChoiceView = Static<typeof DiscordChannelChoiceView>;

export const DiscordGuildView = StrictObject({
  guildId: Type.String(),
  name: Type.String(),
  /** Whether the bot is still in the server (false once it left or was removed). */
  present: Type.Boolean(),
  textChannels: Type.Array(StrictObject({ id: Type.String(), name: Type.String() })),
  ...DiscordGuildSettingsFields,
  /** The text channels of this server that chose their own model, persona or busy behaviour. */
  channelChoices: Type.Array(DiscordChannelChoiceView),
  /** Today's (UTC) usage of the whole server. */
  today: StrictObject({ requests: Type.Integer(), tokens: Type.Integer(), costUsd: Type.Number() }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type DiscordGuildView = Static<typeof DiscordGuildView>;
