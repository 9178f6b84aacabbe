import { In, IsNull, LessThan, Like, Not, type EntityManager, type ObjectLiteral, type EntityTarget } from 'typeorm';
import type { OwnerChannel } from '../core/owner/types.js';
import { phoneForms } from '../core/privacy/contact.js';
import type { ContactRef, PrivacySource, Removed, RetentionKind } from '../core/privacy/types.js';
import { ConversationTurnEntity } from './entities/conversation-turn.entity.js';
import { ConversationEntity } from './entities/conversation.entity.js';
import { DiscordTurnEntity } from './entities/discord.entity.js';
import { GsmCallEntity, GsmSmsEntity, GsmSmsPartEntity } from './entities/gsm.entity.js';
import { LlmConversationEntity } from './entities/llm.entity.js';
import { OwnerCommandEntity } from './entities/owner-command.entity.js';
import { TakenMessageEntity } from './entities/taken-message.entity.js';
import {
  TelegramEventEntity,
  TelegramInboxEntity,
  TelegramSubscriberEntity,
  TelegramTurnEntity,
} from './entities/telegram.entity.js';

const NONE: Removed = { rows: 0, files: [] };
const TELEGRAM_AUDIO_DIR = 'telegram';

const plain = <T extends object>(rows: T[]) => rows.map((r) => ({ ...r }) as Record<string, unknown>);

async function remove<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, rows: T[]): Promise<number> {
  if (rows.length > 0) await m.remove(entity, rows);
  return rows.length;
}

function callSources(m: EntityManager): PrivacySource[] {
  const calls = (c: ContactRef) => m.findBy(GsmCallEntity, { number: In(phoneForms(c.id)) });
  const files = (rows: GsmCallEntity[]) =>
    rows.flatMap((r) => [r.recordingCaller, r.recordingSecretary]).filter((f): f is string => f !== null);
  return [
    {
      name: 'gsm_calls',
      kinds: ['phone'],
      async collect(c) {
        const rows = await calls(c);
        return { rows: plain(rows), files: files(rows) };
      },
      async erase(c) {
        const rows = await calls(c);
        return { rows: await remove(m, GsmCallEntity, rows), files: files(rows) };
      },
      async expire(kind, cutoff) {
        if (kind === 'recordingsDays') {
          const rows = await m.find(GsmCallEntity, {
            where: [
              { startedAt: LessThan(cutoff), recordingCaller: Not(IsNull()) },
              { startedAt: LessThan(cutoff), recordingSecretary: Not(IsNull()) },
            ],
          });
          for (const row of rows)
            await m.update(GsmCallEntity, { id: row.id }, { recordingCaller: null, recordingSecretary: null });
          return { rows: rows.length, files: files(rows) };
        }
        if (kind !== 'transcriptsDays') return NONE;
        const rows = await m.findBy(GsmCallEntity, { startedAt: LessThan(cutoff) });
        const withText = rows.filter((r) => r.transcript.length > 0);
        for (const row of withText) await m.update(GsmCallEntity, { id: row.id }, { transcript: [] });
        return { rows: withText.length, files: [] };
      },
    },
  ];
}

function smsSources(m: EntityManager): PrivacySource[] {
  return [
    {
      name: 'gsm_sms',
      kinds: ['phone'],
      collect: async (c) => ({
        rows: plain(await m.findBy(GsmSmsEntity, { number: In(phoneForms(c.id)) })),
        files: [],
      }),
      erase: async (c) => ({
        rows: await remove(m, GsmSmsEntity, await m.findBy(GsmSmsEntity, { number: In(phoneForms(c.id)) })),
        files: [],
      }),
      async expire(kind, cutoff) {
        if (kind !== 'smsDays') return NONE;
        const rows = await m.findBy(GsmSmsEntity, { createdAt: LessThan(cutoff), text: Not('') });
        for (const row of rows) await m.update(GsmSmsEntity, { id: row.id }, { text: '' });
        return { rows: rows.length, files: [] };
      },
    },
    {
      name: 'gsm_sms_parts',
      kinds: ['phone'],
      collect: async (c) => ({
        rows: plain(await m.findBy(GsmSmsPartEntity, { sender: In(phoneForms(c.id)) })),
        files: [],
      }),
      erase: async (c) => ({
        rows: await remove(m, GsmSmsPartEntity, await m.findBy(GsmSmsPartEntity, { sender: In(phoneForms(c.id)) })),
        files: [],
      }),
      async expire(kind, cutoff) {
        if (kind !== 'smsDays') return NONE;
        const rows = await m.findBy(GsmSmsPartEntity, { receivedAt: LessThan(cutoff) });
        return { rows: await remove(m, GsmSmsPartEntity, rows), files: [] };
      },
    },
    {
      name: 'taken_messages',
      kinds: ['phone'],
      collect: async (c) => ({
        rows: plain(await m.findBy(TakenMessageEntity, { callbackNumber: In(phoneForms(c.id)) })),
        files: [],
      }),
      erase: async (c) => ({
        rows: await remove(
          m,
          TakenMessageEntity,
          await m.findBy(TakenMessageEntity, { callbackNumber: In(phoneForms(c.id)) }),
        ),
        files: [],
      }),
    },
  ];
}

/** Voice conversations (calls through the engine) with their turns; `caller` holds the number on calls. */
function conversationSources(m: EntityManager): PrivacySource[] {
  const conversations = (c: ContactRef) => m.findBy(ConversationEntity, { caller: In(phoneForms(c.id)) });
  const turnsOf = async (ids: string[]) =>
    ids.length === 0 ? [] : m.find(ConversationTurnEntity, { where: { conversationId: In(ids) } });
  return [
    {
      name: 'conversations',
      kinds: ['phone'],
      async collect(c) {
        const rows = await conversations(c);
        const turns = await turnsOf(rows.map((r) => r.id));
        return {
          rows: rows.map((r) => ({ ...r, turns: plain(turns.filter((t) => t.conversationId === r.id)) })),
          files: [],
        };
      },
      async erase(c) {
        const rows = await conversations(c);
        const turns = await turnsOf(rows.map((r) => r.id));
        await remove(m, ConversationTurnEntity, turns);
        return { rows: (await remove(m, ConversationEntity, rows)) + turns.length, files: [] };
      },
      async expire(kind, cutoff) {
        if (kind !== 'transcriptsDays') return NONE;
        const turns = await m.find(ConversationTurnEntity, {
          where: [
            { startedAt: LessThan(cutoff), userText: Not(IsNull()) },
            { startedAt: LessThan(cutoff), assistantText: Not(IsNull()) },
          ],
        });
        for (const turn of turns)
          await m.update(ConversationTurnEntity, { id: turn.id }, { userText: null, assistantText: null });
        return { rows: turns.length, files: [] };
      },
    },
  ];
}

/** Conversation memory of the LLM router, keyed by channel and source. */
function memorySource(m: EntityManager): PrivacySource {
  async function keysFor(c: ContactRef): Promise<LlmConversationEntity[]> {
    if (c.kind === 'telegram') return m.findBy(LlmConversationEntity, { key: Like(`telegram:%:${c.id}`) });
    if (c.kind === 'widget') return m.findBy(LlmConversationEntity, { key: Like(`widget:%:${c.id}`) });
    if (c.kind !== 'phone') return [];
    const forms = phoneForms(c.id);
    const calls = await m.findBy(GsmCallEntity, { number: In(forms) });
    const conversations = await m.findBy(ConversationEntity, { caller: In(forms) });
    const keys = [
      ...forms.map((f) => `sms:${f}`),
      ...calls.map((r) => `gsm:${r.id}`),
      ...conversations.map((r) => `gsm:${r.id}`),
    ];
    return m.findBy(LlmConversationEntity, { key: In(keys) });
  }
  return {
    name: 'llm_conversations',
    kinds: ['phone', 'telegram', 'widget'],
    collect: async (c) => ({ rows: plain(await keysFor(c)), files: [] }),
    erase: async (c) => ({ rows: await remove(m, LlmConversationEntity, await keysFor(c)), files: [] }),
    async expire(kind: RetentionKind, cutoff: number) {
      if (kind !== 'chatDays') return NONE;
      const rows = await m.findBy(LlmConversationEntity, { updatedAt: LessThan(cutoff) });
      return { rows: await remove(m, LlmConversationEntity, rows), files: [] };
    },
  };
}

function telegramSources(m: EntityManager): PrivacySource[] {
  const id = (c: ContactRef) => Number(c.id);
  const turns = (c: ContactRef) => m.find(TelegramTurnEntity, { where: [{ userId: id(c) }, { chatId: id(c) }] });
  const audio = (rows: TelegramTurnEntity[]) =>
    rows.flatMap((r) => (r.audioPath === null ? [] : [`${TELEGRAM_AUDIO_DIR}/${r.audioPath}`]));
  /** Inbox rows hold whole updates; a user's are found by the sender or chat inside them. */
  const inbox = async (c: ContactRef) =>
    (await m.find(TelegramInboxEntity, {})).filter((row) => JSON.stringify(row.payload).match(idPattern(c.id)));
  return [
    {
      name: 'telegram_turns',
      kinds: ['telegram'],
      async collect(c) {
        const rows = await turns(c);
        return { rows: plain(rows), files: audio(rows) };
      },
      async erase(c) {
        const rows = await turns(c);
        return { rows: await remove(m, TelegramTurnEntity, rows), files: audio(rows) };
      },
      async expire(kind, cutoff) {
        if (kind === 'chatDays') {
          const rows = await m.findBy(TelegramTurnEntity, { createdAt: LessThan(cutoff) });
          return { rows: await remove(m, TelegramTurnEntity, rows), files: audio(rows) };
        }
        if (kind !== 'recordingsDays') return NONE;
        const rows = await m.findBy(TelegramTurnEntity, { createdAt: LessThan(cutoff), audioPath: Not(IsNull()) });
        for (const row of rows) await m.update(TelegramTurnEntity, { id: row.id }, { audioPath: null });
        return { rows: rows.length, files: audio(rows) };
      },
    },
    {
      name: 'telegram_subscribers',
      kinds: ['telegram'],
      collect: async (c) => ({
        rows: plain(await m.find(TelegramSubscriberEntity, { where: [{ chatId: id(c) }, { userId: id(c) }] })),
        files: [],
      }),
      erase: async (c) => ({
        rows: await remove(
          m,
          TelegramSubscriberEntity,
          await m.find(TelegramSubscriberEntity, { where: [{ chatId: id(c) }, { userId: id(c) }] }),
        ),
        files: [],
      }),
    },
    {
      name: 'telegram_events',
      kinds: ['telegram'],
      collect: async (c) => ({ rows: plain(await m.findBy(TelegramEventEntity, { chatId: id(c) })), files: [] }),
      erase: async (c) => ({
        rows: await remove(m, TelegramEventEntity, await m.findBy(TelegramEventEntity, { chatId: id(c) })),
        files: [],
      }),
    },
    {
      name: 'telegram_inbox',
      kinds: ['telegram'],
      collect: async (c) => ({ rows: plain(await inbox(c)), files: [] }),
      erase: async (c) => ({ rows: await remove(m, TelegramInboxEntity, await inbox(c)), files: [] }),
    },
  ];
}

/** `"id":123` as a whole number inside a JSON text (not 1234). */
const idPattern = (id: string) => new RegExp(`"id":${id.replace('-', '\\-')}(?![0-9])`);

function discordSources(m: EntityManager): PrivacySource[] {
  return [
    {
      name: 'discord_turns',
      kinds: ['discord'],
      collect: async (c) => ({ rows: plain(await m.findBy(DiscordTurnEntity, { userId: c.id })), files: [] }),
      erase: async (c) => ({
        rows: await remove(m, DiscordTurnEntity, await m.findBy(DiscordTurnEntity, { userId: c.id })),
        files: [],
      }),
      async expire(kind, cutoff) {
        if (kind !== 'chatDays') return NONE;
        const rows = await m.findBy(DiscordTurnEntity, { createdAt: LessThan(cutoff) });
        return { rows: await remove(m, DiscordTurnEntity, rows), files: [] };
      },
    },
    {
      name: 'owner_commands',
      kinds: ['discord', 'telegram'],
      collect: async (c) => ({
        rows: plain(await m.findBy(OwnerCommandEntity, { channel: c.kind as OwnerChannel, actorId: c.id })),
        files: [],
      }),
      erase: async (c) => ({
        rows: await remove(
          m,
          OwnerCommandEntity,
          await m.findBy(OwnerCommandEntity, { channel: c.kind as OwnerChannel, actorId: c.id }),
        ),
        files: [],
      }),
    },
  ];
}

/**
 * Every table that holds personal data, read through one EntityManager (a transaction's, for an erase). The
 * router's memory comes first: it finds a caller's call ids through gsm_calls, which a later source deletes.
 */
export function createPrivacySources(m: EntityManager): PrivacySource[] {
  return [
    memorySource(m),
    ...conversationSources(m),
    ...callSources(m),
    ...smsSources(m),
    ...telegramSources(m),
    ...discordSources(m),
  ];
}
