/**
 * Binary WebSocket frames between the orchestrator and a worker carry the audio of one job:
 * byte 0 = length N of the job id (1..255), bytes 1..N = job id (ASCII), then 16-bit little-endian PCM.
 * The format of the audio (sample rate, channels) travels in the job's control messages.
 */
export interface AudioFrame {
  jobId: string;
  pcm: Int16Array;
}

export function encodeAudioFrame(jobId: string, pcm: Int16Array): Uint8Array {
  if (!/^[\x21-\x7e]{1,255}$/.test(jobId)) throw new RangeError('job id must be 1..255 printable ASCII characters');
  const out = new Uint8Array(1 + jobId.length + pcm.byteLength);
  out[0] = jobId.length;
  for (let i = 0; i < jobId.length; i++) out[1 + i] = jobId.charCodeAt(i);
  out.set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength), 1 + jobId.length);
  return out;
}

/** Returns null for a frame that is not a well-formed audio frame. */
export function decodeAudioFrame(data: Uint8Array): AudioFrame | null {
  if (data.length < 1) return null;
  const idLength = data[0]!;
  const pcmBytes = data.length - 1 - idLength;
  if (idLength === 0 || pcmBytes < 0 || pcmBytes % 2 !== 0) return null;
  const jobId = String.fromCharCode(...data.subarray(1, 1 + idLength));
  const pcm = new Int16Array(pcmBytes / 2);
  new Uint8Array(pcm.buffer).set(data.subarray(1 + idLength));
  return { jobId, pcm };
}
