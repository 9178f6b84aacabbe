import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWav, type AudioChunk } from '@ai-secretary/protocol';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES_DIR = path.join(root, 'server/test/fixtures/speech/generated');

export interface FixtureItem {
  file: string;
  text: string;
  sampleRateHz: number;
}

/** Synthesizes the fixtures with festival + sox on first use (scripts/make-speech-fixtures.sh). */
export function speechFixtures(): FixtureItem[] {
  const index = path.join(FIXTURES_DIR, 'transcripts.json');
  if (!fs.existsSync(index)) execFileSync(path.join(root, 'scripts/make-speech-fixtures.sh'), { stdio: 'inherit' });
  return (JSON.parse(fs.readFileSync(index, 'utf8')) as { items: FixtureItem[] }).items;
}

export function fixturePath(file: string): string {
  speechFixtures();
  return path.join(FIXTURES_DIR, file);
}

/** Reads a 16-bit PCM WAV (the fixtures' format). */
export function readWav(file: string): AudioChunk {
  return decodeWav(fs.readFileSync(file));
}

/** Splits audio into ~100 ms chunks, as a live source would deliver it. */
export async function* chunked(audio: AudioChunk, ms = 100): AsyncIterable<AudioChunk> {
  const step = Math.round((audio.sampleRateHz * ms) / 1000) * audio.channels;
  for (let i = 0; i < audio.pcm.length; i += step) yield { ...audio, pcm: audio.pcm.slice(i, i + step) };
}

const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9' ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);

/** Word-level edit distance: [errors, reference words]. */
export function wordErrors(reference: string, hypothesis: string): [number, number] {
  const ref = words(reference);
  const hyp = words(hypothesis);
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return [prev[hyp.length]!, ref.length];
}
