import type {
  DiscordAutocompleteMessage,
  DiscordChoice,
  DiscordCommandStartMessage,
  DiscordHistoryEntry,
} from '@ai-secretary/protocol';
import { LimitExceededError, LlmUnavailableError } from '../../errors.js';
import type { LlmRouter } from '../llm/router.js';
import { DISCORD_COMMAND_TEXTS, type DiscordCommandTexts } from './command-texts.js';
import { newId } from '../ids.js';
import type { DiscordGuildSettingsService } from './guild-settings.js';
import type { DiscordInteractionStore } from './guild-types.js';
import { DISCORD_TEXTS } from './texts.js';
import type { DiscordBotRecord } from './types.js';
import { voiceCommand, type DiscordVoiceControl } from './voice-commands.js';

export interface DiscordCommandAnswer {
  text: string;
  ephemeral: boolean;
}

export interface DiscordCommandsDeps {
  guilds: DiscordGuildSettingsService;
  /** Interactions taken (stored, so a restarted orchestrator or bot does not answer one twice). */
  interactions: DiscordInteractionStore;
  clock: () => number;
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
/** How long a taken interaction is remembered (its token expires after 15 minutes). */
const INTERACTION_KEEP_MS = 24 * 3_600_000;

const isManager = (command: Command) => command.permissions !== null && (BigInt(command.permissions) & MANAGERS) !== 0n;
const privately = (text: string): DiscordCommandAnswer => ({ text, ephemeral: true });
const clip = (text: string) => (text.length > 2000 ? `${text.slice(0, 1997)}…` : text);

/**
 * Slash commands of the Discord bots, decided here (the bot process only defers and shows the answer):
 * `/ask`, `/model`, `/persona`, `/reset`, `/summarize`, `/usage`, `/join`, `/leave`, `/help`. Configuration
 * (`/model <route>`, `/persona`) needs Manage Server; refusals are ephemeral.
 */
export function createDiscordCommands(deps: DiscordCommandsDeps) {
  async function model(bot: DiscordBotRecord, command: Command, t: DiscordCommandTexts) {
    const allowed = await deps.guilds.allowedRoutes(bot, command.guildId);
    const wanted = command.options.route;
    if (wanted === undefined) {
      const current = (await deps.guilds.plan(bot, command.guildId, command.channelId, command.parentChannelId)).route;
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
      return privately(
        t.persona((await deps.guilds.choice(bot.id, command.channelId, command.parentChannelId))?.persona ?? null),
      );
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
    const plan = await deps.guilds.plan(bot, command.guildId, command.channelId, command.parentChannelId);
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

  /** Takes the interaction in the database first: false when it was taken before (by any process). */
  const take = (bot: DiscordBotRecord, command: Command) =>
    deps.interactions.claim({
      id: newId(),
      botId: bot.id,
      interactionId: command.interactionId,
      name: command.name,
      createdAt: deps.clock(),
    });

  /** Answers one interaction; null when this interaction id was answered already. */
  async function handle(bot: DiscordBotRecord, command: Command): Promise<DiscordCommandAnswer | null> {
    if (!(await take(bot, command))) return null;
    try {
      return await run(bot, command, DISCORD_COMMAND_TEXTS[bot.settings.language]);
    } catch (error) {
      return apology(bot, error);
    }
  }

  /**
   * Suggestions for `/model route` as the user types: the routes this server may use that the router knows,
   * those containing what was typed first (Discord shows at most 25).
   */
  async function autocomplete(
    bot: DiscordBotRecord,
    request: Omit<DiscordAutocompleteMessage, 'type'>,
  ): Promise<DiscordChoice[]> {
    if (request.name !== 'model' || request.option !== 'route') return [];
    const typed = request.value.trim().toLowerCase();
    const routes = (await deps.guilds.allowedRoutes(bot, request.guildId)).filter((route) => deps.knowsRoute(route));
    return routes
      .filter((route) => route.toLowerCase().includes(typed))
      .slice(0, 25)
      .map((route) => ({ name: route, value: route }));
  }

  /** Forgets interactions whose tokens expired long ago (at start-up). */
  const prune = () => deps.interactions.prune(deps.clock() - INTERACTION_KEEP_MS);

  return { handle, autocomplete, prune };
}

export type DiscordCommandsService = ReturnType<typeof createDiscordCommands>;
