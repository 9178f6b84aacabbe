import type { ApiClient } from './client.js';
import { ApiError } from './errors.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Where a reply came from, as the server's x-llm-* headers say. */
export interface ChatReplyInfo {
  source: 'llm' | 'faq' | null;
  provider: string | null;
}

interface ChunkShape {
  choices?: Array<{ delta?: { content?: string | null } }>;
  error?: { message?: string };
}

/** Splits an SSE byte stream into the `data:` payloads of its events. */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data !== '') yield data;
    }
  }
}

/** The text pieces of one streamed chat completion; a mid-stream error event throws. */
export async function* chatDeltas(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  for await (const data of sseData(body)) {
    if (data === '[DONE]') return;
    const chunk = JSON.parse(data) as ChunkShape;
    if (chunk.error) throw new ApiError('STREAM_FAILED', chunk.error.message ?? 'The stream failed', 502);
    const text = chunk.choices?.[0]?.delta?.content;
    if (text) yield text;
  }
}

/**
 * Streams /v1/chat/completions with the signed-in user's access token (the server accepts it on /v1).
 * `onInfo` gets the reply's source before the first delta.
 */
export async function* streamChat(
  client: ApiClient,
  request: { model: string; messages: ChatMessage[]; signal?: AbortSignal },
  onInfo: (info: ChatReplyInfo) => void,
): AsyncGenerator<string> {
  const response = await client.stream('POST', '/v1/chat/completions', {
    body: { model: request.model, messages: request.messages, stream: true },
    signal: request.signal,
  });
  const source = response.headers.get('x-llm-source');
  onInfo({
    source: source === 'faq' || source === 'llm' ? source : null,
    provider: response.headers.get('x-llm-provider'),
  });
  if (response.body === null) return;
  yield* chatDeltas(response.body);
}
