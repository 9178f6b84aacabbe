import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { newId } from '../ids.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { DiscordBotRecord, DiscordBotSettings, DiscordBotStore } from './types.js';

/** Who a token belongs to (Discord's GET /users/@me). */
export interface DiscordIdentity {
  id: string;
  username: string;
}

/** Checks a token against Discord's REST API: the bot's identity, or DiscordTokenError / DiscordUnreachableError. */
export type DiscordTokenCheck = (token: string) => Promise<DiscordIdentity>;

export const DEFAULT_DISCORD_SETTINGS: DiscordBotSettings = {
  persona: 'secretary',
  language: 'en',
  channels: [],
  allowedUsers: [],
  blockedUsers: [],
  ownerUsers: [],
  burstWindowMs: 2500,
};

/** A bot token as the developer portal gives it: three base64url parts joined by dots. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{10,100}\.[A-Za-z0-9_-]{2,40}\.[A-Za-z0-9_-]{4,100}$/;

export interface DiscordBotInput extends Partial<DiscordBotSettings> {
  name?: string;
  token?: string;
  autoStart?: boolean;
}

export interface DiscordBotsServiceDeps {
  store: DiscordBotStore;
  secrets: SecretBox;
  checkToken: DiscordTokenCheck;
  /** Whether the router knows a persona slug or model route. */
  knowsRoute: (route: string) => boolean;
  clock: () => number;
}

const tokenContext = (id: string) => `discord-bot:${id}`;

/** `…wxyz`: enough to tell tokens apart, useless to an attacker (the first part is only the bot's id). */
export function discordTokenHint(token: string): string {
  return `…${token.slice(-4)}`;
}

function checkShape(token: string): void {
  if (!TOKEN_SHAPE.test(token))
    throw new ValidationError('token must look like MTIz….Gx….abc… (the bot token from the developer portal)', {
      details: { field: 'token' },
    });
}

function checkName(name: string | undefined): void {
  if (name !== undefined && !name.trim())
    throw new ValidationError('name must not be empty', { details: { field: 'name' } });
}

/** The Discord bots admins manage: their settings and sealed tokens (running them is the channel's job). */
export function createDiscordBotsService(deps: DiscordBotsServiceDeps) {
  const { store, secrets } = deps;

  function checkSettings(input: Partial<DiscordBotSettings>): void {
    if (input.persona !== undefined && !deps.knowsRoute(input.persona))
      throw new ValidationError(`Unknown persona or model "${input.persona}"`, { details: { field: 'persona' } });
  }

  async function identify(token: string, exceptId?: string): Promise<DiscordIdentity> {
    checkShape(token);
    const identity = await deps.checkToken(token);
    const taken = (await store.list()).find((b) => b.discordId === identity.id && b.id !== exceptId);
    if (taken) throw new ConflictError(`${identity.username} is already set up here as "${taken.name}"`);
    return identity;
  }

  async function create(input: DiscordBotInput & { name: string; token: string }): Promise<DiscordBotRecord> {
    const { name, token, autoStart = true, ...settings } = input;
    checkName(name);
    checkSettings(settings);
    const identity = await identify(token);
    const id = newId();
    const now = deps.clock();
    const record: DiscordBotRecord = {
      id,
      name: name.trim(),
      tokenSealed: secrets.encrypt(token, tokenContext(id)),
      tokenHint: discordTokenHint(token),
      discordId: identity.id,
      username: identity.username,
      settings: { ...DEFAULT_DISCORD_SETTINGS, ...settings },
      autoStart,
      desired: autoStart ? 'running' : 'stopped',
      createdAt: now,
      updatedAt: now,
    };
    await store.insert(record);
    return record;
  }

  async function get(id: string): Promise<DiscordBotRecord> {
    const bot = await store.findById(id);
    if (!bot) throw new NotFoundError('Discord bot');
    return bot;
  }

  async function tokenPatch(id: string, token: string): Promise<Partial<DiscordBotRecord>> {
    const identity = await identify(token, id);
    return {
      tokenSealed: secrets.encrypt(token, tokenContext(id)),
      tokenHint: discordTokenHint(token),
      discordId: identity.id,
      username: identity.username,
    };
  }

  async function update(id: string, input: DiscordBotInput): Promise<DiscordBotRecord> {
    const bot = await get(id);
    const { name, token, autoStart, ...settings } = input;
    checkName(name);
    checkSettings(settings);
    const patch: Partial<DiscordBotRecord> = { updatedAt: deps.clock(), settings: { ...bot.settings, ...settings } };
    if (name !== undefined) patch.name = name.trim();
    if (autoStart !== undefined) patch.autoStart = autoStart;
    if (token !== undefined) Object.assign(patch, await tokenPatch(id, token));
    await store.update(id, patch);
    return get(id);
  }

  async function setDesired(id: string, desired: DiscordBotRecord['desired']): Promise<DiscordBotRecord> {
    await get(id);
    await store.update(id, { desired, updatedAt: deps.clock() });
    return get(id);
  }

  async function remove(id: string): Promise<DiscordBotRecord> {
    const bot = await get(id);
    await store.remove(id);
    return bot;
  }

  return {
    create,
    get,
    list: () => store.list(),
    update,
    setDesired,
    remove,
    token: (bot: DiscordBotRecord) => secrets.decrypt(bot.tokenSealed, tokenContext(bot.id)),
  };
}

export type DiscordBotsService = ReturnType<typeof createDiscordBotsService>;
