// The latency table both voice benchmarks print (voice.ts on fakes, voice-real.ts on the real worker).
import type { TurnMetrics } from '../../server/src/core/voice/ports.js';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** p50/p95 of each stage, of voice-to-voice and of the engine overhead (total minus the stages), and the targets. */
export function reportTurns(turns: TurnMetrics[], heading: string): void {
  const rows: Record<string, number[]> = {
    'end-of-speech delay': [],
    'STT final': [],
    'LLM first token': [],
    'TTS first audio': [],
    'voice-to-voice (total)': [],
    'engine overhead': [],
  };
  for (const m of turns) {
    const parts = [m.endOfSpeechDelayMs, m.sttFinalMs, m.llmTtftMs, m.ttsFirstAudioMs].map((v) => v ?? 0);
    rows['end-of-speech delay']!.push(parts[0]!);
    rows['STT final']!.push(parts[1]!);
    rows['LLM first token']!.push(parts[2]!);
    rows['TTS first audio']!.push(parts[3]!);
    rows['voice-to-voice (total)']!.push(m.voiceToVoiceMs ?? NaN);
    rows['engine overhead']!.push((m.voiceToVoiceMs ?? NaN) - parts.reduce((a, b) => a + b, 0));
  }
  console.log(heading);
  console.log('metric                      p50 ms    p95 ms');
  for (const [name, list] of Object.entries(rows)) {
    console.log(
      `${name.padEnd(26)} ${percentile(list, 50).toFixed(1).padStart(7)}   ${percentile(list, 95).toFixed(1).padStart(7)}`,
    );
  }
  const total = percentile(rows['voice-to-voice (total)']!, 50);
  const overhead = percentile(rows['engine overhead']!, 50);
  console.log(
    `targets: total p50 <= 500 ms (${total <= 500 ? 'met' : 'MISSED'}), overhead <= 20 ms (${overhead <= 20 ? 'met' : 'MISSED'})`,
  );
}
