import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DiscordBotView, DiscordVoiceStateView } from '@ai-secretary/protocol';
import { FakeDiscord, type InteractionRecord } from '../../src/testing/fake-discord/index.js';
import { FakeDiscordVoice } from '../../src/testing/fake-discord-voice/index.js';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { createTestDatabase, createTestRuntime, type TestDatabase, type TestRuntime } from '../helpers/runtime.js';
import { discordApi } from '../discord/helpers.js';

// A real bot process (discord.js + @discordjs/voice) against the fake gateway and voice server: generous limits.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-voice-token';
const BOT_ID = '111111111111111111';
const GUILD = '222222222222222222';
const GENERAL = '333333333333333333';
const LOUNGE = '333333333333333390';
const ALICE = { id: '444444444444444444', username: 'alice' };

/** A 440 Hz tone at 16 kHz mono: what a user "says" here (speech comes with the voice engine). */
function tone(ms: number) {
  const pcm = new Int16Array(16 * ms);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16_000));
  return { pcm, sampleRateHz: 16_000, channels: 1 };
}

describe('Discord voice: /join, /leave and the admin action drive the real @discordjs/voice in the bot process', () => {
  let fake: FakeDiscord;
  let voice: FakeDiscordVoice;
  let llm: FakeLlm;
  let database: TestDatabase;
  let rt: TestRuntime;
  let api: ReturnType<typeof discordApi>;
  let bot: DiscordBotView;

  const states = async () =>
    (await api.call('GET', `/bots/${bot.id}/voice`)).json<{ items: DiscordVoiceStateView[] }>().items;
  const voiceState = async () => (await states()).find((state) => state.guildId === GUILD);
  const untilStatus = async (status: DiscordVoiceStateView['status']) => {
    try {
      await expect.poll(async () => (await voiceState())?.status, { timeout: 60_000, interval: 100 }).toBe(status);
    } catch {
      const seen = JSON.stringify({ state: await voiceState(), connections: voice.connections() });
      throw new Error(`voice connection not ${status}: ${seen}`);
    }
  };
  const answerOf = async (record: InteractionRecord) => {
    await expect.poll(() => record.original?.content ?? '', { timeout: 60_000 }).not.toBe('');
    return record.original!.content;
  };
  const identifies = () => voice.connections().filter((c) => c.kind === 'identify').length;

  beforeAll(async () => {
    voice = new FakeDiscordVoice({ heartbeatIntervalMs: 1000 });
    await voice.start();
    // The bot process inherits this: it trusts the fake voice server's per-run certificate.
    process.env.NODE_EXTRA_CA_CERTS = voice.certificate.certPath;
    fake = new FakeDiscord({ heartbeatIntervalMs: 1000 });
    const { restRoot } = await fake.start();
    fake.attachVoice(voice);
    fake.addBot({ token: TOKEN, id: BOT_ID, username: 'secretary' });
    fake.addGuild({
      id: GUILD,
      name: 'Shop',
      channels: [
        { id: GENERAL, name: 'general' },
        { id: LOUNGE, name: 'Lounge', type: 2 },
      ],
    });
    llm = await createFakeLlm({ tokens: ['Hello.'] });
    database = createTestDatabase();
    rt = await createTestRuntime({
      database,
      env: {
        DISCORD_API_ROOT: restRoot,
        DISCORD_VOICE_DAVE: 'false',
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
        PROCESS_HEARTBEAT_INTERVAL_MS: '1000',
      },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    api = discordApi(rt, await rt.adminToken());
    const created = await api.call('POST', '/bots', { name: 'Support', token: TOKEN });
    expect(created.statusCode).toBe(201);
    bot = await api.until(created.json<DiscordBotView>().id, 'running');
  });
  afterAll(async () => {
    delete process.env.NODE_EXTRA_CA_CERTS;
    await rt?.dispose();
    await database?.drop();
    await llm?.close();
    await fake?.close();
    await voice?.close();
  });

  it('/join from someone in no voice channel says where to go; nothing joins', async () => {
    const answer = await answerOf(fake.userRunsCommand({ channelId: GENERAL, user: ALICE, name: 'join' }));
    expect(answer).toBe('Join a voice channel first, then run /join again.');
    expect(voice.connections()).toHaveLength(0);
  });

  it("/join joins the caller's voice channel: voice gateway v8 without DAVE (the tests' setting), then ready", async () => {
    fake.userVoiceState({ guildId: GUILD, channelId: LOUNGE, user: ALICE });
    const answer = await answerOf(fake.userRunsCommand({ channelId: GENERAL, user: ALICE, name: 'join' }));
    expect(answer).toBe('Joining your voice channel.');
    await untilStatus('ready');
    expect(await voiceState()).toMatchObject({ channelId: LOUNGE, reason: null, rejoins: 0 });
    expect(voice.isReady(GUILD)).toBe(true);
    expect(voice.connections()[0]).toMatchObject({ kind: 'identify', userId: BOT_ID, maxDaveProtocolVersion: 0 });
  });

  it('the voice WebSocket dropped: the connection resumes and is ready again', async () => {
    voice.dropSocket(GUILD);
    await expect.poll(() => voice.connections().at(-1)?.kind, { timeout: 30_000 }).toBe('resume');
    await expect.poll(() => voice.isReady(GUILD), { timeout: 30_000 }).toBe(true);
    await untilStatus('ready');
  });

  it('admin leave and join (audited); bad bodies are refused with the admin error format', async () => {
    const left = await api.call('POST', `/bots/${bot.id}/voice/leave`, { guildId: GUILD });
    expect(left.statusCode).toBe(202);
    await untilStatus('left');
    expect((await voiceState())?.channelId).toBeNull();

    const bad = await api.call('POST', `/bots/${bot.id}/voice/join`, { guildId: GUILD, channelId: 'lounge' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: expect.any(String) } });
    const extra = await api.call('POST', `/bots/${bot.id}/voice/join`, { guildId: GUILD, channelId: LOUNGE, x: 1 });
    expect(extra.statusCode).toBe(400);
    const missing = await api.call('POST', `/bots/nope/voice/join`, { guildId: GUILD, channelId: LOUNGE });
    expect(missing.statusCode).toBe(404);

    const text = await api.call('POST', `/bots/${bot.id}/voice/join`, { guildId: GUILD, channelId: GENERAL });
    expect(text.statusCode).toBe(202);
    await untilStatus('failed');
    expect((await voiceState())?.reason).toBe('not-a-voice-channel');

    const joined = await api.call('POST', `/bots/${bot.id}/voice/join`, { guildId: GUILD, channelId: LOUNGE });
    expect(joined.statusCode).toBe(202);
    await untilStatus('ready');
    const admin = await rt.adminToken();
    const actions = async () => {
      const audit = await rt.app.inject({
        method: 'GET',
        url: '/api/audit?action=discord.voice',
        headers: { authorization: `Bearer ${admin}` },
      });
      return audit.json<{ items: Array<{ action: string }> }>().items.map((entry) => entry.action);
    };
    await expect.poll(actions).toEqual(expect.arrayContaining(['discord.voice.join', 'discord.voice.leave']));
  });

  it('decryption failures past the tolerance (3 in 30 s) make the connection rejoin; the count is in the state', async () => {
    const before = identifies();
    for (let i = 0; i < 3; i++) {
      voice.corruptNext(1); // the first packet of each utterance: the library destroys that speaker's stream
      await voice.play(ALICE.id, tone(300));
      await new Promise((resolve) => setTimeout(resolve, 400)); // speaking ends; the next one resubscribes
    }
    await expect.poll(() => identifies(), { timeout: 30_000 }).toBeGreaterThan(before);
    await untilStatus('ready');
    expect((await voiceState())?.decryptionFailures).toBe(3);
  });

  it('the bot process SIGKILLed in a call is restarted and rejoins the channel', async () => {
    const before = identifies();
    const { pid } = await api.bot(bot.id);
    process.kill(pid!, 'SIGKILL');
    await expect.poll(async () => (await api.bot(bot.id)).pid, { timeout: 90_000, interval: 200 }).not.toBe(pid);
    await api.until(bot.id, 'running');
    await untilStatus('ready');
    expect(identifies()).toBeGreaterThan(before);
    expect(voice.isReady(GUILD)).toBe(true);
  });

  it('a voice server that requires DAVE (close 4017): a clear failed status, not a rejoin loop', async () => {
    await api.call('POST', `/bots/${bot.id}/voice/leave`, { guildId: GUILD });
    await untilStatus('left');
    voice.requireDave();
    const before = identifies();
    await api.call('POST', `/bots/${bot.id}/voice/join`, { guildId: GUILD, channelId: LOUNGE });
    await untilStatus('failed');
    expect(await voiceState()).toMatchObject({ reason: 'dave-required', closeCode: 4017 });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a loop would keep identifying
    expect(identifies() - before).toBeLessThanOrEqual(2);
    const leave = await answerOf(fake.userRunsCommand({ channelId: GENERAL, user: ALICE, name: 'leave' }));
    expect(leave).toBe('Leaving the voice channel.');
  });
});
