import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DiscordBotView, DiscordGuildView } from '@ai-secretary/protocol';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { FakeDiscord } from '../../src/testing/fake-discord/index.js';
import type { InteractionRecord } from '../../src/testing/fake-discord/interactions.js';
import { createTestDatabase, createTestRuntime, type TestDatabase, type TestRuntime } from '../helpers/runtime.js';
import { discordApi } from './helpers.js';

// Real bot process (discord.js) on a shared machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-guilds-one';
const BOT_ID = '111111111111111121';
const GUILD = '222222222222222232';
const OTHER_GUILD = '222222222222222233';
const CHANNEL_A = '333333333333333341';
const CHANNEL_B = '333333333333333342';
const ELSEWHERE = '333333333333333349';
const ALICE = { id: '444444444444444454', username: 'alice' };
const BOB = { id: '444444444444444455', username: 'bob' };
const MANAGE_SERVER = String(1 << 5);
const ANSWER = 'We open at nine tomorrow.';

type Body = { model?: string; messages: Array<{ role: string; content: string }> };

describe('Discord servers: slash commands, per-channel model and persona, per-server settings and daily limits', () => {
  let fake: FakeDiscord;
  let big: FakeLlm;
  let cheap: FakeLlm;
  let database: TestDatabase;
  let rt: TestRuntime;
  let api: ReturnType<typeof discordApi>;
  let admin: string;
  let bot: DiscordBotView;

  const llmApi = (method: 'PUT' | 'PATCH' | 'GET', url: string, payload?: Record<string, unknown>) =>
    rt.app.inject({ method, url: `/api/llm${url}`, headers: { authorization: `Bearer ${admin}` }, payload });
  const bodies = (llm: FakeLlm) => llm.requests.map((r) => r.body as unknown as Body);
  const botTexts = (channelId: string) =>
    fake
      .messagesIn(channelId)
      .filter((m) => m.author.id === BOT_ID && !m.interaction_metadata && !m.webhook_id)
      .map((m) => m.content);
  const run = (name: string, channelId: string, options?: Record<string, string | number>, permissions?: string) =>
    fake.userRunsCommand({
      channelId,
      user: ALICE,
      name,
      ...(options ? { options } : {}),
      ...(permissions ? { permissions } : {}),
    });
  const answerOf = async (record: InteractionRecord) => {
    await expect.poll(() => record.original?.content ?? '', { timeout: 60_000 }).not.toBe('');
    return { text: record.original!.content, ephemeral: record.ephemeral };
  };
  const guilds = async () =>
    (await api.call('GET', `/bots/${bot.id}/guilds`)).json<{ items: DiscordGuildView[] }>().items;
  const patch = (guildId: string, body: Record<string, unknown>) =>
    api.call('PATCH', `/bots/${bot.id}/guilds/${guildId}`, body);

  beforeAll(async () => {
    fake = new FakeDiscord({ heartbeatIntervalMs: 1000 });
    const { restRoot } = await fake.start();
    fake.addBot({ token: TOKEN, id: BOT_ID, username: 'secretary' });
    fake.addGuild({
      id: GUILD,
      name: 'Shop',
      channels: [
        { id: CHANNEL_A, name: 'sales' },
        { id: CHANNEL_B, name: 'support' },
      ],
    });
    fake.addGuild({ id: OTHER_GUILD, name: 'Elsewhere', channels: [{ id: ELSEWHERE, name: 'general' }] });
    big = await createFakeLlm({ tokens: ['We ', 'open ', 'at ', 'nine ', 'tomorrow.'] });
    cheap = await createFakeLlm({ models: ['small-model'], tokens: ['Cheap ', 'answer.'] });
    big.autoToolCall = false;
    cheap.autoToolCall = false;
    database = createTestDatabase();
    rt = await createTestRuntime({
      database,
      env: {
        DISCORD_API_ROOT: restRoot,
        LLM_BASE_URL: big.url,
        LLM_MODEL: 'big-model',
        PROCESS_HEARTBEAT_INTERVAL_MS: '1000',
      },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await rt.adminToken();
    api = discordApi(rt, admin);
    const [primary] = (await llmApi('GET', '/providers')).json<{ items: Array<{ id: string }> }>().items;
    await llmApi('PATCH', `/providers/${primary!.id}`, { models: ['big-model'] });
    await rt.app.inject({
      method: 'POST',
      url: '/api/llm/providers',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'cheap', type: 'custom', baseUrl: cheap.url, models: ['small-model'] },
    });
    await llmApi('PUT', '/prices/big-model', { inputPerMillionUsd: 10, outputPerMillionUsd: 30 });
    await llmApi('PUT', '/prices/small-model', { inputPerMillionUsd: 1, outputPerMillionUsd: 3 });
    const created = await api.call('POST', '/bots', { name: 'Guilds', token: TOKEN });
    expect(created.statusCode).toBe(201);
    bot = created.json<DiscordBotView>();
    await api.until(bot.id, 'running');
  });
  afterAll(async () => {
    await rt?.dispose();
    await database?.drop();
    await big?.close();
    await cheap?.close();
    await fake?.close();
  });

  it('registers the slash commands per server with Russian localizations and reports its servers', async () => {
    await expect
      .poll(
        () =>
          fake
            .commands(TOKEN, GUILD)
            .map((c) => c.name)
            .sort(),
        { timeout: 60_000 },
      )
      .toEqual(['ask', 'help', 'join', 'leave', 'model', 'persona', 'reset', 'summarize', 'usage']);
    await expect.poll(() => fake.commands(TOKEN, OTHER_GUILD).length, { timeout: 60_000 }).toBe(9);
    const model = fake.commands(TOKEN, GUILD).find((c) => c.name === 'model')!;
    expect(model.description_localizations?.ru).toMatch(/модель/i);
    expect(model.default_member_permissions).toBe(MANAGE_SERVER);
    await expect
      .poll(async () => (await guilds()).map((g) => g.guildId).sort(), { timeout: 30_000 })
      .toEqual([GUILD, OTHER_GUILD]);
    const shop = (await guilds()).find((g) => g.guildId === GUILD)!;
    expect(shop).toMatchObject({
      name: 'Shop',
      present: true,
      route: null,
      allowedRoutes: [],
      limitAction: 'fallback',
    });
    expect(shop.textChannels.map((c) => c.id).sort()).toEqual([CHANNEL_A, CHANNEL_B]);
  });

  it('PATCH refuses an unknown server (404), a channel of another server and an unknown model (400)', async () => {
    const unknown = await patch('222222222222222299', { route: 'big-model' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const foreign = await patch(GUILD, { channels: [ELSEWHERE] });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.message).toContain(`Channel ${ELSEWHERE} is not a text channel of the server "Shop"`);
    const model = await patch(GUILD, { allowedRoutes: ['no-such-model'] });
    expect(model.statusCode).toBe(400);
    const bot404 = await api.call('PATCH', `/bots/nope/guilds/${GUILD}`, { route: 'big-model' });
    expect(bot404.statusCode).toBe(404);
  });

  it('/model changes the model of one channel only; a model not allowed or a member without Manage Server is refused', async () => {
    const set = await patch(GUILD, {
      route: 'big-model',
      allowedRoutes: ['small-model'],
      channels: [CHANNEL_A, CHANNEL_B],
    });
    expect(set.statusCode).toBe(200);
    expect((await answerOf(run('model', CHANNEL_A))).text).toContain('`big-model`');

    const nonManager = await answerOf(run('model', CHANNEL_A, { route: 'small-model' }));
    expect(nonManager).toEqual({ text: expect.stringContaining('Manage Server'), ephemeral: true });
    const notAllowed = await answerOf(run('model', CHANNEL_A, { route: 'fake-model' }, MANAGE_SERVER));
    expect(notAllowed).toEqual({ text: expect.stringContaining('may not be used here'), ephemeral: true });
    const chosen = await answerOf(run('model', CHANNEL_A, { route: 'small-model' }, MANAGE_SERVER));
    expect(chosen).toEqual({ text: 'This channel now uses `small-model`.', ephemeral: true });

    fake.userSays({ channelId: CHANNEL_A, author: ALICE, content: 'Price of a cake?' }); // an auto-reply channel now
    await expect.poll(() => botTexts(CHANNEL_A), { timeout: 60_000 }).toEqual(['Cheap answer.']);
    expect(bodies(cheap).at(-1)).toMatchObject({ model: 'small-model' });
    expect(bodies(cheap).at(-1)!.messages.at(-1)).toMatchObject({ content: 'Price of a cake?' });
    const bigBefore = big.requests.length;
    fake.userSays({ channelId: CHANNEL_B, author: ALICE, content: 'When do you open?' });
    await expect.poll(() => botTexts(CHANNEL_B), { timeout: 60_000 }).toEqual([ANSWER]);
    expect(big.requests.length).toBe(bigBefore + 1);
    expect(bodies(big).at(-1)).toMatchObject({ model: 'big-model' });
  });

  it('/persona sets the persona of a channel (managers only) and is used in its turns', async () => {
    expect((await answerOf(run('persona', CHANNEL_B, { text: 'Speak like a pirate.' }))).text).toContain(
      'Manage Server',
    );
    const set = await answerOf(run('persona', CHANNEL_B, { text: 'Speak like a pirate.' }, MANAGE_SERVER));
    expect(set.ephemeral).toBe(true);
    fake.userSays({ channelId: CHANNEL_B, author: ALICE, content: 'Any bread left?' });
    await expect.poll(() => botTexts(CHANNEL_B).length, { timeout: 60_000 }).toBe(2);
    const system = bodies(big)
      .at(-1)!
      .messages.filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n');
    expect(system).toContain('Speak like a pirate.');
    await answerOf(run('persona', CHANNEL_B, { text: 'reset' }, MANAGE_SERVER));
  });

  it('/summarize summarises the channel’s recent messages; /ask answers in public', async () => {
    const before = cheap.requests.length;
    const summary = await answerOf(run('summarize', CHANNEL_A, { messages: 10 }));
    expect(summary).toEqual({ text: 'Cheap answer.', ephemeral: false });
    expect(cheap.requests.length).toBe(before + 1);
    const asked = bodies(cheap)
      .at(-1)!
      .messages.map((m) => m.content)
      .join('\n');
    expect(asked).toContain('alice: Price of a cake?');
    expect(asked).toContain('secretary (bot): Cheap answer.');
    const ask = await answerOf(run('ask', CHANNEL_B, { question: 'Do you bake on Sunday?' }));
    expect(ask).toEqual({ text: ANSWER, ephemeral: false });
    expect(bodies(big).at(-1)!.messages.at(-1)).toMatchObject({ content: 'Do you bake on Sunday?' });
  });

  it('/reset forgets the channel’s conversation; /usage shows today’s usage; /join outside a voice channel says where to go', async () => {
    fake.userSays({ channelId: CHANNEL_B, author: ALICE, content: 'Remember me?' });
    await expect.poll(() => botTexts(CHANNEL_B).length, { timeout: 60_000 }).toBe(3);
    const remembered = bodies(big)
      .at(-1)!
      .messages.map((m) => m.content);
    expect(remembered).toContain('When do you open?'); // memory of this channel before /reset
    expect((await answerOf(run('reset', CHANNEL_B))).text).toContain('forgotten');
    fake.userSays({ channelId: CHANNEL_B, author: ALICE, content: 'Who am I?' });
    await expect.poll(() => botTexts(CHANNEL_B).length, { timeout: 60_000 }).toBe(4);
    const after = bodies(big)
      .at(-1)!
      .messages.map((m) => m.content);
    expect(after).not.toContain('When do you open?');
    expect(after).not.toContain('Remember me?');

    const usage = await answerOf(run('usage', CHANNEL_A));
    expect(usage.ephemeral).toBe(true);
    const requests = Number(/(\d+) requests/.exec(usage.text)?.[1]);
    expect(requests).toBeGreaterThanOrEqual(6);
    const shop = (await guilds()).find((g) => g.guildId === GUILD)!;
    expect(shop.today.requests).toBeGreaterThanOrEqual(requests);
    expect(shop.today.tokens).toBeGreaterThan(0);
    expect((await answerOf(run('join', CHANNEL_A))).text).toContain('Join a voice channel first'); // docs/discord-voice.md
    expect((await answerOf(run('nonsense', CHANNEL_A))).text).toContain('/nonsense');
  });

  it('over its daily token limit a server falls back to the cheaper model (fallback) or is refused politely (refuse)', async () => {
    expect((await patch(GUILD, { dailyTokenLimit: 1, limitAction: 'fallback' })).statusCode).toBe(200);
    const cheapBefore = cheap.requests.length;
    const bigBefore = big.requests.length;
    fake.userSays({ channelId: CHANNEL_B, author: ALICE, content: 'Over the limit?' });
    await expect.poll(() => botTexts(CHANNEL_B).length, { timeout: 60_000 }).toBe(5);
    // the reply streams in by edits: wait for its last one
    await expect.poll(() => botTexts(CHANNEL_B).at(-1), { timeout: 60_000 }).toBe('Cheap answer.');
    expect(cheap.requests.length).toBe(cheapBefore + 1);
    expect(big.requests.length).toBe(bigBefore);

    expect((await patch(GUILD, { limitAction: 'refuse' })).statusCode).toBe(200);
    fake.userSays({ channelId: CHANNEL_B, author: ALICE, content: 'And now?' });
    await expect.poll(() => botTexts(CHANNEL_B).length, { timeout: 60_000 }).toBe(6);
    expect(botTexts(CHANNEL_B).at(-1)).toMatch(/answered as many messages as I may today/);
    expect(cheap.requests.length).toBe(cheapBefore + 1);

    // per member: over her own limit Alice is refused, Bob (nothing used yet) is answered
    const perUser = await patch(GUILD, { dailyTokenLimit: null, userDailyTokenLimit: 1 });
    expect(perUser.json()).toMatchObject({ dailyTokenLimit: null, userDailyTokenLimit: 1, limitAction: 'refuse' });
    const limits = (await llmApi('GET', '/limits')).json<{ items: Array<{ scope: string; subject: string }> }>().items;
    expect(limits).toContainEqual(
      expect.objectContaining({ scope: 'instance_user', subject: `discord:${bot.id}:${GUILD}` }),
    );
    expect(limits.filter((l) => l.subject === `discord:${bot.id}:${GUILD}`)).toHaveLength(1);
    fake.userSays({ channelId: CHANNEL_B, author: ALICE, content: 'Me again' });
    await expect.poll(() => botTexts(CHANNEL_B).length, { timeout: 60_000 }).toBe(7);
    expect(botTexts(CHANNEL_B).at(-1)).toMatch(/answered as many messages as I may today/);
    fake.userSays({ channelId: CHANNEL_B, author: BOB, content: 'Hello, I am new' });
    await expect.poll(() => botTexts(CHANNEL_B).length, { timeout: 60_000 }).toBe(8);
    await expect.poll(() => botTexts(CHANNEL_B).at(-1), { timeout: 60_000 }).toBe(ANSWER);

    // another server of the same bot is not limited
    expect((await patch(OTHER_GUILD, { channels: [ELSEWHERE] })).statusCode).toBe(200);
    fake.userSays({ channelId: ELSEWHERE, author: ALICE, content: 'Hello from elsewhere' });
    await expect.poll(() => botTexts(ELSEWHERE), { timeout: 60_000 }).toEqual([ANSWER]);
  });

  it('deleting the bot removes its servers’ limit records', async () => {
    const subject = `discord:${bot.id}:${GUILD}`;
    const limits = async () =>
      (await llmApi('GET', '/limits'))
        .json<{ items: Array<{ subject: string }> }>()
        .items.filter((l) => l.subject === subject);
    expect(await limits()).toHaveLength(1);
    expect((await api.call('DELETE', `/bots/${bot.id}`)).statusCode).toBe(200);
    expect(await limits()).toEqual([]);
  });
});
