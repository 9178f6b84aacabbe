import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PaymentSettingsView, ProductView, QuickpayLinkView } from '@ai-secretary/protocol';
import type { FakeTelegram } from '../../src/testing/fake-telegram/index.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { botToken, startFakeTelegram } from '../telegram/helpers.js';
import { paymentsApi, postForm, yoomoneyNotification } from './helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const SECRET = 'yoomoney-notification-secret-1';
const CHAT = 5_100_000_001;

describe('payments: products per bot and YooMoney wallet notifications', () => {
  let fake: FakeTelegram;
  let rt: TestRuntime;
  let api: ReturnType<typeof paymentsApi>;
  let botId: string;
  let otherBotId: string;
  let product: ProductView;

  const createBot = async (username: string) => {
    const token = botToken();
    fake.addBot({ token, username });
    const res = await api.call('POST', '/bots', { name: username, token, autoStart: false });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string }>().id;
  };

  beforeAll(async () => {
    fake = await startFakeTelegram();
    rt = await createTestRuntime({ env: { TELEGRAM_API_ROOT: fake.apiRoot } });
    api = paymentsApi(rt, await rt.adminToken());
    botId = await createBot('shop_bot');
    otherBotId = await createBot('other_shop_bot');
  });
  afterAll(async () => {
    await rt?.dispose();
    await fake?.close();
  });

  it('creates, lists, edits and deletes products; bad input gets a clear 400 and changes nothing', async () => {
    const created = await api.call('POST', `/bots/${botId}/products`, {
      title: 'Setup guide',
      description: 'A step-by-step guide',
      price: 49_900,
      currency: 'RUB',
    });
    expect(created.statusCode).toBe(201);
    product = created.json<ProductView>();
    expect(product).toMatchObject({ botId, price: 49_900, currency: 'RUB', subscription: false, active: true });

    const bad: Array<[Record<string, unknown>, string]> = [
      [{ title: 'Monthly', description: 'x', price: 100, currency: 'RUB', subscription: true }, 'Stars'],
      [{ title: 'Big', description: 'x', price: 20_000, currency: 'XTR', subscription: true }, '10000'],
      [{ title: 'x'.repeat(33), description: 'x', price: 1, currency: 'XTR' }, 'title'],
      [{ title: 'Free', description: 'x', price: 0, currency: 'XTR' }, 'price'],
      [{ title: 'Euro', description: 'x', price: 10, currency: 'EUR' }, 'currency'],
      [{ title: 'Extra', description: 'x', price: 10, currency: 'XTR', colour: 'red' }, 'colour'],
      [{ title: '   ', description: 'x', price: 10, currency: 'XTR' }, 'blank'],
    ];
    for (const [body, text] of bad) {
      const res = await api.call('POST', `/bots/${botId}/products`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message).toContain(text);
    }
    expect(
      (
        await api.call('POST', '/bots/no-such-bot/products', {
          title: 'a',
          description: 'b',
          price: 1,
          currency: 'XTR',
        })
      ).statusCode,
    ).toBe(404);

    const stars = (
      await api.call('POST', `/bots/${botId}/products`, {
        ...{ title: 'Club', description: 'Monthly club', price: 250, currency: 'XTR', subscription: true },
      })
    ).json<ProductView>();
    const patched = await api.call('PATCH', `/bots/${botId}/products/${stars.id}`, { price: 300 });
    expect(patched.json<ProductView>().price).toBe(300);
    const toRub = await api.call('PATCH', `/bots/${botId}/products/${stars.id}`, { currency: 'RUB' });
    expect(toRub.statusCode).toBe(400); // a subscription stays in Stars
    expect((await api.call('PATCH', `/bots/${otherBotId}/products/${stars.id}`, { price: 1 })).statusCode).toBe(404);
    const listed = (await api.call('GET', `/bots/${botId}/products`)).json<{ items: ProductView[] }>().items;
    expect(listed.map((p) => [p.title, p.price])).toEqual([
      ['Setup guide', 49_900],
      ['Club', 300],
    ]);
    expect((await api.call('DELETE', `/bots/${botId}/products/${stars.id}`)).statusCode).toBe(200);
    expect((await api.call('GET', `/bots/${botId}/products`)).json<{ items: ProductView[] }>().items).toHaveLength(1);

    const audit = await rt.app.inject({
      method: 'GET',
      url: '/api/audit?limit=50',
      headers: bearer(await rt.adminToken()),
    });
    const actions = audit.json<{ items: Array<{ action: string }> }>().items.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['telegram.products.create', 'telegram.products.update', 'telegram.products.delete']),
    );
  });

  it('refuses every notification while no secret is set (403, audited)', async () => {
    const res = await postForm(
      rt,
      `/api/payments/yoomoney/${botId}`,
      yoomoneyNotification('guess', { operation_id: 'op-0' }),
    );
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'PAYMENT_NOT_CONFIGURED' } });
    const unknownBot = await postForm(rt, '/api/payments/yoomoney/no-such-bot', yoomoneyNotification('guess', {}));
    expect(unknownBot.statusCode).toBe(403);
    expect((await api.list()).items).toEqual([]);
  });

  it('keeps the wallet secret sealed and builds a quickpay link whose label names the product and the chat', async () => {
    const res = await api.call('PUT', `/bots/${botId}/payment-settings`, {
      yoomoneyWallet: '410011234567890',
      yoomoneySecret: SECRET,
    });
    expect(res.statusCode).toBe(200);
    const view = res.json<PaymentSettingsView>();
    expect(view).toMatchObject({ yoomoneyWallet: '410011234567890', yoomoneySecretSet: true, providerTokenHint: null });
    expect(res.body).not.toContain(SECRET);
    const bad = await api.call('PUT', `/bots/${botId}/payment-settings`, { yoomoneyWallet: 'not-a-wallet' });
    expect(bad.statusCode).toBe(400);

    const link = (
      await api.call('GET', `/bots/${botId}/products/${product.id}/quickpay?chatId=${CHAT}`)
    ).json<QuickpayLinkView>();
    const url = new URL(link.url);
    expect(url.origin + url.pathname).toBe('https://yoomoney.ru/quickpay/confirm');
    expect(url.searchParams.get('receiver')).toBe('410011234567890');
    expect(url.searchParams.get('sum')).toBe('499.00');
    expect(url.searchParams.get('label')).toBe(`tg1.${product.id}.${CHAT}`);
    expect(link.label.length).toBeLessThanOrEqual(64);
  });

  it('records a valid notification once, matched to the product and chat by the label; replays record nothing', async () => {
    const label = `tg1.${product.id}.${CHAT}`;
    const fields = yoomoneyNotification(SECRET, { operation_id: 'op-1001', label });
    const first = await postForm(rt, `/api/payments/yoomoney/${botId}`, fields);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ ok: true, recorded: true });
    const again = await postForm(rt, `/api/payments/yoomoney/${botId}`, fields);
    expect(again.json()).toEqual({ ok: true, recorded: false });

    // YooMoney's retries racing each other: one row.
    const raced = yoomoneyNotification(SECRET, { operation_id: 'op-1002', label });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => postForm(rt, `/api/payments/yoomoney/${botId}`, raced)),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.json<{ recorded: boolean }>().recorded)).toHaveLength(1);

    const { items, totals } = await api.list(`?botId=${botId}`);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      method: 'yoomoney',
      productId: product.id,
      chatId: CHAT,
      amount: 49_900,
      currency: 'RUB',
      status: 'paid',
    });
    expect(totals).toEqual([expect.objectContaining({ productId: product.id, count: 2, amount: 99_800, refunded: 0 })]);
    const paid = await rt.stores.telegram.events.list(botId, { types: ['paid'] });
    expect(paid.map((e) => e.dedupeKey).sort()).toEqual(['paid:op-1001', 'paid:op-1002']);
  });

  it('refuses a wrong hash (403, logged, audited) and missing fields (400), storing nothing', async () => {
    const forged = { ...yoomoneyNotification(SECRET, { operation_id: 'op-2001' }), amount: '99999.00' };
    const res = await postForm(rt, `/api/payments/yoomoney/${botId}`, forged);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'PAYMENT_SIGNATURE_INVALID' } });
    const wrongSecret = await postForm(
      rt,
      `/api/payments/yoomoney/${botId}`,
      yoomoneyNotification('other-secret', { operation_id: 'op-2002' }),
    );
    expect(wrongSecret.statusCode).toBe(403);

    const { sha1_hash: _hash, ...unsigned } = yoomoneyNotification(SECRET, { operation_id: 'op-2003' });
    const missing = await postForm(rt, `/api/payments/yoomoney/${botId}`, unsigned);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toContain('sha1_hash');
    const { operation_id: _op, datetime: _dt, ...partial } = yoomoneyNotification(SECRET, { operation_id: 'op-2004' });
    const lacking = await postForm(rt, `/api/payments/yoomoney/${botId}`, partial);
    expect(lacking.statusCode).toBe(400);
    expect(lacking.json().error.message).toMatch(/operation_id.*datetime/);
    const badAmount = await postForm(
      rt,
      `/api/payments/yoomoney/${botId}`,
      yoomoneyNotification(SECRET, { operation_id: 'op-2005', amount: '4,99' }),
    );
    expect(badAmount.statusCode).toBe(400);
    const json = await rt.app.inject({ method: 'POST', url: `/api/payments/yoomoney/${botId}`, payload: { a: 1 } });
    expect(json.statusCode).toBe(400);

    expect((await api.list(`?botId=${botId}`)).items).toHaveLength(2);
    const audit = await rt.app.inject({
      method: 'GET',
      url: '/api/audit?limit=100',
      headers: bearer(await rt.adminToken()),
    });
    const refused = audit
      .json<{ items: Array<{ action: string; target: string | null }> }>()
      .items.filter((e) => e.action === 'payments.yoomoney.refused');
    expect(refused.length).toBeGreaterThanOrEqual(3); // no secret, forged, wrong secret
    expect(refused.some((e) => e.target === botId)).toBe(true);
  });

  it('keeps an underpaid transfer as underpaid and an unknown label as a transfer without a product', async () => {
    const label = `tg1.${product.id}.${CHAT}`;
    const short = yoomoneyNotification(SECRET, {
      operation_id: 'op-3001',
      label,
      amount: '9.70',
      withdraw_amount: '10.00',
    });
    expect((await postForm(rt, `/api/payments/yoomoney/${botId}`, short)).statusCode).toBe(200);
    const stray = yoomoneyNotification(SECRET, { operation_id: 'op-3002', label: 'donation' });
    expect((await postForm(rt, `/api/payments/yoomoney/${botId}`, stray)).statusCode).toBe(200);
    const underpaid = await api.list('?status=underpaid');
    expect(underpaid.items.map((p) => [p.chargeId, p.amount])).toEqual([['op-3001', 1000]]);
    const all = (await api.list(`?botId=${botId}&method=yoomoney`)).items;
    expect(all.find((p) => p.chargeId === 'op-3002')).toMatchObject({ productId: null, chatId: null });
    const refund = await api.call('POST', `/payments/${all[0]!.id}/refund`);
    expect(refund.statusCode).toBe(409); // YooMoney money is returned through YooMoney
    expect(refund.json()).toMatchObject({ error: { code: 'PAYMENT_NOT_REFUNDABLE' } });
  });
});
