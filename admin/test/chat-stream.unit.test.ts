import { describe, expect, it } from 'vitest';
import { chatDeltas, sseData } from '../src/api/chat-stream.js';
import { ApiError } from '../src/api/errors.js';

/** A byte stream cut at the given places, as a network would deliver it. */
function streamOf(text: string, cuts: number[] = []): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const edges = [0, ...cuts, bytes.length];
  return new ReadableStream({
    start(controller) {
      for (let i = 1; i < edges.length; i++) controller.enqueue(bytes.slice(edges[i - 1], edges[i]));
      controller.close();
    },
  });
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;

describe('chat stream parsing', () => {
  it('joins events split across reads, including inside a multi-byte character', async () => {
    const text = chunk('Прив') + ': keep-alive\n\n' + chunk('ет!') + 'data: [DONE]\n\n';
    const cuts = [3, 20, 21, 40, text.length - 5];
    expect(await collect(chatDeltas(streamOf(text, cuts)))).toEqual(['Прив', 'ет!']);
  });

  it('accepts CRLF line ends and multi-line data', async () => {
    expect(await collect(sseData(streamOf('data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n')))).toEqual(['a\nb', 'c']);
  });

  it('throws the error event sent after some deltas, keeping what came before', async () => {
    const seen: string[] = [];
    const text = chunk('partial') + `data: ${JSON.stringify({ error: { message: 'upstream broke' } })}\n\n`;
    const run = async () => {
      for await (const delta of chatDeltas(streamOf(text))) seen.push(delta);
    };
    await expect(run()).rejects.toThrow(new ApiError('STREAM_FAILED', 'upstream broke', 502));
    expect(seen).toEqual(['partial']);
  });

  it('stops at [DONE] and ignores empty deltas', async () => {
    const text = chunk('') + chunk('x') + 'data: [DONE]\n\n' + chunk('after');
    expect(await collect(chatDeltas(streamOf(text)))).toEqual(['x']);
  });
});
