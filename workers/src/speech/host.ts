import type {
  AudioChunk,
  Capabilities,
  EngineProblem,
  JobStartMessage,
  OrchestratorMessage,
} from '@ai-secretary/protocol';
import { Compile } from 'typebox/compile';
import {
  INVALID_JOB,
  JobCancelMessage,
  JobInputEndMessage,
  JobStartMessage as JobStartSchema,
  encodeAudioFrame,
} from '@ai-secretary/protocol';
import { AsyncQueue } from '@ai-secretary/protocol';
import type { Logger } from '../kit/logger.js';
import type { WorkerHandlers, WorkerLink } from '../kit/run-worker.js';
import {
  BadSpeechInputError,
  type SpeechSegment,
  type SttEngine,
  type TtsEngine,
  type VadEngine,
} from './engines/types.js';

export interface SpeechEngines {
  stt: SttEngine[];
  tts: TtsEngine[];
  vad: VadEngine[];
  problems: EngineProblem[];
  device: 'cpu' | 'cuda';
}

interface RunningJob {
  abort: AbortController;
  input: AsyncQueue<AudioChunk>;
  sampleRateHz: number;
}

export interface SpeechHostOptions {
  workerId: string;
  name: string;
  capacity: number;
  engines: SpeechEngines;
  logger: Logger;
}

export function capabilitiesOf(engines: SpeechEngines, capacity: number): Capabilities {
  return {
    stt: engines.stt.map((e) => e.capability),
    tts: engines.tts.flatMap((e) => e.voices),
    vad: engines.vad.map((e) => e.capability),
    device: engines.device,
    capacity,
  };
}

function pickStt(engines: SpeechEngines, job: JobStartMessage): SttEngine {
  const found = engines.stt.find(
    (e) => e.capability.engine === job.engine && (job.model === undefined || e.capability.model === job.model),
  );
  if (!found)
    throw new BadSpeechInputError('ENGINE_UNAVAILABLE', `no STT engine ${job.engine} ${job.model ?? ''} here`);
  return found;
}

function pickTts(engines: SpeechEngines, job: JobStartMessage): TtsEngine {
  const found = engines.tts.find((e) => e.name === job.engine && e.voices.some((v) => v.id === job.model));
  if (!found)
    throw new BadSpeechInputError('VOICE_UNKNOWN', `no voice "${job.model ?? ''}" for engine ${job.engine} here`);
  return found;
}

function pickVad(engines: SpeechEngines, job: JobStartMessage): VadEngine {
  const found = engines.vad.find((e) => e.capability.engine === job.engine);
  if (!found) throw new BadSpeechInputError('ENGINE_UNAVAILABLE', `no VAD engine ${job.engine} here`);
  return found;
}

async function sendSegments(segments: AsyncIterable<SpeechSegment>, jobId: string, link: WorkerLink) {
  for await (const s of segments) link.send({ type: 'job.segment', jobId, ...s });
}

async function runTts(engine: TtsEngine, job: JobStartMessage, signal: AbortSignal, link: WorkerLink) {
  let announced = false;
  for await (const chunk of engine.synthesize(job.text ?? '', { voice: job.model!, speed: job.speed, signal })) {
    if (!announced) {
      link.send({
        type: 'job.audio-format',
        jobId: job.jobId,
        sampleRateHz: chunk.sampleRateHz,
        channels: chunk.channels,
      });
      announced = true;
    }
    link.sendBinary(encodeAudioFrame(job.jobId, chunk.pcm));
  }
}

const jobChecks: Record<string, ReturnType<typeof Compile> | undefined> = {
  'job.start': Compile(JobStartSchema),
  'job.input-end': Compile(JobInputEndMessage),
  'job.cancel': Compile(JobCancelMessage),
};

/** A refused job message: the job id it names, when usable (else nobody can be answered), and why. */
function refusalOf(value: unknown): { jobId: string; reason: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, jobId } = value as { type?: unknown; jobId?: unknown };
  if (typeof type !== 'string' || !type.startsWith('job.')) return undefined;
  if (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > 64) return undefined;
  const error = jobChecks[type]?.Errors(value)[0];
  const reason = error ? `${error.instancePath || '/'}: ${error.message}` : `unknown message type ${type}`;
  return { jobId, reason: reason.slice(0, 500) };
}

/** Runs jobs on the configured engines; one `RunningJob` per job id, audio in and out as binary frames. */
export function createSpeechHost(options: SpeechHostOptions): WorkerHandlers {
  const { engines, logger } = options;
  const jobs = new Map<string, RunningJob>();

  const execute = async (job: JobStartMessage, running: RunningJob, link: WorkerLink) => {
    const signal = running.abort.signal;
    switch (job.kind) {
      case 'stt': {
        const engine = pickStt(engines, job);
        return sendSegments(
          engine.transcribe(running.input, { language: job.language, prompt: job.prompt, signal }),
          job.jobId,
          link,
        );
      }
      case 'vad': {
        const onOnset = job.vad?.onsets
          ? (startMs: number) => link.send({ type: 'job.speech-onset', jobId: job.jobId, startMs })
          : undefined;
        const segments = pickVad(engines, job).segments(running.input, signal, {
          onOnset,
          minSilenceMs: job.vad?.minSilenceMs,
          minSpeechMs: job.vad?.minSpeechMs,
        });
        return sendSegments(segments, job.jobId, link);
      }
      case 'tts':
        return runTts(pickTts(engines, job), job, signal, link);
    }
  };

  const start = (job: JobStartMessage, link: WorkerLink) => {
    if (jobs.has(job.jobId)) return;
    const running: RunningJob = {
      abort: new AbortController(),
      input: new AsyncQueue(),
      sampleRateHz: job.sampleRateHz ?? 16_000,
    };
    jobs.set(job.jobId, running);
    void execute(job, running, link)
      .then(
        () => link.send({ type: 'job.done', jobId: job.jobId }),
        (error: unknown) => {
          if (running.abort.signal.aborted) return;
          const bad = error instanceof BadSpeechInputError;
          if (!bad) logger.error({ err: error, jobId: job.jobId }, 'speech job failed');
          link.send({
            type: 'job.error',
            jobId: job.jobId,
            code: bad ? error.code : 'ENGINE_FAILED',
            message: bad ? error.message : 'the speech engine failed',
            retryable: !bad,
            badInput: bad,
          });
        },
      )
      .finally(() => jobs.delete(job.jobId));
  };

  /** A job message this worker cannot take ends that job here and comes back as a bad-input error. */
  const refuse = (value: unknown, link: WorkerLink) => {
    const refusal = refusalOf(value);
    if (!refusal) return;
    const { jobId, reason } = refusal;
    const running = jobs.get(jobId);
    running?.abort.abort();
    running?.input.end();
    const message = `The job was refused: ${reason}`;
    link.send({ type: 'job.error', jobId, code: INVALID_JOB, message, retryable: false, badInput: true });
  };

  return {
    hello: () => ({
      type: 'hello',
      protocolVersion: 1,
      kind: 'speech-worker',
      workerId: options.workerId,
      name: options.name,
      pid: process.pid,
      capabilities: capabilitiesOf(engines, options.capacity),
      problems: engines.problems,
    }),
    onMessage(message: OrchestratorMessage, link: WorkerLink) {
      switch (message.type) {
        case 'job.start':
          return start(message, link);
        case 'job.input-end':
          return jobs.get(message.jobId)?.input.end();
        case 'job.cancel':
          return jobs.get(message.jobId)?.abort.abort();
        case 'welcome':
          return;
      }
    },
    onInvalidMessage: refuse,
    onAudio(frame) {
      const job = jobs.get(frame.jobId);
      job?.input.push({ pcm: frame.pcm, sampleRateHz: job.sampleRateHz, channels: 1 });
    },
    activeJobs: () => jobs.size,
    onDisconnect() {
      for (const job of jobs.values()) {
        job.abort.abort();
        job.input.end();
      }
      jobs.clear();
    },
  };
}
