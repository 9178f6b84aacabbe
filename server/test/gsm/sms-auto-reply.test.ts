import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeDeliver, planSms } from '../../src/core/gsm/pdu.js';
import type { GsmSmsRecord } from '../../src/core/gsm/store-types.js';
import { PtySimulator } from '../../src/channels/gsm/simulator/pty-simulator.js';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { until } from './helpers.js';

/*
 * LLM auto-reply to received SMS, end to end: the SIM7600 simulator on real PTYs delivers the SMS, the
 * orchestrator commits it, asks the LLM router (fake OpenAI-compatible upstream) and the reply goes back
 * out through AT+CMGS, seen by the simulator. Limits are counted from the database.
 */

// A reply longer than two UCS2 parts (2 × 67 characters): it must be cut to fit GSM_SMS_REPLY_MAX_PARTS=2.
const REPLY_TOKENS = [
  'Здравствуйте! ',
  'Спасибо за сообщение, ',
  'секретарь передаст его сотрудникам ',
  'и вам перезвонят сегодня до шести вечера. ',
  'Если вопрос срочный, позвоните нам в рабочее время.',
];

function deliver(sim: PtySimulator, from: string, text: string, reference = 1): void {
  const plan = planSms(text);
  plan.parts.forEach((part, i) => {
    const concat = plan.parts.length > 1 ? { reference, total: plan.parts.length, sequence: i + 1 } : null;
    sim.emulator.deliverSms(encodeDeliver({ from, text: part, encoding: plan.encoding, concat, sentAtMs: 0 }));
  });
}

describe('SMS auto-reply through the LLM router over a real PTY', () => {
  let sim: PtySimulator | null = null;
  let rt: TestRuntime | null = null;
  let fake: FakeLlm | null = null;
  afterEach(async () => {
    await rt?.dispose();
    await sim?.close();
    await fake?.close();
    [rt, sim, fake] = [null, null, null];
  });

  async function start(env: Record<string, string>) {
    fake = await createFakeLlm({ tokens: REPLY_TOKENS });
    sim = await PtySimulator.start(fs.mkdtempSync(path.join(os.tmpdir(), 'sim7600-')));
    rt = await createTestRuntime({
      env: {
        ...{ GSM_ENABLED: 'true', GSM_AT_PORT: sim.atPath, GSM_AUDIO_PORT: sim.audioPath },
        ...{ GSM_MOCK_FALLBACK: 'false', GSM_COMMAND_TIMEOUT_MS: '3000', GSM_SMS_AUTO_REPLY: 'true' },
        ...{ LLM_BASE_URL: fake.url, LLM_MODEL: 'fake-model', VOICE_LANGUAGE: 'ru' },
        ...env,
      },
    });
    await until(() => rt?.gsm?.modem.state === 'ready', 15_000, 'modem ready');
    return { sim, rt, fake };
  }

  /** The received message from `number` with this text, once its auto-reply outcome is recorded. */
  async function decided(r: TestRuntime, number: string, text: string): Promise<GsmSmsRecord> {
    return until(
      async () => {
        const { items } = await r.stores.gsmSms.listMessages({ limit: 50, offset: 0, direction: 'in' });
        return items.find((m) => m.number === number && m.text === text && m.autoReply !== null);
      },
      30_000,
      `auto-reply decision for "${text}"`,
    );
  }

  it('answers Cyrillic SMS in UCS2 parts, remembers the sender, and stops at the hourly and daily limits', async () => {
    const {
      sim: s,
      rt: r,
      fake: f,
    } = await start({
      GSM_SMS_REPLY_PER_SENDER_HOUR: '2',
      GSM_SMS_REPLY_DAILY_CAP: '3',
      GSM_SMS_REPLY_MAX_PARTS: '2',
    });
    const anna = '+79161234567';
    const question = 'Добрый день! Можно записаться на приём к директору на завтра?';
    deliver(s, anna, question);
    expect(await decided(r, anna, question)).toMatchObject({ autoReply: 'sent', status: 'received' });
    const reply = s.emulator.sentSms.filter((m) => m.to === anna);
    expect(reply).toHaveLength(2); // cut from ~190 characters to two UCS2 parts
    expect(new Set(reply.map((m) => m.concat?.reference)).size).toBe(1);
    const replyText = reply.map((m) => m.text).join('');
    expect(replyText.startsWith('Здравствуйте! Спасибо за сообщение')).toBe(true);
    expect(replyText.endsWith('…')).toBe(true);
    expect(planSms(replyText)).toMatchObject({ encoding: 'ucs2' });
    // The router used the Russian persona, channel `sms`, and the sender's text.
    const first = f.requests[0]!.body.messages as Array<{ role: string; content: string }>;
    expect(first[0]!.role).toBe('system');
    expect(first[0]!.content).toContain('секретарь');
    expect(first.at(-1)).toEqual({ role: 'user', content: question });
    const { items: outbox } = await r.stores.gsmSms.listMessages({ limit: 10, offset: 0, direction: 'out' });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ number: anna, text: replyText, autoReply: 'reply', parts: 2 });

    // Second SMS: answered with the conversation so far (memory keyed sms:<number>).
    deliver(s, anna, 'А в пятницу?', 2);
    expect(await decided(r, anna, 'А в пятницу?')).toMatchObject({ autoReply: 'sent' });
    const second = f.requests[1]!.body.messages as Array<{ role: string; content: string }>;
    expect(second.map((m) => m.content)).toContain(question);
    expect(second.at(-1)).toEqual({ role: 'user', content: 'А в пятницу?' });

    // Third SMS from the same sender within the hour: over GSM_SMS_REPLY_PER_SENDER_HOUR=2.
    deliver(s, anna, 'Алло?', 3);
    expect(await decided(r, anna, 'Алло?')).toMatchObject({ autoReply: 'limit_sender' });
    expect(f.requests).toHaveLength(2);
    expect(s.emulator.sentSms.filter((m) => m.to === anna)).toHaveLength(4);

    // Another sender gets the third reply of the day; a fourth sender is over GSM_SMS_REPLY_DAILY_CAP=3.
    deliver(s, '+79035550000', 'Hello, are you open today?', 4);
    expect(await decided(r, '+79035550000', 'Hello, are you open today?')).toMatchObject({ autoReply: 'sent' });
    deliver(s, '+79035551111', 'Hi!', 5);
    expect(await decided(r, '+79035551111', 'Hi!')).toMatchObject({ autoReply: 'limit_daily' });
    expect(f.requests).toHaveLength(3);
    expect(s.emulator.sentSms.some((m) => m.to === '+79035551111')).toBe(false);
    const metrics = await r.app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/gsm_sms_auto_replies_total\{outcome="limit_daily"\} 1/);
    expect(metrics.body).toMatch(/gsm_sms_auto_replies_total\{outcome="sent"\} 3/);
  }, 120_000);

  it('never answers names, short codes or blocked numbers, and keeps the SMS when the LLM is down', async () => {
    const { sim: s, rt: r, fake: f } = await start({ GSM_SMS_REPLY_BLOCK_LIST: '+79990001122' });
    deliver(s, 'BANK', 'Your code is 1234');
    expect(await decided(r, 'BANK', 'Your code is 1234')).toMatchObject({ autoReply: 'not_a_number' });
    deliver(s, '900', 'Баланс: 100 руб.');
    expect(await decided(r, '900', 'Баланс: 100 руб.')).toMatchObject({ autoReply: 'not_a_number' });
    deliver(s, '+79990001122', 'Реклама');
    expect(await decided(r, '+79990001122', 'Реклама')).toMatchObject({ autoReply: 'blocked' });
    expect(f.requests).toHaveLength(0);

    await f.setMode('error500');
    deliver(s, '+79161234567', 'Перезвоните мне, пожалуйста');
    const kept = await decided(r, '+79161234567', 'Перезвоните мне, пожалуйста');
    expect(kept).toMatchObject({ autoReply: 'llm_failed', status: 'received' });
    expect(f.requests.length).toBeGreaterThan(0);
    expect(s.emulator.sentSms).toHaveLength(0);
    // Committed, then deleted from the SIM (the AT+CMGD may follow the auto-reply decision on a busy machine).
    await until(() => s.emulator.storage.size === 0, 15_000, 'SIM emptied');
    expect(r.gsm?.modem.state).toBe('ready');
  }, 120_000);

  it('a provider that never starts answering is left at the first-token deadline; the next one replies', async () => {
    const { sim: s, rt: r, fake: f } = await start({ LLM_FIRST_TOKEN_TIMEOUT_MS: '1500' });
    const backup = await createFakeLlm({ tokens: ['Спасибо, ', 'мы перезвоним.'] });
    try {
      const created = await r.app.inject({
        method: 'POST',
        url: '/api/llm/providers',
        headers: bearer(await r.adminToken()),
        payload: { name: 'backup', type: 'custom', baseUrl: backup.url, models: ['fake-model'] },
      });
      expect(created.statusCode).toBe(201);
      await f.setMode('hang');
      deliver(s, '+79161230000', 'Когда вы открыты?');
      expect(await decided(r, '+79161230000', 'Когда вы открыты?')).toMatchObject({ autoReply: 'sent' });
      expect(s.emulator.sentSms.find((m) => m.to === '+79161230000')?.text).toBe('Спасибо, мы перезвоним.');
      expect(f.requests).toHaveLength(1);
      await until(() => f.requests[0]!.aborted, 10_000, 'the hung upstream request cancelled');
      expect(backup.requests).toHaveLength(1);
    } finally {
      await backup.close();
    }
  }, 120_000);
});
