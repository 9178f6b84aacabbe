import fs from 'node:fs';
import path from 'node:path';
import type { GsmCallView } from '@ai-secretary/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { CYRILLIC_LONG, until } from './helpers.js';

describe('GSM admin API with the built-in simulated modem', () => {
  let rt: TestRuntime;
  let admin: string;
  const get = (url: string, token = admin) => rt.app.inject({ method: 'GET', url, headers: bearer(token) });
  const post = (url: string, payload?: object, token = admin) =>
    rt.app.inject({ method: 'POST', url, headers: bearer(token), ...(payload ? { payload } : {}) });

  beforeEach(async () => {
    rt = await createTestRuntime({ env: { GSM_ENABLED: 'true', GSM_ANSWER_AFTER_RINGS: '1', GSM_MAX_CALL_S: '30' } });
    admin = await rt.adminToken();
    await until(
      async () => (await get('/api/gsm/status')).json<{ state: string }>().state === 'ready',
      10_000,
      'modem ready',
    );
  });
  afterEach(async () => {
    await rt.dispose();
  });

  it('reports the simulated modem in status and /ready', async () => {
    const status = (await get('/api/gsm/status')).json();
    expect(status).toMatchObject({
      state: 'ready',
      simulated: true,
      mode: 'simulated',
      simReady: true,
      operator: 'SimNet',
      registration: 'home',
    });
    const ready = await rt.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.json().components).toContainEqual({ name: 'gsm', ok: true, detail: 'ready (simulated)' });
    const metrics = await rt.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('gsm_modem_state{state="ready",simulated="true"} 1');
  });

  it('receives a multipart Cyrillic SMS and sends one back with delivery status', async () => {
    expect((await post('/api/gsm/simulator/sms', { from: '+79161234567', text: CYRILLIC_LONG })).statusCode).toBe(200);
    const inbox = await until(async () => {
      const items = (await get('/api/gsm/sms?direction=in')).json<{
        items: Array<{ text: string; parts: number; number: string }>;
      }>().items;
      return items.length > 0 ? items : null;
    });
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ text: CYRILLIC_LONG, number: '+79161234567', parts: 3 });
    // Deleted from the SIM only after the commit.
    await until(() => rt.gsm?.simulator?.emulator.storage.size === 0, 10_000, 'SIM emptied');

    const sent = await post('/api/gsm/sms', { to: '+79161234567', text: CYRILLIC_LONG });
    expect(sent.statusCode).toBe(201);
    expect(sent.json()).toMatchObject({ status: 'sent', parts: 3 });
    const emulator = rt.gsm?.simulator?.emulator;
    expect(emulator?.sentSms.map((s) => s.text).join('')).toBe(CYRILLIC_LONG);
    await until(
      async () => (await get('/api/gsm/sms?direction=out')).json().items[0].status === 'delivered',
      10_000,
      'delivery',
    );
  });

  it('answers an incoming call, plays the greeting, records both sides', async () => {
    const sim = rt.gsm?.simulator;
    sim?.audio.setCallerAudio(new Int16Array(8000).fill(2000), 8000);
    await post('/api/gsm/simulator/incoming-call', { number: '+15550002222' });
    const callId = await until(async () => rt.gsm?.calls.current?.status === 'active' && rt.gsm.calls.current.id);
    await until(() => (sim?.audio.downlinkSamples ?? 0) >= 8000, 10_000, 'greeting audio');
    sim?.emulator.remoteDtmf('5');
    sim?.emulator.remoteDtmf('#');
    await until(() => rt.gsm?.calls.current?.dtmf === '5#', 10_000, 'DTMF in');
    expect((await post('/api/gsm/simulator/hangup')).statusCode).toBe(200);
    const call = await until(async () => {
      const body = (await get(`/api/gsm/calls/${callId}`)).json<GsmCallView>();
      return body.status === 'ended' ? body : null;
    });
    expect(call).toMatchObject({
      direction: 'incoming',
      number: '+15550002222',
      endReason: 'remote hung up',
      dtmf: '5#',
    });
    expect(call.metrics.callerAudioMs).toBeGreaterThan(0);
    expect(call.metrics.callerSpeechMs).toBeGreaterThan(0);
    expect(call.metrics.ringToFirstAudioMs).toBeGreaterThan(0);
    const wav = await get(call.recordings.caller as string);
    expect(wav.statusCode).toBe(200);
    expect(wav.headers['content-type']).toBe('audio/wav');
    expect(wav.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
    expect(fs.existsSync(path.join(rt.config.dataDir, 'gsm', 'recordings', `${callId}-secretary.wav`))).toBe(true);
    const list = (await get('/api/gsm/calls')).json();
    expect(list.total).toBe(1);
  });

  it('dials out, sends DTMF and hangs up through the API', async () => {
    const dialed = await post('/api/gsm/calls', { number: '+15550003333', task: 'Confirm the appointment' });
    expect(dialed.statusCode).toBe(201);
    const id = dialed.json().id as string;
    await until(() => rt.gsm?.calls.current?.status === 'active', 10_000, 'outgoing active');
    expect((await post(`/api/gsm/calls/${id}/dtmf`, { digits: '12#' })).statusCode).toBe(200);
    expect(rt.gsm?.simulator?.emulator.dtmfSent).toEqual(['1', '2', '#']);
    expect((await post(`/api/gsm/calls/${id}/hangup`)).statusCode).toBe(200);
    const call = await until(async () => {
      const body = (await get(`/api/gsm/calls/${id}`)).json<GsmCallView>();
      return body.status === 'ended' ? body : null;
    });
    expect(call).toMatchObject({
      direction: 'outgoing',
      task: 'Confirm the appointment',
      endReason: 'hung up by operator',
    });
  });

  it('leaves the SMS prompt a raw AT+CMGS opened, so the next SMS goes out at once (issue 19, defect 10)', async () => {
    const res = await post('/api/gsm/at', { command: 'AT+CMGS=20', timeoutMs: 20_000 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: false, error: expect.stringContaining('cancelled (ESC)') });
    // Before the fix the modem stayed at the prompt: this SMS waited out its 60 s timeout and failed.
    const sent = await post('/api/gsm/sms', { to: '+79161234567', text: 'after the console' });
    expect(sent.json()).toMatchObject({ status: 'sent', parts: 1 });
    expect(rt.gsm?.simulator?.emulator.sentSms.map((m) => m.text)).toEqual(['after the console']);
  });

  it('runs raw AT commands for admins only, and audits them', async () => {
    const res = await post('/api/gsm/at', { command: 'AT+CSQ' });
    expect(res.json()).toEqual({ ok: true, lines: ['+CSQ: 23,99'], error: null });
    const failed = await post('/api/gsm/at', { command: 'AT+CMGR=99' });
    expect(failed.json()).toMatchObject({ ok: false, error: 'AT+CMGR failed: invalid memory index' });
    const user = await rt.createUser('user');
    expect((await post('/api/gsm/at', { command: 'AT' }, user.token)).statusCode).toBe(403);
    // Prefix "gsm." (the foundation's LIKE escaping of "_" does not match on SQLite; see report).
    const audit = (await get('/api/audit?action=gsm.')).json();
    const entries = audit.items.filter((i: { action: string }) => i.action === 'gsm.at_command');
    expect(entries.map((i: { statusCode: number }) => i.statusCode).sort()).toEqual([200, 200, 403]);
    expect(entries.map((i: { details: { body?: { command: string } } | null }) => i.details?.body?.command)).toContain(
      'AT+CSQ',
    );
  });

  it('refuses bad input with clear 4xx errors', async () => {
    expect((await post('/api/gsm/at', { command: 'rm -rf /' })).statusCode).toBe(400);
    expect((await post('/api/gsm/at', { command: 'AT\r\nATD123;' })).statusCode).toBe(400);
    expect((await post('/api/gsm/calls', { number: 'not-a-number' })).statusCode).toBe(400);
    expect((await post('/api/gsm/sms', { to: '+1555', text: '' })).statusCode).toBe(400);
    expect((await post('/api/gsm/sms', { to: '+1555', text: 'x'.repeat(1531) })).statusCode).toBe(400);
    const missing = await post('/api/gsm/calls/nope/dtmf', { digits: '1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    expect((await get('/api/gsm/calls/nope')).statusCode).toBe(404);
    expect((await post('/api/gsm/calls/x/dtmf', { digits: 'ZZ' })).statusCode).toBe(400);
  });
});

describe('GSM port selection', () => {
  it('falls back to the simulated modem when the configured port fails at start (GSM_MOCK_FALLBACK)', async () => {
    const rt = await createTestRuntime({ env: { GSM_ENABLED: 'true', GSM_AT_PORT: '/dev/does-not-exist-gsm' } });
    try {
      await until(() => rt.gsm?.modem.state === 'ready', 10_000, 'simulated modem ready');
      expect(rt.gsm?.modem.snapshot()).toMatchObject({ simulated: true, port: null });
    } finally {
      await rt.dispose();
    }
  });

  it('keeps retrying a missing port without fallback and reports it in /ready', async () => {
    const rt = await createTestRuntime({
      env: {
        GSM_ENABLED: 'true',
        GSM_AT_PORT: '/dev/does-not-exist-gsm',
        GSM_MOCK_FALLBACK: 'false',
        GSM_RECONNECT_DELAY_MS: '100',
      },
    });
    try {
      await until(() => (rt.gsm?.modem.snapshot().reconnects ?? 0) >= 2, 10_000, 'reconnect attempts');
      expect(rt.gsm?.modem.snapshot()).toMatchObject({ simulated: false, port: '/dev/does-not-exist-gsm' });
      const ready = await rt.app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      const gsm = ready
        .json<{ components: Array<{ name: string; ok: boolean }> }>()
        .components.find((c) => c.name === 'gsm');
      expect(gsm?.ok).toBe(false);
    } finally {
      await rt.dispose();
    }
  });

  it('is off by default in tests of other areas (no gsm component, no /api/gsm)', async () => {
    const rt = await createTestRuntime();
    try {
      expect(rt.gsm).toBeNull();
      const res = await rt.app.inject({
        method: 'GET',
        url: '/api/gsm/status',
        headers: bearer(await rt.adminToken()),
      });
      expect(res.statusCode).toBe(404);
    } finally {
      await rt.dispose();
    }
  });
});
