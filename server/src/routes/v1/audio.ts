import multipart from '@fastify/multipart';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { MAX_STT_PROMPT_CHARS, type AudioChunk } from '@ai-secretary/protocol';
import type { TranscriptSegment } from '../../core/speech/speech-service.js';
import { readMultipart } from '../../http/multipart.js';
import { AudioInvalidError, SpeechInputError } from '../../errors.js';
import { CONTENT_TYPES, SPEECH_FORMATS, encodeStream, type SpeechFormat } from '../../speech/ffmpeg.js';
import { resolveOpenAiVoice, type OpenAiVoiceOptions } from '../../speech/openai-voices.js';
import { decodeFor, feed, remaining } from '../../speech/files.js';
import type { WorkerSpeechService } from '../../speech/speech-service.js';
import {
  TRANSCRIPT_FORMATS,
  joinText,
  toSrt,
  toVerboseJson,
  toVtt,
  type TranscriptFormat,
} from '../../speech/transcript-formats.js';
import type { V1Plugin } from './index.js';

export interface AudioRoutesDeps {
  speech: WorkerSpeechService;
  maxUploadBytes: number;
  maxUploadSeconds: number;
  maxTtsChars: number;
  openAiVoices: OpenAiVoiceOptions;
}

function speechBody(maxChars: number) {
  return Type.Object(
    {
      model: Type.String({ minLength: 1, maxLength: 128 }),
      input: Type.String({ minLength: 1, maxLength: maxChars }),
      voice: Type.String({ minLength: 1, maxLength: 128 }),
      speed: Type.Optional(Type.Number({ minimum: 0.25, maximum: 4 })),
      response_format: Type.Optional(Type.Union(SPEECH_FORMATS.map((f) => Type.Literal(f)))),
      instructions: Type.Optional(Type.String({ maxLength: 4096 })),
      stream_format: Type.Optional(Type.Literal('audio')),
    },
    { additionalProperties: false },
  );
}

/** Aborts when the client goes away, so the worker job is cancelled too. */
function clientSignal(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  request.raw.once('aborted', () => controller.abort());
  return controller.signal;
}

async function* pcmBytes(first: AudioChunk, rest: AsyncIterator<AudioChunk>): AsyncIterable<Buffer> {
  yield Buffer.from(first.pcm.buffer, first.pcm.byteOffset, first.pcm.byteLength);
  for (let next = await rest.next(); !next.done; next = await rest.next()) {
    yield Buffer.from(next.value.pcm.buffer, next.value.pcm.byteOffset, next.value.pcm.byteLength);
  }
}

interface TranscriptionForm {
  file: Buffer | undefined;
  fields: Record<string, string>;
}

async function readForm(request: FastifyRequest): Promise<TranscriptionForm> {
  if (!request.isMultipart())
    throw new SpeechInputError('Send the audio as multipart/form-data with a "file" part', 'NOT_MULTIPART');
  const form: TranscriptionForm = { file: undefined, fields: {} };
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file')
        throw new SpeechInputError(`Unexpected file part "${part.fieldname}"`, 'UNKNOWN_PART', part.fieldname);
      form.file = await part.toBuffer();
    } else form.fields[part.fieldname] = String(part.value);
  }
  return form;
}

function transcriptionOptions(form: TranscriptionForm) {
  const { model, language, prompt } = form.fields;
  if (!model) throw new SpeechInputError('"model" is required', 'FIELD_MISSING', 'model');
  const format = (form.fields.response_format ?? 'json') as TranscriptFormat;
  if (!TRANSCRIPT_FORMATS.includes(format)) {
    throw new SpeechInputError(
      `response_format must be one of ${TRANSCRIPT_FORMATS.join(', ')}`,
      'FORMAT_UNSUPPORTED',
      'response_format',
    );
  }
  const stream = form.fields.stream === 'true';
  if (!form.file) throw new SpeechInputError('"file" is required', 'FIELD_MISSING', 'file');
  if (form.file.length === 0) throw new AudioInvalidError('The uploaded file is empty');
  if (prompt !== undefined && prompt.length > MAX_STT_PROMPT_CHARS)
    throw new SpeechInputError(`prompt is longer than ${MAX_STT_PROMPT_CHARS} characters`, 'PROMPT_TOO_LONG', 'prompt');
  return { model, language: language || undefined, prompt: prompt || undefined, format, stream, file: form.file };
}

function sendTranscript(
  reply: FastifyReply,
  segments: TranscriptSegment[],
  format: TranscriptFormat,
  language: string,
  durationMs: number,
) {
  switch (format) {
    case 'json':
      return reply.send({ text: joinText(segments) });
    case 'text':
      return reply.type('text/plain; charset=utf-8').send(joinText(segments));
    case 'verbose_json':
      return reply.send(toVerboseJson(segments, language, durationMs));
    case 'srt':
      return reply.type('text/plain; charset=utf-8').send(toSrt(segments));
    case 'vtt':
      return reply.type('text/vtt; charset=utf-8').send(toVtt(segments));
  }
}

async function* sseEvents(
  first: IteratorResult<TranscriptSegment>,
  rest: AsyncIterator<TranscriptSegment>,
): AsyncIterable<string> {
  const texts: string[] = [];
  const delta = (text: string) => {
    texts.push(text);
    return `data: ${JSON.stringify({ type: 'transcript.text.delta', delta: texts.length === 1 ? text : ` ${text}` })}\n\n`;
  };
  try {
    for (let next = first; !next.done; next = await rest.next()) yield delta(next.value.text);
    yield `data: ${JSON.stringify({ type: 'transcript.text.done', text: texts.join(' ') })}\n\n`;
  } catch (error) {
    const message = error instanceof Error && 'statusCode' in error ? error.message : 'transcription failed';
    yield `data: ${JSON.stringify({ type: 'error', error: { message } })}\n\n`;
  }
}

/** `/v1/audio/speech`, `/v1/audio/transcriptions` (OpenAI-compatible) and `/v1/audio/voices` (extension). */
export function audioRoutes(deps: AudioRoutesDeps): V1Plugin {
  const { speech } = deps;
  const SpeechBody = speechBody(deps.maxTtsChars);
  return async (v1) => {
    await v1.register(async (app) => {
      await app.register(multipart, { limits: { fileSize: deps.maxUploadBytes, files: 1, fields: 20, parts: 21 } });

      app.post(
        '/audio/speech',
        { config: { access: 'api' }, schema: { tags: ['v1'], body: SpeechBody } },
        async (request, reply) => {
          const body = request.body as Static<typeof SpeechBody>;
          const format: SpeechFormat = (body.response_format as SpeechFormat | undefined) ?? 'mp3';
          const signal = clientSignal(request, reply);
          const voice = resolveOpenAiVoice(body.voice, speech.voices(), deps.openAiVoices);
          const audio = speech.synthesize(body.input, { voice, speed: body.speed, signal });
          const chunks = audio[Symbol.asyncIterator]();
          const first = await chunks.next(); // errors (unknown voice, no worker) still become proper responses
          if (first.done)
            throw new SpeechInputError('Nothing to say: the engine produced no audio', 'NO_AUDIO', 'input');
          void reply.header('x-sample-rate', String(first.value.sampleRateHz)).type(CONTENT_TYPES[format]);
          if (format === 'pcm') return reply.send(Readable.from(pcmBytes(first.value, chunks)));
          return reply.send(encodeStream(format, first.value, remaining(chunks)));
        },
      );

      app.post(
        '/audio/transcriptions',
        { config: { access: 'api' }, schema: { tags: ['v1'] } },
        async (request, reply) => {
          const options = transcriptionOptions(await readMultipart(() => readForm(request)));
          const signal = clientSignal(request, reply);
          const audio = await decodeFor(speech, options.file, options, { maxSeconds: deps.maxUploadSeconds, signal });
          const segments = speech.transcribeStream(feed(audio), { ...options, signal });
          if (options.stream) {
            const iterator = segments[Symbol.asyncIterator]();
            const first = await iterator.next(); // failures before any text still get a proper status code
            void reply.type('text/event-stream').header('cache-control', 'no-cache');
            return reply.send(Readable.from(sseEvents(first, iterator)));
          }
          const collected: TranscriptSegment[] = [];
          for await (const segment of segments) collected.push(segment);
          const durationMs = (audio.pcm.length / audio.sampleRateHz) * 1000;
          return sendTranscript(reply, collected, options.format, options.language ?? 'en', durationMs);
        },
      );

      app.get('/audio/voices', { config: { access: 'api' }, schema: { tags: ['v1'] } }, async () => ({
        object: 'list' as const,
        data: speech.voices().map((v) => ({
          id: v.id,
          object: 'voice' as const,
          engine: v.engine,
          language: v.language,
          sample_rate_hz: v.sampleRateHz,
          name: v.name ?? v.id,
        })),
      }));
    });
  };
}
