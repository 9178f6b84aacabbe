import { ForbiddenError, RateLimitError, WidgetMessageTooLongError, WidgetOriginError } from '../../errors.js';
import type { LlmRouter } from '../llm/router.js';
import { textOf, type ConversationMemory } from '../llm/memory.js';
import { newId } from '../ids.js';
import { isOpenAtInstant, type BusinessSchedule } from '../settings/business-hours.js';
import type { ConversationStore, MessageNotifier, TakenMessage } from '../voice/ports.js';
import { DEFAULT_APPEARANCE, type WidgetTokenRecord } from '../widget-tokens/types.js';
import type { WidgetTokensService } from '../widget-tokens/widget-tokens-service.js';
import { createSlidingWindow } from './sliding-window.js';
import type { WidgetHistoryEntry, WidgetTranscript } from './widget-transcript.js';

export interface WidgetLimits {
  /** Chat and form requests per token per minute (all visitors of one website together). */
  perTokenPerMinute: number;
  /** Chat and form requests per client address per minute. */
  perIpPerMinute: number;
  maxMessageChars: number;
  firstTokenTimeoutMs: number;
}

export interface WidgetBusiness {
  name: () => string;
  greeting: () => string | null;
  language: () => 'ru' | 'en';
  schedule: () => BusinessSchedule;
}

export interface WidgetChatServiceDeps {
  widgetTokens: Pick<WidgetTokensService, 'verify'>;
  router: Pick<LlmRouter, 'chat'>;
  memory: Pick<ConversationMemory, 'load'>;
  messages: Pick<ConversationStore, 'addMessage'>;
  transcript: WidgetTranscript;
  notifier: MessageNotifier;
  business: WidgetBusiness;
  /** The persona for a token without one, by language (`secretary`, `secretary-ru`). */
  defaultRoute: (language: 'ru' | 'en') => string;
  limits: WidgetLimits;
  clock: () => number;
}

/** Who is asking: the token record (verified with the page's Origin), the visitor and the client address. */
export interface WidgetCaller {
  token: WidgetTokenRecord;
  visitorId: string;
  ip: string;
}

export const widgetSessionKey = (tokenId: string, visitorId: string) => `widget:${tokenId}:${visitorId}`;
const MINUTE_MS = 60_000;

/**
 * The website widget's conversations: one memory per (token, visitor) through the LLM router, the token's persona
 * (never one the page names), usage under `channel: 'widget'` and the token id, rate limits per token and per
 * address, and the leave-a-message form when no model answers or the business is closed.
 */
export function createWidgetChatService(deps: WidgetChatServiceDeps) {
  const window = createSlidingWindow(deps.clock);

  async function authorize(token: string, origin: string | undefined): Promise<WidgetTokenRecord> {
    try {
      return await deps.widgetTokens.verify(token, origin);
    } catch (error) {
      if (error instanceof ForbiddenError) throw new WidgetOriginError();
      throw error;
    }
  }

  const appearance = (token: WidgetTokenRecord) => ({ ...DEFAULT_APPEARANCE, ...token.appearance });
  const languageOf = (token: WidgetTokenRecord) => appearance(token).language ?? deps.business.language();

  function config(token: WidgetTokenRecord, voice: boolean) {
    const look = appearance(token);
    return {
      title: look.title,
      greeting: look.greeting ?? deps.business.greeting(),
      color: look.color,
      position: look.position ?? 'right',
      language: languageOf(token),
      businessName: deps.business.name(),
      open: isOpenAtInstant(deps.business.schedule(), deps.clock()),
      maxMessageChars: deps.limits.maxMessageChars,
      voice,
    } as const;
  }

  function throttle(caller: WidgetCaller): void {
    const { perTokenPerMinute, perIpPerMinute } = deps.limits;
    const wait = Math.max(
      window.take(`token:${caller.token.id}`, perTokenPerMinute, MINUTE_MS),
      window.take(`ip:${caller.ip}`, perIpPerMinute, MINUTE_MS),
    );
    if (wait > 0) {
      throw new RateLimitError('WIDGET_RATE_LIMITED', `Too many messages; try again in ${wait} s`, wait);
    }
  }

  /** Checks the size and the rates before anything is streamed (the route answers these as JSON errors). */
  function admit(caller: WidgetCaller, text: string): void {
    if ([...text].length > deps.limits.maxMessageChars)
      throw new WidgetMessageTooLongError(deps.limits.maxMessageChars);
    throttle(caller);
  }

  /** Resolves at the first token (errors before it reject); the reply then streams through `onDelta`. */
  async function chat(caller: WidgetCaller, text: string, signal: AbortSignal) {
    return deps.router.chat({
      route: caller.token.route ?? deps.defaultRoute(languageOf(caller.token)),
      messages: [{ role: 'user', content: text }],
      channel: 'widget',
      instanceId: caller.token.id,
      sessionKey: widgetSessionKey(caller.token.id, caller.visitorId),
      user: `widget:${caller.visitorId}`,
      firstTokenTimeoutMs: deps.limits.firstTokenTimeoutMs,
      signal,
    });
  }

  /** Keeps the answered question in the transcript (the history with times); called before `done` is sent. */
  async function remember(caller: WidgetCaller, question: string, answer: string, startedAt: number) {
    const turn = { userText: question, assistantText: answer, startedAt, endedAt: deps.clock() };
    await deps.transcript.record(widgetSessionKey(caller.token.id, caller.visitorId), caller.token.name, turn);
  }

  /** The transcript; a conversation from before transcripts existed falls back to the memory, without times. */
  async function history(caller: Omit<WidgetCaller, 'ip'>): Promise<WidgetHistoryEntry[]> {
    const key = widgetSessionKey(caller.token.id, caller.visitorId);
    const recorded = await deps.transcript.history(key);
    if (recorded.length > 0) return recorded;
    return (await deps.memory.load(key)).flatMap((m) => {
      const text = textOf(m.content);
      return (m.role === 'user' || m.role === 'assistant') && text !== '' ? [{ role: m.role, text, at: null }] : [];
    });
  }

  async function leaveMessage(caller: WidgetCaller, form: { name: string; contact: string; text: string }) {
    throttle(caller);
    const message: TakenMessage = {
      id: newId(),
      conversationId: null,
      channel: 'widget',
      source: 'scripted',
      callerName: form.name.trim(),
      callbackNumber: form.contact.trim(),
      reason: form.text.trim(),
      createdAt: deps.clock(),
      handledAt: null,
      handledBy: null,
    };
    await deps.messages.addMessage(message);
    void deps.notifier.messageTaken(message);
    return message;
  }

  return { authorize, config, admit, chat, remember, history, leaveMessage, now: deps.clock };
}

export type WidgetChatService = ReturnType<typeof createWidgetChatService>;
