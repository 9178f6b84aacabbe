/** One audio chunk type across the product: mono or interleaved 16-bit PCM with its rate. */
export interface AudioChunk {
  pcm: Int16Array;
  sampleRateHz: number;
  channels: number;
}

/**
 * The modem's AT command line, as a port: write one line, read lines. Implemented by the serialport
 * adapter (a real tty) and by the in-process simulated modem.
 */
export interface AtTransport {
  /** Writes text as is (the driver adds `\r` or Ctrl-Z itself). */
  write(text: string): Promise<void>;
  /** Every line the modem sends, without line endings; the SMS prompt arrives as the line `> `. Ends on close. */
  lines(): AsyncIterable<string>;
  close(): Promise<void>;
}

/** The modem's raw PCM audio endpoint: little-endian 16-bit mono at the modem's PCM rate. */
export interface PcmAudioPort {
  readonly sampleRateHz: number;
  /** Caller audio as it arrives (any chunk size). Ends on close. */
  frames(): AsyncIterable<Int16Array>;
  write(pcm: Int16Array): Promise<void>;
  close(): Promise<void>;
}

export type CallDirection = 'incoming' | 'outgoing';

/** What the call bridge hands to whoever talks on a call (the voice engine, or the built-in handler). */
export interface CallSession {
  callId: string;
  direction: CallDirection;
  remoteNumber: string | null;
  /** Task prompt for outgoing calls placed from the API. */
  task: string | null;
  /** Caller audio at `sampleRateHz` (the handler's preferred rate). */
  input: AsyncIterable<AudioChunk>;
  /** DTMF digits pressed by the caller. */
  dtmf: AsyncIterable<string>;
  signal: AbortSignal;
}

export type CallHandlerOutput =
  | { type: 'audio'; chunk: AudioChunk }
  | { type: 'transcript'; role: 'caller' | 'secretary'; text: string; atMs: number }
  | { type: 'metric'; name: string; valueMs: number }
  | { type: 'end'; reason: string };

/**
 * Talks on a call. The voice engine implements this later; a built-in handler ships now.
 * Output ends (or yields `end`) when the handler wants to hang up; the signal aborts when the caller did.
 */
export interface CallAudioHandler {
  /** Rate at which the handler wants caller audio and produces its own (8000 or 16000). */
  readonly sampleRateHz: number;
  handle(session: CallSession): AsyncIterable<CallHandlerOutput>;
}
