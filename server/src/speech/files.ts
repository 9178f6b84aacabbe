import type { AudioChunk } from '@ai-secretary/protocol';
import type { TranscriptSegment } from '../core/speech/speech-service.js';
import { SpeechInputError } from '../errors.js';
import { decodeToPcm, encodeStream, probeSampleRate, type DecodeLimits, type SpeechFormat } from './ffmpeg.js';
import type { WorkerSpeechService } from './speech-service.js';

/** Decoded audio goes to the recognizer in pieces of this length. */
const FEED_CHUNK_MS = 100;

/** Whole decoded audio as the stream of chunks the recognizer takes. */
export async function* feed(audio: AudioChunk): AsyncIterable<AudioChunk> {
  const step = (audio.sampleRateHz * FEED_CHUNK_MS) / 1000;
  for (let i = 0; i < audio.pcm.length; i += step) yield { ...audio, pcm: audio.pcm.subarray(i, i + step) };
}

/** The rest of an iterator whose first item was already taken. */
export async function* remaining<T>(iterator: AsyncIterator<T>): AsyncIterable<T> {
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
}

/** Decodes a file for the recognizer that will take it (narrow-band audio is refused, not upsampled). */
export async function decodeFor(
  speech: WorkerSpeechService,
  file: Buffer,
  options: { language?: string; model?: string },
  limits: DecodeLimits,
): Promise<AudioChunk> {
  const cap = await speech.sttFor(options);
  const inputRateHz = await probeSampleRate(file);
  if (inputRateHz < cap.sampleRateHz) {
    throw new SpeechInputError(
      `The audio is sampled at ${inputRateHz} Hz; the ${cap.model} recognizer needs at least ${cap.sampleRateHz} Hz (narrow-band audio is not upsampled)`,
      'SAMPLE_RATE_TOO_LOW',
      'file',
    );
  }
  return decodeToPcm(file, cap.sampleRateHz, limits);
}

/** A whole audio file (any format ffmpeg reads) to its recognized segments. */
export async function transcribeFile(
  speech: WorkerSpeechService,
  file: Buffer,
  options: { language?: string; signal?: AbortSignal },
  limits: DecodeLimits,
): Promise<TranscriptSegment[]> {
  const audio = await decodeFor(speech, file, options, limits);
  const segments: TranscriptSegment[] = [];
  for await (const segment of speech.transcribeStream(feed(audio), options)) segments.push(segment);
  return segments;
}

/** Text to a whole encoded file (`opus`: OGG/Opus, what Telegram plays as a voice note). */
export async function synthesizeFile(
  speech: WorkerSpeechService,
  text: string,
  options: { voice: string; format: Exclude<SpeechFormat, 'pcm'>; signal?: AbortSignal },
): Promise<Buffer> {
  const chunks = speech.synthesize(text, { voice: options.voice, signal: options.signal })[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) throw new SpeechInputError('Nothing to say: the engine produced no audio', 'NO_AUDIO', 'input');
  const parts: Buffer[] = [];
  for await (const part of encodeStream(options.format, first.value, remaining(chunks))) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
