/**
 * Browser audio for the voice test: the microphone as 16-bit PCM frames (an AudioWorklet loaded from
 * a Blob, so no extra build step) and a gapless player for the secretary's PCM reply.
 */

/** Frame size sent to the server: 100 ms of audio. */
const FRAME_MS = 100;

const WORKLET = `
class PcmCapture extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) this.port.postMessage(channel.slice(0));
    return true;
  }
}
registerProcessor('pcm-capture', PcmCapture);
`;

export function floatToPcm16(samples: Float32Array): Int16Array {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    pcm[i] = s < 0 ? s * 0x8000 : s * 0x7fff;
  }
  return pcm;
}

export function pcm16ToFloat(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] ?? 0) / 0x8000;
  return out;
}

export interface MicCapture {
  stop(): void;
}

/** Streams the microphone as PCM frames at the context's rate until stopped. */
export async function captureMicrophone(context: AudioContext, onFrame: (pcm: Int16Array) => void) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
  });
  const url = URL.createObjectURL(new Blob([WORKLET], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, 'pcm-capture');
  const frameSamples = Math.round((context.sampleRate * FRAME_MS) / 1000);
  let pending: Float32Array[] = [];
  let count = 0;
  node.port.onmessage = (event: MessageEvent<Float32Array>) => {
    pending.push(event.data);
    count += event.data.length;
    if (count < frameSamples) return;
    const joined = new Float32Array(count);
    let offset = 0;
    for (const part of pending) joined.set(part, (offset += part.length) - part.length);
    pending = [];
    count = 0;
    onFrame(floatToPcm16(joined));
  };
  source.connect(node);
  return {
    stop() {
      node.port.onmessage = null;
      source.disconnect();
      node.disconnect();
      for (const track of stream.getTracks()) track.stop();
    },
  } satisfies MicCapture;
}

/** Plays PCM chunks back to back; `flush()` cuts what is queued (barge-in). */
export function createPcmPlayer(context: AudioContext, sampleRateHz: number, onPlayed: (ms: number) => void) {
  let nextAt = 0;
  const playing = new Set<AudioBufferSourceNode>();
  return {
    play(pcm: Int16Array) {
      if (pcm.length === 0) return;
      const buffer = context.createBuffer(1, pcm.length, sampleRateHz);
      buffer.getChannelData(0).set(pcm16ToFloat(pcm));
      const node = context.createBufferSource();
      node.buffer = buffer;
      node.connect(context.destination);
      nextAt = Math.max(nextAt, context.currentTime + 0.02);
      node.start(nextAt);
      nextAt += buffer.duration;
      playing.add(node);
      node.onended = () => {
        playing.delete(node);
        onPlayed(buffer.duration * 1000);
      };
    },
    flush() {
      // what is cut was not played: no onPlayed for it
      for (const node of playing) {
        node.onended = null;
        node.stop();
      }
      playing.clear();
      nextAt = 0;
    },
  };
}
