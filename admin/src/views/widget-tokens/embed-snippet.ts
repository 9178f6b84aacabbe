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

/** The one line a site owner pastes (docs/widget.md): the chat widget, loaded from this server. */
export function scriptSnippet(origin: string, token: string): string {
  return `<script src="${new URL('/widget.js', origin).toString()}" data-token="${token}" async></script>`;
}

const attr = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface PreviewLook {
  title: string | null;
  greeting: string | null;
  color: string | null;
  position: 'right' | 'left' | null;
  language: 'ru' | 'en' | null;
}

/** An iframe document with the real widget script in its preview mode (the look from data-*, no API calls). */
export function previewDocument(origin: string, look: PreviewLook): string {
  const data: Record<string, string | null> = {
    'data-preview': '',
    'data-title': look.title,
    'data-greeting': look.greeting,
    'data-color': look.color,
    'data-position': look.position,
    'data-lang': look.language,
  };
  const attrs = Object.entries(data)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, value]) => `${name}="${attr(value)}"`)
    .join(' ');
  const src = attr(new URL('/widget.js', origin).toString());
  return `<!doctype html><html><body style="margin:0;font:14px system-ui;background:#f3f4f6">
<p style="padding:1rem;color:#6b7280">Preview</p><script src="${src}" ${attrs}></script></body></html>`;
}
