import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DiscordBotView, DiscordChannelView, DiscordTurnView } from '@ai-secretary/protocol';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { FakeDiscord } from '../../src/testing/fake-discord/index.js';
import { createTestDatabase, createTestRuntime, type TestDatabase, type TestRuntime } from '../helpers/runtime.js';
import { discordApi } from './helpers.js';

// Real bot processes (discord.js) on a shared machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-token-one';
const BOT_ID = '111111111111111111';
const GUILD = '222222222222222222';
const GENERAL = '333333333333333333';
const CHOSEN = '333333333333333334';
const RANDOM = '333333333333333335';
const ALICE = { id: '444444444444444444', username: 'alice' };
const BOB = '555555555555555555';
const SEND = 'POST /channels/:channelId/messages';
const REPLY = ['We ', 'open ', 'at ', 'nine ', 'tomorrow.'];
const ANSWER = 'We open at nine tomorrow.';

describe('Discord bots: supervised discord.js processes against a fake Discord', () => {
  let fake: FakeDiscord;
  let llm: FakeLlm;
  let database: TestDatabase;
  let rt: TestRuntime;
  let api: ReturnType<typeof discordApi>;
  let bot: DiscordBotView;

  const texts = (channelId: string) => fake.messagesIn(channelId).map((m) => m.content);
  const lastAsked = () => (llm.requests.at(-1)?.body.messages as Array<{ content: string }>).at(-1)?.content;

  beforeAll(async () => {
    fake = new FakeDiscord({ heartbeatIntervalMs: 1000 });
    const { restRoot } = await fake.start();
    fake.addBot({ token: TOKEN, id: BOT_ID, username: 'secretary' });
    fake.addGuild({
      id: GUILD,
      name: 'Shop',
      channels: [
        { id: GENERAL, name: 'general' },
        { id: CHOSEN, name: 'help' },
        { id: RANDOM, name: 'random' },
      ],
    });
    llm = await createFakeLlm({ tokens: REPLY });
    llm.autoToolCall = false; // turns offer current_time now; these tests are about the text answer
    database = createTestDatabase();
    rt = await createTestRuntime({
      database,
      env: {
        DISCORD_API_ROOT: restRoot,
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
        PROCESS_HEARTBEAT_INTERVAL_MS: '1000',
      },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    api = discordApi(rt, await rt.adminToken());
  });
  afterAll(async () => {
    await rt?.dispose();
    await database?.drop();
    await llm?.close();
    await fake?.close();
  });

  it('refuses a token Discord does not know (400), creates a bot (201, token never returned) and runs it', async () => {
    const refused = await api.call('POST', '/bots', {
      name: 'Shop',
      token: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.nope.unknown-token',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'DISCORD_TOKEN_REJECTED' } });
    const malformed = await api.call('POST', '/bots', { name: 'Shop', token: 'not a token' });
    expect(malformed.statusCode).toBe(400);

    const created = await api.call('POST', '/bots', { name: 'Support', token: TOKEN, channels: [CHOSEN] });
    expect(created.statusCode).toBe(201);
    expect(created.body).not.toContain(TOKEN);
    bot = created.json<DiscordBotView>();
    expect(bot).toMatchObject({ name: 'Support', username: 'secretary', discordId: BOT_ID, persona: 'secretary' });
    expect(bot.tokenHint).toBe('…-one');
    expect((await api.until(bot.id, 'running')).lastError).toBeNull();
  });

  it('answers an @mention in a guild channel with the streamed reply, as a reply to the message', async () => {
    llm.tokenDelayMs = 400; // a model slow to start: `typing` is shown while it thinks
    const asked = fake.userSays({ channelId: GENERAL, author: ALICE, content: 'When do you open?', mentionsBot: true });
    await expect.poll(() => texts(GENERAL), { timeout: 60_000 }).toEqual([ANSWER]);
    llm.tokenDelayMs = 0;
    expect(lastAsked()).toBe('When do you open?');
    expect(llm.requests.at(-1)?.body.messages).toContainEqual({
      role: 'user',
      content: 'When do you open?',
      name: 'alice',
    });
    const sent = await fake.waitForCall(SEND, (c) => c.params.channelId === GENERAL);
    expect(sent.body.message_reference).toMatchObject({ message_id: asked.id });
    expect(sent.body.allowed_mentions).toEqual({ parse: [] });
    expect(fake.calls('POST /channels/:channelId/typing').length).toBeGreaterThan(0);

    const channels = (await api.call('GET', `/bots/${bot.id}/channels`)).json<{ items: DiscordChannelView[] }>();
    expect(channels.items).toEqual([expect.objectContaining({ channelId: GENERAL, guildId: GUILD, turns: 1 })]);
    const turns = async () =>
      (await api.call('GET', `/bots/${bot.id}/channels/${GENERAL}`)).json<{ items: DiscordTurnView[] }>().items;
    await expect.poll(turns).toEqual([
      expect.objectContaining({
        messageId: asked.id,
        userName: 'alice',
        text: 'When do you open?',
        reply: ANSWER,
        status: 'answered',
        delivered: true, // turn.sent arrives just after the message
      }),
    ]);
  });

  it('answers a DM', async () => {
    fake.dm({ userId: BOB, username: 'bob', content: 'Are you open on Sunday?' });
    await expect.poll(() => texts(fake.dmChannelId(BOB)), { timeout: 60_000 }).toEqual([ANSWER]);
    // an answer that starts at once needs no `typing` (one request fewer against the bot's global limit)
    const typed = fake.calls('POST /channels/:channelId/typing');
    expect(typed.filter((c) => c.params.channelId === fake.dmChannelId(BOB))).toEqual([]);
    expect(lastAsked()).toBe('Are you open on Sunday?');
  });

  it('answers every message in its chosen channels and replies to its messages; ignores other channels without a mention', async () => {
    fake.userSays({ channelId: RANDOM, author: ALICE, content: 'just chatting' });
    fake.userSays({ channelId: CHOSEN, author: ALICE, content: 'Do you deliver?' });
    await expect.poll(() => texts(CHOSEN), { timeout: 60_000 }).toEqual([ANSWER]);
    expect(texts(RANDOM)).toEqual([]);
    const asked = llm.requests.map((r) => (r.body.messages as Array<{ content: string }>).at(-1)?.content);
    expect(asked).not.toContain('just chatting');

    const own = fake.messagesIn(GENERAL)[0]!;
    fake.userSays({ channelId: GENERAL, author: ALICE, content: 'And on Saturday?', replyTo: own.id });
    await expect.poll(() => texts(GENERAL), { timeout: 60_000 }).toEqual([ANSWER, ANSWER]); // a reply to the bot
    expect(lastAsked()).toBe('And on Saturday?');
  });

  it('joins a quick burst of one user’s messages into one turn', async () => {
    const before = llm.requests.length;
    for (const content of ['Hi!', 'I ordered a cake', 'when is it ready?'])
      fake.userSays({ channelId: CHOSEN, author: ALICE, content });
    await expect.poll(() => texts(CHOSEN).length, { timeout: 60_000 }).toBe(2);
    expect(llm.requests.length).toBe(before + 1);
    expect(lastAsked()).toBe('Hi!\nI ordered a cake\nwhen is it ready?');
  });

  it('with burstWindowMs 0 each message is its own turn (the window is a bot setting)', async () => {
    const patched = await api.call('PATCH', `/bots/${bot.id}`, { burstWindowMs: 0 });
    expect(patched.json()).toMatchObject({ burstWindowMs: 0 });
    const refused = await api.call('PATCH', `/bots/${bot.id}`, { burstWindowMs: 60_000 });
    expect(refused.statusCode).toBe(400);
    const before = texts(CHOSEN).length;
    const asked = llm.requests.length;
    for (const content of ['One more thing', 'and a candle'])
      fake.userSays({ channelId: CHOSEN, author: ALICE, content });
    await expect.poll(() => texts(CHOSEN).length, { timeout: 60_000 }).toBe(before + 2);
    expect(llm.requests.length).toBe(asked + 2);
    await api.call('PATCH', `/bots/${bot.id}`, { burstWindowMs: 2500 });
  });

  it('rides out 429s from Discord and splits long replies under 2000 characters', async () => {
    fake.failNext(SEND, 2, { status: 429, retryAfter: 1 });
    fake.userSays({ channelId: GENERAL, author: ALICE, content: 'Again?', mentionsBot: true });
    await expect.poll(() => texts(GENERAL).length, { timeout: 60_000 }).toBe(3);
    expect(fake.calls(SEND).filter((c) => c.status === 429).length).toBeGreaterThanOrEqual(2);

    const saved = llm.tokens;
    llm.tokens = Array.from({ length: 150 }, (_, i) => `Sentence number ${i} is here. `);
    try {
      fake.dm({ userId: BOB, content: 'Tell me everything' });
      const dm = fake.dmChannelId(BOB);
      await expect.poll(() => texts(dm).length, { timeout: 60_000 }).toBe(4); // 1 + 4.3k characters in 3
      const parts = texts(dm).slice(1);
      expect(parts.every((p) => p.length <= 2000)).toBe(true);
      expect(parts[0]).toMatch(/here\.$/);
      expect(parts.join(' ')).toBe(llm.tokens.join('').trim());
    } finally {
      llm.tokens = saved;
    }
  });

  it('apologises when no model can answer', async () => {
    await llm.setMode('error500');
    try {
      fake.dm({ userId: '666666666666666666', content: 'Anyone there?' });
      await expect
        .poll(() => texts(fake.dmChannelId('666666666666666666')), { timeout: 90_000 })
        .toEqual([expect.stringContaining('cannot answer right now')]);
    } finally {
      await llm.setMode('ok');
    }
  });

  it('is restarted after SIGKILL mid-reply: finishes that reply in place and answers what came meanwhile', async () => {
    const before = texts(GENERAL).length;
    llm.tokenDelayMs = 400;
    try {
      const asked = fake.userSays({ channelId: GENERAL, author: ALICE, content: 'Slow question', mentionsBot: true });
      await fake.waitForCall(
        SEND,
        (c) => (c.body.message_reference as { message_id?: string })?.message_id === asked.id,
        60_000,
      );
      const pid = (await api.bot(bot.id)).pid!;
      process.kill(pid, 'SIGKILL');
      fake.userSays({ channelId: GENERAL, author: ALICE, content: 'While you were away?', mentionsBot: true });
      await expect.poll(async () => (await api.bot(bot.id)).pid, { timeout: 90_000 }).not.toBe(pid);
      await api.until(bot.id, 'running');
    } finally {
      llm.tokenDelayMs = 0;
    }
    // the half-written reply is edited to the whole answer (no second message), the missed message answered
    await expect.poll(() => texts(GENERAL).slice(before), { timeout: 90_000 }).toEqual([ANSWER, ANSWER]);
    const asked = llm.requests.map((r) => (r.body.messages as Array<{ content: string }>).at(-1)?.content);
    expect(asked).toContain('While you were away?');

    fake.userSays({ channelId: GENERAL, author: ALICE, content: 'Still there?', mentionsBot: true });
    await expect.poll(() => texts(GENERAL).length, { timeout: 60_000 }).toBe(before + 3);
    expect((await api.bot(bot.id)).restarts).toBeGreaterThanOrEqual(1);
  });

  it('a revoked token ends in failed with the reason, not a crash loop', async () => {
    fake.revoke(TOKEN);
    const failed = await api.until(bot.id, 'failed');
    expect(failed.lastError).toMatch(/refused the token/);
    expect(failed.restarts).toBeLessThan(5);
  });

  it('stops and deletes a bot', async () => {
    expect((await api.call('POST', `/bots/${bot.id}/stop`)).json<DiscordBotView>().status).toBe('stopped');
    expect((await api.call('DELETE', `/bots/${bot.id}`)).statusCode).toBe(200);
    expect((await api.call('GET', `/bots/${bot.id}`)).statusCode).toBe(404);
  });

  it('without the Message Content intent it runs on mentions, replies and DMs only, and says so', async () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc5.fake.discord-token-two';
    const id = '111111111111111112';
    fake.addBot({ token, id, username: 'limited', messageContentAllowed: false });
    const created = await api.call('POST', '/bots', { name: 'Limited', token, channels: [CHOSEN] });
    expect(created.statusCode).toBe(201);
    const limited = await api.until(created.json<DiscordBotView>().id, 'running');
    expect(limited).toMatchObject({ messageContent: false, notice: expect.stringContaining('Message Content') });
    const own = () =>
      fake
        .messagesIn(CHOSEN)
        .filter((m) => m.author.id === id)
        .map((m) => m.content);
    fake.userSays({ channelId: CHOSEN, author: ALICE, content: 'no mention, no content' });
    fake.userSays({ channelId: CHOSEN, author: { id: BOB, username: 'bob' }, content: 'Open?', mentionsBot: id });
    await expect.poll(own, { timeout: 60_000 }).toEqual([ANSWER]);
    expect(lastAsked()).toBe('Open?');
  });
});
