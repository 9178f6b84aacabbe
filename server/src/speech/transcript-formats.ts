import type { TranscriptSegment } from '../core/speech/speech-service.js';

export type TranscriptFormat = 'json' | 'text' | 'verbose_json' | 'srt' | 'vtt';
export const TRANSCRIPT_FORMATS: readonly TranscriptFormat[] = ['json', 'text', 'verbose_json', 'srt', 'vtt'];

export const joinText = (segments: TranscriptSegment[]) => segments.map((s) => s.text).join(' ');

function timestamp(ms: number, separator: ',' | '.'): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(total % 1000, 3)}`;
}

export function toSrt(segments: TranscriptSegment[]): string {
  return segments
    .map((s, i) => `${i + 1}\n${timestamp(s.startMs, ',')} --> ${timestamp(s.endMs, ',')}\n${s.text}\n`)
    .join('\n');
}

export function toVtt(segments: TranscriptSegment[]): string {
  const cues = segments.map((s) => `${timestamp(s.startMs, '.')} --> ${timestamp(s.endMs, '.')}\n${s.text}\n`);
  return ['WEBVTT\n', ...cues].join('\n');
}

export function toVerboseJson(segments: TranscriptSegment[], language: string, durationMs: number) {
  return {
    task: 'transcribe',
    language,
    duration: durationMs / 1000,
    text: joinText(segments),
    segments: segments.map((s, id) => ({
      id,
      seek: 0,
      start: s.startMs / 1000,
      end: s.endMs / 1000,
      text: s.text,
      tokens: [] as number[],
      temperature: 0,
      avg_logprob: 0,
      compression_ratio: 0,
      no_speech_prob: 0,
    })),
  };
}
