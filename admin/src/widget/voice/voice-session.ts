import type { VoiceServerMessage } from '@ai-secretary/protocol';
import { captureMicrophone, createPcmPlayer, type MicCapture } from '../../views/talk/voice-audio.js';

/**
 * The widget's voice button, built as its own chunk (`/widget-voice.js`, an ES module fetched with `import()` only
 * when the visitor presses the button): the microphone as 16 kHz PCM over `GET /ws/voice` with the widget token,
 * the same engine as calls, and the spoken reply played in the page. Barge-in is decided by the server; the page
 * only cuts what it still has queued when told (`barge_in`).
 */

/** Copied from protocol/src/voice/ws.ts (a value import would bundle TypeBox). */
const VOICE_WS_SUBPROTOCOL = 'secretary.voice.v1';
export const VOICE_SAMPLE_RATE_HZ = 16_000;

export type VoiceEvent =
  | { type: 'live' }
  | { type: 'state'; state: string }
  | { type: 'heard'; turn: number; text: string; final: boolean }
  | { type: 'reply'; turn: number; text: string }
  | { type: 'played'; totalMs: number }
  | { type: 'interrupted'; turn: number }
  | { type: 'error'; code: string; message: string }
  | { type: 'ended'; refused: boolean };

export interface VoiceOptions {
  /** The origin widget.js came from. */
  base: string;
  token: string;
  /** Made by the caller inside the click, so the browser lets it play. */
  context: AudioContext;
  onEvent: (event: VoiceEvent) => void;
}

export interface VoiceSession {
  /** Asks the server to end the session (it answers `ended`, then closes). */
  hangUp(): void;
}

function voiceUrl(base: string): string {
  return `${base.replace(/^http/, 'ws')}/ws/voice?sampleRate=${VOICE_SAMPLE_RATE_HZ}`;
}

/** Maps one server message to the widget's events; the caller acts on `barge_in` and `ready` itself. */
function translate(message: VoiceServerMessage): VoiceEvent | null {
  switch (message.type) {
    case 'state':
      return { type: 'state', state: message.to };
    case 'transcript':
      return { type: 'heard', turn: message.turn, text: message.text, final: message.kind === 'final' };
    case 'reply':
      return { type: 'reply', turn: message.turn, text: message.text };
    case 'error':
      return { type: 'error', code: message.code, message: message.message };
    case 'barge_in':
      return { type: 'interrupted', turn: message.turn };
    case 'ready':
    case 'metrics':
    case 'degraded':
    case 'ended':
      return null;
  }
}

export function startVoice(options: VoiceOptions): VoiceSession {
  const { context, onEvent } = options;
  const socket = new WebSocket(voiceUrl(options.base), [VOICE_WS_SUBPROTOCOL, `bearer.${options.token}`]);
  socket.binaryType = 'arraybuffer';
  let playedMs = 0;
  let opened = false;
  let mic: MicCapture | null = null;
  const player = createPcmPlayer(context, VOICE_SAMPLE_RATE_HZ, (ms) => {
    playedMs += ms;
    onEvent({ type: 'played', totalMs: playedMs });
  });

  async function onReady(): Promise<void> {
    onEvent({ type: 'live' });
    mic = await captureMicrophone(context, (pcm) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(pcm.buffer);
    });
  }

  function onMessage(message: VoiceServerMessage): void {
    if (message.type === 'ready') return void onReady().catch(() => fail('VOICE_MICROPHONE', 'microphone'));
    if (message.type === 'barge_in') player.flush();
    const event = translate(message);
    if (event) onEvent(event);
  }

  function fail(code: string, message: string): void {
    onEvent({ type: 'error', code, message });
    if (socket.readyState <= WebSocket.OPEN) socket.close(1000);
  }

  socket.onopen = () => (opened = true);
  socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
    if (typeof event.data === 'string') onMessage(JSON.parse(event.data) as VoiceServerMessage);
    else player.play(new Int16Array(event.data));
  };
  socket.onclose = () => {
    mic?.stop();
    mic = null;
    void context.close();
    onEvent({ type: 'ended', refused: !opened });
  };

  return {
    hangUp() {
      mic?.stop();
      mic = null;
      player.flush();
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'hangup' }));
      else if (socket.readyState === WebSocket.CONNECTING) socket.close();
    },
  };
}
