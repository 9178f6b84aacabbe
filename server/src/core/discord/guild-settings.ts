import type { DiscordGuildInfo } from '@ai-secretary/protocol';
import { NotFoundError, ValidationError } from '../../errors.js';
import { newId } from '../ids.js';
import type { LimitRecord, UsageTotals } from '../llm/records.js';
import type { UsageService } from '../llm/usage.js';
import {
  DEFAULT_GUILD_SETTINGS,
  DEFAULT_WHILE_ANSWERING,
  type DiscordChannelChoiceRecord,
  type DiscordChoiceStore,
  type DiscordWhileAnswering,
  type DiscordGuildRecord,
  type DiscordGuildSettings,
  type DiscordGuildStore,
} from './guild-types.js';
import type { DiscordBotRecord } from './types.js';

export interface DiscordGuildSettingsDeps {
  guilds: DiscordGuildStore;
  choices: DiscordChoiceStore;
  usage: Pick<UsageService, 'addLimit' | 'removeLimit' | 'today'>;
  knowsRoute: (route: string) => boolean;
  clock: () => number;
}

/** How one channel's turns are asked: route, persona text, sampling and the usage subject. */
export interface DiscordTurnPlan {
  route: string;
  instructions?: string;
  temperature?: number;
  instanceId: string;
  /** Models a reached `fallback` limit may downgrade to (a server's allowed routes; unset in DMs: any cheaper). */
  fallbackModels?: string[];
  /** What a new turn in this channel does while the previous one is being answered. */
  whileAnswering: DiscordWhileAnswering;
}

/** What one channel (or thread: its own choice first, then its channel's) chose. */
type ChannelChoice = Pick<DiscordChannelChoiceRecord, 'route' | 'persona' | 'whileAnswering'>;
export type DiscordChannelChoiceInput = Partial<ChannelChoice>;

/** The usage/limit subject of a server's turns (DMs stay on the bot id). */
export const guildSubject = (botId: string, guildId: string) => `discord:${botId}:${guildId}`;

/**
 * The servers each bot is in (as its process reports them) and what admins set per server: the route, the
 * routes `/model` may choose, auto-reply channels and daily limits (made into the router's limit records for
 * the subject `discord:<bot>:<guild>`, so `applyLimits` decides); and per channel what `/model`, `/persona` chose.
 */
export function createDiscordGuildSettings(deps: DiscordGuildSettingsDeps) {
  async function report(botId: string, guilds: DiscordGuildInfo[]): Promise<void> {
    const now = deps.clock();
    const known = await deps.guilds.list(botId);
    for (const info of guilds) {
      const stored = known.find((g) => g.guildId === info.id);
      const seen = { name: info.name, textChannels: info.channels, present: true, updatedAt: now };
      if (stored) await deps.guilds.update(stored.id, seen);
      else await deps.guilds.insert(newGuild(botId, info, now));
    }
    for (const gone of known.filter((g) => g.present && !guilds.some((i) => i.id === g.guildId)))
      await deps.guilds.update(gone.id, { present: false, updatedAt: now });
  }

  function newGuild(botId: string, info: DiscordGuildInfo, now: number): DiscordGuildRecord {
    return {
      id: newId(),
      botId,
      guildId: info.id,
      name: info.name,
      textChannels: info.channels,
      present: true,
      settings: { ...DEFAULT_GUILD_SETTINGS },
      limitIds: [],
      createdAt: now,
      updatedAt: now,
    };
  }

  async function get(botId: string, guildId: string): Promise<DiscordGuildRecord> {
    const guild = await deps.guilds.find(botId, guildId);
    if (!guild) throw new NotFoundError('Discord server');
    return guild;
  }

  function checkRoute(route: string, field: string): void {
    if (!deps.knowsRoute(route))
      throw new ValidationError(`Unknown persona or model "${route}"`, { details: { field } });
  }

  function check(guild: DiscordGuildRecord, patch: Partial<DiscordGuildSettings>): void {
    if (patch.route) checkRoute(patch.route, 'route');
    for (const route of patch.allowedRoutes ?? []) checkRoute(route, 'allowedRoutes');
    for (const channel of patch.channels ?? [])
      if (!guild.textChannels.some((c) => c.id === channel))
        throw new ValidationError(`Channel ${channel} is not a text channel of the server "${guild.name}"`, {
          details: { field: 'channels' },
        });
  }

  /** The limit records the settings ask for: subject `discord:<bot>:<guild>`, scope `instance` (per member: `instance_user`). */
  function limitsOf(guild: DiscordGuildRecord, settings: DiscordGuildSettings) {
    const action: LimitRecord['action'] = settings.limitAction === 'fallback' ? 'downgrade' : 'refuse';
    const base = { scope: 'instance' as const, subject: guildSubject(guild.botId, guild.guildId), action };
    const wanted: Array<Omit<LimitRecord, 'id' | 'createdAt'>> = [];
    if (settings.dailyTokenLimit !== null)
      wanted.push({ ...base, metric: 'tokens', dailyMax: settings.dailyTokenLimit });
    if (settings.dailyCostLimitUsd !== null)
      wanted.push({ ...base, metric: 'cost_usd', dailyMax: settings.dailyCostLimitUsd });
    if (settings.userDailyTokenLimit !== null)
      wanted.push({ ...base, scope: 'instance_user', metric: 'tokens', dailyMax: settings.userDailyTokenLimit });
    return wanted;
  }

  async function replaceLimits(guild: DiscordGuildRecord, settings: DiscordGuildSettings): Promise<string[]> {
    for (const id of guild.limitIds) await deps.usage.removeLimit(id).catch(() => undefined); // removed elsewhere
    const ids: string[] = [];
    for (const limit of limitsOf(guild, settings)) ids.push((await deps.usage.addLimit(limit)).id);
    return ids;
  }

  async function update(botId: string, guildId: string, patch: Partial<DiscordGuildSettings>) {
    const guild = await get(botId, guildId);
    check(guild, patch);
    const settings = { ...guild.settings, ...patch };
    const limitIds = await replaceLimits(guild, settings);
    await deps.guilds.update(guild.id, { settings, limitIds, updatedAt: deps.clock() });
    return get(botId, guildId);
  }

  const today = (botId: string, guildId: string): Promise<UsageTotals> =>
    deps.usage.today('instance', guildSubject(botId, guildId));

  /** Every server's auto-reply channels (added to the bot's own in its configuration). */
  async function channels(botId: string): Promise<string[]> {
    return (await deps.guilds.list(botId)).flatMap((g) => (g.present ? g.settings.channels : []));
  }

  const settingsOf = async (botId: string, guildId: string | null) =>
    (guildId === null ? null : (await deps.guilds.find(botId, guildId))?.settings) ?? DEFAULT_GUILD_SETTINGS;

  /** The route a channel uses when nobody chose one with `/model`. */
  async function defaultRoute(bot: DiscordBotRecord, guildId: string | null): Promise<string> {
    return (await settingsOf(bot.id, guildId)).route ?? bot.settings.persona;
  }

  /** What `/model` may choose in a channel of this server: the default and the admin's allowed routes. */
  async function allowedRoutes(bot: DiscordBotRecord, guildId: string | null): Promise<string[]> {
    const settings = await settingsOf(bot.id, guildId);
    return [...new Set([settings.route ?? bot.settings.persona, ...settings.allowedRoutes])];
  }

  /** A thread's own choice, field by field falling back to its parent channel's. */
  async function choiceOf(botId: string, channelId: string, parentId?: string): Promise<ChannelChoice | null> {
    const own = await deps.choices.find(botId, channelId);
    const parent = parentId ? await deps.choices.find(botId, parentId) : null;
    if (!own && !parent) return null;
    return {
      route: own?.route ?? parent?.route ?? null,
      persona: own?.persona ?? parent?.persona ?? null,
      whileAnswering: own?.whileAnswering ?? parent?.whileAnswering ?? null,
    };
  }

  /** How a channel's (or thread's, `parentId`: its channel) turns are asked. */
  async function plan(
    bot: DiscordBotRecord,
    guildId: string | null,
    channelId: string,
    parentId?: string,
  ): Promise<DiscordTurnPlan> {
    const settings = await settingsOf(bot.id, guildId);
    const choice = await choiceOf(bot.id, channelId, parentId);
    const persona = choice?.persona ?? settings.persona;
    return {
      route: choice?.route ?? settings.route ?? bot.settings.persona,
      ...(persona ? { instructions: persona } : {}),
      ...(settings.temperature === null ? {} : { temperature: settings.temperature }),
      ...(guildId === null
        ? { instanceId: bot.id }
        : { instanceId: guildSubject(bot.id, guildId), fallbackModels: settings.allowedRoutes }),
      whileAnswering: choice?.whileAnswering ?? DEFAULT_WHILE_ANSWERING,
    };
  }

  async function choose(botId: string, channelId: string, choice: DiscordChannelChoiceInput): Promise<void> {
    const stored = await deps.choices.find(botId, channelId);
    const pick = <K extends keyof ChannelChoice>(key: K) =>
      choice[key] === undefined ? (stored?.[key] ?? null) : choice[key];
    await deps.choices.save({
      id: stored?.id ?? newId(),
      botId,
      channelId,
      route: pick('route'),
      persona: pick('persona'),
      whileAnswering: pick('whileAnswering'),
      updatedAt: deps.clock(),
    });
  }

  /** An admin sets a channel's model, persona or busy behaviour (a text channel of one of the bot's servers). */
  async function chooseForChannel(
    botId: string,
    guildId: string,
    channelId: string,
    choice: DiscordChannelChoiceInput,
  ) {
    const guild = await get(botId, guildId);
    if (!guild.textChannels.some((c) => c.id === channelId))
      throw new NotFoundError(`Text channel ${channelId} of the server "${guild.name}"`);
    if (choice.route) checkRoute(choice.route, 'route');
    await choose(botId, channelId, choice);
    return deps.choices.find(botId, channelId);
  }

  /** A bot is deleted: its servers' limit records go too (the rows themselves cascade). */
  async function forgetBot(botId: string): Promise<void> {
    for (const guild of await deps.guilds.list(botId))
      for (const id of guild.limitIds) await deps.usage.removeLimit(id).catch(() => undefined);
  }

  return {
    report,
    forgetBot,
    list: (botId: string) => deps.guilds.list(botId),
    get,
    update,
    today,
    channels,
    defaultRoute,
    allowedRoutes,
    plan,
    choose,
    chooseForChannel,
    choice: (botId: string, channelId: string, parentId?: string) => choiceOf(botId, channelId, parentId),
    /** Every channel's choices of a bot (the admin's Servers tab shows them per server). */
    choices: (botId: string) => deps.choices.list(botId),
  };
}

export type DiscordGuildSettingsService = ReturnType<typeof createDiscordGuildSettings>;
