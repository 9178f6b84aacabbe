// Scenario 3: the LLM upstream hanging, answering 500, or cut mid-stream (issue 19, defect 6), during calls and
// /v1 chat requests made with the official `openai` client.
// Pass (/v1): the next provider's full answer, or a clear error within the first-token deadline plus a margin;
//   never a hang and never a truncated answer passed off as complete.
// Pass (call): the caller hears something (the next provider, the degraded script or a re-prompt) within the
//   voice first-token deadline plus a margin, and the session listens again.
import OpenAI from 'openai';
import type { FakeMode } from '../../server/src/testing/fake-llm.js';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import { createRouterLlmPort } from '../../server/src/voice/adapters/llm-port.js';
import { startLlmHarness, type LlmHarness } from '../../server/test/llm/helpers.js';
import { startCall, TEST_PHRASES, toState, waitFor } from '../../server/test/voice/harness.js';
import { seconds, tally, type ChaosContext, type ScenarioResult } from './lib.js';

const FIRST_TOKEN_MS = 1500;
const MARGIN_MS = 1500;
const FULL_ANSWER = 'Hello from the fake model.';
const BACKUP_ANSWER = 'Backup provider here.';
const MODES: FakeMode[] = ['hang', 'error500', 'cut'];
const messages = [{ role: 'user' as const, content: 'hi' }];

interface Figures {
  errorMs: number[];
  answerMs: number[];
  callMs: number[];
}

/** What the client got: the answer's text, or `error <status>`. */
async function ask(client: OpenAI, stream: boolean): Promise<string> {
  try {
    if (!stream) {
      const reply = await client.chat.completions.create({ model: 'fake-model', messages });
      return reply.choices[0]?.message.content ?? '';
    }
    let text = '';
    const chunks = await client.chat.completions.create({ model: 'fake-model', messages, stream: true });
    for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? '';
    return text;
  } catch (error) {
    return `error ${error instanceof OpenAI.APIError ? (error.status ?? 'stream') : String(error)}`;
  }
}

async function v1Case(h: LlmHarness, mode: FakeMode, stream: boolean, backup: boolean, figures: Figures) {
  await h.primary.setMode(mode);
  const started = performance.now();
  const outcome = await ask(h.client, stream);
  const ms = performance.now() - started;
  const label = `/v1 ${mode} stream=${stream} backup=${backup}`;
  if (outcome === FULL_ANSWER || outcome === BACKUP_ANSWER) {
    figures.answerMs.push(ms);
    if (!backup) throw new Error(`${label}: an answer with no provider able to give it`);
    return;
  }
  if (!outcome.startsWith('error ')) throw new Error(`${label}: truncated answer "${outcome}" ended as complete`);
  if (backup && mode !== 'cut') throw new Error(`${label}: ${outcome} although the next provider was up`);
  if (ms > FIRST_TOKEN_MS + MARGIN_MS) throw new Error(`${label}: ${outcome} after ${seconds(ms)}`);
  figures.errorMs.push(ms);
}

/** One call whose LLM turn meets `mode`: how long the caller waits for the first thing said. */
async function callCase(h: LlmHarness, mode: FakeMode, backup: boolean, figures: Figures) {
  await h.primary.setMode(mode);
  const llm = createRouterLlmPort({
    router: h.rt.llm.router,
    route: 'secretary',
    firstTokenTimeoutMs: h.rt.config.voiceLlmFirstTokenMs,
  });
  const call = startCall({ store: h.rt.stores.conversations, stt: ['Are you open on Sunday?'], deps: { llm } });
  try {
    await call.greeted;
    const replied = waitFor(call.session, 'reply', () => true, 20_000);
    await call.caller.say(500);
    const spokeAt = performance.now();
    const reply = await replied;
    const ms = performance.now() - spokeAt;
    await waitFor(call.session, 'stateChange', toState('listening'), 20_000);
    const label = `call ${mode} backup=${backup}`;
    if (backup && mode !== 'cut' && !reply.text.startsWith('Backup')) throw new Error(`${label}: "${reply.text}"`);
    if (ms > h.rt.config.voiceLlmFirstTokenMs + MARGIN_MS)
      throw new Error(`${label}: first words after ${seconds(ms)}`);
    if (!backup && reply.text === TEST_PHRASES.greeting) throw new Error(`${label}: greeting again`);
    figures.callMs.push(ms);
  } finally {
    await call.end();
  }
}

const worst = (values: number[]) => (values.length === 0 ? 'n/a' : seconds(Math.max(...values)));

function cases(h: LlmHarness, backup: boolean, figures: Figures, repeat: number) {
  const list: Array<() => Promise<void>> = [];
  for (let i = 0; i < repeat; i++)
    for (const mode of MODES) {
      for (const stream of [false, true]) list.push(() => v1Case(h, mode, stream, backup, figures));
      list.push(() => callCase(h, mode, backup, figures));
    }
  return list;
}

export async function llmFaults(ctx: ChaosContext): Promise<ScenarioResult[]> {
  const h = await startLlmHarness({
    env: {
      LLM_FIRST_TOKEN_TIMEOUT_MS: String(FIRST_TOKEN_MS),
      LLM_TIMEOUT_MS: '600000', // only the first-token deadline can end a hung attempt in time
      LLM_BREAKER_COOLDOWN_MS: '100',
    },
  });
  let backup: FakeLlm | null = null;
  const figures: Figures = { errorMs: [], answerMs: [], callMs: [] };
  const repeat = ctx.quick ? 1 : 2;
  const figure = () =>
    `/v1 error worst ${worst(figures.errorMs)} (deadline ${seconds(FIRST_TOKEN_MS)}), ` +
    `answer worst ${worst(figures.answerMs)}, caller's wait worst ${worst(figures.callMs)}`;
  const row = async (name: string, list: Array<() => Promise<void>>) =>
    tally(name, list.length, (run) => list[run - 1]!(), figure, ctx.log);
  try {
    const alone = await row('LLM hang/500/cut, one provider', cases(h, false, figures, repeat));
    figures.errorMs = [];
    figures.answerMs = [];
    figures.callMs = [];
    backup = await createFakeLlm({ tokens: ['Backup', ' provider', ' here.'] });
    await h.addProvider('backup', backup);
    const next = await row('LLM hang/500/cut, next provider', cases(h, true, figures, repeat));
    return [alone, next];
  } finally {
    await h.close();
    await backup?.close();
  }
}
