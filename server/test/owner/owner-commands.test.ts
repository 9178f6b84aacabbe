import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import type { DiscordBotView, DiscordTurnView, TelegramBotView } from '@ai-secretary/protocol';
import { OwnerCommandEntity } from '../../src/db/entities/owner-command.entity.js';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { FakeDiscord } from '../../src/testing/fake-discord/index.js';
import type { FakeTelegram } from '../../src/testing/fake-telegram/index.js';
import { createTestDatabase, createTestRuntime, type TestDatabase, type TestRuntime } from '../helpers/runtime.js';
import { discordApi } from '../discord/helpers.js';
import { until } from '../gsm/helpers.js';
import { botToken, startFakeTelegram, telegramApi } from '../telegram/helpers.js';

// Real bot processes (discord.js, grammY) and the simulated modem on a shared machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-owner-one';
const BOT_ID = '111111111111111111';
const GUILD = '222222222222222222';
const GENERAL = '333333333333333333';
const OWNER = { id: '444444444444444444', username: 'owner' };
const ALICE = { id: '555555555555555555', username: 'alice' };
const TG_OWNER = 7001;
const TG_STRANGER = 7002;
const NUMBER = '+79990001122';
const SMS_TEXT = 'the order is ready';
const ASK_SMS = `send an SMS to ${NUMBER} saying ${SMS_TEXT}`;
const SEND_SMS = { name: 'send_sms', arguments: JSON.stringify({ to: NUMBER, text: SMS_TEXT }) };

type Body = { tools?: Array<{ function: { name: string } }>; messages: Array<{ role: string; content: unknown }> };

describe('owner commands: plain language in a DM, confirmed with a button, run once through the same services', () => {
  let discord: FakeDiscord;
  let telegram: FakeTelegram;
  let llm: FakeLlm;
  let database: TestDatabase;
  let rt: TestRuntime;
  let discordBot: DiscordBotView;
  let tgBot: TelegramBotView;
  let tgToken: string;

  const bodies = () => llm.requests.map((r) => r.body as unknown as Body);
  const toolNames = (body: Body | undefined) => (body?.tools ?? []).map((t) => t.function.name).sort();
  /** The requests that asked about `text` (the first round of its turn). */
  const askedAbout = (text: string) => bodies().filter((b) => b.messages.at(-1)?.content === text);
  const sentSms = () => rt.gsm?.simulator?.emulator.sentSms ?? [];
  const commands = () => rt.db.getRepository(OwnerCommandEntity).find();
  const auditOf = async (actorId: string) =>
    (await rt.services.audit.list({ limit: 20, offset: 0, actorId })).items.filter((e) =>
      e.action.startsWith('owner.'),
    );

  async function promptIn(channelId: string, count: number): Promise<APIMessage> {
    return until(
      () => discord.messagesIn(channelId).filter((m) => (m.components ?? []).length > 0)[count - 1],
      60_000,
      'a confirmation with buttons',
    );
  }
  const buttonOf = (message: APIMessage, action: 'confirm' | 'cancel') => {
    const rows = message.components as unknown as Array<{ components: Array<{ custom_id: string }> }>;
    return rows[0]!.components.map((b) => b.custom_id).find((id) => id.endsWith(`:${action}`))!;
  };

  beforeAll(async () => {
    discord = new FakeDiscord({ heartbeatIntervalMs: 1000 });
    const { restRoot } = await discord.start();
    discord.addBot({ token: DISCORD_TOKEN, id: BOT_ID, username: 'secretary' });
    discord.addGuild({ id: GUILD, name: 'Shop', channels: [{ id: GENERAL, name: 'general' }] });
    telegram = await startFakeTelegram();
    llm = await createFakeLlm({ tokens: ['Done', ' as', ' asked.'] });
    llm.autoToolCall = false; // only the calls each test scripts
    database = createTestDatabase();
    rt = await createTestRuntime({
      database,
      env: {
        DISCORD_API_ROOT: restRoot,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        GSM_ENABLED: 'true',
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
        PROCESS_HEARTBEAT_INTERVAL_MS: '1000',
      },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    const admin = await rt.adminToken();
    const dApi = discordApi(rt, admin);
    const created = await dApi.call('POST', '/bots', { name: 'Shop', token: DISCORD_TOKEN, ownerUsers: [OWNER.id] });
    expect(created.statusCode).toBe(201);
    discordBot = created.json<DiscordBotView>();
    tgToken = botToken();
    telegram.addBot({ token: tgToken, username: 'shop_bot' });
    const tApi = telegramApi(rt, admin);
    const tCreated = await tApi.call('POST', '/bots', { name: 'Shop', token: tgToken, adminUsers: [TG_OWNER] });
    expect(tCreated.statusCode).toBe(201);
    tgBot = tCreated.json<TelegramBotView>();
    await dApi.until(discordBot.id, 'running');
    await tApi.until(tgBot.id, 'running');
    await until(() => rt.gsm?.modem.state === 'ready', 30_000, 'modem ready');
  });
  afterAll(async () => {
    await rt?.dispose();
    await database?.drop();
    await llm?.close();
    await telegram?.close();
    await discord?.close();
  });

  it('refuses ownerUsers that are not snowflakes (400)', async () => {
    const api = discordApi(rt, await rt.adminToken());
    const bad = await api.call('PATCH', `/bots/${discordBot.id}`, { ownerUsers: ['owner'] });
    expect(bad.statusCode).toBe(400);
    expect((await api.bot(discordBot.id)).ownerUsers).toEqual([OWNER.id]);
  });

  it('a normal Discord turn calls current_time: the result is fed back and the turn record shows the call', async () => {
    llm.scriptToolCalls({ name: 'current_time', arguments: '{}' });
    discord.userSays({ channelId: GENERAL, author: ALICE, content: 'what time is it?', mentionsBot: true });
    await until(() => discord.messagesIn(GENERAL).some((m) => m.content === 'Done as asked.'), 60_000, 'the reply');
    const [first] = askedAbout('what time is it?');
    expect(toolNames(first)).toEqual(['current_time']); // no owner tools: not an owner, not a DM
    const fedBack = bodies().find((b) => b.messages.at(-1)?.role === 'tool');
    expect(String(fedBack?.messages.at(-1)?.content)).toContain('"timeZone"');
    const api = discordApi(rt, await rt.adminToken());
    const turns = (await api.call('GET', `/bots/${discordBot.id}/channels/${GENERAL}`)).json<{
      items: DiscordTurnView[];
    }>().items;
    expect(turns.at(-1)?.toolCalls).toMatchObject([{ name: 'current_time', arguments: '{}', error: null }]);
    expect(turns.at(-1)?.toolCalls[0]?.result).toContain('"timeZone"');
  });

  it('anyone but an owner in a DM gets no owner tools (a stranger in a DM, the owner in a server channel)', async () => {
    discord.dm({ userId: ALICE.id, username: ALICE.username, content: ASK_SMS });
    const aliceDm = discord.dmChannelId(ALICE.id);
    await until(() => discord.messagesIn(aliceDm).length > 0, 60_000, 'the reply to alice');
    discord.userSays({ channelId: GENERAL, author: OWNER, content: `please ${ASK_SMS}`, mentionsBot: true });
    await until(() => askedAbout(`please ${ASK_SMS}`).length > 0, 60_000, 'the owner asked in a channel');
    expect(toolNames(askedAbout(ASK_SMS)[0])).toEqual(['current_time']);
    expect(toolNames(askedAbout(`please ${ASK_SMS}`)[0])).toEqual(['current_time']);
  });

  it('Discord: the owner asks for an SMS, confirms it; it is sent once through the modem and audited', async () => {
    llm.scriptToolCalls(SEND_SMS);
    discord.dm({ userId: OWNER.id, username: OWNER.username, content: ASK_SMS });
    const dm = discord.dmChannelId(OWNER.id);
    const prompt = await promptIn(dm, 1);
    expect(toolNames(askedAbout(ASK_SMS).at(-1))).toEqual(
      ['current_time', 'list_messages', 'mark_message_handled', 'send_sms', 'set_greeting'].sort(),
    );
    expect(prompt.content).toContain(NUMBER);
    expect(prompt.content).toContain(SMS_TEXT);
    expect(sentSms()).toHaveLength(0); // nothing happens before the owner confirms
    const pending = (await commands()).filter((c) => c.channel === 'discord');
    expect(pending).toMatchObject([
      { status: 'pending', actorId: OWNER.id, command: { kind: 'send_sms', to: NUMBER } },
    ]);

    // a press by someone else (forged: only the owner sees this DM) is refused and sends nothing
    const forged = discord.userClicksButton({
      messageId: prompt.id,
      customId: buttonOf(prompt, 'confirm'),
      user: ALICE,
    });
    await until(() => forged.followUps.length > 0, 60_000, 'the refusal');
    expect(forged.followUps[0]?.content).toContain('Only the owner');
    expect(sentSms()).toHaveLength(0);
    expect((await commands()).find((c) => c.id === pending[0]!.id)?.status).toBe('pending');

    // the owner presses Confirm twice at once: one press runs it, the other is told it is done
    const presses = [1, 2].map(() =>
      discord.userClicksButton({ messageId: prompt.id, customId: buttonOf(prompt, 'confirm'), user: OWNER }),
    );
    await until(() => prompt.content.startsWith('✅'), 60_000, 'the result in the confirmation');
    await until(() => presses.some((p) => p.followUps.length > 0), 60_000, 'the second press answered');
    expect(prompt.content).toContain('SMS sent');
    expect(prompt.components).toEqual([]);
    expect(presses.flatMap((p) => p.followUps.map((m) => m.content))).toEqual([expect.stringMatching(/already/)]);
    expect(sentSms().map((s) => s.text)).toEqual([SMS_TEXT]);
    expect(sentSms()[0]).toMatchObject({ to: expect.stringContaining('79990001122') });
    expect((await commands()).find((c) => c.id === pending[0]!.id)).toMatchObject({ status: 'executed' });
    const audit = await auditOf(`discord:${OWNER.id}`);
    expect(audit).toMatchObject([
      { action: 'owner.send_sms', actorName: OWNER.username, target: pending[0]!.id, details: { outcome: 'executed' } },
    ]);
  });

  it('bad input: send_sms with an invalid number stores no command and tells the model what is wrong', async () => {
    const before = (await commands()).length;
    llm.scriptToolCalls({ name: 'send_sms', arguments: JSON.stringify({ to: '12345', text: 'hello' }) });
    discord.dm({ userId: OWNER.id, username: OWNER.username, content: 'text 12345 hello' });
    const dm = discord.dmChannelId(OWNER.id);
    await until(() => askedAbout('text 12345 hello').length > 0, 60_000, 'the request');
    const fedBack = await until(
      () => bodies().find((b) => String(b.messages.at(-1)?.content).includes('E.164')),
      60_000,
      'the reason fed back',
    );
    expect(String(fedBack.messages.at(-1)?.content)).toContain('not proposed');
    const api = discordApi(rt, await rt.adminToken());
    const turn = await until(async () => {
      const items = (await api.call('GET', `/bots/${discordBot.id}/channels/${dm}`)).json<{
        items: DiscordTurnView[];
      }>().items;
      const found = items.find((t) => t.text === 'text 12345 hello');
      return found?.status === 'answered' ? found : null;
    });
    expect(turn.toolCalls[0]).toMatchObject({ name: 'send_sms', error: null });
    expect(turn.toolCalls[0]?.result).toContain('E.164');
    expect(await commands()).toHaveLength(before);
    // no new confirmation (the earlier one lost its buttons when it ran)
    expect(discord.messagesIn(dm).filter((m) => (m.components ?? []).length > 0)).toHaveLength(0);
  });

  it('Telegram: an admin user asks for an SMS in a private chat; the inline Confirm runs it once', async () => {
    const smsBefore = sentSms().length;
    telegram.userSends(tgToken, { chatId: TG_STRANGER, from: { id: TG_STRANGER }, text: 'hello there' });
    await until(() => askedAbout('hello there').length > 0, 60_000, 'the stranger asked');
    expect(askedAbout('hello there')[0]?.tools).toBeUndefined(); // not an admin user: no tools at all

    llm.scriptToolCalls(SEND_SMS);
    telegram.userSends(tgToken, { chatId: TG_OWNER, from: { id: TG_OWNER }, text: ASK_SMS });
    const shown = await telegram.waitForCall(
      'sendMessage',
      (c) => JSON.stringify(c.params.reply_markup ?? '').includes(':confirm'),
      60_000,
    );
    expect(toolNames(askedAbout(ASK_SMS).at(-1))).toContain('send_sms');
    expect(String(shown.params.text)).toContain(NUMBER);
    const keyboard = (shown.params.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> })
      .inline_keyboard;
    const confirm = keyboard.flat().find((b) => b.callback_data.endsWith(':confirm'))!.callback_data;
    expect(sentSms()).toHaveLength(smsBefore);

    telegram.userPresses(tgToken, { chatId: TG_OWNER, from: { id: TG_OWNER }, data: confirm });
    const edited = await telegram.waitForCall('editMessageText', (c) => String(c.params.text).startsWith('✅'), 60_000);
    expect(String(edited.params.text)).toContain('SMS sent');
    expect(
      sentSms()
        .slice(smsBefore)
        .map((s) => s.text),
    ).toEqual([SMS_TEXT]);
    telegram.userPresses(tgToken, { chatId: TG_OWNER, from: { id: TG_OWNER }, data: confirm });
    const again = await telegram.waitForCall(
      'answerCallbackQuery',
      (c) => typeof c.params.text === 'string' && c.params.text.includes('already'),
      60_000,
    );
    expect(again.status).toBe(200);
    expect(sentSms()).toHaveLength(smsBefore + 1);
    expect(await auditOf(`telegram:${TG_OWNER}`)).toMatchObject([
      { action: 'owner.send_sms', details: { channel: 'telegram', outcome: 'executed' } },
    ]);
  });
});
