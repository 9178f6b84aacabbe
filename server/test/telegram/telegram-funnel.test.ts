import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  FunnelAnalytics,
  FunnelDefinition,
  TelegramBotView,
  TelegramFunnelView,
  TelegramSubscriberView,
} from '@ai-secretary/protocol';
import type { Message } from 'grammy/types';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import type { FakeTelegram } from '../../src/testing/fake-telegram/index.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { quizFunnel } from './funnel-fixture.js';
import { botToken, startFakeTelegram, telegramApi } from './helpers.js';

// Real bot processes (grammY) on a shared machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

describe('Telegram sales funnel: walked by buttons and free text through real grammY', () => {
  let fake: FakeTelegram;
  let llm: FakeLlm;
  let rt: TestRuntime;
  let api: ReturnType<typeof telegramApi>;
  let admin: string;
  let bot: TelegramBotView;
  let token: string;

  beforeAll(async () => {
    fake = await startFakeTelegram();
    llm = await createFakeLlm({ tokens: ['We ', 'work ', 'weekends.'] });
    rt = await createTestRuntime({
      env: {
        TELEGRAM_API_ROOT: fake.apiRoot,
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
        PROCESS_HEARTBEAT_INTERVAL_MS: '1000',
      },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await rt.adminToken();
    api = telegramApi(rt, admin);
    token = botToken();
    fake.addBot({ token, username: 'sales_bot' });
    const created = await api.call('POST', '/bots', {
      name: 'Sales',
      token,
      language: 'en',
      rateLimit: { messages: 1000, windowSeconds: 60 },
    });
    expect(created.statusCode).toBe(201);
    bot = created.json<TelegramBotView>();
    await api.until(bot.id, 'running');
  });
  afterAll(async () => {
    await rt?.dispose();
    await llm?.close();
    await fake?.close();
  });

  const botMessages = (chatId: number): Message[] =>
    fake.messages(chatId, token).filter((m) => m.from?.id !== chatId && m.from?.is_bot);
  const buttonsOf = (message: Message | undefined) =>
    (message?.reply_markup?.inline_keyboard ?? []).flat().map((b) => ('callback_data' in b ? b.callback_data : ''));

  /** Does something as the user, then waits for the bot's message that `expected` matches. */
  async function expectBot(chatId: number, act: () => void, expected: RegExp): Promise<Message> {
    const before = botMessages(chatId).length;
    act();
    await expect
      .poll(
        () =>
          botMessages(chatId)
            .slice(before)
            .map((m) => m.text ?? ''),
        { timeout: 60_000 },
      )
      .toContainEqual(expect.stringMatching(expected));
    return botMessages(chatId)
      .slice(before)
      .find((m) => expected.test(m.text ?? ''))!;
  }
  const user = (chatId: number) => ({ id: chatId, firstName: 'Ann', username: `user${chatId}`, languageCode: 'en' });
  const says = (chatId: number, text: string, expected: RegExp) =>
    expectBot(chatId, () => fake.userSends(token, { chatId, from: user(chatId), text }), expected);
  const presses = (chatId: number, data: string, expected: RegExp) =>
    expectBot(chatId, () => fake.userPresses(token, { chatId, from: user(chatId), data }), expected);

  const saveFunnel = (definition: FunnelDefinition) => api.call('PUT', `/bots/${bot.id}/funnel`, { definition });

  it('refuses funnels that cannot be walked with clear 400s, keeping the draft as it was', async () => {
    const good = quizFunnel();
    expect((await saveFunnel(good)).statusCode).toBe(200);
    const bad: Array<[string, (d: FunnelDefinition) => void, RegExp]> = [
      [
        'unknown next',
        (d) => ((d.steps[2] as { next: string }).next = 'nowhere'),
        /leads to "nowhere", which does not exist/,
      ],
      ['unknown start', (d) => (d.start = 'missing'), /start step "missing" does not exist/],
      ['duplicate id', (d) => (d.steps[3]!.id = 'name'), /two steps are called "name"/],
      [
        'loop of branches',
        (d) =>
          d.steps.push(
            { id: 'loop-a', type: 'branch', rules: [], otherwise: 'loop-b' },
            { id: 'loop-b', type: 'message', text: { en: 'Again', ru: 'Снова' }, buttons: [], next: 'loop-a' },
          ),
        /lead to each other without the user/,
      ],
      [
        'condition value no button gives',
        (d) => (d.segments!.rules[0]!.when[0]!.in = ['expert']),
        /expects "tech" to be "expert", which no button gives/,
      ],
      [
        'unknown field',
        (d) => (d.segments!.rules[0]!.when[0]!.field = 'budget'),
        /looks at "budget", which no step asks for/,
      ],
      ['no text', (d) => ((d.steps[2] as { text: unknown }).text = { en: ' ', ru: '' }), /step "name" has no text/],
      [
        'pay without product',
        (d) =>
          ((d.steps.find((s) => s.id === 'offer-custom') as { payLabel?: unknown }).payLabel = {
            en: 'Pay',
            ru: 'Оплатить',
          }),
        /payment button but no productId/,
      ],
    ];
    for (const [name, spoil, message] of bad) {
      const definition = quizFunnel();
      spoil(definition);
      const response = await saveFunnel(definition);
      expect(response.statusCode, name).toBe(400);
      expect(response.json(), name).toMatchObject({ error: { code: 'TELEGRAM_FUNNEL_INVALID' } });
      expect(response.json<{ error: { message: string } }>().error.message, name).toMatch(message);
    }
    // Shapes the schema refuses: an unknown step type, a step id too long for callback data, an unknown field.
    for (const spoil of [
      (d: Record<string, unknown>) => ((d.steps as Array<Record<string, unknown>>)[0]!.type = 'quiz'),
      (d: Record<string, unknown>) => ((d.steps as Array<Record<string, unknown>>)[0]!.id = 'x'.repeat(33)),
      (d: Record<string, unknown>) => (d.colour = 'red'),
    ]) {
      const definition = quizFunnel() as unknown as Record<string, unknown>;
      spoil(definition);
      const response = await saveFunnel(definition as unknown as FunnelDefinition);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
    const view = (await api.call('GET', `/bots/${bot.id}/funnel`)).json<TelegramFunnelView>();
    expect(view.draft?.definition).toEqual(good);
    expect(view.published).toBeNull();
  });

  it('publishes the draft; a second publish has nothing to publish', async () => {
    const published = await api.call('POST', `/bots/${bot.id}/funnel/publish`);
    expect(published.statusCode).toBe(200);
    expect(published.json<TelegramFunnelView>()).toMatchObject({ draft: null, published: { version: 1 } });
    const again = await api.call('POST', `/bots/${bot.id}/funnel/publish`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'TELEGRAM_FUNNEL_NO_DRAFT' } });
  });

  const ANN = 9101;

  it('walks a user from a campaign link to the diy offer with a pay: button, and takes a manager request', async () => {
    const welcome = await says(ANN, '/start ad_spring', /^(Welcome|Hi) \(v1\)/);
    expect(buttonsOf(welcome)).toEqual(['funnel:go:welcome:0', 'funnel:go:welcome:1']);
    await presses(ANN, 'funnel:go:welcome:0', /What is your name/);
    await says(ANN, 'Ann Lee', /Your phone number \(v1\)/);
    await says(ANN, 'call me', /does not look like a phone number/);
    const tech = await says(ANN, '+44 20 7946 0958', /How technical are you \(v1\)/);
    expect(buttonsOf(tech)).toEqual(['funnel:go:tech:0', 'funnel:go:tech:1']);
    await presses(ANN, 'funnel:go:tech:0', /Do you have a server/);
    const offer = await presses(ANN, 'funnel:go:infra:0', /The DIY kit/);
    expect(offer.text).toContain('Price: 990 ₽');
    expect(buttonsOf(offer)).toEqual(['pay:diy-kit', 'funnel:manager:offer-diy']);
    expect(offer.reply_markup?.inline_keyboard[0]![0]!.text).toBe('Pay 990 ₽');

    // A button of a step already left does nothing; funnel:resume (a follow-up's button) shows the step again.
    fake.userPresses(token, { chatId: ANN, from: user(ANN), data: 'funnel:go:tech:1' });
    await presses(ANN, 'funnel:resume', /The DIY kit/);
    await presses(ANN, 'funnel:manager:offer-diy', /A manager will contact you/);

    const subscribers = (await api.call('GET', `/bots/${bot.id}/subscribers?segment=diy`)).json<{
      items: TelegramSubscriberView[];
    }>();
    expect(subscribers.items).toEqual([
      expect.objectContaining({
        chatId: ANN,
        source: 'ad_spring',
        segment: 'diy',
        funnelStep: 'offer-diy',
        answers: { name: 'Ann Lee', phone: '+442079460958', tech: 'high', infra: 'own' },
        consentAt: expect.any(String),
        lastActivityAt: expect.any(String),
      }),
    ]);
    const none = (await api.call('GET', `/bots/${bot.id}/subscribers?segment=basic`)).json<{ items: unknown[] }>();
    expect(none.items).toEqual([]);
    const csv = (await api.call('GET', `/bots/${bot.id}/subscribers.csv`)).body;
    expect(csv).toMatch(new RegExp(`^${ANN},${ANN},@user${ANN},en,ad_spring,active,diy,offer-diy,\\d{4}-`, 'm'));

    const messages = (await rt.app.inject({ method: 'GET', url: '/api/messages', headers: bearer(admin) })).json<{
      items: Array<Record<string, unknown>>;
    }>();
    expect(messages.items).toContainEqual(
      expect.objectContaining({
        channel: 'telegram',
        callerName: 'Ann Lee',
        callbackNumber: '+442079460958',
        reason: expect.stringContaining('offer "offer-diy" (product diy-kit), segment diy'),
      }),
    );

    const events = await rt.stores.telegram.events.list(bot.id);
    const mine = events.filter((e) => e.chatId === ANN);
    expect(mine.filter((e) => e.type === 'segment.assigned')).toEqual([
      expect.objectContaining({ segment: 'diy', source: 'ad_spring', step: 'infra' }),
    ]);
    expect(mine.filter((e) => e.type === 'offer.shown').map((e) => e.step)).toEqual(['offer-diy', 'offer-diy']);
    expect(mine.filter((e) => e.type === 'manager.requested')).toEqual([
      expect.objectContaining({ step: 'offer-diy', segment: 'diy', data: { productId: 'diy-kit' } }),
    ]);
    const welcomeShown = mine.find((e) => e.type === 'step.shown' && e.step === 'welcome')!;
    expect(['A', 'B']).toContain(welcomeShown.variant);
    // Free-text answers (name, phone) stay out of the events.
    const kept = JSON.stringify(mine.map((e) => e.data));
    expect(kept).not.toContain('7946');
    expect(kept).not.toContain('Ann');
  });

  it('hands an LLM step to the model with the step prompt, and comes back to the quiz by its button', async () => {
    const BOB = 9102;
    await says(BOB, '/start', /^(Welcome|Hi) \(v1\)/);
    const chat = await presses(BOB, 'funnel:go:welcome:1', /Ask me anything/);
    expect(buttonsOf(chat)).toEqual(['funnel:go:chat:0']);
    await says(BOB, 'Do you work on weekends?', /We work weekends\./);
    const sent = llm.requests.at(-1)?.body.messages as Array<{ role: string; content: string }>;
    expect(sent[0]).toMatchObject({ role: 'system' });
    expect(sent).toContainEqual({ role: 'system', content: expect.stringContaining('You sell the AI Secretary') });
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'Do you work on weekends?' });
    await presses(BOB, 'funnel:go:chat:0', /What is your name/);
    await says(BOB, 'Bob', /Your phone number/);
    await says(BOB, '8 912 345 67 89', /How technical/);
    await presses(BOB, 'funnel:go:tech:1', /Do you have a server/);
    const offer = await presses(BOB, 'funnel:go:infra:1', /A custom setup/);
    expect(buttonsOf(offer)).toEqual(['funnel:manager:offer-custom']);
    expect(offer.reply_markup?.inline_keyboard[0]![0]!.text).toBe('Call me');
    await says(BOB, '/stop', /.+/);
    await expect
      .poll(() => rt.stores.telegram.events.list(bot.id, { types: ['unsubscribed'] }), { timeout: 30_000 })
      .toEqual([expect.objectContaining({ chatId: BOB, segment: 'custom', step: 'offer-custom' })]);
  });

  it('keeps a user mid-way on v1 after v2 is published; a new /start walks v2', async () => {
    const CAT = 9103;
    await says(CAT, '/start', /^(Welcome|Hi) \(v1\)/);
    await presses(CAT, 'funnel:go:welcome:0', /What is your name/);
    await says(CAT, 'Cat', /Your phone number \(v1\)/);

    const v2 = quizFunnel('v2');
    v2.steps = v2.steps.filter((s) => s.id !== 'chat');
    (v2.steps[0] as { buttons: unknown[] }).buttons.pop();
    expect((await saveFunnel(v2)).statusCode).toBe(200);
    const published = await api.call('POST', `/bots/${bot.id}/funnel/publish`);
    expect(published.json<TelegramFunnelView>()).toMatchObject({ published: { version: 2 } });

    await says(CAT, '+7 912 345-67-89', /How technical are you \(v1\)/);
    const DAN = 9104;
    const welcome = await says(DAN, '/start', /^(Welcome|Hi) \(v2\)/);
    expect(buttonsOf(welcome)).toEqual(['funnel:go:welcome:0']);
    await presses(DAN, 'funnel:go:welcome:0', /What is your name/);
    await says(DAN, 'Dan', /Your phone number \(v2\)/);
    // Cat starting over gets v2.
    await says(CAT, '/start', /^(Welcome|Hi) \(v2\)/);
  });

  it('counts the walks: conversion per step, segment, source, day and variant', async () => {
    const response = await api.call('GET', `/bots/${bot.id}/funnel/analytics`);
    expect(response.statusCode).toBe(200);
    const analytics = response.json<FunnelAnalytics>();
    expect(analytics.totals).toMatchObject({ started: 4, segmented: 2, offered: 2, managers: 1, paid: 0 });
    expect(analytics.totals.conversion).toBe(0.25);
    const step = (id: string) => analytics.steps.find((s) => s.step === id);
    expect(step('welcome')).toEqual({ step: 'welcome', shown: 4, answered: 4, conversion: 1 });
    expect(step('name')).toMatchObject({ shown: 4, answered: 4 });
    expect(step('tech')).toMatchObject({ shown: 3, answered: 2 });
    expect(step('offer-diy')).toEqual({ step: 'offer-diy', shown: 1, answered: 1, conversion: 1 });
    expect(analytics.segments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ segment: 'diy', started: 1, offered: 1, managers: 1, conversion: 1 }),
        expect.objectContaining({ segment: 'custom', started: 1, offered: 1, managers: 0, conversion: 0 }),
      ]),
    );
    expect(analytics.sources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'ad_spring', started: 1, conversion: 1 }),
        expect.objectContaining({ source: '(none)', started: 3, conversion: 0 }),
      ]),
    );
    const today = new Date().toISOString().slice(0, 10);
    expect(analytics.days).toEqual([expect.objectContaining({ day: today, started: 4 })]);
    const welcomeVariants = analytics.variants.filter((v) => v.step === 'welcome');
    expect(welcomeVariants.reduce((sum, v) => sum + v.shown, 0)).toBe(4);
    expect(welcomeVariants.every((v) => v.conversion === 1)).toBe(true);

    const empty = await api.call(
      'GET',
      `/bots/${bot.id}/funnel/analytics?since=2020-01-01T00:00:00Z&until=2020-01-02T00:00:00Z`,
    );
    expect(empty.json<FunnelAnalytics>().totals.started).toBe(0);
    const backwards = await api.call(
      'GET',
      `/bots/${bot.id}/funnel/analytics?since=2020-01-02T00:00:00Z&until=2020-01-01T00:00:00Z`,
    );
    expect(backwards.statusCode).toBe(400);
  });

  it('previews a funnel as a user would walk it, storing nothing', async () => {
    const preview = (body: Record<string, unknown>) => api.call('POST', `/bots/${bot.id}/funnel/preview`, body);
    const start = (await preview({ language: 'ru', input: { kind: 'start' } })).json<{
      messages: Array<{ text: string; buttons: Array<{ data?: string }> }>;
      position: Record<string, unknown>;
    }>();
    expect(start.messages[0]!.text).toMatch(/\(v2\)/);
    const named = await preview({
      language: 'ru',
      position: { step: 'phone', answers: { name: 'Ира' }, segment: null },
      input: { kind: 'text', text: '12' },
    });
    expect(named.json<{ messages: Array<{ text: string }> }>().messages[0]!.text).toMatch(/не похоже на номер/);
    const bad = await preview({ language: 'de', input: { kind: 'start' } });
    expect(bad.statusCode).toBe(400);
    expect(await rt.stores.telegram.funnelProgress.get(bot.id, 0)).toBeNull();
  });
});
