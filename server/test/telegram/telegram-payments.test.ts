import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PaymentView, ProductView, TelegramBotView } from '@ai-secretary/protocol';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import type { FakeTelegram, RecordedCall } from '../../src/testing/fake-telegram/index.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { notificationsApi } from '../notifications/helpers.js';
import { paymentsApi } from '../payments/helpers.js';
import { botToken, sentTexts, startFakeTelegram, telegramApi } from './helpers.js';

// A real bot process (grammY) on a shared machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const PROVIDER_TOKEN = '381764678:TEST:100200300';
const OWNER_CHAT = 9_000_001;

describe('Telegram payments: Stars, card invoices and refunds through the real bot process', () => {
  let fake: FakeTelegram;
  let llm: FakeLlm;
  let rt: TestRuntime;
  let api: ReturnType<typeof telegramApi>;
  let pay: ReturnType<typeof paymentsApi>;
  let bot: TelegramBotView;
  let token: string;

  const product = async (body: Record<string, unknown>) => {
    const res = await pay.call('POST', `/bots/${bot.id}/products`, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<ProductView>();
  };
  const invoiceCalls = (chatId: number) =>
    fake.calls((c: RecordedCall) => c.method === 'sendInvoice' && c.params.chat_id === chatId && c.status === 200);
  const press = async (chatId: number, productId: string) => {
    fake.userPresses(token, {
      chatId,
      from: { id: chatId, firstName: 'Ann', username: 'ann' },
      data: `pay:${productId}`,
    });
  };
  const paymentsOf = async (chatId: number) =>
    (await pay.list(`?botId=${bot.id}`)).items.filter((p) => p.chatId === chatId);

  beforeAll(async () => {
    fake = await startFakeTelegram();
    fake.acceptProviderToken(PROVIDER_TOKEN);
    llm = await createFakeLlm({ tokens: ['Hello.'] });
    rt = await createTestRuntime({
      env: {
        TELEGRAM_API_ROOT: fake.apiRoot,
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
        PROCESS_HEARTBEAT_INTERVAL_MS: '1000',
      },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    const admin = await rt.adminToken();
    api = telegramApi(rt, admin);
    pay = paymentsApi(rt, admin);
    token = botToken();
    fake.addBot({ token, username: 'sales_bot' });
    bot = (await api.call('POST', '/bots', { name: 'Sales', token })).json<TelegramBotView>();
    await api.until(bot.id, 'running');
    await notificationsApi(rt, admin).create({
      ...{ name: 'Owner', kind: 'telegram', events: ['payment.received'], language: 'en' },
      telegram: { botId: bot.id, chatId: String(OWNER_CHAT) },
    });
  });
  afterAll(async () => {
    await rt?.dispose();
    await llm?.close();
    await fake?.close();
  });

  let starsPayment: PaymentView;

  it('sells a product for Stars end to end: invoice, pre-checkout, successful_payment stored, events, owner told', async () => {
    const chat = 6001;
    fake.userSends(token, { chatId: chat, from: { id: chat, firstName: 'Ann', username: 'ann' }, text: '/start ad-7' });
    const guide = await product({ title: 'Guide', description: 'The setup guide', price: 150, currency: 'XTR' });
    await press(chat, guide.id);
    await expect.poll(() => invoiceCalls(chat).length, { timeout: 60_000 }).toBe(1);
    const invoice = invoiceCalls(chat)[0]!.params;
    expect(invoice).toMatchObject({ currency: 'XTR', provider_token: '', title: 'Guide' });
    expect(invoice.prices).toEqual([{ label: 'Guide', amount: 150 }]);

    const outcome = await fake.userPays(token, { chatId: chat, from: { id: chat, firstName: 'Ann', username: 'ann' } });
    expect(outcome.ok).toBe(true);
    await expect.poll(() => paymentsOf(chat), { timeout: 60_000 }).toHaveLength(1);
    starsPayment = (await paymentsOf(chat))[0]!;
    expect(starsPayment).toMatchObject({
      ...{ method: 'stars', productId: guide.id, amount: 150, currency: 'XTR', status: 'paid', userId: chat },
      ...{ userName: '@ann', subscriptionExpiresAt: null },
      chargeId: outcome.ok ? outcome.chargeId : '',
    });
    await expect
      .poll(() => sentTexts(fake, chat).at(-1), { timeout: 60_000 })
      .toContain('Payment for "Guide" received');
    const events = await rt.stores.telegram.events.list(bot.id, { types: ['invoice.sent', 'paid'] });
    expect(events.filter((e) => e.chatId === chat).map((e) => [e.type, e.source])).toEqual([
      ['invoice.sent', null],
      ['paid', 'ad-7'],
    ]);
    await expect.poll(() => fake.messagesTo(OWNER_CHAT).join('\n'), { timeout: 60_000 }).toContain('150 ⭐');
    expect(fake.messagesTo(OWNER_CHAT).join('\n')).toContain('@ann paid for "Guide"');
  });

  it('records a replayed or duplicated successful_payment once (one payment, one paid event, one notice)', async () => {
    const chat = 6001;
    const original = fake.calls('sendMessage').length;
    const paid = (await rt.stores.telegram.events.list(bot.id, { types: ['paid'] })).length;
    const first = fake.pendingUpdates(token).length; // 0: confirmed
    expect(first).toBe(0);
    const message = fake.messages(chat).length;
    expect(message).toBeGreaterThan(0);
    const charge = starsPayment.chargeId;
    const update = {
      message: {
        message_id: 900,
        from: { id: chat, is_bot: false, first_name: 'Ann', username: 'ann' },
        chat: { id: chat, type: 'private', first_name: 'Ann' },
        date: Math.floor(Date.now() / 1000),
        successful_payment: {
          currency: 'XTR',
          total_amount: 150,
          invoice_payload: `${starsPayment.productId}:150`,
          telegram_payment_charge_id: charge,
          provider_payment_charge_id: '',
        },
      },
    };
    // Telegram delivering it again (new update ids), three at once.
    for (let i = 0; i < 3; i++) fake.pushUpdate(token, update);
    await expect.poll(() => fake.calls('sendMessage').length - original, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => fake.pendingUpdates(token).length, { timeout: 60_000 }).toBe(0);
    expect(await paymentsOf(chat)).toHaveLength(1);
    expect((await rt.stores.telegram.events.list(bot.id, { types: ['paid'] })).length).toBe(paid);
    // the service itself, raced: one row on both databases
    const ask = {
      ...{
        type: 'payment.paid' as const,
        askId: 'a',
        chatId: 6002,
        from: { id: 6002 },
        payload: 'x:1',
        currency: 'XTR',
      },
      ...{ totalAmount: 5, telegramChargeId: 'raced-charge', providerChargeId: '' },
    };
    const payments = rt.payments!;
    await Promise.all(Array.from({ length: 8 }, () => payments.paidInTelegram({ id: bot.id, language: 'en' }, ask)));
    expect(await paymentsOf(6002)).toHaveLength(1);
    await expect.poll(() => fake.messagesTo(OWNER_CHAT).length, { timeout: 60_000 }).toBe(2);
  });

  it('refuses at pre-checkout an invoice whose price changed, or whose product is gone; no payment', async () => {
    const chat = 6003;
    const course = await product({ title: 'Course', description: 'The course', price: 300, currency: 'XTR' });
    await press(chat, course.id);
    await expect.poll(() => invoiceCalls(chat).length, { timeout: 60_000 }).toBe(1);
    await pay.call('PATCH', `/bots/${bot.id}/products/${course.id}`, { price: 400 });
    const changed = await fake.userPays(token, { chatId: chat });
    expect(changed).toEqual({
      ok: false,
      reason: 'refused',
      errorMessage: expect.stringContaining('price has changed'),
    });

    await press(chat, course.id); // a new invoice at the new price
    await expect.poll(() => invoiceCalls(chat).length, { timeout: 60_000 }).toBe(2);
    await pay.call('DELETE', `/bots/${bot.id}/products/${course.id}`);
    const gone = await fake.userPays(token, { chatId: chat });
    expect(gone).toEqual({
      ok: false,
      reason: 'refused',
      errorMessage: expect.stringContaining('no longer available'),
    });
    expect(await paymentsOf(chat)).toEqual([]);
    await press(chat, course.id);
    await expect
      .poll(() => sentTexts(fake, chat).at(-1), { timeout: 60_000 })
      .toBe('This product is no longer for sale.');
  });

  it('refunds a Stars payment once with refundStarPayment, even when two admins press at once', async () => {
    const [a, b] = await Promise.all([
      pay.call('POST', `/payments/${starsPayment.id}/refund`),
      pay.call('POST', `/payments/${starsPayment.id}/refund`),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const refunded = (a.statusCode === 200 ? a : b).json<PaymentView>();
    expect(refunded).toMatchObject({ status: 'refunded', refundedAt: expect.any(String) });
    const calls = fake.calls((c) => c.method === 'refundStarPayment' && c.status === 200);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.params).toMatchObject({ user_id: 6001, telegram_payment_charge_id: starsPayment.chargeId });
    expect(fake.payments(token).charges.find((c) => c.chargeId === starsPayment.chargeId)?.refunded).toBe(true);
    const { totals } = await pay.list(`?botId=${bot.id}&status=refunded`);
    expect(totals).toEqual([expect.objectContaining({ productTitle: 'Guide', amount: 0, refunded: 150 })]);
    const events = await rt.stores.telegram.events.list(bot.id, { types: ['refunded'] });
    expect(events).toHaveLength(1);
  });

  it('sells in roubles by card through the sealed provider token, and a Stars subscription with its expiry', async () => {
    const settings = await pay.call('PUT', `/bots/${bot.id}/payment-settings`, { providerToken: PROVIDER_TOKEN });
    expect(settings.statusCode).toBe(200);
    expect(settings.body).not.toContain(PROVIDER_TOKEN);
    const chat = 6004;
    const audit = await product({
      title: 'Audit',
      description: 'An audit of your setup',
      price: 49_900,
      currency: 'RUB',
    });
    await press(chat, audit.id);
    await expect.poll(() => invoiceCalls(chat).length, { timeout: 60_000 }).toBe(1);
    expect(invoiceCalls(chat)[0]!.params).toMatchObject({ currency: 'RUB', provider_token: PROVIDER_TOKEN });
    expect(invoiceCalls(chat)[0]!.params.prices).toEqual([{ label: 'Audit', amount: 49_900 }]);
    expect((await fake.userPays(token, { chatId: chat })).ok).toBe(true);
    await expect
      .poll(() => paymentsOf(chat), { timeout: 60_000 })
      .toEqual([
        expect.objectContaining({
          method: 'card',
          amount: 49_900,
          currency: 'RUB',
          providerChargeId: expect.stringMatching(/^prov_/),
        }),
      ]);

    const club = await product({
      title: 'Club',
      description: 'Monthly club',
      price: 250,
      currency: 'XTR',
      subscription: true,
    });
    await press(chat, club.id);
    const link = await fake.waitForCall('createInvoiceLink', (c) => c.status === 200, 60_000);
    expect(link.params).toMatchObject({ subscription_period: 2_592_000, currency: 'XTR', provider_token: '' });
    const url = fake.payments(token).invoices.find((i) => i.subscriptionPeriodS)!.link!;
    await expect
      .poll(() => fake.messages(chat).some((m) => JSON.stringify(m.reply_markup ?? {}).includes(url)), {
        timeout: 60_000,
      })
      .toBe(true);
    expect((await fake.userPays(token, { chatId: chat, link: url })).ok).toBe(true);
    await expect
      .poll(async () => (await paymentsOf(chat)).find((p) => p.productId === club.id), { timeout: 60_000 })
      .toMatchObject({
        method: 'stars',
        subscriptionExpiresAt: expect.any(String),
      });
    const sub = (await paymentsOf(chat)).find((p) => p.productId === club.id)!;
    const days = (Date.parse(sub.subscriptionExpiresAt!) - Date.parse(sub.paidAt)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
  });
});
