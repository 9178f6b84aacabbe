import type { Clock } from '../clock.js';
import type { ConversationStore } from './records.js';
import type { ChatMessage } from './types.js';

/** Rough token estimate (≈ 4 characters per token) used for memory budgets and missing usage. */
export function estimateTokens(messages: ChatMessage[]): number {
  let chars = 0;
  for (const message of messages) chars += textOf(message.content).length + 4;
  return Math.ceil(chars / 4);
}

export function textOf(content: ChatMessage['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

/**
 * Conversation memory keyed by channel and source (`telegram:<bot>:<chat>`, `gsm:<call>`), bounded
 * by a token budget: the oldest turns are dropped first, and a tool result never survives its call.
 */
export function createConversationMemory(deps: { store: ConversationStore; clock: Clock; tokenBudget: number }) {
  function trim(messages: ChatMessage[]): ChatMessage[] {
    const kept = [...messages];
    while (kept.length > 0 && estimateTokens(kept) > deps.tokenBudget) kept.shift();
    while (kept[0] && kept[0].role !== 'user') kept.shift();
    return kept;
  }

  async function load(key: string): Promise<ChatMessage[]> {
    return (await deps.store.find(key))?.messages ?? [];
  }

  async function append(key: string, added: ChatMessage[]): Promise<ChatMessage[]> {
    const messages = trim([
      ...(await load(key)),
      ...added.filter((m) => m.role !== 'system' && m.role !== 'developer'),
    ]);
    const channel = key.split(':')[0] ?? 'unknown';
    await deps.store.save({ key, channel, messages, tokens: estimateTokens(messages), updatedAt: deps.clock() });
    return messages;
  }

  return { load, append, clear: (key: string) => deps.store.remove(key) };
}

export type ConversationMemory = ReturnType<typeof createConversationMemory>;
