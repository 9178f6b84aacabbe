import { entersState } from '../../src/core/state/enters-state.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';

/** A runtime with the local speech worker on, listening on a free port, with the worker ready. */
export async function startSpeechRuntime(
  env: Record<string, string> = {},
): Promise<{ runtime: TestRuntime; baseUrl: string }> {
  const runtime = await createTestRuntime({
    env: { SPEECH_LOCAL_WORKER: 'true', SPEECH_WORKER_READY_TIMEOUT_MS: '120000', ...env },
  });
  const baseUrl = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  await entersState(runtime.speech.localWorker!, 'ready', 150_000);
  return { runtime, baseUrl };
}
