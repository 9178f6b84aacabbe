import { createHash } from 'node:crypto';
import type { ConversationsReadStore } from '../messages/types.js';
import { newId } from '../ids.js';
import type { ConversationStore, TurnRecord } from '../voice/ports.js';

/** What the visitor saw, with when: `at` is epoch ms (null for history kept before transcripts existed). */
export interface WidgetHistoryEntry {
  role: 'user' | 'assistant';
  text: string;
  at: number | null;
}

export interface WidgetTranscriptDeps {
  store: Pick<ConversationStore, 'createConversation' | 'updateConversation' | 'addTurn'> &
    Pick<ConversationsReadStore, 'findById' | 'turns'>;
}

/** The most recent turns the widget shows after a reload. */
const HISTORY_TURNS = 50;
const NO_METRICS = {
  endOfSpeechDelayMs: null,
  sttFinalMs: null,
  llmTtftMs: null,
  ttsFirstAudioMs: null,
  voiceToVoiceMs: null,
};

/** One conversation per (token, visitor), its id derived from the memory key so it is found again without a lookup table. */
export function widgetConversationId(sessionKey: string): string {
  const hex = createHash('sha256').update(sessionKey).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The widget's text chat as a conversation with turns (`channel: 'widget'`, listed with the other channels in
 * `/api/conversations`), so the history a visitor sees after a reload carries the time of each message.
 */
export function createWidgetTranscript(deps: WidgetTranscriptDeps) {
  async function ensureConversation(id: string, caller: string, at: number) {
    const found = await deps.store.findById(id);
    if (found) return found;
    const record = { id, channel: 'widget', caller, startedAt: at, endedAt: at, degradations: [] };
    await deps.store.createConversation({ ...record, outcome: 'completed', turnCount: 0 });
    return { ...record, turnCount: 0 };
  }

  /** Records one answered question: the user's text at `startedAt`, the reply at `endedAt`. */
  async function record(
    sessionKey: string,
    caller: string,
    turn: Pick<TurnRecord, 'userText' | 'assistantText' | 'startedAt' | 'endedAt'>,
  ) {
    const id = widgetConversationId(sessionKey);
    const conversation = await ensureConversation(id, caller, turn.startedAt);
    const index = (await deps.store.turns(id)).length;
    await deps.store.addTurn({
      ...turn,
      id: newId(),
      conversationId: id,
      index,
      mode: 'llm',
      outcome: 'completed',
      toolCalls: [],
      metrics: NO_METRICS,
    });
    await deps.store.updateConversation(conversation.id, { endedAt: turn.endedAt, turnCount: index + 1 });
  }

  async function history(sessionKey: string): Promise<WidgetHistoryEntry[]> {
    const turns = (await deps.store.turns(widgetConversationId(sessionKey))).slice(-HISTORY_TURNS);
    return turns.flatMap((t) => [
      ...(t.userText ? [{ role: 'user' as const, text: t.userText, at: t.startedAt }] : []),
      ...(t.assistantText ? [{ role: 'assistant' as const, text: t.assistantText, at: t.endedAt }] : []),
    ]);
  }

  return { record, history };
}

export type WidgetTranscript = ReturnType<typeof createWidgetTranscript>;
