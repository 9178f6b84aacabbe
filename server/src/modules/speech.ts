import { createSpeechRuntime, type SpeechRuntime } from '../speech/speech-runtime.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface SpeechModule extends Module {
  runtime: SpeechRuntime;
}

/**
 * Speech: the worker pool, the local worker's supervisor, `/ws/workers`, `/v1/audio/*`, `/api/speech/*`.
 * Its workers are stopped before the server closes (drain), so none redials a closing server.
 */
export const speechModule: ModuleDefinition<Started, 'speech'> = {
  name: 'speech',
  async start({ config, logger }) {
    const runtime = createSpeechRuntime(config.speech, config.dataDir, logger, config.logLevel);
    return {
      name: 'speech',
      runtime,
      routes: { api: [runtime.admin], v1: [runtime.v1], root: [runtime.ws] },
      readiness: [runtime.readiness],
      generatedFiles: runtime.generatedFiles,
      onListening: (address) => runtime.onListening(address),
      drain: () => runtime.close(),
    };
  },
};
