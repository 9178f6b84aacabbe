import type { OwnerPromptMessage } from '@ai-secretary/protocol';
import { AppError } from '../../errors.js';
import type { AuditService } from '../audit/audit-service.js';
import { newId } from '../ids.js';
import { OWNER_TEXTS, type OwnerTexts } from './texts.js';
import type { OwnerActor, OwnerChannel, OwnerCommand, OwnerCommandRecord, OwnerCommandStore } from './types.js';

/** What an owner command does once confirmed: the same services the admin API uses; the string is the result. */
export interface OwnerExecutors {
  run(command: OwnerCommand, actorId: string): Promise<string>;
}

export interface OwnerCommandServiceDeps {
  store: OwnerCommandStore;
  executors: OwnerExecutors;
  audit: Pick<AuditService, 'record'>;
  clock: () => number;
  /** How long a confirmation stays valid (default 10 min). */
  ttlMs?: number;
  onError: (error: unknown, context: string) => void;
}

/** A button press as the channel saw it; `isOwner`: the presser is an owner of that bot now. */
export interface OwnerPress {
  channel: OwnerChannel;
  botId: string;
  chatId: string;
  commandId: string;
  action: 'confirm' | 'cancel';
  userId: string;
  userName: string;
  isOwner: boolean;
  language: 'en' | 'ru';
}

/** `edit`: the prompt becomes `text` (buttons gone); otherwise only the presser reads `text`. */
export interface OwnerPressAnswer {
  text: string;
  edit: boolean;
}

export type OwnerPrompt = Omit<OwnerPromptMessage, 'type'>;

const DEFAULT_TTL_MS = 10 * 60_000;

/** The audit log's actor id for an owner (`discord:<user id>`, `telegram:<user id>`). */
export const ownerActorId = (channel: OwnerChannel, userId: string) => `${channel}:${userId}`;

/**
 * Owner commands between the model's proposal and the owner's press: stored `pending`, shown with Confirm /
 * Cancel, and run at most once — the conditional pending → confirmed update decides which press (if any) runs
 * it; a second press, a press by anyone else, or one after expiry gets a clear answer and changes nothing.
 */
export function createOwnerCommandService(deps: OwnerCommandServiceDeps) {
  const ttlMs = deps.ttlMs ?? DEFAULT_TTL_MS;

  async function propose(actor: OwnerActor, command: OwnerCommand): Promise<OwnerCommandRecord> {
    const now = deps.clock();
    const record: OwnerCommandRecord = {
      id: newId(),
      channel: actor.channel,
      botId: actor.botId,
      chatId: actor.chatId,
      actorId: actor.userId,
      actorName: actor.userName.slice(0, 256),
      command,
      status: 'pending',
      result: null,
      createdAt: now,
      updatedAt: now,
      expiresAt: now + ttlMs,
    };
    await deps.store.insert(record);
    return record;
  }

  function promptOf(record: OwnerCommandRecord, language: 'en' | 'ru'): OwnerPrompt {
    const texts = OWNER_TEXTS[language];
    const text = texts.summary(record.command).slice(0, 2000);
    return {
      commandId: record.id,
      chatId: record.chatId,
      text,
      confirmLabel: texts.confirm,
      cancelLabel: texts.cancel,
    };
  }

  async function audit(record: OwnerCommandRecord, outcome: string, result: string | null): Promise<void> {
    try {
      await deps.audit.record({
        action: `owner.${record.command.kind}`,
        actor: { id: ownerActorId(record.channel, record.actorId), username: record.actorName },
        target: record.id,
        details: { channel: record.channel, botId: record.botId, outcome, command: record.command, result },
      });
    } catch (error) {
      deps.onError(error, 'owner command audit failed');
    }
  }

  async function finish(record: OwnerCommandRecord, texts: OwnerTexts, summary: string): Promise<OwnerPressAnswer> {
    try {
      const result = await deps.executors.run(record.command, ownerActorId(record.channel, record.actorId));
      await deps.store.transition(record.id, 'confirmed', 'executed', { result, updatedAt: deps.clock() });
      await audit(record, 'executed', result);
      return { text: texts.executed(summary, result), edit: true };
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) deps.onError(error, 'owner command failed');
      const reason = error instanceof AppError && error.code !== 'INTERNAL' ? error.message : 'internal error';
      await deps.store.transition(record.id, 'confirmed', 'failed', { result: reason, updatedAt: deps.clock() });
      await audit(record, 'failed', reason);
      return { text: texts.failed(summary, reason), edit: true };
    }
  }

  /** The status now (a press that lost a race reads what the winner made of it). */
  async function settled(record: OwnerCommandRecord, texts: OwnerTexts): Promise<OwnerPressAnswer> {
    const now = await deps.store.findById(record.id);
    return { text: texts.alreadyDone(now?.status ?? record.status), edit: false };
  }

  async function decide(record: OwnerCommandRecord, press: OwnerPress, texts: OwnerTexts): Promise<OwnerPressAnswer> {
    const summary = texts.summary(record.command);
    const at = { updatedAt: deps.clock() };
    if (deps.clock() > record.expiresAt) {
      await deps.store.transition(record.id, 'pending', 'expired', at);
      return { text: texts.expired(summary), edit: true };
    }
    if (press.action === 'cancel') {
      if (!(await deps.store.transition(record.id, 'pending', 'cancelled', at))) return settled(record, texts);
      await audit(record, 'cancelled', null);
      return { text: texts.cancelled(summary), edit: true };
    }
    if (!(await deps.store.transition(record.id, 'pending', 'confirmed', at))) return settled(record, texts);
    return finish(record, texts, summary);
  }

  /** A Confirm or Cancel press: only the owner who asked, in the chat it was asked in, decides. */
  async function press(input: OwnerPress): Promise<OwnerPressAnswer> {
    const texts = OWNER_TEXTS[input.language];
    const record = await deps.store.findById(input.commandId);
    if (!record || record.channel !== input.channel || record.botId !== input.botId)
      return { text: texts.unknown, edit: false };
    if (!input.isOwner || record.actorId !== input.userId || record.chatId !== input.chatId)
      return { text: texts.notYours, edit: false };
    if (record.status !== 'pending') return { text: texts.alreadyDone(record.status), edit: false };
    return decide(record, input, texts);
  }

  return { propose, promptOf, press, find: (id: string) => deps.store.findById(id) };
}

export type OwnerCommandService = ReturnType<typeof createOwnerCommandService>;
