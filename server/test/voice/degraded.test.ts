import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { createFakeLlm } from '../../src/testing/fake-llm-port.js';
import { startCall, toState, waitFor } from './harness.js';

describe('voice engine: degraded mode', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('all LLM providers down: a scripted dialogue takes the message and stores it', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: [
        'I would like to book an appointment',
        'My name is John Smith',
        'A table for four on Friday',
        'plus one five five five 123 45 67',
        'Yes, that is right',
      ],
    });
    call.llm.state.down = true;
    const prompts: string[] = [];
    call.session.on('reply', (e) => prompts.push(e.text));
    await call.greeted;
    for (let i = 0; i < 4; i++) {
      const heard = waitFor(call.session, 'stateChange', toState('listening'));
      await call.caller.say(500);
      await heard;
    }
    await call.caller.say(400);
    const { outcome } = await call.session.done;
    await call.end();

    expect(outcome).toBe('message_taken');
    expect(prompts.join(' ')).toContain('I cannot look that up right now, but I can take a message.');
    expect(prompts.join(' ')).toContain('Let me confirm: John Smith, about A table for four on Friday');
    const { items } = await rt.stores.messages.list({ limit: 50, offset: 0 });
    expect(items.find((m) => m.conversationId === call.session.id)).toMatchObject({
      callerName: 'John Smith',
      reason: 'A table for four on Friday',
      callbackNumber: '+15551234567',
      source: 'scripted',
      handledAt: null,
    });
    expect(call.notifier.messages).toHaveLength(1);
    const stored = await rt.stores.conversations.findById(call.session.id);
    expect(stored!.degradations.map((d) => d.kind)).toEqual(['llm_down']);
    const turns = await rt.stores.conversations.turns(call.session.id);
    expect(turns.map((t) => t.mode)).toEqual(['scripted', 'scripted', 'scripted', 'scripted', 'scripted']);
  });

  it('an outgoing call with every LLM provider down says who calls and why, and offers a call back', async () => {
    const llm = createFakeLlm();
    llm.state.down = true; // down from the first word: the opening itself cannot be written
    const call = startCall({
      deps: { llm },
      store: rt.stores.conversations,
      stt: ['No, not this one', 'plus one five five five 987 65 43', 'Yes'],
      session: {
        caller: '+15550100999',
        opening: '[The person you called has answered the phone.]',
        outgoing: { number: '+15550100999', business: 'Bella Pizza', task: 'confirming your order for Friday' },
      },
    });
    const prompts: string[] = [];
    call.session.on('reply', (e) => prompts.push(e.text));
    await call.greeted;
    for (let i = 0; i < 2; i++) {
      const heard = waitFor(call.session, 'stateChange', toState('listening'));
      await call.caller.say(500);
      await heard;
    }
    await call.caller.say(400);
    const { outcome } = await call.session.done;
    await call.end();

    expect(outcome).toBe('message_taken');
    const said = prompts.join(' ');
    expect(said).toContain('calling on behalf of Bella Pizza about confirming your order for Friday');
    expect(said).toContain('Shall we call you back on this number?');
    expect(said).not.toContain('take a message');
    expect(said).toContain('So we call you back on + 1 5 5 5 9 8 7 6 5 4 3');
    const { items } = await rt.stores.messages.list({ limit: 50, offset: 0 });
    expect(items.find((m) => m.conversationId === call.session.id)).toMatchObject({
      callbackNumber: '+15559876543',
      reason: 'Call back about: confirming your order for Friday',
      source: 'scripted',
    });
  });

  it('TTS worker dies mid-call: cached apology, then the reply once it is back', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['Are you open on Sunday?'],
      llm: [{ text: 'Yes, we are open on Sunday from ten to four.' }],
    });
    await call.greeted;
    call.tts.state.down = true;
    const down = waitFor(call.session, 'degraded', (d) => d.kind === 'speech_down');
    await call.caller.say(500);
    expect(await down).toMatchObject({ detail: 'tts' });
    call.tts.state.down = false; // the supervisor restarted the worker
    await waitFor(call.session, 'degraded', (d) => d.kind === 'speech_recovered');
    await waitFor(call.session, 'metrics');
    const { outcome } = await call.end();

    expect(outcome).toBe('hung_up');
    expect(call.states).toContain('recovering');
    // The apology came from the cache (synthesized at call start, while TTS was up), then the reply.
    const apology = call.said.indexOf('Sorry, I am having a technical problem. One moment, please.');
    expect(apology).toBeGreaterThan(0);
    // The fake TTS records a text only when it synthesized it, i.e. after the restart.
    expect(call.tts.state.texts).toContain('Yes, we are open on Sunday from ten to four.');
    expect(call.tts.state.texts.filter((t) => t.startsWith('Sorry, I am having'))).toHaveLength(1);
    expect(call.tts.state.failures).toBeGreaterThan(0);
    const stored = await rt.stores.conversations.findById(call.session.id);
    expect(stored!.degradations.map((d) => d.kind)).toEqual(['speech_down', 'speech_recovered']);
  });

  it('STT worker dies mid-call: the caller is not lost, the same words are transcribed after restart', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['Can I speak to Maria?'],
      llm: [{ text: 'Maria is out today.' }],
    });
    await call.greeted;
    call.stt.state.down = true;
    const down = waitFor(call.session, 'degraded', (d) => d.kind === 'speech_down');
    await call.caller.say(500);
    expect(await down).toMatchObject({ detail: 'stt' });
    call.stt.state.down = false;
    await waitFor(call.session, 'metrics');
    await call.end();

    expect(call.stt.state.calls).toEqual([{ audioMs: expect.any(Number), text: 'Can I speak to Maria?' }]);
    expect(call.stt.state.calls[0]!.audioMs).toBeGreaterThanOrEqual(500);
    expect(call.llm.state.calls[0]!.request.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Can I speak to Maria?',
    });
    const turns = await rt.stores.conversations.turns(call.session.id);
    expect(turns[0]).toMatchObject({ outcome: 'completed', assistantText: 'Maria is out today.' });
  });

  it('speech worker never comes back: the call ends politely', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['Hello?'],
      llm: [{ text: 'Hello, how can I help?' }],
      session: { speechRecoveryTimeoutMs: 800 },
    });
    await call.greeted;
    call.stt.state.down = true;
    await call.caller.say(500);
    const { outcome } = await call.session.done;
    await call.end();
    expect(outcome).toBe('failed');
    expect(call.said.slice(-1)).toEqual([
      'I am sorry, we are having technical difficulties. Please call again later. Goodbye!',
    ]);
    const stored = await rt.stores.conversations.findById(call.session.id);
    expect(stored!.degradations.map((d) => d.kind)).toEqual(['speech_down', 'speech_lost']);
    expect(call.llm.state.calls).toHaveLength(0);
  });

  it('VAD worker dies mid-call: apology, VAD restarted on the same line, the call goes on', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['Hello, are you there?'],
      llm: [{ text: 'Yes, I am here.' }],
    });
    await call.greeted;
    const down = waitFor(call.session, 'degraded', (d) => d.kind === 'speech_down');
    call.vad.state.down = true;
    expect(await down).toMatchObject({ detail: 'vad' });
    call.vad.state.down = false;
    await waitFor(call.session, 'degraded', (d) => d.kind === 'speech_recovered');
    await call.caller.say(500);
    await waitFor(call.session, 'metrics');
    await call.end();
    expect(call.vad.state.detectCalls).toBeGreaterThan(1);
    expect(call.llm.state.calls[0]!.request.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Hello, are you there?',
    });
    expect(call.said).toContain('Sorry, I am having a technical problem. One moment, please.');
  });
});
