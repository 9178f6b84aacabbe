import type { TurnReplyMessage, TurnStartMessage } from '@ai-secretary/protocol';
import { AppError, LlmUnavailableError, SpeechUnavailableError } from '../../errors.js';
import { LimitExceededError } from '../../errors.js';
import type { LlmRouter } from '../llm/router.js';
import { runToolLoop } from '../llm/tool-loop.js';
import { newId } from '../ids.js';
import type { OwnerPrompt } from '../owner/owner-commands.js';
import { NO_TURN_TOOLS, type TurnTools } from '../owner/turn-tools.js';
import { TELEGRAM_TEXTS, type TelegramTexts } from './texts.js';
import type { TelegramBotRecord, TelegramTurnRecord, TelegramTurnStatus, TelegramTurnStore } from './types.js';

/** Speech for voice notes: OGG/Opus in, text out; text in, OGG/Opus out. */
export interface TelegramSpeech {
  /** The transcript ('' when nothing was said); SpeechInputError for audio that is too long or unreadable. */
  transcribe(ogg: Buffer, options: { language: string; signal: AbortSignal }): Promise<string>;
  /** An OGG/Opus voice note, or null when no voice can say it. */
  synthesize(
    text: string,
    options: { voice: string | null; language: string; signal: AbortSignal },
  ): Promise<Buffer | null>;
  /** Keeps the user's voice note (admin playback); returns its path, or null. */
  keep?(botId: string, turnId: string, ogg: Buffer): Promise<string | null>;
}

/** Where a turn's reply goes while it is written: the bot process's link. */
export interface TurnOutput {
  delta(text: string): void;
  reply(message: Omit<TurnReplyMessage, 'type' | 'turnId'>): void;
  /** An owner command waits for its Confirm / Cancel (sent after the reply). */
  prompt?(prompt: OwnerPrompt): void;
}

export interface TelegramTurnServiceDeps {
  turns: TelegramTurnStore;
  router: Pick<LlmRouter, 'chat'>;
  speech: TelegramSpeech;
  clock: () => number;
  firstTokenTimeoutMs: number;
  replyTimeoutMs: number;
  maxVoiceSeconds: number;
  onError: (error: unknown, context: string) => void;
  /** The tools offered in a turn (core/owner/turn-tools: an admin user's private chat gets the owner tools). */
  tools?: (bot: TelegramBotRecord, turn: TurnStartMessage) => TurnTools;
  /** A system prompt for this chat before the user's words (a funnel's LLM step), or null. */
  systemPrompt?: (bot: TelegramBotRecord, chatId: number) => Promise<string | null>;
}

/** A turn's answer before it is stored and sent. */
interface Answer {
  status: Exclude<TelegramTurnStatus, 'answering'>;
  text: string;
  transcript: string | null;
  voice: Buffer | null;
  /** Offer the user to leave a message (no model could answer). */
  offerMessage?: boolean;
}

const sessionKey = (botId: string, chatId: number) => `telegram:${botId}:${chatId}`;

/** At most `limit` events per key in any `windowMs`; `take` answers 0 (go ahead) or the seconds to wait. */
function slidingWindow(clock: () => number, maxKeys = 10_000) {
  const events = new Map<string, number[]>();
  return {
    take(key: string, limit: number, windowMs: number): number {
      const now = clock();
      const recent = (events.get(key) ?? []).filter((at) => at > now - windowMs);
      if (recent.length >= limit) return Math.max(1, Math.ceil((recent[0]! + windowMs - now) / 1000));
      if (events.size >= maxKeys && !events.has(key)) events.clear();
      events.set(key, [...recent, now]);
      return 0;
    },
  };
}

/**
 * Answers Telegram turns: one per update, claimed in the database first, so an update Telegram (or a restarted
 * bot process) delivers again is answered once. Checks who may talk and how fast, transcribes voice notes,
 * streams the persona's answer through the LLM router (usage per bot instance, memory per chat), and says
 * something polite whenever it cannot answer.
 */
export function createTelegramTurnService(deps: TelegramTurnServiceDeps) {
  const inFlight = new Map<string, AbortController>();
  const window = slidingWindow(deps.clock);

  function refusal(bot: TelegramBotRecord, turn: TurnStartMessage, texts: TelegramTexts): Answer | null {
    const { settings } = bot;
    const userId = turn.from.id;
    if (settings.blockedUsers.includes(userId)) return { status: 'refused', text: '', transcript: null, voice: null };
    if (
      settings.allowedUsers.length > 0 &&
      !settings.allowedUsers.includes(userId) &&
      !settings.adminUsers.includes(userId)
    )
      return { status: 'refused', text: texts.notAllowed, transcript: null, voice: null };
    const wait = window.take(
      `${bot.id}:${userId}`,
      settings.rateLimit.messages,
      settings.rateLimit.windowSeconds * 1000,
    );
    if (wait > 0) return { status: 'refused', text: texts.slowDown(wait), transcript: null, voice: null };
    return null;
  }

  async function heard(bot: TelegramBotRecord, turn: TurnStartMessage, signal: AbortSignal): Promise<string> {
    if (!turn.voice) return turn.text ?? '';
    return deps.speech.transcribe(Buffer.from(turn.voice.ogg, 'base64'), { language: bot.settings.language, signal });
  }

  async function write(
    bot: TelegramBotRecord,
    turn: TurnStartMessage,
    text: string,
    out: TurnOutput & { tools: TurnTools },
    signal: AbortSignal,
  ) {
    const system = (await deps.systemPrompt?.(bot, turn.chat.id)) ?? null;
    const request = {
      route: bot.settings.persona,
      messages: [
        ...(system ? [{ role: 'system' as const, content: system }] : []),
        { role: 'user' as const, content: text },
      ],
      channel: 'telegram',
      instanceId: bot.id,
      sessionKey: sessionKey(bot.id, turn.chat.id),
      user: `telegram:${turn.from.id}`,
      firstTokenTimeoutMs: deps.firstTokenTimeoutMs,
      signal,
    };
    const onDelta = (delta: string) => out.delta(delta);
    return (await runToolLoop({ router: deps.router, request, tools: out.tools.tools, onDelta })).text;
  }

  function wantsVoice(bot: TelegramBotRecord, turn: TurnStartMessage): boolean {
    const mode = bot.settings.voiceReplies;
    return mode === 'always' || (mode === 'voice' && turn.kind === 'voice');
  }

  async function voiceOf(bot: TelegramBotRecord, text: string, signal: AbortSignal): Promise<Buffer | null> {
    try {
      return await deps.speech.synthesize(text, {
        voice: bot.settings.ttsVoice,
        language: bot.settings.language,
        signal,
      });
    } catch (error) {
      deps.onError(error, 'telegram voice reply failed; replying with text');
      return null;
    }
  }

  /** What to say when something failed: the failure's own apology, or the general one. */
  function apology(error: unknown, texts: TelegramTexts, stage: 'listen' | 'answer'): Answer {
    const say = (text: string, status: Answer['status'] = 'failed'): Answer => ({
      status,
      text,
      transcript: null,
      voice: null,
    });
    if (error instanceof LimitExceededError) return say(texts.limitReached, 'refused');
    if (stage === 'listen') {
      if (error instanceof SpeechUnavailableError) return say(texts.voiceUnavailable);
      if (error instanceof AppError && error.details?.reason === 'AUDIO_TOO_LONG')
        return say(texts.voiceTooLong(deps.maxVoiceSeconds), 'refused');
      return say(texts.voiceUnreadable);
    }
    if (!(error instanceof LlmUnavailableError)) deps.onError(error, 'telegram answer failed');
    return { ...say(texts.llmDown), offerMessage: true };
  }

  async function answer(
    bot: TelegramBotRecord,
    turn: TurnStartMessage,
    out: TurnOutput & { tools: TurnTools },
    signal: AbortSignal,
  ): Promise<Answer> {
    const texts = TELEGRAM_TEXTS[bot.settings.language];
    const refused = refusal(bot, turn, texts);
    if (refused) return refused;
    let text: string;
    try {
      text = (await heard(bot, turn, signal)).trim();
    } catch (error) {
      return apology(error, texts, 'listen');
    }
    const transcript = turn.voice ? text : null;
    if (!text) return { status: 'failed', text: texts.voiceUnreadable, transcript, voice: null };
    try {
      const reply = (await write(bot, turn, text, out, signal)) || texts.empty;
      const voice = wantsVoice(bot, turn) ? await voiceOf(bot, reply, signal) : null;
      return { status: 'answered', text: reply, transcript, voice };
    } catch (error) {
      return { ...apology(error, texts, 'answer'), transcript };
    }
  }

  function newTurn(bot: TelegramBotRecord, turn: TurnStartMessage): TelegramTurnRecord {
    const now = deps.clock();
    return {
      id: newId(),
      botId: bot.id,
      updateId: turn.updateId,
      chatId: turn.chat.id,
      userId: turn.from.id,
      userName: turn.from.username ? `@${turn.from.username}` : (turn.from.name ?? null),
      kind: turn.kind,
      text: turn.text ?? '',
      reply: null,
      replyVoice: false,
      status: 'answering',
      delivered: false,
      audioPath: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** A turn seen before: nothing (delivered), the stored reply again, or null to answer it afresh. */
  function replay(stored: TelegramTurnRecord): Omit<TurnReplyMessage, 'type' | 'turnId'> | null {
    if (stored.delivered || stored.reply === '') return { text: '', transcript: null, voice: null, skip: true };
    if (stored.status === 'answering' || stored.reply === null) return null;
    return { text: stored.reply, transcript: stored.kind === 'voice' ? stored.text : null, voice: null, skip: false };
  }

  async function keepAudio(bot: TelegramBotRecord, record: TelegramTurnRecord, turn: TurnStartMessage) {
    if (!turn.voice || !deps.speech.keep) return;
    try {
      const audioPath = await deps.speech.keep(bot.id, record.id, Buffer.from(turn.voice.ogg, 'base64'));
      if (audioPath) await deps.turns.update(record.id, { audioPath });
    } catch (error) {
      deps.onError(error, 'telegram voice note not kept');
    }
  }

  /** Answers one turn (once per update, whatever the number of deliveries). */
  async function handle(bot: TelegramBotRecord, turn: TurnStartMessage, out: TurnOutput): Promise<void> {
    const { turn: stored, created } = await deps.turns.claim(newTurn(bot, turn));
    const again = created ? null : replay(stored);
    if (again) return out.reply(again);
    const key = `${bot.id}:${turn.updateId}`;
    inFlight.get(key)?.abort(); // an earlier delivery of this update whose bot process is gone
    const controller = new AbortController();
    inFlight.set(key, controller);
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(deps.replyTimeoutMs)]);
    try {
      if (created) await keepAudio(bot, stored, turn);
      const tools = deps.tools?.(bot, turn) ?? NO_TURN_TOOLS;
      const result = await answer(bot, turn, { ...out, tools }, signal);
      if (controller.signal.aborted) return;
      await deps.turns.update(stored.id, {
        ...(result.transcript !== null ? { text: result.transcript } : {}),
        reply: result.text,
        replyVoice: result.voice !== null,
        status: result.status,
        updatedAt: deps.clock(),
      });
      if (result.text === '') return out.reply({ text: '', transcript: null, voice: null, skip: true }); // blocked
      out.reply({
        text: result.text,
        transcript: result.transcript,
        voice: result.voice?.toString('base64') ?? null,
        skip: false,
        ...(result.offerMessage ? { offerMessage: true } : {}),
      });
      for (const prompt of tools.prompts()) out.prompt?.(prompt);
    } finally {
      if (inFlight.get(key) === controller) inFlight.delete(key);
    }
  }

  /** The bot process says Telegram has the reply: a redelivery of that update sends nothing. */
  async function delivered(botId: string, updateId: number): Promise<void> {
    const turn = await deps.turns.findByUpdate(botId, updateId);
    if (turn && !turn.delivered) await deps.turns.update(turn.id, { delivered: true, updatedAt: deps.clock() });
  }

  return {
    handle,
    delivered,
    /** Cancels every turn in flight (shutdown). */
    abortAll: () => {
      for (const controller of inFlight.values()) controller.abort();
    },
    sessionKey,
  };
}

export type TelegramTurnService = ReturnType<typeof createTelegramTurnService>;
