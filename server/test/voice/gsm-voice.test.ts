import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rms } from '../../src/core/gsm/audio-dsp.js';
import { PtySimulator } from '../../src/channels/gsm/simulator/pty-simulator.js';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { OUTGOING_OPENING_CUE } from '../../src/channels/gsm/voice-call-handler.js';
import { entersState } from '../../src/core/state/enters-state.js';
import { until } from '../gsm/helpers.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { fixturePath, readWav, speechFixtures } from '../helpers/speech.js';

/*
 * A phone call end to end: the SIM7600 simulator over a real PTY plays fixture caller audio (16 kHz
 * fixture; at 8 kHz the simulator downsamples it, as the phone network would); the GSM channel hands the
 * call to the voice engine (real speech worker, 8 ↔ 16 kHz resampling at the edge, router with a fake
 * upstream); the reply comes back on the simulator's audio line and the call record holds the transcript.
 */
const FIXTURE = 'en-slt16k-02.wav';
const words = (text: string) => text.toLowerCase().match(/[a-z']+/g) ?? [];

describe('GSM call answered by the voice engine', () => {
  let sim: PtySimulator | null = null;
  let rt: TestRuntime | null = null;
  let fake: FakeLlm | null = null;
  afterEach(async () => {
    await rt?.dispose();
    await sim?.close();
    await fake?.close();
    [rt, sim, fake] = [null, null, null];
  });

  async function start(pcmRateHz: 8000 | 16000) {
    fake = await createFakeLlm({ tokens: ['We', ' are', ' open', ' from', ' nine', ' to', ' five', '.'] });
    sim = await PtySimulator.start(fs.mkdtempSync(path.join(os.tmpdir(), 'sim7600-')), { ringIntervalMs: 500 });
    rt = await createTestRuntime({
      env: {
        ...{ SPEECH_LOCAL_WORKER: 'true', SPEECH_WORKER_READY_TIMEOUT_MS: '120000', VOICE_SILENCE_PROMPT_S: '60' },
        ...{ VOICE_WATCHDOG_S: '60' }, // slow real transcription under load is not a stall
        ...{ LLM_BASE_URL: fake.url, LLM_MODEL: 'fake-model', GSM_ENABLED: 'true', GSM_AT_PORT: sim.atPath },
        ...{ GSM_AUDIO_PORT: sim.audioPath, GSM_PCM_RATE_HZ: String(pcmRateHz), GSM_MOCK_FALLBACK: 'false' },
        ...{ GSM_ANSWER_AFTER_RINGS: '1', GSM_COMMAND_TIMEOUT_MS: '3000', GSM_MAX_CALL_S: '60' },
      },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    await entersState(rt.speech.localWorker!, 'ready', 150_000);
    await until(() => rt?.gsm?.modem.state === 'ready', 15_000, 'modem ready');
    return { sim, rt, fake };
  }

  /** Plays the fixture as the caller (after ~6 s for the greeting), waits for the reply audio, hangs up. */
  async function call(s: PtySimulator, r: TestRuntime, pcmRateHz: number) {
    const speech = readWav(fixturePath(FIXTURE));
    const caller = new Int16Array(16000 * 6 + speech.pcm.length + 16000 * 8);
    caller.set(speech.pcm, 16000 * 6);
    s.audio.setCallerAudio(caller, 16000);
    s.emulator.incomingCall('+15550001234');
    const active = await until(() => r.gsm?.calls.current?.status === 'active' && r.gsm.calls.current, 15_000);

    const transcriptOf = () => r.gsm?.calls.current?.transcript ?? []; // stored when the call ends
    const voicedSamples = () => s.audio.downlink.filter((c) => rms(c) > 300).reduce((n, c) => n + c.length, 0);
    await until(() => transcriptOf().some((t) => t.role === 'caller'), 30_000, 'caller transcript');
    const beforeReply = voicedSamples();
    await until(() => voicedSamples() - beforeReply > pcmRateHz, 20_000, 'reply on the audio line');
    s.emulator.remoteHangup();
    const record = await until(async () => {
      const rec = await r.stores.gsmCalls.get(active.id);
      return rec?.status === 'ended' ? rec : null;
    }, 15_000);

    expect(beforeReply).toBeGreaterThan(pcmRateHz); // the spoken greeting, > 1 s
    expect(s.audio.rateHz).toBe(pcmRateHz);
    expect(record.transcript.map((t) => t.text)).toContain('We are open from nine to five.');
    expect(record.metrics['turn1.voiceToVoiceMs']).toBeGreaterThan(0);
    expect(record.metrics['turn1.sttFinalMs']).toBeGreaterThan(0);
    const callerLine = record.transcript.find((t) => t.role === 'caller')!;
    const messages = fake!.requests[0]!.body.messages as Array<{ role: string; content: string }>;
    expect(messages.at(-1)).toEqual({ role: 'user', content: callerLine.text });
    return { active, record, callerLine };
  }

  it('hears the caller on the modem line at 16 kHz, answers in audio, and stores transcript and metrics', async () => {
    const { sim: s, rt: r } = await start(16000);
    const { active, callerLine } = await call(s, r, 16000);
    expect(callerLine.text).toContain('saturday');
    // The conversation shares the call's id.
    const res = await r.app.inject({ url: `/api/conversations/${active.id}`, headers: bearer(await r.adminToken()) });
    expect(res.statusCode).toBe(200);
    expect(res.json().conversation).toMatchObject({ channel: 'gsm', caller: '+15550001234', turnCount: 1 });
  }, 120_000);

  it('does the same at 8 kHz: 320-byte frames on the line, resampled for the wideband speech engines', async () => {
    const { sim: s, rt: r } = await start(8000);
    expect(s.emulator.commands).toContain('AT+CPCMFRM=0');
    const { callerLine } = await call(s, r, 8000);
    // Narrowband speech hurts the wideband recognizer: some of the fixture's words must still get through.
    const spoken = new Set(words(speechFixtures().find((f) => f.file === FIXTURE)!.text));
    const heard = words(callerLine.text).filter((w) => spoken.has(w));
    expect(heard.length).toBeGreaterThan(0);
    // Every downlink write is one 20 ms frame at 8 kHz (160 samples, 320 bytes). The tty may split or join
    // reads, but the stream holds whole frames and most reads end on a frame boundary.
    expect((s.audio.downlinkSamples * 2) % 320).toBe(0);
    let received = 0;
    const onBoundary = s.audio.downlinkArrivals.filter((a) => (received += a.samples) % 160 === 0).length;
    expect(onBoundary / s.audio.downlinkArrivals.length).toBeGreaterThan(0.5);
  }, 150_000);

  it('dials out with a task from the API: the engine talks with the task in its prompt', async () => {
    const { sim: s, rt: r, fake: f } = await start(16000);
    const speech = readWav(fixturePath(FIXTURE));
    const remote = new Int16Array(16000 * 6 + speech.pcm.length + 16000 * 8);
    remote.set(speech.pcm, 16000 * 6);
    s.audio.setCallerAudio(remote, 16000);
    const task = 'Confirm the dentist appointment of Anna Petrova on Friday at 10:30.';
    const res = await r.app.inject({
      method: 'POST',
      url: '/api/gsm/calls',
      headers: bearer(await r.adminToken()),
      payload: { number: '+15550007777', task },
    });
    expect(res.statusCode).toBeLessThan(300);
    const active = await until(() => r.gsm?.calls.current?.status === 'active' && r.gsm.calls.current, 15_000);
    expect(active).toMatchObject({ direction: 'outgoing', number: '+15550007777', task });
    expect(s.emulator.commands).toContain('ATD+15550007777;');
    await until(() => f.requests.length > 0, 40_000, 'the engine asks the LLM');
    const messages = f.requests[0]!.body.messages as Array<{ role: string; content: string }>;
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
    expect(system.some((text) => text.includes(task) && text.includes('outgoing call'))).toBe(true);
    // The secretary speaks first, from the LLM: no "you have reached …" greeting on a call it placed.
    expect(messages.at(-1)).toEqual({ role: 'user', content: OUTGOING_OPENING_CUE });
    const lastMessage = (i: number) =>
      (f.requests[i]!.body.messages as Array<{ role: string; content: string }>).at(-1)!;
    const heard = () => f.requests.some((_, i) => lastMessage(i).role === 'user' && i > 0);
    await until(heard, 40_000, 'the engine answers what the person said');
    s.emulator.remoteHangup();
    const record = await until(async () => {
      const rec = await r.stores.gsmCalls.get(active.id);
      return rec?.status === 'ended' ? rec : null;
    }, 15_000);
    expect(record).toMatchObject({ direction: 'outgoing', task });
    expect(record.transcript.some((t) => t.role === 'caller')).toBe(true);
    expect(record.transcript.find((t) => t.role === 'secretary')?.text).toBe('We are open from nine to five.');
  }, 150_000);
});
