import type { DiscordTurnReplyMessage, DiscordTurnStartMessage } from '@ai-secretary/protocol';
import { LimitExceededError, LlmUnavailableError } from '../../errors.js';
import type { LlmRouter } from '../llm/router.js';
import { runToolLoop, type ToolCallRecord } from '../llm/tool-loop.js';
import { newId } from '../ids.js';
import type { OwnerPrompt } from '../owner/owner-commands.js';
import { NO_TURN_TOOLS, type TurnTools } from '../owner/turn-tools.js';
import { compareSnowflakes, previousSnowflake, snowflakeAt } from './snowflake.js';
import type { DiscordTurnPlan } from './guild-settings.js';
import { createSessionLanes, type LaneSlot } from './session-lanes.js';
import { DISCORD_TEXTS, type DiscordTexts } from './texts.js';
import type { DiscordBotRecord, DiscordTurnRecord, DiscordTurnStatus, DiscordTurnStore } from './types.js';

/** Where a turn's reply goes while it is written: the bot process's link. */
export interface DiscordTurnOutput {
  /** An earlier process began the reply in this message: go on editing it. */
  adopt(messageId: string): void;
  delta(text: string): void;
  reply(message: Omit<DiscordTurnReplyMessage, 'type' | 'turnId'>): void;
  /** An owner command waits for its Confirm / Cancel (sent after the reply). */
  prompt?(prompt: OwnerPrompt): void;
}

export interface DiscordTurnServiceDeps {
  turns: DiscordTurnStore;
  router: Pick<LlmRouter, 'chat'>;
  clock: () => number;
  firstTokenTimeoutMs: number;
  replyTimeoutMs: number;
  onError: (error: unknown, context: string) => void;
  /** The tools offered in a turn (core/owner/turn-tools: owners' DMs get the owner tools). */
  tools?: (bot: DiscordBotRecord, turn: Turn) => TurnTools;
  /** Per server and channel (a thread: and its parent channel): route, persona, limits subject (guild-settings). */
  plan?: (
    bot: DiscordBotRecord,
    guildId: string | null,
    channelId: string,
    parentChannelId?: string,
  ) => Promise<DiscordTurnPlan>;
}

interface Answer {
  status: Exclude<DiscordTurnStatus, 'answering'>;
  text: string;
  toolCalls?: ToolCallRecord[];
}

/** A turn being answered: how (plan, tools), where to (out), and its place in the session. */
interface Job {
  plan: DiscordTurnPlan;
  tools: TurnTools;
  out: DiscordTurnOutput;
  slot: LaneSlot;
  signal: AbortSignal;
}

/** A newer turn took over: what was shown by then stays, marked as cut short (nothing shown: nothing sent). */
const cancelled = (written: string): Answer => ({
  status: 'cancelled',
  text: written.trim() ? `${written.trimEnd()} …` : '',
});

type Turn = Omit<DiscordTurnStartMessage, 'type'>;

const sessionKey = (botId: string, channelId: string) => `discord:${botId}:${channelId}`;
/** How far back a freshly started process looks for messages it may have missed. */
const CATCH_UP_MS = 10 * 60_000;
const SKIP = { text: '', skip: true } as const;

/** In a server channel the conversation is shared, so each user message carries its author (OpenAI `name`). */
function userMessage(turn: Turn): { role: 'user'; content: string; name?: string } {
  const name = turn.author.username.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return turn.guildId === null || !name
    ? { role: 'user', content: turn.text }
    : { role: 'user', content: turn.text, name };
}

/**
 * Answers Discord turns: one per message (or burst), claimed in the database first, so the same message is
 * answered once whatever the bot process does. Checks who may talk, streams the persona's answer through the
 * LLM router (usage per bot instance, memory per channel), and apologises whenever it cannot answer.
 */
export function createDiscordTurnService(deps: DiscordTurnServiceDeps) {
  const inFlight = new Map<string, AbortController>();
  const lanes = createSessionLanes();

  function refusal(bot: DiscordBotRecord, turn: Turn, texts: DiscordTexts): Answer | null {
    const { settings } = bot;
    const userId = turn.author.id;
    if (settings.blockedUsers.includes(userId)) return { status: 'refused', text: '' };
    if (settings.allowedUsers.length > 0 && !settings.allowedUsers.includes(userId))
      return { status: 'refused', text: texts.notAllowed };
    return null;
  }

  async function planOf(bot: DiscordBotRecord, turn: Turn): Promise<DiscordTurnPlan> {
    const planned = await deps.plan?.(bot, turn.guildId, turn.channelId, turn.parentChannelId);
    return planned ?? { route: bot.settings.persona, instanceId: bot.id, whileAnswering: 'queue' };
  }

  async function write(bot: DiscordBotRecord, turn: Turn, job: Job, onDelta: (text: string) => void) {
    const { plan, signal } = job;
    const request = {
      route: plan.route,
      messages: [userMessage(turn)],
      ...(plan.instructions ? { instructions: plan.instructions } : {}),
      ...(plan.temperature === undefined ? {} : { sampling: { temperature: plan.temperature } }),
      channel: 'discord',
      instanceId: plan.instanceId,
      userId: `discord:${turn.author.id}`,
      ...(plan.fallbackModels ? { fallbackModels: plan.fallbackModels } : {}),
      sessionKey: sessionKey(bot.id, turn.channelId),
      user: `discord:${turn.author.id}`,
      firstTokenTimeoutMs: deps.firstTokenTimeoutMs,
      signal,
    };
    return runToolLoop({ router: deps.router, request, tools: job.tools.tools, onDelta });
  }

  function apology(error: unknown, texts: DiscordTexts): Answer {
    if (error instanceof LimitExceededError) return { status: 'refused', text: texts.limitReached };
    if (!(error instanceof LlmUnavailableError)) deps.onError(error, 'discord answer failed');
    return { status: 'failed', text: texts.llmDown };
  }

  async function answer(bot: DiscordBotRecord, turn: Turn, job: Job): Promise<Answer> {
    const texts = DISCORD_TEXTS[bot.settings.language];
    const refused = refusal(bot, turn, texts);
    if (refused) return refused;
    if (!turn.text.trim()) return { status: 'refused', text: '' };
    let written = '';
    const onDelta = (text: string) => {
      written += text;
      job.out.delta(text);
    };
    try {
      const { text, toolCalls } = await write(bot, turn, job, onDelta);
      if (job.slot.cancelled) return cancelled(written);
      return { status: 'answered', text: text || texts.empty, toolCalls };
    } catch (error) {
      return job.slot.cancelled ? cancelled(written) : apology(error, texts);
    }
  }

  function newTurn(bot: DiscordBotRecord, turn: Turn): DiscordTurnRecord {
    const now = deps.clock();
    return {
      id: newId(),
      botId: bot.id,
      messageId: turn.turnId,
      channelId: turn.channelId,
      guildId: turn.guildId,
      userId: turn.author.id,
      userName: turn.author.displayName ?? turn.author.username,
      text: turn.text,
      reply: null,
      replyMessageId: null,
      status: 'answering',
      delivered: false,
      toolCalls: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** A turn seen before: nothing (delivered), the stored reply again, or null to answer it afresh. */
  function replay(stored: DiscordTurnRecord): Omit<DiscordTurnReplyMessage, 'type' | 'turnId'> | null {
    if (stored.delivered || stored.reply === '') return SKIP;
    if (stored.status === 'answering' || stored.reply === null) return null;
    return { text: stored.reply, skip: false };
  }

  async function store(stored: DiscordTurnRecord, result: Answer): Promise<void> {
    const toolCalls = result.toolCalls?.length ? result.toolCalls : null;
    await deps.turns.update(stored.id, {
      reply: result.text,
      status: result.status,
      toolCalls,
      updatedAt: deps.clock(),
    });
  }

  /** Answers one turn (once per message id, whatever the number of deliveries). */
  async function handle(bot: DiscordBotRecord, turn: Turn, out: DiscordTurnOutput): Promise<void> {
    const { turn: stored, created } = await deps.turns.claim(newTurn(bot, turn));
    const again = created ? null : replay(stored);
    if (!created && stored.replyMessageId && !stored.delivered) out.adopt(stored.replyMessageId);
    if (again) return out.reply(again);
    const key = `${bot.id}:${turn.turnId}`;
    inFlight.get(key)?.abort(); // an earlier delivery whose bot process is gone
    const controller = new AbortController();
    inFlight.set(key, controller);
    const plan = await planOf(bot, turn);
    const slot = await lanes.enter(sessionKey(bot.id, turn.channelId), plan.whileAnswering);
    try {
      if (controller.signal.aborted) return;
      const signal = AbortSignal.any([controller.signal, slot.signal, AbortSignal.timeout(deps.replyTimeoutMs)]);
      const tools = deps.tools?.(bot, turn) ?? NO_TURN_TOOLS;
      const result = await answer(bot, turn, { plan, tools, out, slot, signal });
      if (controller.signal.aborted) return;
      await store(stored, result);
      out.reply(result.text === '' ? SKIP : { text: result.text, skip: false });
      for (const prompt of tools.prompts()) out.prompt?.(prompt);
    } finally {
      slot.leave();
      if (inFlight.get(key) === controller) inFlight.delete(key);
    }
  }

  /** The bot process says Discord has the reply: the same message is not answered again. */
  async function delivered(botId: string, messageId: string): Promise<void> {
    const turn = await deps.turns.findByMessage(botId, messageId);
    if (turn && !turn.delivered) await deps.turns.update(turn.id, { delivered: true, updatedAt: deps.clock() });
  }

  /** The bot process shows the reply in `messageId` (a restarted process edits it on). */
  async function shown(botId: string, turnId: string, messageId: string): Promise<void> {
    const turn = await deps.turns.findByMessage(botId, turnId);
    if (turn && turn.replyMessageId === null) await deps.turns.update(turn.id, { replyMessageId: messageId });
  }

  /**
   * Per channel, the message id after which a new process should look for what it missed: before the oldest
   * turn not yet delivered, else after the newest delivered one (never further back than CATCH_UP_MS, nor
   * before the bot was last started or changed by an admin).
   */
  async function catchUp(bot: DiscordBotRecord) {
    const { id: botId } = bot;
    const channels = bot.settings.channels;
    // never before an admin last started or changed the bot: a new bot does not answer old messages
    const since = Math.max(deps.clock() - CATCH_UP_MS, bot.updatedAt);
    const after = new Map<string, string>(channels.map((channelId) => [channelId, snowflakeAt(since)]));
    const open = new Map<string, string>();
    for (const turn of await deps.turns.recent(botId, since, 1000)) {
      const current = after.get(turn.channelId) ?? snowflakeAt(since);
      const done = turn.delivered || turn.reply === '';
      if (done && compareSnowflakes(turn.messageId, current) > 0) after.set(turn.channelId, turn.messageId);
      else after.set(turn.channelId, current);
      const oldest = open.get(turn.channelId);
      if (!done && (!oldest || compareSnowflakes(turn.messageId, oldest) < 0)) open.set(turn.channelId, turn.messageId);
    }
    for (const [channelId, oldest] of open) after.set(channelId, previousSnowflake(oldest));
    return [...after].slice(0, 500).map(([channelId, afterMessageId]) => ({ channelId, afterMessageId }));
  }

  return {
    handle,
    delivered,
    shown,
    catchUp,
    /** Cancels every turn in flight (shutdown). */
    abortAll: () => {
      for (const controller of inFlight.values()) controller.abort();
    },
    sessionKey,
  };
}

export type DiscordTurnService = ReturnType<typeof createDiscordTurnService>;
