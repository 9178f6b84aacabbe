import type { AudioChunk, CallAudioHandler, CallHandlerOutput, CallSession } from '../../core/gsm/types.js';
import { DEFAULT_PROMPT } from '../../core/voice/session.js';
import type { TurnMetrics } from '../../core/voice/ports.js';
import type { VoiceSession } from '../../core/voice/session-types.js';
import type { StartVoiceSession } from '../../voice/runtime.js';

export interface VoiceCallHandlerOptions {
  startSession: StartVoiceSession;
  /** Rate of the caller audio the bridge hands over and of the secretary's audio (16 kHz: wideband engine). */
  sampleRateHz?: 8000 | 16000;
  /** The business's name (Settings), said on outgoing calls when the LLM is down. */
  businessName?: () => string;
}

/** Transcript lines and per-turn metrics (`turn<N>.<metric>`) for the call record, as they happen. */
function recordEvents(session: VoiceSession, push: (event: CallHandlerOutput) => void): void {
  const startedMs = Date.now();
  const atMs = () => Date.now() - startedMs;
  session.on('transcript', (t) => {
    if (t.kind === 'final' && t.text !== '') push({ type: 'transcript', role: 'caller', text: t.text, atMs: atMs() });
  });
  session.on('reply', (r) => push({ type: 'transcript', role: 'secretary', text: r.text, atMs: atMs() }));
  session.on('metrics', ({ turn, metrics }) => {
    for (const [name, value] of Object.entries(metrics) as Array<[keyof TurnMetrics, number | null]>) {
      if (value !== null) push({ type: 'metric', name: `turn${turn}.${name}`, valueMs: value });
    }
  });
}

/** The engine's prompt for an outgoing call placed with a task (`POST /api/gsm/calls {number, task}`). */
export function outgoingCallPrompt(task: string, basePrompt = DEFAULT_PROMPT): string {
  return (
    `${basePrompt}\n\nThis is an outgoing call that you placed on behalf of the business. ` +
    `Your task on this call: ${task}\nWhen the task is done, thank the other person, say goodbye and call end_call.`
  );
}

/** What the engine hears when the person it called picks up: it speaks first, about its task. */
export const OUTGOING_OPENING_CUE =
  '[The person you called has answered the phone. Speak first: greet them, say who you are calling for and why.]';

/**
 * An outgoing call opens with the secretary's own words (not the "you have reached" greeting); with the LLM
 * down it says who calls and why and offers a call back instead of asking for a message.
 */
function outgoingCall(call: CallSession, business: string) {
  const task = call.task ?? null;
  return {
    opening: OUTGOING_OPENING_CUE,
    outgoing: { number: call.remoteNumber ?? '', business, task },
    ...(task ? { systemPrompt: outgoingCallPrompt(task) } : {}),
  };
}

/**
 * Runs one voice-engine session per phone call: caller audio in, the secretary's audio out (pulled
 * one chunk at a time, so a barge-in drops what the modem has not taken), transcript and metrics
 * into the call record, and a hang-up when the engine ends the call (end_call, timeouts). The
 * conversation's id is the call's id.
 */
export function createVoiceCallHandler(options: VoiceCallHandlerOptions): CallAudioHandler {
  const sampleRateHz = options.sampleRateHz ?? 16000;
  return {
    sampleRateHz,
    async *handle(call: CallSession): AsyncIterable<CallHandlerOutput> {
      const session = options.startSession({
        input: call.input,
        channel: 'gsm',
        caller: call.remoteNumber,
        outputSampleRateHz: sampleRateHz,
        signal: call.signal,
        conversationId: call.callId,
        ...(call.direction === 'outgoing' ? outgoingCall(call, options.businessName?.() || 'the business') : {}),
      });
      const pending: CallHandlerOutput[] = [];
      let wake: (() => void) | null = null;
      recordEvents(session, (event) => {
        pending.push(event);
        wake?.();
      });
      try {
        yield* merge(session.output[Symbol.asyncIterator](), pending, (w) => (wake = w));
      } finally {
        if (session.status !== 'ended') session.hangUp(); // the bridge stopped listening
      }
      const { outcome } = await session.done;
      yield* pending.splice(0);
      if (!call.signal.aborted) yield { type: 'end', reason: `voice: ${outcome}` };
    },
  };
}

/** Audio chunks as the engine produces them, with record events in between as soon as they exist. */
async function* merge(
  audio: AsyncIterator<AudioChunk>,
  pending: CallHandlerOutput[],
  onWake: (wake: (() => void) | null) => void,
): AsyncIterable<CallHandlerOutput> {
  let next = audio.next();
  for (;;) {
    yield* pending.splice(0);
    const woken = new Promise<null>((resolve) => onWake(() => resolve(null)));
    const result = await Promise.race([next, woken]);
    onWake(null);
    if (result === null) continue;
    if (result.done === true) return;
    yield { type: 'audio', chunk: result.value };
    next = audio.next();
  }
}

/**
 * The voice engine while it can talk (a speech worker is connected), the built-in greeting handler
 * otherwise: a call is always answered. Both must take the same audio rate.
 */
export function withFallbackHandler(
  primary: CallAudioHandler,
  fallback: CallAudioHandler,
  usePrimary: () => boolean,
): CallAudioHandler {
  if (primary.sampleRateHz !== fallback.sampleRateHz) throw new Error('call handlers must share a sample rate');
  return {
    sampleRateHz: primary.sampleRateHz,
    handle: (call) => (usePrimary() ? primary : fallback).handle(call),
  };
}
