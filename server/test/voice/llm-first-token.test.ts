import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { createRouterLlmPort } from '../../src/voice/adapters/llm-port.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { startCall, toState, waitFor } from './harness.js';

// The real router on a hanging OpenAI-compatible upstream whose own timeout is 10 minutes.
describe('voice: the LLM port with a hung LLM (first-token deadline)', () => {
  let rt: TestRuntime;
  let upstream: FakeLlm;
  beforeAll(async () => {
    upstream = await createFakeLlm();
    await upstream.setMode('hang');
    rt = await createTestRuntime({
      env: { LLM_BASE_URL: upstream.url, LLM_MODEL: 'fake-model', LLM_TIMEOUT_MS: '600000' },
    });
  });
  afterAll(async () => {
    await rt.dispose();
    await upstream.close();
  });

  it('falls to the degraded script once the deadline passes, and cancels the upstream request', async () => {
    const llm = createRouterLlmPort({ router: rt.llm.router, route: 'secretary', firstTokenTimeoutMs: 300 });
    const call = startCall({ store: rt.stores.conversations, stt: ['Are you open on Sunday?'], deps: { llm } });
    const prompts: string[] = [];
    call.session.on('reply', (e) => prompts.push(e.text));
    await call.greeted;
    const heard = waitFor(call.session, 'stateChange', toState('listening'));
    await call.caller.say(500);
    await heard;
    await call.end();

    expect(prompts.join(' ')).toContain('I cannot look that up right now, but I can take a message.');
    const stored = await rt.stores.conversations.findById(call.session.id);
    expect(stored!.degradations.map((d) => d.kind)).toEqual(['llm_down']);
    expect(upstream.requests).toHaveLength(1);
    for (let i = 0; i < 200 && !upstream.requests[0]!.aborted; i++) await new Promise((r) => setTimeout(r, 10));
    expect(upstream.requests[0]!.aborted).toBe(true);
  });
});
