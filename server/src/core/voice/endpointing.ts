import type { VadEvent } from './ports.js';

export interface EndpointingOptions {
  /** Silence after speech that ends the caller's turn. */
  trailingSilenceMs: number;
  /** A turn longer than this is cut (and a new one starts at once if the caller keeps talking). */
  maxUtteranceMs: number;
  /** The VAD's reporting lag (`VadPort.lagMs`): voiced time in progress counts only up to this far back. */
  vadLagMs?: number;
}

export const DEFAULT_ENDPOINTING: EndpointingOptions = { trailingSilenceMs: 400, maxUtteranceMs: 20_000 };

export type EndpointEvent =
  | { type: 'turn_start'; atMs: number }
  /** Emitted on every audio step while the caller is talking; `voicedMs` excludes pauses. */
  | { type: 'speech_progress'; atMs: number; voicedMs: number }
  | {
      type: 'turn_end';
      startMs: number;
      /** Where the last speech ended on the audio timeline. */
      speechEndMs: number;
      atMs: number;
      voicedMs: number;
      reason: 'silence' | 'max_length';
    };

type State =
  | { kind: 'idle' }
  | { kind: 'speech'; startMs: number; segmentStartMs: number; voicedBeforeMs: number }
  | { kind: 'trailing'; startMs: number; speechEndMs: number; voicedMs: number };

/**
 * Turns raw VAD boundaries into caller turns: a turn ends after `trailingSilenceMs` without
 * speech (measured on the audio timeline, so it is exact whatever the transport's pacing).
 * Feed it VAD events and `audio(positionMs)` = how far the VAD has listened.
 */
export function createEndpointer(options: EndpointingOptions = DEFAULT_ENDPOINTING) {
  let state: State = { kind: 'idle' };

  function vad(event: VadEvent): EndpointEvent[] {
    if (event.type === 'speech_start') {
      if (state.kind === 'idle') {
        state = { kind: 'speech', startMs: event.atMs, segmentStartMs: event.atMs, voicedBeforeMs: 0 };
        return [{ type: 'turn_start', atMs: event.atMs }];
      }
      if (state.kind === 'trailing') {
        const { startMs, voicedMs } = state;
        state = { kind: 'speech', startMs, segmentStartMs: event.atMs, voicedBeforeMs: voicedMs };
      }
      return [];
    }
    if (state.kind !== 'speech') return [];
    const voicedMs = state.voicedBeforeMs + Math.max(0, event.atMs - state.segmentStartMs);
    state = { kind: 'trailing', startMs: state.startMs, speechEndMs: event.atMs, voicedMs };
    return [];
  }

  function audio(positionMs: number): EndpointEvent[] {
    if (state.kind === 'speech') return speaking(state, positionMs);
    if (state.kind === 'trailing' && positionMs - state.speechEndMs >= options.trailingSilenceMs) {
      const { startMs, speechEndMs, voicedMs } = state;
      state = { kind: 'idle' };
      return [{ type: 'turn_end', startMs, speechEndMs, atMs: positionMs, voicedMs, reason: 'silence' }];
    }
    return [];
  }

  function speaking(current: Extract<State, { kind: 'speech' }>, positionMs: number): EndpointEvent[] {
    const heardMs = positionMs - (options.vadLagMs ?? 0);
    const voicedMs = current.voicedBeforeMs + Math.max(0, heardMs - current.segmentStartMs);
    if (positionMs - current.startMs < options.maxUtteranceMs) {
      return [{ type: 'speech_progress', atMs: positionMs, voicedMs }];
    }
    state = { kind: 'speech', startMs: positionMs, segmentStartMs: positionMs, voicedBeforeMs: 0 };
    return [
      {
        type: 'turn_end',
        startMs: current.startMs,
        speechEndMs: positionMs,
        atMs: positionMs,
        voicedMs,
        reason: 'max_length',
      },
      { type: 'turn_start', atMs: positionMs },
    ];
  }

  /** Drops a turn in progress (the engine discarded it as noise). */
  function reset(): void {
    state = { kind: 'idle' };
  }

  return {
    vad,
    audio,
    reset,
    get inTurn() {
      return state.kind !== 'idle';
    },
  };
}

export type Endpointer = ReturnType<typeof createEndpointer>;
