import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rms } from '../../src/core/gsm/audio-dsp.js';
import { encodeDeliver, planSms } from '../../src/core/gsm/pdu.js';
import { decodeWav } from '@ai-secretary/protocol';
import { PtySimulator } from '../../src/channels/gsm/simulator/pty-simulator.js';
import type { EmulatorScenario } from '../../src/channels/gsm/simulator/sim7600-emulator.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { fixturePath, speechFixtures } from '../helpers/speech.js';
import { CYRILLIC_LONG, until } from './helpers.js';

/** The project's own caller fixture (festival slt voice, 16 kHz), synthesized on first use. */
function callerSpeech(): { pcm: Int16Array; rateHz: number } {
  const wav = decodeWav(fs.readFileSync(fixturePath(speechFixtures()[0]!.file)));
  return { pcm: wav.pcm.slice(0, wav.sampleRateHz * 2), rateHz: wav.sampleRateHz };
}

/** Sends a text as the network would: parts (optionally reordered, one duplicated) into SIM storage with +CMTI. */
function deliverFromNetwork(
  sim: PtySimulator,
  from: string,
  text: string,
  order: (parts: string[]) => string[] = (p) => p,
): void {
  const plan = planSms(text);
  const pdus = plan.parts.map((part, i) =>
    encodeDeliver({
      from,
      text: part,
      encoding: plan.encoding,
      concat: plan.parts.length > 1 ? { reference: 77, total: plan.parts.length, sequence: i + 1 } : null,
      sentAtMs: Date.UTC(2026, 10, 21),
    }),
  );
  for (const pdu of order(pdus)) sim.emulator.deliverSms(pdu);
}

describe('GSM over a real PTY (SIM7600 simulator + serialport driver)', () => {
  let sim: PtySimulator | null = null;
  let rt: TestRuntime | null = null;
  afterEach(async () => {
    await rt?.dispose();
    await sim?.close();
    rt = null;
    sim = null;
  });

  async function start(pcmRateHz: 8000 | 16000, scenario: Partial<EmulatorScenario> = {}) {
    sim = await PtySimulator.start(fs.mkdtempSync(path.join(os.tmpdir(), 'sim7600-')), {
      ringIntervalMs: 500,
      ...scenario,
    });
    rt = await createTestRuntime({
      env: {
        GSM_ENABLED: 'true',
        GSM_AT_PORT: sim.atPath,
        GSM_AUDIO_PORT: sim.audioPath,
        GSM_PCM_RATE_HZ: String(pcmRateHz),
        GSM_MOCK_FALLBACK: 'false',
        GSM_ANSWER_AFTER_RINGS: '2',
        GSM_RECONNECT_DELAY_MS: '200',
        GSM_COMMAND_TIMEOUT_MS: '3000',
        GSM_MAX_CALL_S: '60',
      },
    });
    const modem = rt.gsm?.modem;
    await until(() => modem?.state === 'ready', 15_000, 'modem ready');
    return { sim, rt, modem: modem as NonNullable<typeof modem> };
  }

  async function incomingCallRoundTrip(s: PtySimulator, r: TestRuntime, pcmRateHz: number) {
    const speech = callerSpeech();
    s.audio.setCallerAudio(speech.pcm, speech.rateHz);
    s.emulator.incomingCall('+15550001234');
    const active = await until(
      () => r.gsm?.calls.current?.status === 'active' && r.gsm.calls.current,
      15_000,
      'call active',
    );
    expect(s.emulator.commands).toContain('ATA');
    // The greeting (1.2 s chime) arrives on the simulator's audio line as paced PCM at the modem's rate.
    await until(
      () => s.audio.downlink.filter((c) => rms(c) > 500).reduce((n, c) => n + c.length, 0) >= pcmRateHz,
      15_000,
      'greeting on the audio line',
    );
    expect(s.audio.rateHz).toBe(pcmRateHz);
    // Let the caller talk for the length of the WAV, then hang up.
    await until(
      () =>
        s.audio.downlinkArrivals.length > 0 &&
        (s.emulator.audioActive ? s.audio.downlinkSamples >= pcmRateHz * 2.2 : false),
      20_000,
      'caller audio played',
    );
    s.emulator.remoteHangup();
    const record = await until(async () => {
      const rec = await r.stores.gsmCalls.get(active.id);
      return rec?.status === 'ended' ? rec : null;
    });
    expect(record).toMatchObject({ direction: 'incoming', number: '+15550001234', endReason: 'remote hung up' });
    expect(record.metrics.callerSpeechMs).toBeGreaterThan(500);
    expect(record.metrics.ringToFirstAudioMs).toBeGreaterThan(0);
    expect(record.transcript[0]).toMatchObject({ role: 'secretary', text: '[greeting]' });
    expect(s.emulator.commands).toContain('AT+CPCMREG=0');
    // The caller recording holds the caller's audio as the modem delivered it.
    const caller = decodeWav(fs.readFileSync(path.join(r.config.dataDir, record.recordingCaller as string)));
    expect(caller.sampleRateHz).toBe(pcmRateHz);
    expect(caller.pcm.length).toBeGreaterThan(pcmRateHz);
    return { record, speech, caller };
  }

  it('answers an incoming call at 16 kHz: caller audio in, greeting out, record stored', async () => {
    const { sim: s, rt: r } = await start(16000);
    expect(s.emulator.commands).toContain('AT+CPCMFRM=1');
    const { speech, caller } = await incomingCallRoundTrip(s, r, 16000);
    // At 16 kHz there is no resampling on the uplink: the recording contains the WAV's samples bit-exact.
    const probe = speech.pcm.subarray(16000, 16400);
    const at = caller.pcm.findIndex((_, i) => probe.every((v, k) => caller.pcm[i + k] === v));
    expect(at).toBeGreaterThanOrEqual(0);
  });

  it('answers an incoming call at 8 kHz (framing and 8 ↔ 16 kHz resampling)', async () => {
    const { sim: s, rt: r } = await start(8000);
    expect(s.emulator.commands).toContain('AT+CPCMFRM=0');
    await incomingCallRoundTrip(s, r, 8000);
  });

  it('receives multipart Cyrillic SMS in any order (duplicate ignored) and sends one, despite slow, garbled and interleaved lines', async () => {
    const { sim: s, rt: r } = await start(8000, { interleaveUrcs: true, garble: true, slowMs: 1 });
    deliverFromNetwork(s, '+79161234567', CYRILLIC_LONG, (p) => [p[2], p[0], p[2], p[1]] as string[]);
    const inbox = await until(
      async () => {
        const { items } = await r.stores.gsmSms.listMessages({ limit: 10, offset: 0, direction: 'in' });
        return items.length > 0 && s.emulator.storage.size === 0 ? items : null;
      },
      30_000,
      'SMS assembled',
    );
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ number: '+79161234567', text: CYRILLIC_LONG, parts: 3, status: 'received' });

    const sent = await rt?.gsm?.sms.send('+79161234567', CYRILLIC_LONG);
    expect(sent).toMatchObject({ status: 'sent', parts: 3 });
    expect(s.emulator.sentSms.map((m) => m.text).join('')).toBe(CYRILLIC_LONG);
    expect(new Set(s.emulator.sentSms.map((m) => m.concat?.reference)).size).toBe(1);
    await until(
      async () => (await r.stores.gsmSms.getMessage(sent?.id ?? ''))?.status === 'delivered',
      15_000,
      'delivery reports',
    );
  });

  it('recovers from the port being unplugged and replugged, and picks up SMS stored meanwhile', async () => {
    const { sim: s, modem } = await start(8000);
    await s.unplug();
    await until(() => modem.state === 'absent' || modem.state === 'opening', 10_000, 'modem absent');
    // While unplugged, an SMS lands on the SIM.
    s.emulator.storeSms(
      encodeDeliver({ from: '+4930123', text: 'arrived while unplugged', encoding: 'gsm7', sentAtMs: 0 }),
    );
    await s.plug();
    await until(() => modem.state === 'ready', 15_000, 'modem ready again');
    expect(modem.snapshot().reconnects).toBeGreaterThan(0);
    await until(
      async () =>
        (await rt?.stores.gsmSms.listMessages({ limit: 5, offset: 0 }))?.items.some(
          (m) => m.text === 'arrived while unplugged',
        ),
      10_000,
      'stored SMS picked up',
    );
  });

  it('recovers from CPCMREG failing: hangs up, AT+CRESET, next call has audio', async () => {
    // Firmware whose ports stay up during the reset: recovery through RDY on the same port.
    const { sim: s, rt: r, modem } = await start(8000, { cpcmregFailsUntilReset: true, resetDropsPortsMs: null });
    s.emulator.incomingCall('+15550009999');
    const failed = await until(
      async () => {
        const { items } = await r.stores.gsmCalls.list({ limit: 5, offset: 0 });
        return items[0]?.status === 'failed' ? items[0] : null;
      },
      15_000,
      'first call failed',
    );
    expect(failed.endReason).toBe('audio failed');
    await until(() => s.emulator.resets === 1 && modem.state === 'ready', 15_000, 'reset and ready');
    expect(modem.snapshot()).toMatchObject({ resets: 1, audioHealthy: true });
    await incomingCallRoundTrip(s, r, 8000);
  });

  it('recovers when AT+CRESET drops the USB ports: ports vanish, re-appear at the same paths, are re-discovered', async () => {
    const { sim: s, rt: r, modem } = await start(8000, { cpcmregFailsUntilReset: true, resetDropsPortsMs: 1500 });
    const states: string[] = [];
    modem.on('stateChange', (_, to) => states.push(to));
    s.emulator.incomingCall('+15550009999');
    const failed = await until(
      async () => {
        const { items } = await r.stores.gsmCalls.list({ limit: 5, offset: 0 });
        return items[0]?.status === 'failed' ? items[0] : null;
      },
      15_000,
      'first call failed',
    );
    expect(failed.endReason).toBe('audio failed');
    expect(modem.snapshot().audioHealthy).toBe(false);
    await until(() => !fs.existsSync(s.atPath) && !fs.existsSync(s.audioPath), 10_000, 'ports gone');
    await until(() => modem.state === 'absent' || modem.state === 'opening', 10_000, 'modem lost its port');
    await until(() => fs.existsSync(s.atPath) && fs.existsSync(s.audioPath), 10_000, 'ports back');
    await until(() => modem.state === 'ready', 20_000, 'modem ready again');
    expect(s.emulator.commands).toContain('AT+CRESET');
    // the simulator notes 'plugged' once its second pair is open, which may be after the modem is ready on the first
    await until(() => s.portHistory.length === 3, 10_000, 'simulator plugged again');
    expect(s.portHistory).toEqual(['plugged', 'unplugged', 'plugged']);
    const afterReset = states.slice(states.indexOf('resetting'));
    expect(afterReset).toEqual(expect.arrayContaining(['resetting', 'absent', 'opening', 'initializing', 'ready']));
    expect(afterReset.indexOf('absent')).toBeLessThan(afterReset.lastIndexOf('ready'));
    expect(modem.snapshot()).toMatchObject({ resets: 1, audioHealthy: true });
    expect(modem.snapshot().reconnects).toBeGreaterThan(0);
    // Same orchestrator, fresh ports: the next call has audio both ways.
    await incomingCallRoundTrip(s, r, 8000);
  });
});
