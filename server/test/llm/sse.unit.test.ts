import { describe, expect, it } from 'vitest';
import { SseParser, SseReader } from '../../src/llm-providers/sse.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `text` split at every given offset and returns all events. */
function parseSplit(text: string, cuts: number[]) {
  const parser = new SseParser();
  const data = bytes(text);
  const events = [];
  let from = 0;
  for (const cut of [...cuts, data.length]) {
    events.push(...parser.push(data.subarray(from, cut)));
    from = cut;
  }
  return events;
}

describe('SseParser', () => {
  it('returns every event completed by one read, in order, and skips comments', () => {
    const parser = new SseParser();
    const events = parser.push(bytes('data: {"a":1}\n\n: keep-alive\n\ndata: {"a":2}\n\ndata: [DO'));
    expect(events).toEqual([
      { event: null, data: '{"a":1}' },
      { event: null, data: '{"a":2}' },
    ]);
    expect(parser.push(bytes('NE]\n\n'))).toEqual([{ event: null, data: '[DONE]' }]);
  });

  it('joins multi-line data, keeps the event name, and takes LF, CRLF and CR line ends', () => {
    const text =
      'event: error\r\ndata: line one\r\ndata:line two\r\n\r\ndata: a\rdata: b\r\rid: 7\nretry: 10\ndata: c\n\n';
    expect(parseSplit(text, [])).toEqual([
      { event: 'error', data: 'line one\nline two' },
      { event: null, data: 'a\nb' },
      { event: null, data: 'c' },
    ]);
  });

  it('gives the same events however the bytes are split (CRLF and UTF-8 characters across reads)', () => {
    const text = 'data: привет 👋\r\n\r\ndata: {"x":"ё"}\r\n\r\n';
    const whole = parseSplit(text, []);
    expect(whole).toEqual([
      { event: null, data: 'привет 👋' },
      { event: null, data: '{"x":"ё"}' },
    ]);
    const length = bytes(text).length;
    for (let cut = 1; cut < length; cut++) expect(parseSplit(text, [cut])).toEqual(whole);
    expect(
      parseSplit(
        text,
        Array.from({ length: length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(whole);
  });

  it('refuses a line that never ends instead of buffering it without bound', () => {
    const parser = new SseParser();
    const piece = bytes('x'.repeat(1024 * 1024));
    expect(() => {
      for (let i = 0; i < 5; i++) parser.push(piece);
    }).toThrow(/longer than/);
  });

  it('drops an event the body ended in the middle of', () => {
    const parser = new SseParser();
    expect(parser.push(bytes('data: complete\n\ndata: cut off'))).toEqual([{ event: null, data: 'complete' }]);
  });
});

describe('SseReader', () => {
  it('reads batches, then lets release() read the rest of the body in the background', async () => {
    let finished = false;
    async function* body() {
      yield bytes('data: 1\n\ndata: 2\n\n');
      yield bytes('data: [DONE]\n\n');
      yield bytes('trailing bytes the caller no longer needs');
      finished = true;
    }
    const reader = new SseReader(body());
    expect(await reader.next()).toEqual([
      { event: null, data: '1' },
      { event: null, data: '2' },
    ]);
    expect(await reader.next()).toEqual([{ event: null, data: '[DONE]' }]);
    reader.release(1000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(finished).toBe(true);
  });

  it('cancel() destroys a node body at once', async () => {
    const { PassThrough } = await import('node:stream');
    const body = new PassThrough();
    body.write('data: 1\n\n');
    const reader = new SseReader(body);
    expect(await reader.next()).toEqual([{ event: null, data: '1' }]);
    reader.cancel();
    expect(body.destroyed).toBe(true);
  });
});
