import type { LlmServices } from '../../core/llm/llm-service.js';
import type { SpeechRuntime } from '../../speech/speech-runtime.js';
import type { VoicePorts } from '../runtime.js';
import { createFaqPort, createRouterLlmPort } from './llm-port.js';
import { createWorkerSttPort, createWorkerTtsPort, createWorkerVadPort } from './speech-ports.js';

/** The persona the voice engine talks through: `secretary`, or `secretary-ru` for Russian calls. */
export function voiceRoute(language: string): string {
  return language.toLowerCase().startsWith('ru') ? 'secretary-ru' : 'secretary';
}

/** The production voice ports: the speech workers (VAD, STT, TTS) and the LLM router (+ FAQ). */
export function createVoicePorts(deps: {
  speech: Pick<SpeechRuntime, 'service' | 'pool'>;
  llm: Pick<LlmServices, 'router' | 'faq'>;
  /** The call language (`ru…` picks the Russian persona); a function follows the Settings page. */
  language: string | (() => string);
  /** Each LLM provider attempt's first-token deadline (VOICE_LLM_FIRST_TOKEN_MS). */
  llmFirstTokenMs?: number;
}): VoicePorts {
  const { language } = deps;
  const speech = {
    service: deps.speech.service,
    whenAnyWorker: (s?: AbortSignal) => deps.speech.pool.whenAnyWorker(s),
  };
  return {
    vad: createWorkerVadPort(speech),
    stt: createWorkerSttPort(speech),
    tts: createWorkerTtsPort(speech),
    llm: createRouterLlmPort({
      router: deps.llm.router,
      route: () => voiceRoute(typeof language === 'function' ? language() : language),
      ...(deps.llmFirstTokenMs !== undefined ? { firstTokenTimeoutMs: deps.llmFirstTokenMs } : {}),
    }),
    faq: createFaqPort(deps.llm.faq),
  };
}
