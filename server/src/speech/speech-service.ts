import type { AudioChunk, Capabilities, SttCapability, Voice } from '@ai-secretary/protocol';
import type {
  SpeechService,
  SpeechSpan,
  TranscribeOptions,
  TranscriptSegment,
  VadStreamEvent,
  VadStreamOptions,
} from '../core/speech/speech-service.js';
import type { Lease, WorkerPool } from './worker-pool.js';
import type { JobEvent, JobHandle } from './worker-connection.js';
import { SpeechUnavailableError } from '../errors.js';
import { SpeechInputError, UnknownVoiceError } from '../errors.js';

export interface SpeechServiceOptions {
  maxTtsChars: number;
}

const baseLanguage = (language: string | undefined) => language?.trim().toLowerCase().split(/[-_]/)[0] || undefined;

function unique<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/**
 * Sends `audio` into a job, checking each chunk's format; stops (and closes `audio`) once the job is
 * over, so a failed job does not go on consuming a caller's stream that a retry reads next.
 */
async function pumpAudio(
  audio: AsyncIterable<AudioChunk>,
  job: JobHandle,
  sampleRateHz: number,
  over: () => boolean,
): Promise<void> {
  for await (const chunk of audio) {
    if (over()) return;
    if (chunk.sampleRateHz !== sampleRateHz || chunk.channels !== 1) {
      throw new SpeechInputError(
        `Audio must be ${sampleRateHz} Hz mono for this engine, got ${chunk.sampleRateHz} Hz with ${chunk.channels} channel(s)`,
        'AUDIO_FORMAT_UNSUPPORTED',
      );
    }
    job.sendAudio(chunk.pcm);
  }
  job.endInput();
}

/**
 * Runs `job` on a leased worker and yields its events; the lease is released and the job cancelled
 * (when unfinished) however the consumer leaves. `input` feeds audio for STT/VAD jobs.
 */
async function* runJob<T>(
  lease: Lease,
  job: JobHandle,
  signal: AbortSignal | undefined,
  map: (event: JobEvent) => T | undefined,
  input?: (over: () => boolean) => Promise<void>,
): AsyncIterable<T> {
  let inputError: unknown;
  let over = false;
  const onAbort = () => job.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  const pumping = input?.(() => over).catch((error: unknown) => {
    inputError = error;
    job.cancel();
  });
  try {
    for await (const event of job.events) {
      const value = map(event);
      if (value !== undefined) yield value;
    }
    await pumping;
    if (inputError !== undefined) throw inputError;
    signal?.throwIfAborted();
  } finally {
    over = true;
    signal?.removeEventListener('abort', onAbort);
    job.cancel();
    lease.release();
  }
}

export interface WorkerSpeechService extends SpeechService {
  /** STT capability a request would be routed to (for sample-rate decisions before decoding). */
  sttFor(options: TranscribeOptions): Promise<SttCapability>;
}

export function createSpeechService(pool: WorkerPool, options: SpeechServiceOptions): WorkerSpeechService {
  const allCaps = (): Capabilities[] =>
    pool
      .list()
      .filter((w) => !w.closed)
      .map((w) => w.capabilities);

  const sttMatcher = (opts: TranscribeOptions): ((cap: SttCapability) => boolean) => {
    const caps = allCaps().flatMap((c) => c.stt);
    if (caps.length === 0) throw new SpeechUnavailableError('No speech worker offers speech recognition');
    const language = baseLanguage(opts.language);
    const named = opts.model !== undefined && caps.some((c) => c.model === opts.model || c.engine === opts.model);
    const matches = (c: SttCapability) =>
      (!named || c.model === opts.model || c.engine === opts.model) &&
      (language === undefined || c.languages.includes(language));
    if (!caps.some(matches)) {
      throw new SpeechInputError(
        `No speech recognizer for language "${opts.language ?? ''}" is installed`,
        'LANGUAGE_UNSUPPORTED',
        'language',
      );
    }
    return matches;
  };

  const sttFor = async (opts: TranscribeOptions): Promise<SttCapability> => {
    await pool.whenAnyWorker(opts.signal);
    const matches = sttMatcher(opts);
    return allCaps()
      .flatMap((c) => c.stt)
      .find(matches)!;
  };

  const findVoice = (id: string): Voice => {
    const voices = allCaps().flatMap((c) => c.tts);
    if (voices.length === 0) throw new SpeechUnavailableError('No speech worker offers speech synthesis');
    const voice = voices.find((v) => v.id === id);
    if (!voice) throw new UnknownVoiceError(id);
    return voice;
  };

  async function* vadJob(
    audio: AsyncIterable<AudioChunk>,
    opts: VadStreamOptions,
    onsets: boolean,
  ): AsyncIterable<VadStreamEvent> {
    await pool.whenAnyWorker(opts.signal);
    const lease = await pool.acquire((c) => c.vad.length > 0, 'voice activity detection', opts.signal);
    const cap = lease.worker.capabilities.vad[0]!;
    const job = lease.worker.startJob({
      kind: 'vad',
      engine: cap.engine,
      sampleRateHz: cap.sampleRateHz,
      ...(onsets ? { vad: { onsets: true, minSilenceMs: opts.minSilenceMs, minSpeechMs: opts.minSpeechMs } } : {}),
    });
    yield* runJob(
      lease,
      job,
      opts.signal,
      (e): VadStreamEvent | undefined =>
        e.type === 'segment'
          ? { type: 'span', startMs: e.startMs, endMs: e.endMs }
          : e.type === 'onset'
            ? { type: 'onset', startMs: e.startMs }
            : undefined,
      (over) => pumpAudio(audio, job, cap.sampleRateHz, over),
    );
  }

  return {
    sttFor,
    async *transcribeStream(audio, opts = {}): AsyncIterable<TranscriptSegment> {
      await pool.whenAnyWorker(opts.signal);
      const matches = sttMatcher(opts);
      const lease = await pool.acquire((c) => c.stt.some(matches), 'speech recognition', opts.signal);
      const cap = lease.worker.capabilities.stt.find(matches)!;
      const language = baseLanguage(opts.language);
      const job = lease.worker.startJob({
        kind: 'stt',
        engine: cap.engine,
        model: cap.model,
        language,
        prompt: opts.prompt,
        sampleRateHz: cap.sampleRateHz,
      });
      yield* runJob(
        lease,
        job,
        opts.signal,
        (e) =>
          e.type === 'segment' && e.text !== undefined
            ? { text: e.text, startMs: e.startMs, endMs: e.endMs }
            : undefined,
        (over) => pumpAudio(audio, job, cap.sampleRateHz, over),
      );
    },
    async *synthesize(text, opts): AsyncIterable<AudioChunk> {
      const input = text.trim();
      if (input === '') throw new SpeechInputError('Text to synthesize is empty', 'TEXT_EMPTY', 'input');
      if (input.length > options.maxTtsChars) {
        throw new SpeechInputError(`Text is longer than ${options.maxTtsChars} characters`, 'TEXT_TOO_LONG', 'input');
      }
      await pool.whenAnyWorker(opts.signal);
      const voice = findVoice(opts.voice);
      const lease = await pool.acquire(
        (c) => c.tts.some((v) => v.id === voice.id && v.engine === voice.engine),
        `voice ${voice.id}`,
        opts.signal,
      );
      const job = lease.worker.startJob({
        kind: 'tts',
        engine: voice.engine,
        model: voice.id,
        text: input,
        speed: opts.speed,
      });
      yield* runJob(lease, job, opts.signal, (e) =>
        e.type === 'audio' ? { pcm: e.pcm, sampleRateHz: e.sampleRateHz, channels: e.channels } : undefined,
      );
    },
    async *vad(audio, opts = {}): AsyncIterable<SpeechSpan> {
      for await (const event of vadJob(audio, opts, false)) {
        if (event.type === 'span') yield { startMs: event.startMs, endMs: event.endMs };
      }
    },
    vadStream: (audio, opts = {}) => vadJob(audio, opts, true),
    voices: () =>
      unique(
        allCaps().flatMap((c) => c.tts),
        (v) => `${v.engine}/${v.id}`,
      ),
    sttModels: () =>
      unique(
        allCaps().flatMap((c) => c.stt),
        (c) => `${c.engine}/${c.model}`,
      ),
  };
}
