import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { newId } from '../ids.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { TelegramBotRecord, TelegramBotSettings, TelegramBotStore } from './types.js';

/** Who a token belongs to (Telegram's getMe). */
export interface TelegramIdentity {
  id: number;
  username: string;
}

/** Checks a token against the Bot API: the bot's identity, or TelegramTokenError / TelegramUnreachableError. */
export type TokenCheck = (token: string) => Promise<TelegramIdentity>;

export const DEFAULT_TELEGRAM_SETTINGS: TelegramBotSettings = {
  persona: 'secretary',
  language: 'en',
  allowedUsers: [],
  adminUsers: [],
  blockedUsers: [],
  rateLimit: { messages: 20, windowSeconds: 60 },
  groupMode: 'mention',
  voiceReplies: 'voice',
  ttsVoice: null,
  transcript: 'collapsed',
  greeting: '',
  menu: [],
};

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A token as @BotFather gives it: the bot's numeric id, a colon, then the secret part. */
const TOKEN_SHAPE = /^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$/;

export interface TelegramBotInput extends Partial<TelegramBotSettings> {
  name?: string;
  token?: string;
  autoStart?: boolean;
}

export interface TelegramBotsServiceDeps {
  store: TelegramBotStore;
  secrets: SecretBox;
  checkToken: TokenCheck;
  /** Whether the router knows a persona slug or model route. */
  knowsRoute: (route: string) => boolean;
  clock: () => number;
}

const tokenContext = (id: string) => `telegram-bot:${id}`;

/** `123456789:…wxyz`: enough to tell tokens apart, useless to an attacker. */
export function tokenHint(token: string): string {
  const [id = ''] = token.split(':');
  return `${id}:…${token.slice(-4)}`;
}

function checkShape(token: string): void {
  if (!TOKEN_SHAPE.test(token))
    throw new ValidationError('token must look like 123456789:AAE… (the token @BotFather gave)', {
      details: { field: 'token' },
    });
}

/** The Telegram bots admins manage: their settings and sealed tokens (running them is the channel's job). */
export function createTelegramBotsService(deps: TelegramBotsServiceDeps) {
  const { store, secrets } = deps;

  function checkSettings(input: Partial<TelegramBotSettings>): void {
    if (input.timeZone && !isTimeZone(input.timeZone))
      throw new ValidationError(`Unknown time zone "${input.timeZone}"`, { details: { field: 'timeZone' } });
    if (input.persona !== undefined && !deps.knowsRoute(input.persona))
      throw new ValidationError(`Unknown persona or model "${input.persona}"`, { details: { field: 'persona' } });
    for (const [i, button] of (input.menu ?? []).entries()) {
      if (button.action === 'link' && !button.url)
        throw new ValidationError(`menu[${i}]: a link button needs a url`, { details: { field: `menu.${i}.url` } });
      if ((button.action === 'answer' || button.action === 'prompt') && !button.text?.trim())
        throw new ValidationError(`menu[${i}]: an ${button.action} button needs a text`, {
          details: { field: `menu.${i}.text` },
        });
    }
  }

  async function identify(token: string, exceptId?: string): Promise<TelegramIdentity> {
    checkShape(token);
    const identity = await deps.checkToken(token);
    const taken = (await store.list()).find((b) => b.telegramId === identity.id && b.id !== exceptId);
    if (taken) throw new ConflictError(`@${identity.username} is already set up here as "${taken.name}"`);
    return identity;
  }

  async function create(input: TelegramBotInput & { name: string; token: string }): Promise<TelegramBotRecord> {
    const { name, token, autoStart = true, ...settings } = input;
    if (!name.trim()) throw new ValidationError('name must not be empty', { details: { field: 'name' } });
    checkSettings(settings);
    const identity = await identify(token);
    const id = newId();
    const now = deps.clock();
    const record: TelegramBotRecord = {
      id,
      name: name.trim(),
      tokenSealed: secrets.encrypt(token, tokenContext(id)),
      tokenHint: tokenHint(token),
      telegramId: identity.id,
      username: identity.username,
      settings: { ...DEFAULT_TELEGRAM_SETTINGS, ...settings },
      autoStart,
      desired: autoStart ? 'running' : 'stopped',
      webhookSecretSealed: null,
      createdAt: now,
      updatedAt: now,
    };
    await store.insert(record);
    return record;
  }

  async function get(id: string): Promise<TelegramBotRecord> {
    const bot = await store.findById(id);
    if (!bot) throw new NotFoundError('Telegram bot');
    return bot;
  }

  async function update(id: string, input: TelegramBotInput): Promise<TelegramBotRecord> {
    const bot = await get(id);
    const { name, token, autoStart, ...settings } = input;
    if (name !== undefined && !name.trim())
      throw new ValidationError('name must not be empty', { details: { field: 'name' } });
    checkSettings(settings);
    const patch: Partial<TelegramBotRecord> = { updatedAt: deps.clock() };
    if (name !== undefined) patch.name = name.trim();
    if (autoStart !== undefined) patch.autoStart = autoStart;
    if (token !== undefined) {
      const identity = await identify(token, id);
      Object.assign(patch, {
        tokenSealed: secrets.encrypt(token, tokenContext(id)),
        tokenHint: tokenHint(token),
        telegramId: identity.id,
        username: identity.username,
      });
    }
    patch.settings = { ...bot.settings, ...settings };
    await store.update(id, patch);
    return get(id);
  }

  async function setDesired(id: string, desired: TelegramBotRecord['desired']): Promise<TelegramBotRecord> {
    await get(id);
    await store.update(id, { desired, updatedAt: deps.clock() });
    return get(id);
  }

  async function remove(id: string): Promise<TelegramBotRecord> {
    const bot = await get(id);
    await store.remove(id);
    return bot;
  }

  /** The webhook secret of a bot, made (and sealed) on first use. */
  async function webhookSecret(bot: TelegramBotRecord, make: () => string): Promise<string> {
    if (bot.webhookSecretSealed) return secrets.decrypt(bot.webhookSecretSealed, `${tokenContext(bot.id)}:webhook`);
    const secret = make();
    await store.update(bot.id, { webhookSecretSealed: secrets.encrypt(secret, `${tokenContext(bot.id)}:webhook`) });
    return secret;
  }

  return {
    create,
    get,
    list: () => store.list(),
    update,
    setDesired,
    remove,
    token: (bot: TelegramBotRecord) => secrets.decrypt(bot.tokenSealed, tokenContext(bot.id)),
    webhookSecret,
  };
}

export type TelegramBotsService = ReturnType<typeof createTelegramBotsService>;
