import { concatChunks, encodeWav, type AudioChunk, type SttCapability, type Voice } from '@ai-secretary/protocol';
import { bytesToPcm } from './process-io.js';
import { BadSpeechInputError, type SttEngine, type SttOptions, type TtsEngine, type TtsOptions } from './types.js';

export interface RemoteOptions {
  /** Base URL of an OpenAI-compatible API, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  languages: string[];
  fetch?: typeof fetch;
}

function headers(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

async function failure(res: Response): Promise<Error> {
  const body = (await res.text()).slice(0, 300);
  if (res.status >= 400 && res.status < 500)
    return new BadSpeechInputError('REMOTE_REFUSED', `remote said ${res.status}: ${body}`);
  return new Error(`remote speech service answered ${res.status}`);
}

/** Any OpenAI-compatible `/audio/transcriptions` (whole-file; the remote decides the segmentation). */
export function createRemoteStt(options: RemoteOptions): SttEngine {
  const doFetch = options.fetch ?? fetch;
  const capability: SttCapability = {
    engine: 'remote',
    model: options.model,
    languages: options.languages,
    sampleRateHz: 16_000,
    streaming: false,
  };
  return {
    capability,
    async *transcribe(audio: AsyncIterable<AudioChunk>, opts: SttOptions) {
      const chunks: AudioChunk[] = [];
      for await (const chunk of audio) chunks.push(chunk);
      const whole = concatChunks(chunks);
      const form = new FormData();
      form.set('file', new Blob([encodeWav(whole)], { type: 'audio/wav' }), 'audio.wav');
      form.set('model', options.model);
      form.set('response_format', 'json');
      if (opts.language) form.set('language', opts.language);
      if (opts.prompt) form.set('prompt', opts.prompt);
      const url = `${options.baseUrl.replace(/\/$/, '')}/audio/transcriptions`;
      const res = await doFetch(url, {
        method: 'POST',
        body: form,
        headers: headers(options.apiKey),
        signal: opts.signal,
      });
      if (!res.ok) throw await failure(res);
      const { text } = (await res.json()) as { text: string };
      const endMs = (whole.pcm.length / whole.sampleRateHz) * 1000;
      if (text.trim() !== '') yield { text: text.trim(), startMs: 0, endMs };
    },
  };
}

export interface RemoteTtsOptions extends Omit<RemoteOptions, 'languages'> {
  voices: Voice[];
  /** Raw PCM rate of the remote (OpenAI: 24000). */
  sampleRateHz?: number;
}

/** Any OpenAI-compatible `/audio/speech`, asking for raw PCM and streaming it on. */
export function createRemoteTts(options: RemoteTtsOptions): TtsEngine {
  const doFetch = options.fetch ?? fetch;
  const fallbackRateHz = options.sampleRateHz ?? 24_000;
  return {
    name: 'remote',
    voices: options.voices,
    async *synthesize(text: string, opts: TtsOptions) {
      const body = JSON.stringify({
        model: options.model,
        input: text,
        voice: opts.voice,
        speed: opts.speed ?? 1,
        response_format: 'pcm',
      });
      const url = `${options.baseUrl.replace(/\/$/, '')}/audio/speech`;
      const res = await doFetch(url, {
        method: 'POST',
        body,
        headers: { ...headers(options.apiKey), 'content-type': 'application/json' },
        signal: opts.signal,
      });
      if (!res.ok || !res.body) throw await failure(res);
      const sampleRateHz = Number(res.headers.get('x-sample-rate') ?? fallbackRateHz);
      let odd = Buffer.alloc(0);
      for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
        const bytes = Buffer.concat([odd, part]);
        const even = bytes.length & ~1;
        odd = bytes.subarray(even);
        if (even > 0) yield { pcm: bytesToPcm(bytes.subarray(0, even)), sampleRateHz, channels: 1 };
      }
    },
  };
}
