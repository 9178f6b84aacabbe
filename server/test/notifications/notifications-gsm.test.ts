import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PtySimulator } from '../../src/channels/gsm/simulator/pty-simulator.js';
import { encodeDeliver, planSms } from '../../src/core/gsm/pdu.js';
import { FakeHttpReceiver } from '../../src/testing/fake-http-receiver.js';
import { FakeSmtp } from '../../src/testing/fake-smtp.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { notificationsApi, until } from './helpers.js';

/*
 * The modem side, end to end: the SIM7600 simulator on real PTYs delivers an SMS and rings a call the caller
 * gives up on; the owner hears about both on the targets subscribed to those events, even while a target is down.
 */
function deliver(sim: PtySimulator, from: string, text: string): void {
  const plan = planSms(text);
  plan.parts.forEach((part, i) => {
    const concat = plan.parts.length > 1 ? { reference: 7, total: plan.parts.length, sequence: i + 1 } : null;
    sim.emulator.deliverSms(encodeDeliver({ from, text: part, encoding: plan.encoding, concat, sentAtMs: 0 }));
  });
}

describe('owner notifications from the modem: SMS received, missed call', () => {
  let sim: PtySimulator;
  let rt: TestRuntime;
  let api: ReturnType<typeof notificationsApi>;
  const ntfy = new FakeHttpReceiver();
  const smtp = new FakeSmtp();
  let ntfyUrl: string;

  beforeAll(async () => {
    ntfyUrl = await ntfy.start();
    await smtp.start();
    sim = await PtySimulator.start(fs.mkdtempSync(path.join(os.tmpdir(), 'sim7600-')));
    rt = await createTestRuntime({
      env: {
        ...{ GSM_ENABLED: 'true', GSM_AT_PORT: sim.atPath, GSM_AUDIO_PORT: sim.audioPath },
        ...{ GSM_MOCK_FALLBACK: 'false', GSM_COMMAND_TIMEOUT_MS: '3000', GSM_ANSWER_AFTER_RINGS: '20' },
        ...{ NOTIFY_POLL_MS: '30', NOTIFY_RETRY_BASE_MS: '20' },
      },
    });
    await until(() => rt.gsm?.modem.state === 'ready', 'modem ready');
    api = notificationsApi(rt, await rt.adminToken());
  });
  afterAll(async () => {
    await rt?.dispose();
    await sim?.close();
    await Promise.all([ntfy.close(), smtp.close()]);
  });

  it('an incoming SMS is stored and reaches the subscribed targets, after retries while ntfy is down', async () => {
    await api.create({
      ...{ name: 'Phone', kind: 'ntfy', events: ['sms.received'], language: 'ru' },
      ntfy: { url: ntfyUrl, topic: 'sms' },
    });
    await api.create({
      ...{ name: 'Mail', kind: 'email', events: ['sms.received', 'call.missed'], language: 'ru' },
      email: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'bot@shop.example', to: ['owner@shop.example'] },
    });
    ntfy.failNext(2, 500);
    const text = 'Здравствуйте! Можно записаться на завтра в 10:00?';
    deliver(sim, '+79161234567', text);

    const [push] = await ntfy.waitForDelivered(1);
    expect(push!.body).toBe(text);
    expect(Buffer.from(String(push!.headers.title).slice(10, -2), 'base64').toString('utf8')).toContain(
      'SMS от +79161234567',
    );
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toContain('SMS от +79161234567');
    expect(mail!.text).toContain(text);
    const { items } = await rt.stores.gsmSms.listMessages({ limit: 10, offset: 0, direction: 'in' });
    expect(items.map((m) => [m.number, m.text, m.status])).toEqual([['+79161234567', text, 'received']]);
    const sent = await until(async () => {
      const rows = (await api.deliveries('sent')).filter((d) => d.targetName === 'Phone');
      return rows.length === 1 && rows;
    }, 'the ntfy delivery marked sent');
    expect(sent[0]).toMatchObject({ event: 'sms.received', attempts: 3 });
  });

  it('a call the caller gives up on before it is answered is a missed call for the owner', async () => {
    sim.emulator.incomingCall('+79035550101');
    await until(() => rt.gsm?.calls.current?.status === 'ringing', 'the call ringing');
    sim.emulator.remoteHangup();
    const mails = await smtp.waitFor(2);
    expect(mails[1]!.subject).toContain('Пропущенный звонок');
    expect(mails[1]!.text).toContain('Пропущенный звонок с номера +79035550101');
    const { items } = await rt.stores.gsmCalls.list({ limit: 5, offset: 0 });
    expect(items[0]).toMatchObject({ number: '+79035550101', status: 'missed' });
    expect(ntfy.requests.filter((r) => r.path !== '/sms')).toEqual([]); // ntfy is not subscribed to calls
  });
});
