import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DiscordBotView, DiscordGuildView, DiscordTurnView } from '@ai-secretary/protocol';
import { createDiscordCommands } from '../../src/core/discord/commands-service.js';
import { createDiscordGuildSettings } from '../../src/core/discord/guild-settings.js';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { FakeDiscord } from '../../src/testing/fake-discord/index.js';
import { createTestDatabase, createTestRuntime, type TestDatabase, type TestRuntime } from '../helpers/runtime.js';
import { discordApi } from './helpers.js';

// Real bot process (discord.js) on a shared machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 150_000, hookTimeout: 180_000 });

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-sessions-one';
const BOT_ID = '111111111111111161';
const GUILD = '222222222222222262';
const SALES = '333333333333333371';
const SUPPORT = '333333333333333372';
const UNKNOWN_CHANNEL = '333333333333333379';
const ALICE = { id: '444444444444444484', username: 'alice' };
const BOB = { id: '444444444444444485', username: 'bob' };
const ANSWER = 'We open at nine tomorrow.';

type Body = { model?: string; messages: Array<{ role: string; content: string }> };

describe('Discord sessions: threads, a new turn while one is answered, /model autocomplete, interactions once', () => {
  let fake: FakeDiscord;
  let big: FakeLlm;
  let cheap: FakeLlm;
  let database: TestDatabase;
  let rt: TestRuntime;
  let api: ReturnType<typeof discordApi>;
  let admin: string;
  let bot: DiscordBotView;

  const bodies = (llm: FakeLlm) => llm.requests.map((r) => r.body as unknown as Body);
  const askedWith = (llm: FakeLlm, text: string) =>
    bodies(llm)
      .find((b) => b.messages.at(-1)?.content === text)
      ?.messages.map((m) => m.content);
  const botTexts = (channelId: string) =>
    fake
      .messagesIn(channelId)
      .filter((m) => m.author.id === BOT_ID && !m.interaction_metadata && !m.webhook_id)
      .map((m) => m.content);
  const mention = (channelId: string, author: typeof ALICE, content: string) =>
    fake.userSays({ channelId, author, content, mentionsBot: true });
  const channelPatch = (channelId: string, body: Record<string, unknown>) =>
    api.call('PATCH', `/bots/${bot.id}/guilds/${GUILD}/channels/${channelId}`, body);
  const turns = async (channelId: string) =>
    (await api.call('GET', `/bots/${bot.id}/channels/${channelId}`)).json<{ items: DiscordTurnView[] }>().items;

  beforeAll(async () => {
    fake = new FakeDiscord({ heartbeatIntervalMs: 1000 });
    const { restRoot } = await fake.start();
    fake.addBot({ token: TOKEN, id: BOT_ID, username: 'secretary' });
    fake.addGuild({
      id: GUILD,
      name: 'Shop',
      channels: [
        { id: SALES, name: 'sales' },
        { id: SUPPORT, name: 'support' },
      ],
    });
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
    const llmApi = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: Record<string, unknown>) =>
      rt.app.inject({ method, url: `/api/llm${url}`, headers: { authorization: `Bearer ${admin}` }, payload });
    const [primary] = (await llmApi('GET', '/providers')).json<{ items: Array<{ id: string }> }>().items;
    await llmApi('PATCH', `/providers/${primary!.id}`, { models: ['big-model'] });
    await llmApi('POST', '/providers', { name: 'cheap', type: 'custom', baseUrl: cheap.url, models: ['small-model'] });
    const created = await api.call('POST', '/bots', { name: 'Sessions', token: TOKEN, burstWindowMs: 0 });
    expect(created.statusCode).toBe(201);
    bot = created.json<DiscordBotView>();
    await api.until(bot.id, 'running');
    for (let i = 0; i < 600; i++) {
      const listed = (await api.call('GET', `/bots/${bot.id}/guilds`)).json<{ items: unknown[] }>().items;
      if (listed.length === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the process reports its servers after READY
    }
    const allowed = await api.call('PATCH', `/bots/${bot.id}/guilds/${GUILD}`, { allowedRoutes: ['small-model'] });
    expect(allowed.statusCode).toBe(200);
  });
  afterAll(async () => {
    await rt?.dispose();
    await database?.drop();
    await big?.close();
    await cheap?.close();
    await fake?.close();
  });

  it('a thread is its own session, and takes its channel’s model unless it chose one', async () => {
    mention(SALES, ALICE, 'Channel question');
    await expect.poll(() => botTexts(SALES), { timeout: 60_000 }).toEqual([ANSWER]);
    const thread = fake.startThread({ parentId: SALES, name: 'order 42', owner: ALICE });
    mention(thread, ALICE, 'Thread question');
    await expect.poll(() => botTexts(thread), { timeout: 60_000 }).toEqual([ANSWER]);
    expect(botTexts(SALES)).toEqual([ANSWER]); // answered in the thread, not in its channel
    expect(askedWith(big, 'Thread question')).not.toContain('Channel question');

    mention(SALES, ALICE, 'Channel again');
    await expect.poll(() => botTexts(SALES).length, { timeout: 60_000 }).toBe(2);
    expect(askedWith(big, 'Channel again')).toContain('Channel question'); // the channel's own history

    // an admin picks the cheap model for #sales: its thread follows
    const chosen = await channelPatch(SALES, { route: 'small-model' });
    expect(chosen.statusCode).toBe(200);
    expect(chosen.json<DiscordGuildView>().channelChoices).toEqual([
      { channelId: SALES, route: 'small-model', persona: null, whileAnswering: null },
    ]);
    mention(thread, BOB, 'Thread again');
    await expect.poll(() => botTexts(thread), { timeout: 60_000 }).toEqual([ANSWER, 'Cheap answer.']);
    expect(askedWith(cheap, 'Thread again')).toContain('Thread question');
    expect(askedWith(cheap, 'Thread again')).not.toContain('Channel again');
  });

  it('queues a new turn while the channel’s previous one is being answered (the default)', async () => {
    big.tokenDelayMs = 200;
    try {
      mention(SUPPORT, ALICE, 'First in line');
      // Bob writes while Alice's turn is being answered (sent together, their burst windows could end in either
      // order under load, which is not what this test is about)
      await expect.poll(() => askedWith(big, 'First in line'), { timeout: 60_000 }).toBeDefined();
      mention(SUPPORT, BOB, 'Second in line');
      await expect.poll(() => botTexts(SUPPORT), { timeout: 90_000 }).toEqual([ANSWER, ANSWER]);
    } finally {
      big.tokenDelayMs = 0;
    }
    // the second was asked once the first was answered: its history holds the first answer
    expect(askedWith(big, 'Second in line')).toEqual(expect.arrayContaining(['First in line', ANSWER]));
    expect((await turns(SUPPORT)).map((t) => t.status)).toEqual(['answered', 'answered']);
  });

  it('cancels the turn being answered when the channel says so; what was shown stays, cut short', async () => {
    expect((await channelPatch(SUPPORT, { whileAnswering: 'cancel' })).statusCode).toBe(200);
    const before = botTexts(SUPPORT).length;
    big.tokenDelayMs = 1500;
    try {
      mention(SUPPORT, ALICE, 'Tell me everything');
      await expect.poll(() => botTexts(SUPPORT).length, { timeout: 60_000 }).toBe(before + 1); // streaming
      big.tokenDelayMs = 0;
      mention(SUPPORT, BOB, 'Actually, just the hours');
      await expect.poll(() => botTexts(SUPPORT).slice(before).at(-1), { timeout: 90_000 }).toBe(ANSWER);
    } finally {
      big.tokenDelayMs = 0;
    }
    const [cut, answered] = botTexts(SUPPORT).slice(before);
    expect(cut).toMatch(/ …$/);
    expect(ANSWER.startsWith(cut!.replace(/ …$/, ''))).toBe(true);
    expect(answered).toBe(ANSWER);
    const stored = (await turns(SUPPORT)).slice(-2);
    expect(stored.map((t) => [t.text, t.status])).toEqual([
      ['Tell me everything', 'cancelled'],
      ['Actually, just the hours', 'answered'],
    ]);
  });

  it('refuses bad per-channel settings with a clear error and changes nothing', async () => {
    const unknownChannel = await channelPatch(UNKNOWN_CHANNEL, { route: 'small-model' });
    expect(unknownChannel.statusCode).toBe(404);
    expect(unknownChannel.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const badMode = await channelPatch(SALES, { whileAnswering: 'later' });
    expect(badMode.statusCode).toBe(400);
    const badRoute = await channelPatch(SALES, { route: 'no-such-model' });
    expect(badRoute.statusCode).toBe(400);
    expect(badRoute.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const guild = (await api.call('GET', `/bots/${bot.id}/guilds`)).json<{ items: DiscordGuildView[] }>().items[0]!;
    expect(guild.channelChoices.find((c) => c.channelId === SALES)?.route).toBe('small-model');
  });

  it('suggests the models this server may use as /model route is typed', async () => {
    const typed = fake.userAutocompletes({
      channelId: SALES,
      user: ALICE,
      name: 'model',
      options: { route: 'sma' },
      focused: 'route',
    });
    await expect
      .poll(() => typed.choices, { timeout: 60_000 })
      .toEqual([{ name: 'small-model', value: 'small-model' }]);
    expect(typed.response).toBe(8);
    const none = fake.userAutocompletes({
      channelId: SALES,
      user: ALICE,
      name: 'model',
      options: { route: 'gpt-9' },
      focused: 'route',
    });
    await expect.poll(() => none.choices, { timeout: 60_000 }).toEqual([]);
  });

  it('answers an interaction once, also after the orchestrator restarted (interaction ids are stored)', async () => {
    const commandsOver = () =>
      createDiscordCommands({
        guilds: createDiscordGuildSettings({
          guilds: rt.stores.discord.guilds,
          choices: rt.stores.discord.choices,
          usage: rt.llm.usage,
          knowsRoute: () => true,
          clock: Date.now,
        }),
        interactions: rt.stores.discord.interactions,
        clock: Date.now,
        router: rt.llm.router,
        memory: rt.llm.memory,
        sessionKey: (botId, channelId) => `discord:${botId}:${channelId}`,
        knowsRoute: () => true,
        firstTokenTimeoutMs: 10_000,
        onError: (error) => {
          throw error;
        },
      });
    const command = {
      interactionId: '555555555555555591',
      name: 'help',
      options: {},
      channelId: SALES,
      guildId: GUILD,
      user: { id: ALICE.id, username: ALICE.username },
      permissions: null,
    };
    const stored = await api.bot(bot.id).then(() => rt.stores.discord.bots.findById(bot.id));
    expect(await commandsOver().handle(stored!, command)).toMatchObject({ ephemeral: true });
    // a new service over the same database (what a restarted orchestrator builds) does not answer it again
    expect(await commandsOver().handle(stored!, command)).toBeNull();
    expect(await commandsOver().handle(stored!, { ...command, interactionId: '555555555555555592' })).not.toBeNull();
  });
});
