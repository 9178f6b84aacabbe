import type { SpeechService } from '../../core/speech/speech-service.js';
import { convertStream, ENGINE_RATE_HZ, type AudioChunk } from '../../core/voice/audio.js';
import type { SttEvent, SttPort, TtsPort, VadEvent, VadPort } from '../../core/voice/ports.js';
import { SpeechUnavailableError, type SpeechStage } from '../../errors.js';
import { SpeechWorkerLostError } from '../../errors.js';

/** What the adapters need from the speech runtime: the service and a way to wait for a worker. */
export interface SpeechPortDeps {
  service: Pick<SpeechService, 'vadStream' | 'transcribeStream' | 'synthesize' | 'voices' | 'sttModels'>;
  /** Resolves once a worker is connected (or none is expected); `pool.whenAnyWorker`. */
  whenAnyWorker(signal?: AbortSignal): Promise<void>;
}

/** A lost or missing worker becomes a `SpeechUnavailableError` naming the engine's `stage`; anything else passes. */
export function toVoiceSpeechError(stage: SpeechStage, error: unknown): unknown {
  if (error instanceof SpeechWorkerLostError || error instanceof SpeechUnavailableError) {
    return new SpeechUnavailableError(error.message, { stage, cause: error });
  }
  return error;
}

async function* guarded<T>(stage: SpeechStage, source: () => AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* source();
  } catch (error) {
    throw toVoiceSpeechError(stage, error);
  }
}

const baseLanguage = (language: string | undefined) => language?.toLowerCase().split(/[-_]/)[0];

/**
 * Silero settings of the engine's VAD job. Hangover: the port contract asks for raw boundaries
 * (≈100 ms); the engine adds the trailing silence. Minimum speech: an onset comes this long after
 * speech starts, and a pause plus this must stay under the trailing silence or the turn is cut at
 * the pause (250 ms, silero's default, cut turns at 150 ms pauses).
 */
export const VOICE_VAD = { minSilenceMs: 100, minSpeechMs: 100 } as const;
/** Hangover + two silero windows + transport: how late the worker's boundaries arrive. */
const WORKER_VAD_LAG_MS = VOICE_VAD.minSilenceMs + 64 + 30;

/**
 * VAD on the worker's silero job. The worker reports an onset as soon as silero detects speech
 * (after its minimum speech, dated back to where the speech began), so the engine can barge
 * in while the caller is still talking; the span follows once silero closes it. A span without an
 * onset (a worker that does not send them) yields `speech_start`, lets the engine see one more chunk
 * (so it counts the span as voiced), then `speech_end`.
 */
export function createWorkerVadPort(deps: SpeechPortDeps): VadPort {
  return {
    lagMs: WORKER_VAD_LAG_MS,
    detect: (input, signal) =>
      guarded('vad', async function* (): AsyncIterable<VadEvent> {
        const progress = countPulls(input, signal);
        let open = false;
        const events = deps.service.vadStream(progress.audio, { signal, ...VOICE_VAD });
        for await (const event of events) {
          if (event.type === 'onset') {
            if (!open) yield { type: 'speech_start', atMs: event.startMs };
            open = true;
            continue;
          }
          if (!open) {
            yield { type: 'speech_start', atMs: event.startMs };
            await progress.nextPull();
          }
          open = false;
          yield { type: 'speech_end', atMs: event.endMs };
        }
      }),
  };
}

/** Passes audio through and lets a reader wait until the next chunk is pulled (or the input ends). */
function countPulls(input: AsyncIterable<AudioChunk>, signal: AbortSignal) {
  let ended = false;
  const waiters: Array<() => void> = [];
  const wakeAll = () => {
    for (const wake of waiters.splice(0)) wake();
  };
  signal.addEventListener('abort', wakeAll, { once: true });
  return {
    audio: (async function* () {
      try {
        for await (const chunk of input) {
          wakeAll();
          yield chunk;
        }
      } finally {
        ended = true;
        wakeAll();
      }
    })(),
    nextPull: () =>
      ended || signal.aborted ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)),
  };
}

/** STT on the worker: batch engines (pocketsphinx) yield one final after the turn's audio ends. */
export function createWorkerSttPort(deps: SpeechPortDeps): SttPort {
  const rateFor = (language: string | undefined): number => {
    const wanted = baseLanguage(language);
    const models = deps.service.sttModels();
    const found = models.find((m) => wanted === undefined || m.languages.includes(wanted)) ?? models[0];
    return found?.sampleRateHz ?? ENGINE_RATE_HZ;
  };
  return {
    transcribe: ({ audio, language }, signal) =>
      guarded('stt', async function* (): AsyncIterable<SttEvent> {
        await deps.whenAnyWorker(signal);
        const rateHz = rateFor(language);
        const input = rateHz === ENGINE_RATE_HZ ? audio : convertStream(audio, rateHz);
        const texts: string[] = [];
        for await (const segment of deps.service.transcribeStream(input, { language, signal })) {
          texts.push(segment.text.trim());
        }
        signal.throwIfAborted();
        yield { type: 'final', text: texts.filter((t) => t !== '').join(' ') };
      }),
  };
}

/** TTS on the worker; without a requested voice, the first installed voice of the language. */
export function createWorkerTtsPort(deps: SpeechPortDeps): TtsPort {
  const voiceFor = (language: string | undefined): string => {
    const voices = deps.service.voices();
    const wanted = baseLanguage(language);
    const voice = voices.find((v) => baseLanguage(v.language) === wanted) ?? voices[0];
    if (voice === undefined)
      throw new SpeechUnavailableError('No speech worker offers speech synthesis', { stage: 'tts' });
    return voice.id;
  };
  return {
    synthesize: ({ text, voice, language }, signal) =>
      guarded('tts', async function* (): AsyncIterable<AudioChunk> {
        await deps.whenAnyWorker(signal);
        yield* deps.service.synthesize(text, { voice: voice ?? voiceFor(language), signal });
      }),
  };
}
