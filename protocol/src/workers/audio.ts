/** The one audio chunk type of the product: signed 16-bit PCM, interleaved when `channels > 1`. */
export interface AudioChunk {
  pcm: Int16Array;
  sampleRateHz: number;
  channels: number;
}

/** Duration of a chunk in milliseconds. */
export function chunkDurationMs(chunk: AudioChunk): number {
  return (chunk.pcm.length / chunk.channels / chunk.sampleRateHz) * 1000;
}

/** Joins chunks of one format into one (the format of the first chunk wins). */
export function concatChunks(chunks: AudioChunk[]): AudioChunk {
  const total = chunks.reduce((n, c) => n + c.pcm.length, 0);
  const pcm = new Int16Array(total);
  let offset = 0;
  for (const c of chunks) {
    pcm.set(c.pcm, offset);
    offset += c.pcm.length;
  }
  return { pcm, sampleRateHz: chunks[0]?.sampleRateHz ?? 16_000, channels: chunks[0]?.channels ?? 1 };
}
