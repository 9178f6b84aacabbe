import type {
  FunnelDefinition,
  FunnelInputMessage,
  FunnelPreviewRequest,
  FunnelPreviewResponse,
  FunnelStep,
} from '@ai-secretary/protocol';
import { FunnelNoDraftError, NotFoundError } from '../../../errors.js';
import type {
  TelegramBotRecord,
  TelegramEventStore,
  TelegramSubscriberRecord,
  TelegramSubscriberStore,
} from '../types.js';
import { runFunnel, type FunnelEvent, type FunnelOutcome, type FunnelState } from './engine.js';
import { funnelLanguage } from './texts.js';
import type {
  FunnelStoredReply,
  TelegramFunnelProgressRecord,
  TelegramFunnelProgressStore,
  TelegramFunnelRecord,
  TelegramFunnelStore,
} from './types.js';
import { assertFunnelValid } from './validate.js';

/** A subscriber asked for a manager at an offer: becomes a taken message to the owner. */
export interface FunnelManagerRequest {
  botId: string;
  chatId: number;
  user: string;
  step: string;
  productId: string | null;
  segment: string | null;
  answers: Record<string, string>;
}

export interface TelegramFunnelServiceDeps {
  funnels: TelegramFunnelStore;
  progress: TelegramFunnelProgressStore;
  subscribers: TelegramSubscriberStore;
  events: TelegramEventStore;
  clock: () => number;
  takeMessage(request: FunnelManagerRequest): Promise<void>;
  /** A draft was published (the running bot learns it has a funnel). */
  onPublished?(botId: string): Promise<void>;
}

const NOT_HANDLED: FunnelStoredReply = { handled: false, messages: [] };

const userLabel = (from: FunnelInputMessage['from']) =>
  from.username ? `@${from.username}` : (from.name ?? String(from.id));

/**
 * The sales funnel of each bot: versions (a draft edited, then published; a subscriber keeps walking the version
 * they started, whatever is published meanwhile), each subscriber's place, answers and consent, the events the
 * analytics count, and the segment, step and last activity kept on the subscriber for follow-ups and broadcasts.
 * One answer per update: a redelivered update is answered with the stored reply (or nothing once delivered), and
 * its events and taken message are keyed by the update, so a crash between any two writes repeats none of them.
 */
export function createTelegramFunnelService(deps: TelegramFunnelServiceDeps) {
  async function draftOrPublished(botId: string): Promise<TelegramFunnelRecord | null> {
    return deps.funnels.latest(botId);
  }

  async function saveDraft(botId: string, definition: FunnelDefinition): Promise<TelegramFunnelRecord> {
    assertFunnelValid(definition);
    const latest = await deps.funnels.latest(botId);
    if (latest && latest.publishedAt === null && (await deps.funnels.updateDraft(botId, latest.version, definition)))
      return { ...latest, definition };
    const record = {
      botId,
      version: (latest?.version ?? 0) + 1,
      definition,
      createdAt: deps.clock(),
      publishedAt: null,
    };
    await deps.funnels.insert(record);
    return record;
  }

  async function publish(botId: string): Promise<TelegramFunnelRecord> {
    const latest = await deps.funnels.latest(botId);
    if (!latest || latest.publishedAt !== null) throw new FunnelNoDraftError();
    assertFunnelValid(latest.definition);
    const at = deps.clock();
    if (!(await deps.funnels.publish(botId, latest.version, at))) throw new FunnelNoDraftError();
    await deps.onPublished?.(botId);
    return { ...latest, publishedAt: at };
  }

  async function preview(botId: string, request: FunnelPreviewRequest): Promise<FunnelPreviewResponse> {
    const definition = request.definition ?? (await draftOrPublished(botId))?.definition;
    if (!definition) throw new NotFoundError('Funnel');
    assertFunnelValid(definition);
    const position = request.position ?? { step: null, answers: {}, segment: null };
    const outcome = runFunnel(definition, position, request.input, { language: request.language, userKey: 'preview' });
    return { messages: outcome.messages, position: outcome.state, llmPrompt: outcome.llmPrompt };
  }

  async function subscribe(botId: string, message: FunnelInputMessage): Promise<void> {
    const now = deps.clock();
    const { from } = message;
    await deps.subscribers.upsert({
      botId,
      chatId: message.chatId,
      userId: from.id,
      userName: from.username ? `@${from.username}` : (from.name ?? null),
      language: from.languageCode ?? null,
      source: message.source ?? null,
      status: 'active',
      subscribedAt: now,
      updatedAt: now,
    });
  }

  /** The version a subscriber walks: theirs if they are in one, the published one for a (re)start. */
  async function versionFor(
    botId: string,
    input: FunnelInputMessage['input'],
    progress: TelegramFunnelProgressRecord | null,
  ): Promise<TelegramFunnelRecord | null> {
    const restart = input.kind === 'start' || (!progress && input.kind === 'press' && input.data === 'funnel:resume');
    if (restart || !progress) return restart ? deps.funnels.published(botId) : null;
    return deps.funnels.get(botId, progress.version);
  }

  async function recordEvents(
    botId: string,
    message: FunnelInputMessage,
    subscriber: TelegramSubscriberRecord | null,
    outcome: FunnelOutcome,
  ): Promise<boolean[]> {
    const fresh: boolean[] = [];
    for (const [index, event] of outcome.events.entries())
      fresh.push(
        await deps.events.record({
          botId,
          chatId: message.chatId,
          type: event.type,
          step: event.step,
          segment: outcome.state.segment,
          source: subscriber?.source ?? message.source ?? null,
          variant: 'variant' in event ? event.variant : null,
          data: eventData(event),
          dedupeKey: `funnel:${message.chatId}:${message.updateId}:${index}`,
          at: deps.clock(),
        }),
      );
    return fresh;
  }

  async function takeManager(
    botId: string,
    message: FunnelInputMessage,
    outcome: FunnelOutcome,
    fresh: boolean[],
  ): Promise<void> {
    const index = outcome.events.findIndex((e) => e.type === 'manager.requested');
    if (!outcome.manager || index < 0 || !fresh[index]) return; // taken already for this update
    const { step, productId } = outcome.manager;
    const { answers, segment } = outcome.state;
    await deps.takeMessage({
      botId,
      chatId: message.chatId,
      user: userLabel(message.from),
      step,
      productId,
      segment,
      answers,
    });
  }

  async function store(
    botId: string,
    message: FunnelInputMessage,
    version: number,
    outcome: FunnelOutcome,
    previous: TelegramFunnelProgressRecord | null,
  ): Promise<FunnelStoredReply> {
    const now = deps.clock();
    const reply = { handled: outcome.handled, messages: outcome.messages };
    const restarted = message.input.kind === 'start';
    await deps.subscribers.setFunnel(botId, message.chatId, {
      segment: outcome.state.segment,
      funnelStep: outcome.state.step,
      lastActivityAt: now,
    });
    await deps.progress.put({
      botId,
      chatId: message.chatId,
      version,
      step: outcome.state.step,
      answers: outcome.state.answers,
      consentAt: outcome.consent
        ? restarted
          ? now
          : (previous?.consentAt ?? now)
        : restarted
          ? null
          : (previous?.consentAt ?? null),
      lastUpdateId: message.updateId,
      lastReply: reply,
      delivered: false,
      updatedAt: now,
    });
    return reply;
  }

  /** One input from a bot (/start, a `funnel:` press, a private text): the messages to send, or not handled. */
  async function handle(bot: TelegramBotRecord, message: FunnelInputMessage): Promise<FunnelStoredReply> {
    if (message.input.kind === 'start') await subscribe(bot.id, message);
    const progress = await deps.progress.get(bot.id, message.chatId);
    if (progress && progress.lastUpdateId === message.updateId && progress.lastReply)
      return progress.delivered ? { handled: progress.lastReply.handled, messages: [] } : progress.lastReply;
    const funnel = await versionFor(bot.id, message.input, progress);
    if (!funnel) return message.input.kind === 'press' ? { handled: true, messages: [] } : NOT_HANDLED;
    const subscriber = await deps.subscribers.get(bot.id, message.chatId);
    const state: FunnelState = {
      step: progress?.version === funnel.version ? progress.step : null,
      answers: progress?.version === funnel.version ? progress.answers : {},
      segment: subscriber?.segment ?? null,
    };
    const language = funnelLanguage(subscriber?.language ?? message.from.languageCode, bot.settings.language);
    const input =
      message.input.kind === 'press' && message.input.data === 'funnel:resume' && !progress
        ? { kind: 'start' as const }
        : message.input;
    const outcome = runFunnel(funnel.definition, state, input, { language, userKey: `${bot.id}:${message.from.id}` });
    if (!outcome.handled) {
      await deps.subscribers.setFunnel(bot.id, message.chatId, { lastActivityAt: deps.clock() });
      return NOT_HANDLED;
    }
    const fresh = await recordEvents(bot.id, message, subscriber, outcome);
    await takeManager(bot.id, message, outcome, fresh);
    return store(bot.id, message, funnel.version, outcome, progress);
  }

  /** The step prompt for a subscriber talking to the model on an LLM step (null elsewhere). */
  async function llmPrompt(botId: string, chatId: number): Promise<string | null> {
    const progress = await deps.progress.get(botId, chatId);
    if (!progress?.step) return null;
    const funnel = await deps.funnels.get(botId, progress.version);
    const step: FunnelStep | undefined = funnel?.definition.steps.find((s) => s.id === progress.step);
    return step?.type === 'llm' ? step.prompt : null;
  }

  async function unsubscribed(botId: string, chatId: number): Promise<void> {
    const subscriber = await deps.subscribers.get(botId, chatId);
    if (!subscriber) return;
    await deps.events.record({
      botId,
      chatId,
      type: 'unsubscribed',
      step: subscriber.funnelStep ?? null,
      segment: subscriber.segment ?? null,
      source: subscriber.source,
      variant: null,
      data: null,
      dedupeKey: null,
      at: deps.clock(),
    });
  }

  return {
    get: async (botId: string) => ({
      latest: await deps.funnels.latest(botId),
      published: await deps.funnels.published(botId),
    }),
    saveDraft,
    publish,
    preview,
    handle,
    llmPrompt,
    unsubscribed,
    delivered: (botId: string, chatId: number, updateId: number) =>
      deps.progress.markDelivered(botId, chatId, updateId),
    isLive: async (botId: string) => (await deps.funnels.published(botId)) !== null,
    progress: (botId: string) => deps.progress.list(botId),
  };
}

/** What an event keeps besides its columns (never free-text answers: a name or a phone stays in the progress row). */
function eventData(event: FunnelEvent): Record<string, unknown> | null {
  switch (event.type) {
    case 'step.answered':
      return event.field ? { field: event.field, ...(event.value !== null ? { value: event.value } : {}) } : null;
    case 'offer.shown':
    case 'manager.requested':
      return event.productId ? { productId: event.productId } : null;
    case 'step.shown':
    case 'segment.assigned':
      return null;
  }
}

export type TelegramFunnelService = ReturnType<typeof createTelegramFunnelService>;
