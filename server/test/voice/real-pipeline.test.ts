import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VOICE_WS_SUBPROTOCOL, type VoiceServerMessage } from '@ai-secretary/protocol';
import type { AudioChunk } from '../../src/core/voice/audio.js';
import type { TurnMetrics } from '../../src/core/voice/ports.js';
import { createCallerLine } from '../../src/testing/fake-caller.js';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { entersState } from '../../src/core/state/enters-state.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { fixturePath, readWav, speechFixtures, wordErrors } from '../helpers/speech.js';

/*
 * The issue-5 "Must show": fixture caller audio through the REAL speech worker (silero VAD,
 * pocketsphinx STT, espeak-ng TTS) and the router with a fake OpenAI-compatible upstream.
 */

const FIXTURE = 'en-slt16k-02.wav';
const REPLY = ['We', ' are', ' open', ' from', ' nine', ' to', ' five', ' on', ' Saturday.'];

const lastUserText = (request: { body: Record<string, unknown> }): string => {
  const messages = request.body.messages as Array<{ role: string; content: string }>;
  return messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const samples = (chunks: AudioChunk[]) => chunks.reduce((n, c) => n + c.pcm.length, 0);

describe('voice engine on the real speech worker and the LLM router', () => {
  let rt: TestRuntime;
  let fake: FakeLlm;
  let base: string;
  let resetTools: () => void;
  const fixture = () => speechFixtures().find((item) => item.file === FIXTURE)!;

  beforeAll(async () => {
    speechFixtures(); // synthesized on first use: not while a call runs
    fake = await createFakeLlm({ tokens: REPLY });
    const defaultArguments = fake.toolArguments;
    resetTools = () => (fake.toolArguments = defaultArguments);
    rt = await createTestRuntime({
      env: {
        SPEECH_LOCAL_WORKER: 'true',
        SPEECH_WORKER_READY_TIMEOUT_MS: '120000',
        LLM_BASE_URL: fake.url,
        LLM_MODEL: 'fake-model',
        VOICE_SILENCE_PROMPT_S: '60',
        VOICE_WATCHDOG_S: '60', // slow real transcription under load is not a stall
      },
    });
    base = (await rt.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws');
    await entersState(rt.speech.localWorker!, 'ready', 150_000);
  }, 180_000);
  afterAll(async () => {
    rt.app.server.closeAllConnections();
    await rt.dispose();
    await fake.close();
  });

  it('hears the caller, asks the LLM, answers in audio, and stores the call with metrics', async () => {
    // Streamed in fragments by the fake: the adapter assembles them into one take_message call.
    fake.toolArguments = JSON.stringify({
      caller_name: 'Ann Lee',
      callback_number: '5550100',
      reason: 'opening hours',
    });
    const caller = createCallerLine();
    const session = rt.voice.startSession({
      input: caller.input,
      channel: 'test',
      caller: '+15550100',
      outputSampleRateHz: 16000,
    });
    const finals: string[] = [];
    session.on('transcript', (t) => void (t.kind === 'final' && finals.push(t.text)));
    const metrics = new Promise<TurnMetrics>((resolve) => session.on('metrics', (m) => resolve(m.metrics)));
    const listening = new Promise<void>((resolve) =>
      session.on('stateChange', (s) => void (s.to === 'listening' && resolve())),
    );
    const output: AudioChunk[] = [];
    let greetingSamples = 0;
    const playing = (async () => {
      for await (const chunk of session.output) output.push(chunk);
    })();

    await listening;
    greetingSamples = samples(output);
    await caller.play(readWav(fixturePath(FIXTURE)));
    const turn = await metrics;
    session.hangUp();
    caller.hangUp();
    expect(await session.done).toEqual({ outcome: 'message_taken' });
    await playing;

    // The transcript reached the LLM through the router.
    expect(finals).toHaveLength(1);
    const [errors, words] = wordErrors(fixture().text, finals[0]!);
    expect(errors / words).toBeLessThanOrEqual(0.34);
    const [toolRound, textRound] = fake.requests;
    expect(fake.requests).toHaveLength(2);
    expect(lastUserText(toolRound!)).toBe(finals[0]);
    expect(toolRound!.body.stream).toBe(true);
    expect((textRound!.body.messages as Array<{ role: string }>).at(-1)?.role).toBe('tool');
    // The reply came back as audio (espeak-ng), after the greeting.
    expect(greetingSamples).toBeGreaterThan(8000);
    expect(samples(output) - greetingSamples).toBeGreaterThan(16000);
    // Turn metrics: every stage measured.
    for (const key of ['endOfSpeechDelayMs', 'sttFinalMs', 'llmTtftMs', 'ttsFirstAudioMs', 'voiceToVoiceMs'] as const)
      expect(turn[key], key).toBeGreaterThanOrEqual(0);
    // The conversation is stored with its turn.
    const token = await rt.adminToken();
    const res = await rt.app.inject({ url: `/api/conversations/${session.id}`, headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.conversation).toMatchObject({ channel: 'test', outcome: 'message_taken', turnCount: 1 });
    expect(body.turns[0]).toMatchObject({ mode: 'llm', userText: finals[0], outcome: 'completed' });
    expect(body.turns[0].assistantText).toContain('Saturday');
    expect(body.turns[0].metrics).toEqual(turn);
    expect(body.turns[0].toolCalls[0]).toMatchObject({ name: 'take_message', arguments: { caller_name: 'Ann Lee' } });
    const messages = await rt.app.inject({ url: '/api/messages', headers: bearer(token) });
    expect(messages.json().items).toContainEqual(
      expect.objectContaining({ callerName: 'Ann Lee', callbackNumber: '5550100', conversationId: session.id }),
    );
  }, 60_000);

  it('serves /ws/voice from the production wiring with the same audio', async () => {
    const token = await rt.adminToken();
    const ws = new WebSocket(`${base}/ws/voice?sampleRate=16000`, [VOICE_WS_SUBPROTOCOL, `bearer.${token}`]);
    const events: VoiceServerMessage[] = [];
    let audioBytes = 0;
    const seen = (predicate: (m: VoiceServerMessage) => boolean) =>
      new Promise<VoiceServerMessage>((resolve) => {
        const found = events.find(predicate);
        if (found) return resolve(found);
        ws.on('message', (data: Buffer, isBinary) => {
          if (isBinary) return;
          const message = JSON.parse(data.toString()) as VoiceServerMessage;
          if (predicate(message)) resolve(message);
        });
      });
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) audioBytes += data.length;
      else events.push(JSON.parse(data.toString()) as VoiceServerMessage);
    });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));
    const requestsBefore = fake.requests.length;
    resetTools();

    const caller = createCallerLine();
    const sending = (async () => {
      for await (const chunk of caller.input) {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(Buffer.from(chunk.pcm.buffer));
      }
    })();
    await seen((m) => m.type === 'state' && m.to === 'listening');
    const greetingBytes = audioBytes;
    await caller.play(readWav(fixturePath(FIXTURE)));
    await seen((m) => m.type === 'metrics');
    const final = events.find((m) => m.type === 'transcript' && m.kind === 'final') as { text: string };
    await seen((m) => m.type === 'state' && m.to === 'listening');
    ws.send(JSON.stringify({ type: 'hangup' }));
    expect(await seen((m) => m.type === 'ended')).toEqual({ type: 'ended', outcome: 'hung_up' });
    expect(await closed).toBe(1000);
    caller.hangUp();
    await sending;

    expect(greetingBytes).toBeGreaterThan(0);
    expect(audioBytes - greetingBytes).toBeGreaterThan(32_000); // > 1 s of reply at 16 kHz
    // The fake calls the first offered tool, then answers with text once it sees the tool result.
    const turnRequests = fake.requests.slice(requestsBefore);
    expect(turnRequests).toHaveLength(2);
    for (const request of turnRequests) expect(lastUserText(request)).toBe(final.text);
    expect(final.text).toContain('saturday');
    expect(events).toContainEqual(expect.objectContaining({ type: 'reply', turn: 1 }));
  }, 60_000);

  it('keeps a turn the caller starts while the secretary speaks: barge-in, transcript, answer', async () => {
    const requestsBefore = fake.requests.length;
    const caller = createCallerLine();
    const session = rt.voice.startSession({ input: caller.input, channel: 'test', outputSampleRateHz: 16000 });
    const bargeIns: number[] = [];
    session.on('bargeIn', (b) => bargeIns.push(b.voicedMs));
    const finals: string[] = [];
    session.on('transcript', (t) => void (t.kind === 'final' && finals.push(t.text)));
    const metrics = new Promise<void>((resolve) => session.on('metrics', () => resolve()));
    const speaking = new Promise<void>((resolve) =>
      session.on('stateChange', (s) => void (s.to === 'speaking' && resolve())),
    );
    const playing = (async () => {
      // A transport that plays in real time: the greeting is still going when the caller talks.
      for await (const chunk of session.output) await sleep((chunk.pcm.length / 16) * 1);
    })();
    await speaking;
    await caller.play(readWav(fixturePath('en-slt16k-10.wav'))); // "thank you goodbye", ~1.5 s
    await metrics;
    session.hangUp();
    caller.hangUp();
    await session.done;
    await playing;

    expect(bargeIns).toHaveLength(1);
    expect(finals[0]).toContain('goodbye');
    expect(lastUserText(fake.requests[requestsBefore]!)).toBe(finals[0]);
  }, 60_000);
});
