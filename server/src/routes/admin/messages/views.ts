import type { ConversationView, TakenMessageView, TurnView, WebhookView } from '@ai-secretary/protocol';
import { toIso } from '../../../core/clock.js';
import type { WebhookRecord } from '../../../core/messages/types.js';
import type { ConversationRecord, TakenMessage, TurnRecord } from '../../../core/voice/ports.js';

export function toMessageView(m: TakenMessage): TakenMessageView {
  return {
    id: m.id,
    conversationId: m.conversationId,
    channel: m.channel,
    source: m.source,
    callerName: m.callerName,
    callbackNumber: m.callbackNumber,
    reason: m.reason,
    createdAt: toIso(m.createdAt),
    handledAt: toIso(m.handledAt),
    handledBy: m.handledBy,
  };
}

export function toWebhookView(w: WebhookRecord): WebhookView {
  return {
    id: w.id,
    url: w.url,
    event: w.event === '*' ? '*' : 'message.taken',
    enabled: w.enabled,
    createdAt: toIso(w.createdAt),
    lastDeliveryAt: toIso(w.lastDeliveryAt),
    lastStatus: w.lastStatus,
    lastError: w.lastError,
  };
}

export function toConversationView(c: ConversationRecord): ConversationView {
  return {
    id: c.id,
    channel: c.channel,
    caller: c.caller,
    startedAt: toIso(c.startedAt),
    endedAt: toIso(c.endedAt),
    outcome: c.outcome,
    turnCount: c.turnCount,
    degradations: c.degradations.map((d) => ({
      at: toIso(d.atMs),
      kind: d.kind,
      ...(d.detail === undefined ? {} : { detail: d.detail }),
    })),
  };
}

export function toTurnView(t: TurnRecord): TurnView {
  return {
    index: t.index,
    mode: t.mode,
    outcome: t.outcome,
    userText: t.userText,
    assistantText: t.assistantText,
    startedAt: toIso(t.startedAt),
    endedAt: toIso(t.endedAt),
    toolCalls: t.toolCalls,
    metrics: t.metrics,
  };
}
