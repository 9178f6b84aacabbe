import type { DiscordCommandStartMessage, DiscordHistoryEntry } from '@ai-secretary/protocol';
import { LimitExceededError, LlmUnavailableError } from '../../errors.js';
import type { LlmRouter } from '../llm/router.js';
import { DISCORD_COMMAND_TEXTS, type DiscordCommandTexts } from './command-texts.js';
import type { DiscordGuildSettingsService } from './guild-settings.js';
import { DISCORD_TEXTS } from './texts.js';
import type { DiscordBotRecord } from './types.js';
import { voiceCommand, type DiscordVoiceControl } from './voice-commands.js';

export interface DiscordCommandAnswer {
  text: string;
  ephemeral: boolean;
}

export interface DiscordCommandsDeps {
  guilds: DiscordGuildSettingsService;
  router: Pick<LlmRouter, 'complete'>;
  memory: { clear(key: string): Promise<void> };
  sessionKey: (botId: string, channelId: string) => string;
  knowsRoute: (route: string) => boolean;
  firstTokenTimeoutMs: number;
  onError: (error: unknown, context: string) => void;
  /** Voice channels (the channel's bot link); absent: `/join` and `/leave` say voice is not available. */
  voice?: DiscordVoiceControl;
}

type Command = Omit<DiscordCommandStartMessage, 'type'>;

/** Discord's Administrator and Manage Server permission bits. */
const MANAGERS = (1n << 3n) | (1n << 5n);
const SUMMARY_PROMPT =
  'Summarize the Discord conversation below in a few short bullet points, in the language most of it is written in.';
/** Interaction ids answered lately (each interaction is answered once). */
const REMEMBERED = 10_000;

const isManager = (command: Command) => command.permissions !== null && (BigInt(command.permissions) & MANAGERS) !== 0n;
const privately = (text: string): DiscordCommandAnswer => ({ text, ephemeral: true });
const clip = (text: string) => (text.length > 2000 ? `${text.slice(0, 1997)}…` : text);

/**
 * Slash commands of the Discord bots, decided here (the bot process only defers and shows the answer):
 * `/ask`, `/model`, `/persona`, `/reset`, `/summarize`, `/usage`, `/join`, `/leave`, `/help`. Configuration
 * (`/model <route>`, `/persona`) needs Manage Server; refusals are ephemeral.
 */
export function createDiscordCommands(deps: DiscordCommandsDeps) {
  const answered = new Set<string>();

  async function model(bot: DiscordBotRecord, command: Command, t: DiscordCommandTexts) {
    const allowed = await deps.guilds.allowedRoutes(bot, command.guildId);
    const wanted = command.options.route;
    if (wanted === undefined) {
      const current = (await deps.guilds.plan(bot, command.guildId, command.channelId)).route;
      return privately(t.model(current, allowed));
    }
    if (!isManager(command)) return privately(t.needsManager);
    if (typeof wanted !== 'string' || !allowed.includes(wanted) || !deps.knowsRoute(wanted))
      return privately(t.modelRefused(String(wanted), allowed));
    await deps.guilds.choose(bot.id, command.channelId, { route: wanted });
    return privately(t.modelSet(wanted));
  }

  async function persona(bot: DiscordBotRecord, command: Command, t: DiscordCommandTexts) {
    const text = command.options.text;
    if (text === undefined)
      return privately(t.persona((await deps.guilds.choice(bot.id, command.channelId))?.persona ?? null));
    if (!isManager(command)) return privately(t.needsManager);
    if (typeof text !== 'string' || !text.trim()) return privately(t.badOption('text'));
    const reset = text.trim().toLowerCase() === 'reset';
    await deps.guilds.choose(bot.id, command.channelId, { persona: reset ? null : text.trim().slice(0, 2000) });
    return privately(reset ? t.personaReset : t.personaSet);
  }

  async function complete(
    bot: DiscordBotRecord,
    command: Command,
    messages: Array<{ role: 'user' | 'system'; content: string }>,
    memory: boolean,
  ) {
    const plan = await deps.guilds.plan(bot, command.guildId, command.channelId);
    const result = await deps.router.complete({
      route: plan.route,
      messages,
      ...(plan.instructions ? { instructions: plan.instructions } : {}),
      ...(plan.temperature === undefined ? {} : { sampling: { temperature: plan.temperature } }),
      channel: 'discord',
      instanceId: plan.instanceId,
      userId: `discord:${command.user.id}`,
      ...(plan.fallbackModels ? { fallbackModels: plan.fallbackModels } : {}),
      sessionKey: memory ? deps.sessionKey(bot.id, command.channelId) : null,
      user: `discord:${command.user.id}`,
      firstTokenTimeoutMs: deps.firstTokenTimeoutMs,
    });
    return { text: clip(result.content.trim() || DISCORD_TEXTS[bot.settings.language].empty), ephemeral: false };
  }

  async function ask(bot: DiscordBotRecord, command: Command, t: DiscordCommandTexts) {
    const question = command.options.question;
    if (typeof question !== 'string' || !question.trim()) return privately(t.badOption('question'));
    return complete(bot, command, [{ role: 'user', content: question }], true);
  }

  const transcript = (history: DiscordHistoryEntry[]) =>
    history.map((entry) => `${entry.author}${entry.bot ? ' (bot)' : ''}: ${entry.text}`).join('\n');

  async function summarize(bot: DiscordBotRecord, command: Command, t: DiscordCommandTexts) {
    const count = command.options.messages ?? 50;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 100)
      return privately(t.badOption('messages'));
    const history = (command.history ?? []).filter((entry) => entry.text.trim()).slice(-count);
    if (history.length === 0) return privately(t.nothingToSummarize);
    const messages = [
      { role: 'system' as const, content: SUMMARY_PROMPT },
      { role: 'user' as const, content: transcript(history) },
    ];
    return complete(bot, command, messages, false);
  }

  async function usage(bot: DiscordBotRecord, command: Command, t: DiscordCommandTexts) {
    if (command.guildId === null) return privately(t.dmOnlyServer);
    const today = await deps.guilds.today(bot.id, command.guildId);
    return privately(t.usage(today.requests, today.promptTokens + today.completionTokens, today.costUsd));
  }

  async function run(bot: DiscordBotRecord, command: Command, t: DiscordCommandTexts): Promise<DiscordCommandAnswer> {
    switch (command.name) {
      case 'ask':
        return ask(bot, command, t);
      case 'model':
        return model(bot, command, t);
      case 'persona':
        return persona(bot, command, t);
      case 'reset':
        await deps.memory.clear(deps.sessionKey(bot.id, command.channelId));
        return privately(t.reset);
      case 'summarize':
        return summarize(bot, command, t);
      case 'usage':
        return usage(bot, command, t);
      case 'join':
      case 'leave':
        return privately(deps.voice ? voiceCommand(deps.voice, bot, command, t) : t.voice);
      case 'help':
        return privately(t.help);
      default:
        return privately(t.unknown(command.name));
    }
  }

  function apology(bot: DiscordBotRecord, error: unknown): DiscordCommandAnswer {
    const texts = DISCORD_TEXTS[bot.settings.language];
    if (error instanceof LimitExceededError) return privately(texts.limitReached);
    if (!(error instanceof LlmUnavailableError)) deps.onError(error, 'discord command failed');
    return privately(texts.llmDown);
  }

  /** Answers one interaction; null when this interaction id was answered already. */
  async function handle(bot: DiscordBotRecord, command: Command): Promise<DiscordCommandAnswer | null> {
    if (answered.has(command.interactionId)) return null;
    answered.add(command.interactionId);
    if (answered.size > REMEMBERED) answered.delete(answered.values().next().value!);
    try {
      return await run(bot, command, DISCORD_COMMAND_TEXTS[bot.settings.language]);
    } catch (error) {
      return apology(bot, error);
    }
  }

  return { handle };
}

export type DiscordCommandsService = ReturnType<typeof createDiscordCommands>;
