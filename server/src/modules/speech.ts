import { createSpeechRuntime, type SpeechRuntime } from '../speech/speech-runtime.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface SpeechModule extends Module {
  runtime: SpeechRuntime;
}

/**
 * Speech: the worker pool, the speech kind on `/ws/workers` (the processes module's link), the local worker
 * as a supervised child, `/v1/audio/*`, `/api/speech/*`. Its workers are stopped before the server closes
 * (drain), so none redials a closing server.
 */
export const speechModule: ModuleDefinition<Started, 'speech'> = {
  name: 'speech',
  async start({ config, logger, get }) {
    const { supervisor, kinds } = get('processes');
    const runtime = createSpeechRuntime(config.speech, config.dataDir, logger, config.logLevel, { supervisor, kinds });
    return {
      name: 'speech',
      runtime,
      routes: { api: [runtime.admin], v1: [runtime.v1] },
      readiness: [runtime.readiness],
      generatedFiles: runtime.generatedFiles,
      drain: () => runtime.close(),
    };
  },
};
