import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPhraseCache } from '../../src/core/voice/output.js';
import { createFakeTts } from '../../src/testing/fake-tts.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { startCall, waitFor } from './harness.js';

describe('voice engine: a full turn', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('greets, hears the caller, answers with audio, records the turn and its metrics', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['What are your opening hours?'],
      llm: [{ text: 'We are open from nine to six, Monday to Friday. Anything else?' }],
    });
    await call.greeted;
    const partial = waitFor(call.session, 'transcript', (e) => e.kind === 'partial');
    const metrics = waitFor(call.session, 'metrics');
    const spokenFrom = call.played.length;
    await call.caller.say(700);
    expect((await partial).text).toBe('What');
    // Metrics are emitted when the reply has been played out.
    const { metrics: m } = await metrics;
    expect(call.session.status).toBe('listening');
    const { outcome } = await call.end();

    const request = call.llm.state.calls[0]!.request;
    expect(request.messages.at(-1)).toEqual({ role: 'user', content: 'What are your opening hours?' });
    expect(request.tools.map((t) => t.name)).toEqual(['take_message', 'end_call', 'transfer']);
    // The first clause went to TTS at the comma, before the sentence was complete.
    expect(call.tts.state.texts).toEqual(
      expect.arrayContaining(['We are open from nine to six,', 'Monday to Friday.', 'Anything else?']),
    );
    // The reply came back as audio: ~10 ms per character of the reply, in 20 ms chunks.
    expect(call.played.length - spokenFrom).toBeGreaterThan(20);
    expect(call.stt.state.calls[0]!.audioMs).toBeGreaterThanOrEqual(700);
    for (const value of Object.values(m)) expect(value).toEqual(expect.any(Number));
    expect(m.endOfSpeechDelayMs).toBeGreaterThanOrEqual(0);

    expect(outcome).toBe('hung_up');
    const stored = await rt.stores.conversations.findById(call.session.id);
    expect(stored).toMatchObject({ channel: 'test', outcome: 'hung_up', turnCount: 1, degradations: [] });
    const turns = await rt.stores.conversations.turns(call.session.id);
    expect(turns).toHaveLength(1);
    expect(turns[0]).toMatchObject({
      index: 1,
      mode: 'llm',
      outcome: 'completed',
      userText: 'What are your opening hours?',
      assistantText: 'We are open from nine to six, Monday to Friday. Anything else?',
    });
    expect(turns[0]!.metrics).toEqual(m);
  });

  it('runs the tools: take_message stores and announces, end_call says goodbye and hangs up', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['Please tell Anna that Bob called, my number is 555 0101'],
      llm: [
        {
          toolCalls: [
            { name: 'take_message', arguments: { caller_name: 'Bob', callback_number: '5550101', reason: 'Call Bob' } },
          ],
        },
        { text: 'I will pass it on. Goodbye!', toolCalls: [{ name: 'end_call', arguments: {} }] },
      ],
    });
    await call.greeted;
    await call.caller.say(600);
    const { outcome } = await call.session.done;
    await call.end();
    expect(outcome).toBe('message_taken');
    expect(call.llm.state.calls[1]!.request.messages.at(-1)).toMatchObject({ role: 'tool', content: 'stored' });
    expect(call.notifier.messages).toHaveLength(1);
    const { items } = await rt.stores.messages.list({ limit: 10, offset: 0 });
    const stored = items.find((m) => m.conversationId === call.session.id);
    expect(stored).toMatchObject({ callerName: 'Bob', callbackNumber: '5550101', reason: 'Call Bob', source: 'llm' });
    const turns = await rt.stores.conversations.turns(call.session.id);
    expect(turns[0]!.toolCalls.map((t) => t.name)).toEqual(['take_message', 'end_call']);
    expect(turns[0]!.assistantText).toBe('I will pass it on. Goodbye!');
  });

  it('asks "are you still there?" after silence and ends the call when nobody answers', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      session: { silencePromptMs: 400, maxSilencePrompts: 1 },
    });
    await call.greeted;
    await waitFor(call.session, 'reply', (e) => e.text === 'Are you still there?');
    const { outcome } = await call.session.done;
    await call.end();
    expect(outcome).toBe('no_response');
    expect(call.tts.state.texts).toContain('Thank you for calling. Goodbye!');
    expect(call.llm.state.calls).toHaveLength(0);
  });

  it('transfers the call through the channel hook', async () => {
    const targets: string[] = [];
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['Put me through to sales please'],
      llm: [{ toolCalls: [{ name: 'transfer', arguments: { target: 'sales' } }] }],
      deps: { transfer: async (target) => (targets.push(target), true) },
    });
    await call.greeted;
    await call.caller.say(500);
    const { outcome } = await call.session.done;
    await call.end();
    expect(outcome).toBe('transferred');
    expect(targets).toEqual(['sales']);
    expect(call.said).toContain('Please hold, I am transferring your call.');
  });

  it('opens an outgoing call with its own words from the LLM instead of the greeting, then listens', async () => {
    const cue = '[The person you called has answered the phone. Speak first.]';
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['Yes, that works.'],
      llm: [
        { text: 'Hello, this is the dental clinic calling about your appointment on Friday.' },
        { text: 'Thank you!' },
      ],
      session: { opening: cue },
    });
    await call.greeted;
    expect(call.said).toEqual(['Hello, this is the dental clinic calling about your appointment on Friday.']);
    expect(call.tts.state.texts).not.toContain('Hello, how can I help?');
    expect(call.llm.state.calls[0]!.request.messages.at(-1)).toEqual({ role: 'user', content: cue });
    // Metrics come once the answer has been played out and its turn recorded.
    const answered = waitFor(call.session, 'metrics', (e) => e.turn === 2);
    await call.caller.say(700);
    await answered;
    expect(call.said.at(-1)).toBe('Thank you!');
    // The second request carries the whole exchange: cue, the opening, then what the person said.
    expect(call.llm.state.calls[1]!.request.messages.slice(-3)).toEqual([
      { role: 'user', content: cue },
      { role: 'assistant', content: 'Hello, this is the dental clinic calling about your appointment on Friday.' },
      { role: 'user', content: 'Yes, that works.' },
    ]);
    await call.end();
    const turns = await rt.stores.conversations.turns(call.session.id);
    expect(turns.map((t) => [t.userText, t.mode])).toEqual([
      [null, 'llm'],
      ['Yes, that works.', 'llm'],
    ]);
  });

  it('ends the call politely at the maximum call length', async () => {
    const call = startCall({ store: rt.stores.conversations, session: { maxCallMs: 1500 } });
    await call.greeted;
    const { outcome } = await call.session.done;
    await call.end();
    expect(outcome).toBe('timeout');
    expect(call.said.at(-1)).toBe('I am sorry, we have reached the time limit for this call. Goodbye!');
  });

  it('synthesizes the greeting once for all calls sharing the phrase cache', async () => {
    const tts = createFakeTts();
    const phraseCache = createPhraseCache(tts);
    for (let i = 0; i < 2; i++) {
      const call = startCall({ store: rt.stores.conversations, tts, deps: { phraseCache } });
      await call.greeted;
      await call.end();
    }
    expect(tts.state.texts.filter((t) => t === 'Hello, how can I help?')).toHaveLength(1);
  });

  it('answers from the FAQ first, without the LLM (also while every provider is down)', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['What are your opening hours?', 'Can I book a table?'],
      deps: {
        faq: {
          match: async (q) => (q.includes('opening hours') ? '**Open** nine to six, every day.' : null),
        },
      },
    });
    call.llm.state.down = true;
    await call.greeted;
    await call.caller.say(500);
    await waitFor(call.session, 'metrics', (e) => e.turn === 1);
    await call.caller.say(500);
    await waitFor(call.session, 'metrics', (e) => e.turn === 2);
    await call.end();
    const turns = await rt.stores.conversations.turns(call.session.id);
    expect(turns.map((t) => [t.mode, t.assistantText])).toEqual([
      ['faq', 'Open nine to six, every day.'],
      ['scripted', 'I cannot look that up right now, but I can take a message. What is your name?'],
    ]);
    expect(call.llm.state.calls).toHaveLength(1);
  });
});
