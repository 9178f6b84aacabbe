/** A local copy of the protocol's VOICE_WS_SUBPROTOCOL (a value import would bundle TypeBox). */
export const VOICE_WS_SUBPROTOCOL = 'secretary.voice.v1';

/** `wss://host/ws/voice` for a panel served from `origin` (the orchestrator serves both). */
export function voiceUrl(origin: string): string {
  const url = new URL('/ws/voice', origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * What a website puts in its page to open a voice session with a widget token (docs/voice.md): the token as a
 * `bearer.<token>` subprotocol entry, 16-bit mono PCM both ways, JSON events as text frames.
 */
export function embedSnippet(origin: string, token: string): string {
  return [
    `const token = '${token}';`,
    `const ws = new WebSocket('${voiceUrl(origin)}?sampleRate=16000', ['${VOICE_WS_SUBPROTOCOL}', 'bearer.' + token]);`,
    `ws.binaryType = 'arraybuffer';`,
    `ws.onmessage = (event) => {`,
    `  if (typeof event.data === 'string') console.log(JSON.parse(event.data)); // ready, transcript, reply, ended…`,
    `  else playPcm(new Int16Array(event.data)); // the secretary's voice: 16 kHz mono 16-bit PCM`,
    `};`,
    `// Send the microphone as 16 kHz mono 16-bit PCM frames: ws.send(int16Samples.buffer)`,
    `// Hang up: ws.send(JSON.stringify({ type: 'hangup' }))`,
  ].join('\n');
}
