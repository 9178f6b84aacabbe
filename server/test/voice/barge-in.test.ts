import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { startCall, toState, waitFor } from './harness.js';

const LONG_REPLY =
  'We offer haircuts, colouring and styling for the whole family. Our team has ten stylists. ' +
  'We are open every day from nine to nine. Parking is free behind the building. ' +
  'You can also book online or by phone at any time.';

describe('voice engine: barge-in', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('stops playback within a few chunks and aborts the in-flight LLM request', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['What do you offer?', 'How much is a haircut?'],
      // The LLM keeps streaming slowly, so the request is still open when the caller interrupts.
      llm: [{ text: LONG_REPLY, delayMs: 40 }, { text: 'Twenty dollars.' }],
      session: { bargeInMinSpeechMs: 200 },
    });
    await call.greeted;
    await call.caller.say(600);
    await waitFor(call.session, 'stateChange', toState('speaking'));
    await waitFor(call.session, 'reply'); // a second clause is on its way: we are mid-reply
    const interruptAt = call.caller.positionMs;
    const bargeIn = waitFor(call.session, 'bargeIn');
    const spoken = call.caller.say(700);
    const event = await bargeIn;
    await spoken;
    await waitFor(call.session, 'metrics', (e) => e.turn === 2);
    await call.end();

    expect(call.llm.state.calls[0]!.aborted).toBe(true);
    expect(call.llm.state.calls[0]!.finished).toBe(false);
    // Chunks of the first reply played after the caller began talking: 200 ms to decide, plus slack.
    const firstReplyAfter = call.played.filter((p) => p.callerMs > interruptAt && p.callerMs <= interruptAt + 700);
    expect(firstReplyAfter.length).toBeLessThanOrEqual(20);
    expect(event.voicedMs).toBeGreaterThanOrEqual(200);
    // Memory holds only what the caller actually heard, and the next question was answered.
    const second = call.llm.state.calls[1]!.request.messages;
    const heard = second.find((m) => m.role === 'assistant')!.content;
    expect(LONG_REPLY.startsWith(heard.slice(0, 20))).toBe(true);
    expect(heard.length).toBeLessThan(LONG_REPLY.length);
    expect(second.at(-1)).toEqual({ role: 'user', content: 'How much is a haircut?' });
    const turns = await rt.stores.conversations.turns(call.session.id);
    expect(turns.map((t) => t.outcome)).toEqual(['interrupted', 'completed']);
  });

  it('does not interrupt for a 150 ms noise burst', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['What do you offer?'],
      llm: [{ text: LONG_REPLY }],
      session: { bargeInMinSpeechMs: 300 },
    });
    let bargeIns = 0;
    call.session.on('bargeIn', () => bargeIns++);
    await call.greeted;
    await call.caller.say(600);
    await waitFor(call.session, 'stateChange', toState('speaking'));
    const metrics = waitFor(call.session, 'metrics');
    await call.caller.noise(150);
    await metrics;
    await call.end();

    expect(bargeIns).toBe(0);
    expect(call.llm.state.calls[0]!.aborted).toBe(false);
    expect(call.stt.state.calls).toHaveLength(1); // the noise was never sent as a turn
    const turns = await rt.stores.conversations.turns(call.session.id);
    expect(turns).toHaveLength(1);
    expect(turns[0]).toMatchObject({ outcome: 'completed', assistantText: LONG_REPLY });
  });

  it('resumes the interrupted sentence when the interruption had no words', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['What do you offer?', ''],
      llm: [{ text: LONG_REPLY }],
      session: { bargeInMinSpeechMs: 200 },
    });
    await call.greeted;
    await call.caller.say(600);
    await waitFor(call.session, 'stateChange', toState('speaking'));
    let beforeBargeIn: string[] = [];
    call.session.on('bargeIn', () => (beforeBargeIn = [...call.tts.state.texts]));
    const resumed = waitFor(call.session, 'resume');
    await call.caller.say(400);
    const { text } = await resumed;
    await waitFor(call.session, 'stateChange', toState('listening'));
    await call.end();

    expect(text.length).toBeGreaterThan(0);
    expect(LONG_REPLY.endsWith(text)).toBe(true);
    // The clause that was cut off (whichever it was: that depends on how far playback had got) was synthesized
    // once before the false interruption and again first after it; nothing before it is said again.
    const afterBargeIn = call.tts.state.texts.slice(beforeBargeIn.length);
    expect(afterBargeIn.length).toBeGreaterThan(0);
    expect(beforeBargeIn).toContain(afterBargeIn[0]);
    expect(text.startsWith(afterBargeIn[0]!)).toBe(true);
    expect(afterBargeIn.join(' ')).toBe(text);
    expect(call.llm.state.calls).toHaveLength(1);
  });
});
