import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GsmCallRecord, GsmSmsRecord } from '../src/core/gsm/store-types.js';
import { DEFAULT_DISCORD_SETTINGS } from '../src/core/discord/bots-service.js';
import { DEFAULT_TELEGRAM_SETTINGS } from '../src/core/telegram/bots-service.js';
import { ConversationTurnEntity } from '../src/db/entities/conversation-turn.entity.js';
import { ConversationEntity } from '../src/db/entities/conversation.entity.js';
import { DiscordBotEntity, DiscordTurnEntity } from '../src/db/entities/discord.entity.js';
import { AuditEntryEntity, GsmCallEntity, GsmSmsEntity } from '../src/db/entities/index.js';
import { LlmConversationEntity } from '../src/db/entities/llm.entity.js';
import { TakenMessageEntity } from '../src/db/entities/taken-message.entity.js';
import { TelegramSubscriberEntity, TelegramTurnEntity } from '../src/db/entities/telegram.entity.js';
import { bearer, createTestDatabase, createTestRuntime, testDb, type TestRuntime } from './helpers/runtime.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 4, 12);
const A = '+15550001111';
const B = '+15550002222';
const root = path.resolve(import.meta.dirname, '..', '..');

function manage(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    ['--tsconfig', 'server/tsconfig.json', 'server/src/cli/manage.ts', ...args],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', DATABASE_SCHEMA: '', LOG_LEVEL: 'silent', ...env },
      encoding: 'utf8',
    },
  );
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function call(id: string, number: string, startedAt: number): GsmCallRecord {
  return {
    id,
    direction: 'incoming',
    number,
    status: 'ended',
    task: null,
    startedAt,
    answeredAt: startedAt,
    endedAt: startedAt + 60_000,
    endReason: 'hangup',
    dtmf: '',
    transcript: [{ role: 'caller', text: `I am ${number}`, atMs: 0 }],
    metrics: {},
    recordingCaller: `gsm/recordings/${id}-caller.wav`,
    recordingSecretary: `gsm/recordings/${id}-secretary.wav`,
  };
}

function sms(id: string, number: string, createdAt: number): GsmSmsRecord {
  return {
    id,
    direction: 'in' as const,
    number,
    text: `text from ${number}`,
    status: 'received',
    parts: 1,
    messageRefs: [],
    deliveredParts: 0,
    error: null,
    createdAt,
    sentAt: null,
    deliveredAt: null,
    autoReply: null,
  };
}

function tgTurn(id: string, user: number, createdAt: number, audio: string | null) {
  return {
    id,
    botId: 'tg1',
    updateId: Math.floor(Math.random() * 1e9),
    chatId: user,
    userId: user,
    userName: `u${user}`,
    kind: 'text' as const,
    text: `hello from ${user}`,
    reply: 'hi',
    replyVoice: false,
    status: 'answered' as const,
    delivered: true,
    audioPath: audio,
    createdAt,
    updatedAt: createdAt,
  };
}

function dcTurn(id: string, user: string, createdAt: number) {
  return {
    id,
    botId: 'dc1',
    messageId: `${createdAt}${id.length}`,
    channelId: '300000000000000001',
    guildId: null,
    userId: user,
    userName: `user-${user.slice(-4)}`,
    text: 'hi',
    reply: 'hello',
    replyMessageId: null,
    status: 'answered' as const,
    delivered: true,
    toolCalls: null,
    createdAt,
    updatedAt: createdAt,
  };
}

describe(`privacy: retention and per-contact export and erase (${testDb()})`, { timeout: 120_000 }, () => {
  let rt: TestRuntime;
  let closed = false;
  const database = createTestDatabase();
  let now = NOW;
  let admin: Record<string, string>;
  const file = (rel: string) => path.join(rt.config.dataDir, rel);
  const touch = (rel: string, content = 'RIFF-data') => {
    fs.mkdirSync(path.dirname(file(rel)), { recursive: true });
    fs.writeFileSync(file(rel), content);
  };
  const api = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown, headers = admin) =>
    rt.app.inject({ method, url: `/api/privacy${url}`, payload: payload as never, headers });

  async function seed() {
    const db = rt.db;
    await db.getRepository(GsmCallEntity).save([call('call-a', A, NOW - 40 * DAY), call('call-b', B, NOW - DAY)]);
    for (const id of ['call-a', 'call-b']) {
      touch(`gsm/recordings/${id}-caller.wav`);
      touch(`gsm/recordings/${id}-secretary.wav`);
    }
    await db.getRepository(GsmSmsEntity).save([sms('sms-a', A, NOW - 70 * DAY), sms('sms-b', B, NOW - DAY)]);
    await db.getRepository(ConversationEntity).save(
      [A, B].map((caller, i) => ({
        id: `conv-${i}`,
        channel: 'gsm',
        caller,
        startedAt: NOW - (i === 0 ? 100 : 1) * DAY,
        endedAt: null,
        outcome: null,
        turnCount: 1,
        degradations: [],
      })),
    );
    await db.getRepository(ConversationTurnEntity).save(
      [0, 1].map((i) => ({
        id: `turn-${i}`,
        conversationId: `conv-${i}`,
        index: 0,
        mode: 'llm' as const,
        userText: `question ${i}`,
        assistantText: `answer ${i}`,
        startedAt: NOW - (i === 0 ? 100 : 1) * DAY,
        endedAt: NOW - (i === 0 ? 100 : 1) * DAY,
        outcome: 'completed' as const,
        toolCalls: [],
        metrics: {},
      })),
    );
    await db.getRepository(TakenMessageEntity).save(
      [A, B].map((number, i) => ({
        id: `msg-${i}`,
        conversationId: `conv-${i}`,
        channel: 'gsm',
        source: 'llm' as const,
        callerName: `caller ${i}`,
        callbackNumber: number,
        reason: 'call me',
        createdAt: NOW,
        handledAt: null,
        handledBy: null,
      })),
    );
    await db.getRepository(LlmConversationEntity).save(
      [`sms:${A}`, `sms:${B}`, 'telegram:tg1:7001', 'telegram:tg1:7002', 'widget:wt1:visitor-aaaa1111'].map((key) => ({
        key,
        channel: key.split(':')[0]!,
        messages: [{ role: 'user' as const, content: 'hi' }],
        tokens: 1,
        updatedAt: key.endsWith('7002') ? NOW - 40 * DAY : NOW,
      })),
    );
    await rt.stores.telegram.bots.insert({
      id: 'tg1',
      name: 'Sales',
      tokenSealed: 'x',
      tokenHint: '…',
      telegramId: 1,
      username: 'sales_bot',
      settings: DEFAULT_TELEGRAM_SETTINGS,
      autoStart: false,
      desired: 'stopped',
      webhookSecretSealed: null,
      createdAt: 0,
      updatedAt: 0,
    });
    await db
      .getRepository(TelegramTurnEntity)
      .save([tgTurn('tg-a', 7001, NOW - DAY, 'tg1/tg-a.ogg'), tgTurn('tg-b', 7002, NOW - 40 * DAY, 'tg1/tg-b.ogg')]);
    touch('telegram/tg1/tg-a.ogg', 'OggS-a');
    touch('telegram/tg1/tg-b.ogg', 'OggS-b');
    await db.getRepository(TelegramSubscriberEntity).save(
      [7001, 7002].map((chatId) => ({
        botId: 'tg1',
        chatId,
        userId: chatId,
        userName: null,
        language: 'en',
        source: null,
        status: 'active' as const,
        segment: null,
        funnelStep: null,
        lastActivityAt: null,
        subscribedAt: NOW,
        updatedAt: NOW,
      })),
    );
    await db.getRepository(DiscordBotEntity).save({
      id: 'dc1',
      name: 'Helper',
      tokenSealed: 'x',
      tokenHint: '…',
      discordId: '100000000000000001',
      username: 'helper',
      settings: DEFAULT_DISCORD_SETTINGS,
      autoStart: false,
      desired: 'stopped',
      createdAt: 0,
      updatedAt: 0,
    });
    await db
      .getRepository(DiscordTurnEntity)
      .save([dcTurn('dc-a', '200000000000000001', NOW - DAY), dcTurn('dc-b', '200000000000000002', NOW - 40 * DAY)]);
  }

  beforeAll(async () => {
    rt = await createTestRuntime({ clock: () => now, database, keepDatabase: true });
    admin = bearer(await rt.adminToken());
    await seed();
  });
  afterAll(async () => {
    if (!closed) await rt.close();
    await database.drop();
  });

  it('refuses bad contacts and bad retention settings in the admin envelope, and non-admins', async () => {
    const fax = await api('DELETE', '/contacts/fax/123');
    expect(fax.statusCode).toBe(400);
    expect(fax.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/kind/) } });
    const letters = await api('GET', '/contacts/phone/call-me-maybe/export');
    expect(letters.statusCode).toBe(400);
    expect(letters.json().error.message).toMatch(/phone number/);
    expect((await api('DELETE', '/contacts/discord/12')).statusCode).toBe(400);
    for (const bad of [{ recordingsDays: 0 }, { recordingsDays: 1.5 }, { recordingsDays: 'x' }, { chatDays: -1 }])
      expect(
        (
          await api('PUT', '/retention', {
            recordingsDays: null,
            transcriptsDays: null,
            smsDays: null,
            chatDays: null,
            ...bad,
          })
        ).statusCode,
      ).toBe(400);
    const user = await rt.createUser('user');
    expect(
      (await api('DELETE', `/contacts/phone/${encodeURIComponent(A)}`, undefined, bearer(user.token))).statusCode,
    ).toBe(403);
    // Nothing was touched by the refused calls.
    expect(await rt.db.getRepository(GsmCallEntity).count()).toBe(2);
    expect(await api('GET', '/retention').then((r) => r.json<unknown>())).toEqual({
      recordingsDays: null,
      transcriptsDays: null,
      smsDays: null,
      chatDays: null,
    });
  });

  it("exports one phone number's calls, recordings, SMS, conversations, messages and memory, and no one else's", async () => {
    const res = await api('GET', `/contacts/phone/${encodeURIComponent('+1 (555) 000-1111')}/export`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    const data = res.json();
    expect(data.contact).toEqual({ kind: 'phone', id: A });
    expect(data.sources.gsm_calls.map((r: { id: string }) => r.id)).toEqual(['call-a']);
    expect(data.sources.gsm_sms.map((r: { id: string }) => r.id)).toEqual(['sms-a']);
    expect(data.sources.conversations[0].turns[0].userText).toBe('question 0');
    expect(data.sources.taken_messages.map((r: { id: string }) => r.id)).toEqual(['msg-0']);
    expect(data.sources.llm_conversations.map((r: { key: string }) => r.key)).toEqual([`sms:${A}`]);
    expect(data.files.map((f: { path: string }) => f.path).sort()).toEqual([
      'gsm/recordings/call-a-caller.wav',
      'gsm/recordings/call-a-secretary.wav',
    ]);
    expect(Buffer.from(data.files[0].base64, 'base64').toString()).toBe('RIFF-data');
    expect(JSON.stringify(data)).not.toContain(B);
    const audit = await rt.db.getRepository(AuditEntryEntity).findBy({ action: 'privacy.contact.export' });
    expect(audit).toHaveLength(1);
  });

  it('retention deletes what is due and nothing else', async () => {
    const settings = { recordingsDays: 30, transcriptsDays: 90, smsDays: 60, chatDays: 30 };
    expect((await api('PUT', '/retention', settings)).json()).toEqual(settings);
    const res = await api('POST', '/retention/run');
    expect(res.statusCode).toBe(200);
    const { rows, files } = res.json();
    expect(rows).toEqual({
      'gsm_calls.recordings': 1,
      'telegram_turns.recordings': 1,
      'conversations.transcripts': 1,
      'gsm_sms.sms': 1,
      'llm_conversations.chat': 1,
      'telegram_turns.chat': 1,
      'discord_turns.chat': 1,
    });
    expect(files).toBe(3);
    const calls = await rt.db.getRepository(GsmCallEntity).find({ order: { id: 'ASC' } });
    expect(calls.map((c) => [c.id, c.recordingCaller !== null])).toEqual([
      ['call-a', false],
      ['call-b', true],
    ]);
    expect(fs.existsSync(file('gsm/recordings/call-a-caller.wav'))).toBe(false);
    expect(fs.existsSync(file('gsm/recordings/call-b-caller.wav'))).toBe(true);
    expect(calls[0]!.transcript).toHaveLength(1); // 40 days old: transcripts are kept 90
    const turns = await rt.db.getRepository(ConversationTurnEntity).find({ order: { id: 'ASC' } });
    expect(turns.map((t) => t.userText)).toEqual([null, 'question 1']);
    const texts = await rt.db.getRepository(GsmSmsEntity).find({ order: { id: 'ASC' } });
    expect(texts.map((s) => s.text)).toEqual(['', `text from ${B}`]);
    expect((await rt.db.getRepository(TelegramTurnEntity).find()).map((t) => t.id)).toEqual(['tg-a']);
    expect(fs.existsSync(file('telegram/tg1/tg-b.ogg'))).toBe(false);
    expect(fs.existsSync(file('telegram/tg1/tg-a.ogg'))).toBe(true);
    expect((await rt.db.getRepository(DiscordTurnEntity).find()).map((t) => t.id)).toEqual(['dc-a']);

    // A second run the same day finds nothing more; thirty days later the rest is due.
    expect((await api('POST', '/retention/run')).json().rows).toEqual({});
    // Thirty days later, with only recordings due, the other call's recordings go too.
    await api('PUT', '/retention', { ...settings, transcriptsDays: null, smsDays: null, chatDays: null });
    now += 31 * DAY;
    try {
      const later = bearer(await rt.adminToken());
      const run = await api('POST', '/retention/run', undefined, later);
      expect(run.json().rows).toMatchObject({ 'gsm_calls.recordings': 1 });
    } finally {
      now = NOW;
    }
  });

  it('erases one Telegram user and one phone number everywhere, audited without the contact, and journalled', async () => {
    const tg = await api('DELETE', '/contacts/telegram/7001');
    expect(tg.statusCode).toBe(200);
    expect(tg.json().rows).toMatchObject({ telegram_turns: 1, telegram_subscribers: 1, llm_conversations: 1 });
    expect(fs.existsSync(file('telegram/tg1/tg-a.ogg'))).toBe(false);
    expect((await rt.db.getRepository(TelegramSubscriberEntity).find()).map((s) => s.chatId)).toEqual([7002]);

    const phone = await api('DELETE', `/contacts/phone/${encodeURIComponent(B)}`);
    expect(phone.statusCode).toBe(200);
    expect(phone.json().rows).toMatchObject({ gsm_calls: 1, gsm_sms: 1, conversations: 2, taken_messages: 1 });
    expect(await rt.db.getRepository(GsmCallEntity).findBy({ number: B })).toEqual([]);
    expect(await rt.db.getRepository(GsmCallEntity).findBy({ number: A })).toHaveLength(1);
    expect(fs.existsSync(file('gsm/recordings/call-b-caller.wav'))).toBe(false);
    const again = await api('DELETE', `/contacts/phone/${encodeURIComponent(B)}`);
    expect(again.json().rows).toEqual({});

    const audit = await rt.db.getRepository(AuditEntryEntity).findBy({ action: 'privacy.contact.erase' });
    expect(audit.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 400, 400, 403]);
    expect(audit.filter((a) => a.statusCode === 200).map((a) => a.target)).toEqual(['telegram', 'phone', 'phone']);
    expect(JSON.stringify(audit)).not.toMatch(/7001|5550002222/);
    const missing = await api('PUT', '/retention', { recordingsDays: 5 });
    expect(missing.statusCode).toBe(400);
    const journal = fs.readFileSync(file('privacy/erasures.jsonl'), 'utf8');
    expect(journal.trim().split('\n')).toHaveLength(3);
    expect(journal).not.toMatch(/7001|5550002222/);
  });

  it('a restore brings erased contacts back unless --reapply-erasures is given', async () => {
    const backup = await rt.app.inject({ method: 'POST', url: '/api/backups', headers: admin });
    expect(backup.statusCode).toBe(201);
    const archive = path.join(rt.config.dataDir, 'backups', backup.json().name);
    expect((await api('DELETE', `/contacts/phone/${encodeURIComponent(A)}`)).statusCode).toBe(200);
    await rt.close();
    closed = true;

    const plain = manage(rt.env, 'restore', archive, '--force');
    expect(plain.code, plain.err).toBe(0);
    expect(plain.out).not.toMatch(/erased again/);
    const withErasures = manage(rt.env, 'restore', archive, '--force', '--reapply-erasures');
    expect(withErasures.code, withErasures.err).toBe(0);
    expect(withErasures.out, withErasures.out + withErasures.err).toMatch(/erased again 4 contacts/);

    const after = await createTestRuntime({ database: { env: rt.env, drop: async () => {} }, keepDatabase: true });
    try {
      expect(await after.db.getRepository(GsmCallEntity).count()).toBe(0);
      expect(await after.db.getRepository(TakenMessageEntity).count()).toBe(0);
      expect((await after.db.getRepository(TelegramSubscriberEntity).find()).map((s) => s.chatId)).toEqual([7002]);
    } finally {
      await after.close();
    }
  });
});
