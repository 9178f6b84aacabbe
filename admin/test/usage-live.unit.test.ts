import type { LiveStatus, UsageLatency } from '@ai-secretary/protocol';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../src/api/client.js';
import { ApiError } from '../src/api/errors.js';
import { followLiveFeed, type FeedState } from '../src/api/live-feed.js';
import { dayLabel, dayStarts, DAY_MS, latencySeries, perProvider } from '../src/views/llm/usage-data.js';
import { encodeWav } from '../src/views/speech/wav.js';

const status = (chats: number): LiveStatus => ({
  at: new Date().toISOString(),
  ready: true,
  components: [],
  modem: null,
  providers: [],
  workers: [],
  today: { since: new Date(0).toISOString(), calls: 0, sms: 0, chats, tokens: 0 },
});

function sse(events: LiveStatus[]): Response {
  const text = events.map((e) => `: ping\n\nevent: status\ndata: ${JSON.stringify(e)}\n\n`).join('');
  return new Response(text, { headers: { 'content-type': 'text/event-stream' } });
}

describe('usage chart data', () => {
  it('lays the per-provider points on every day of the window, zero where none', () => {
    const now = Date.UTC(2026, 10, 21, 15);
    const days = dayStarts(3, now);
    expect(days.map(dayLabel)).toEqual(['11-19', '11-20', '11-21']);
    const at = (ms: number) => new Date(ms).toISOString();
    const point = (ms: number, key: string, promptTokens: number) => ({
      at: at(ms),
      key,
      requests: 1,
      promptTokens,
      completionTokens: 1,
      costUsd: 0,
    });
    const series = perProvider(
      [point(days[0]!, 'b', 9), point(days[2]!, 'a', 4), point(days[2]!, 'b', 1), point(days[0]! - DAY_MS, 'a', 99)],
      days,
      (p) => p.promptTokens + p.completionTokens,
    );
    expect(series).toEqual([
      { name: 'a', values: [0, 0, 5] },
      { name: 'b', values: [10, 0, 2] },
    ]);
  });

  it('makes four latency series over the providers and the total', () => {
    const row = (key: string, base: number | null) => ({
      key,
      samples: 1,
      ttftP50Ms: base,
      ttftP95Ms: base,
      totalP50Ms: 100,
      totalP95Ms: 200,
    });
    const latency: UsageLatency = { from: '', to: '', total: row('all', 10), providers: [row('x', null)] };
    const chart = latencySeries(latency, { ttft: 'TTFT', total: 'Total' });
    expect(chart.labels).toEqual(['x', 'all']);
    expect(chart.series.map((s) => s.name)).toEqual(['TTFT p50', 'TTFT p95', 'Total p50', 'Total p95']);
    expect(chart.series[0]!.values).toEqual([null, 10]);
  });
});

describe('live feed client', () => {
  it('hands over every status and reconnects after the stream ends or fails', async () => {
    const responses: Array<() => Promise<Response>> = [
      async () => sse([status(1), status(2)]),
      async () => {
        throw new ApiError('NETWORK_UNREACHABLE', 'down', 0);
      },
      async () => sse([status(3)]),
    ];
    const controller = new AbortController();
    const seen: number[] = [];
    const states: FeedState[] = [];
    const client = {
      stream: async () => {
        const next = responses.shift();
        if (!next) {
          controller.abort();
          throw new ApiError('NETWORK_UNREACHABLE', 'down', 0);
        }
        return next();
      },
    } as unknown as ApiClient;
    await followLiveFeed(
      client,
      { onStatus: (s) => seen.push(s.today.chats), onState: (s) => states.push(s) },
      controller.signal,
    );
    expect(seen).toEqual([1, 2, 3]);
    expect(states.slice(0, 4)).toEqual(['connecting', 'live', 'retrying', 'connecting']);
    expect(states).toContain('live');
  }, 20_000);
});

describe('WAV for the STT test', () => {
  it('writes a 16-bit mono header the server can read', () => {
    const wav = encodeWav(new Int16Array([0, 1000, -1000]), 16000);
    const view = new DataView(wav.buffer);
    expect(new TextDecoder().decode(wav.subarray(0, 4))).toBe('RIFF');
    expect(view.getUint32(24, true)).toBe(16000);
    expect(view.getUint32(40, true)).toBe(6);
    expect(view.getInt16(46, true)).toBe(1000);
    expect(wav.length).toBe(50);
  });
});
