import { describe, expect, it } from 'vitest';
import { createEndpointer, type EndpointEvent } from '../../src/core/voice/endpointing.js';
import type { VadEvent } from '../../src/core/voice/ports.js';

/** Drives the endpointer with VAD events and 20 ms audio steps up to `untilMs`. */
function run(events: VadEvent[], untilMs: number, options = { trailingSilenceMs: 400, maxUtteranceMs: 20_000 }) {
  const endpointer = createEndpointer(options);
  const out: EndpointEvent[] = [];
  const pending = [...events];
  for (let pos = 20; pos <= untilMs; pos += 20) {
    while (pending[0] !== undefined && pending[0].atMs <= pos) out.push(...endpointer.vad(pending.shift()!));
    out.push(...endpointer.audio(pos));
  }
  return out.filter((e) => e.type !== 'speech_progress');
}

describe('endpointing', () => {
  it('ends the turn after the configured trailing silence (default 400 ms)', () => {
    const out = run(
      [
        { type: 'speech_start', atMs: 100 },
        { type: 'speech_end', atMs: 900 },
      ],
      2000,
    );
    expect(out).toEqual([
      { type: 'turn_start', atMs: 100 },
      { type: 'turn_end', startMs: 100, speechEndMs: 900, atMs: 1300, voicedMs: 800, reason: 'silence' },
    ]);
  });

  it('keeps one turn across a pause shorter than the trailing silence', () => {
    const out = run(
      [
        { type: 'speech_start', atMs: 100 },
        { type: 'speech_end', atMs: 500 },
        { type: 'speech_start', atMs: 800 },
        { type: 'speech_end', atMs: 1000 },
      ],
      2000,
    );
    expect(out.map((e) => e.type)).toEqual(['turn_start', 'turn_end']);
    expect(out[1]).toMatchObject({ startMs: 100, speechEndMs: 1000, atMs: 1400, voicedMs: 600 });
  });

  it('honours a custom trailing silence', () => {
    const out = run(
      [
        { type: 'speech_start', atMs: 0 },
        { type: 'speech_end', atMs: 500 },
      ],
      3000,
      {
        trailingSilenceMs: 1200,
        maxUtteranceMs: 20_000,
      },
    );
    expect(out[1]).toMatchObject({ type: 'turn_end', atMs: 1700 });
  });

  it('does not end a turn while speech goes on, and cuts it at the maximum length', () => {
    const out = run([{ type: 'speech_start', atMs: 0 }], 2500, { trailingSilenceMs: 400, maxUtteranceMs: 1000 });
    expect(out).toEqual([
      { type: 'turn_start', atMs: 0 },
      { type: 'turn_end', startMs: 0, speechEndMs: 1000, atMs: 1000, voicedMs: 1000, reason: 'max_length' },
      { type: 'turn_start', atMs: 1000 },
      { type: 'turn_end', startMs: 1000, speechEndMs: 2000, atMs: 2000, voicedMs: 1000, reason: 'max_length' },
      { type: 'turn_start', atMs: 2000 },
    ]);
  });

  it('reports voiced time while the caller talks (the barge-in input)', () => {
    const endpointer = createEndpointer();
    endpointer.vad({ type: 'speech_start', atMs: 1000 });
    expect(endpointer.audio(1150)).toEqual([{ type: 'speech_progress', atMs: 1150, voicedMs: 150 }]);
    endpointer.vad({ type: 'speech_end', atMs: 1150 });
    expect(endpointer.audio(1300)).toEqual([]);
  });

  it("counts voiced time only up to the VAD's reporting lag behind the input", () => {
    const endpointer = createEndpointer({ trailingSilenceMs: 400, maxUtteranceMs: 20_000, vadLagMs: 200 });
    endpointer.vad({ type: 'speech_start', atMs: 1000 });
    expect(endpointer.audio(1150)).toEqual([{ type: 'speech_progress', atMs: 1150, voicedMs: 0 }]);
    expect(endpointer.audio(1500)).toEqual([{ type: 'speech_progress', atMs: 1500, voicedMs: 300 }]);
    // The span's real length still decides the turn.
    endpointer.vad({ type: 'speech_end', atMs: 1450 });
    expect(endpointer.audio(1900)).toEqual([
      { type: 'turn_end', startMs: 1000, speechEndMs: 1450, atMs: 1900, voicedMs: 450, reason: 'silence' },
    ]);
  });
});
