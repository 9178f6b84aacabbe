import { Counter, Histogram, type Registry } from 'prom-client';
import type { TurnMetrics } from '../core/voice/ports.js';
import type { VoiceSession } from '../core/voice/session-types.js';

const BUCKETS_S = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

const TURN_HISTOGRAMS: Record<keyof TurnMetrics, [string, string]> = {
  endOfSpeechDelayMs: ['voice_end_of_speech_delay_seconds', 'Last caller speech to end-of-turn decision'],
  sttFinalMs: ['voice_stt_final_seconds', 'End of turn to final transcript'],
  llmTtftMs: ['voice_llm_ttft_seconds', 'LLM request to first token'],
  ttsFirstAudioMs: ['voice_tts_first_audio_seconds', 'First clause sent to TTS to its first audio'],
  voiceToVoiceMs: ['voice_voice_to_voice_seconds', 'Last caller speech to first secretary audio played'],
};

/** Prometheus export of the engine's per-turn latencies and call events. */
export function createVoiceMetrics(registry: Registry) {
  const histograms = Object.fromEntries(
    Object.entries(TURN_HISTOGRAMS).map(([key, [name, help]]) => [
      key,
      new Histogram({ name, help, labelNames: ['channel'], buckets: BUCKETS_S, registers: [registry] }),
    ]),
  ) as Record<keyof TurnMetrics, Histogram<'channel'>>;
  const sessions = new Counter({
    name: 'voice_sessions_total',
    help: 'Voice sessions by outcome',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
  });
  const bargeIns = new Counter({
    name: 'voice_barge_ins_total',
    help: 'Caller interruptions',
    labelNames: ['channel'],
    registers: [registry],
  });
  const degradations = new Counter({
    name: 'voice_degradations_total',
    help: 'Degraded-mode events (llm_down, speech_down, ...)',
    labelNames: ['channel', 'kind'],
    registers: [registry],
  });

  function track(session: VoiceSession, channel: string): void {
    session.on('metrics', ({ metrics }) => {
      for (const key of Object.keys(histograms) as Array<keyof TurnMetrics>) {
        const ms = metrics[key];
        if (ms !== null) histograms[key].observe({ channel }, ms / 1000);
      }
    });
    session.on('bargeIn', () => bargeIns.inc({ channel }));
    session.on('degraded', (d) => degradations.inc({ channel, kind: d.kind }));
    session.on('ended', ({ outcome }) => sessions.inc({ channel, outcome }));
  }

  return { track };
}

export type VoiceMetrics = ReturnType<typeof createVoiceMetrics>;
