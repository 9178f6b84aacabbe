import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rms } from '../../src/core/gsm/audio-dsp.js';
import { PtySimulator } from '../../src/channels/gsm/simulator/pty-simulator.js';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { entersState } from '../../src/workers/supervisor.js';
import { until } from '../gsm/helpers.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { fixturePath, readWav } from '../helpers/speech.js';

/*
 * A phone call end to end: the SIM7600 simulator over a real PTY plays fixture caller audio at
 * 16 kHz; the GSM channel hands the call to the voice engine (real speech worker, router with a fake
 * upstream); the reply comes back on the simulator's audio line and the call record holds the transcript.
 */
describe('GSM call answered by the voice engine', () => {
  let sim: PtySimulator;
  let rt: TestRuntime;
  let fake: FakeLlm;
  afterAll(async () => {
    await rt.dispose();
    await sim.close();
    await fake.close();
  });

  it('hears the caller on the modem line, answers in audio, and stores transcript and metrics', async () => {
    const speech = readWav(fixturePath('en-slt16k-02.wav'));
    fake = await createFakeLlm({ tokens: ['We', ' are', ' open', ' from', ' nine', ' to', ' five', '.'] });
    sim = await PtySimulator.start(fs.mkdtempSync(path.join(os.tmpdir(), 'sim7600-')), { ringIntervalMs: 500 });
    rt = await createTestRuntime({
      env: {
        ...{ SPEECH_LOCAL_WORKER: 'true', SPEECH_WORKER_READY_TIMEOUT_MS: '120000', VOICE_SILENCE_PROMPT_S: '60' },
        ...{ LLM_BASE_URL: fake.url, LLM_MODEL: 'fake-model', GSM_ENABLED: 'true', GSM_AT_PORT: sim.atPath },
        ...{ GSM_AUDIO_PORT: sim.audioPath, GSM_PCM_RATE_HZ: '16000', GSM_MOCK_FALLBACK: 'false' },
        ...{ GSM_ANSWER_AFTER_RINGS: '1', GSM_COMMAND_TIMEOUT_MS: '3000', GSM_MAX_CALL_S: '60' },
      },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    await entersState(rt.speech.supervisor!, 'ready', 150_000);
    await until(() => rt.gsm?.modem.state === 'ready', 15_000, 'modem ready');
    // The caller waits for the greeting (~4 s), then asks a question.
    const caller = new Int16Array(16000 * 6 + speech.pcm.length + 16000 * 8);
    caller.set(speech.pcm, 16000 * 6);
    sim.audio.setCallerAudio(caller, 16000);
    sim.emulator.incomingCall('+15550001234');
    const active = await until(() => rt.gsm?.calls.current?.status === 'active' && rt.gsm.calls.current, 15_000);

    const transcriptOf = () => rt.gsm?.calls.current?.transcript ?? []; // stored when the call ends
    const voicedSamples = () => sim.audio.downlink.filter((c) => rms(c) > 300).reduce((n, c) => n + c.length, 0);
    await until(() => transcriptOf().some((t) => t.role === 'caller'), 30_000, 'caller transcript');
    const beforeReply = voicedSamples();
    await until(() => voicedSamples() - beforeReply > 16000, 20_000, 'reply on the audio line');
    sim.emulator.remoteHangup();
    const record = await until(async () => {
      const rec = await rt.stores.gsmCalls.get(active.id);
      return rec?.status === 'ended' ? rec : null;
    }, 15_000);

    expect(beforeReply).toBeGreaterThan(16000); // the spoken greeting, > 1 s
    const callerLine = record.transcript.find((t) => t.role === 'caller')!;
    expect(callerLine.text).toContain('saturday');
    expect(record.transcript.map((t) => t.text)).toContain('We are open from nine to five.');
    expect(record.metrics['turn1.voiceToVoiceMs']).toBeGreaterThan(0);
    expect(record.metrics['turn1.sttFinalMs']).toBeGreaterThan(0);
    const messages = fake.requests[0]!.body.messages as Array<{ role: string; content: string }>;
    expect(messages.at(-1)).toEqual({ role: 'user', content: callerLine.text });
    // The conversation shares the call's id.
    const res = await rt.app.inject({ url: `/api/conversations/${active.id}`, headers: bearer(await rt.adminToken()) });
    expect(res.statusCode).toBe(200);
    expect(res.json().conversation).toMatchObject({ channel: 'gsm', caller: '+15550001234', turnCount: 1 });
  }, 120_000);
});
