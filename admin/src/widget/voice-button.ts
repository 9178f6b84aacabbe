import type { WidgetTexts } from './texts.js';
import type { MessageView, WidgetView } from './view.js';
import type { VoiceEvent, VoiceSession, startVoice } from './voice/voice-session.js';

/**
 * The voice button in the widget's header. Its code is a separate chunk (`/widget-voice.js`), fetched with
 * `import()` the first time the button is pressed, so text-only visitors never download it.
 */
interface VoiceModule {
  startVoice: typeof startVoice;
  VOICE_SAMPLE_RATE_HZ: number;
}

export interface VoiceButtonDeps {
  base: string;
  token: string;
  view: () => WidgetView;
  texts: () => WidgetTexts;
}

let chunk: Promise<VoiceModule> | null = null;

function loadChunk(base: string): Promise<VoiceModule> {
  chunk ??= import(/* @vite-ignore */ `${base}/widget-voice.js`) as Promise<VoiceModule>;
  chunk.catch(() => (chunk = null));
  return chunk;
}

export function createVoiceButton(deps: VoiceButtonDeps) {
  let session: VoiceSession | null = null;
  let starting = false;
  let heard = new Map<number, MessageView>();
  let replies = new Map<number, MessageView>();
  /** The engine speaks a reply clause by clause; the bubble shows them together. */
  let spoken = new Map<number, string>();
  let interruptions = 0;

  function status(text: string | null) {
    const line = deps.view().voiceStatus;
    line.hidden = text === null;
    line.textContent = text ?? '';
  }

  function pressed(on: boolean) {
    const button = deps.view().voice;
    button.setAttribute('aria-pressed', String(on));
    button.setAttribute('aria-label', on ? deps.texts().voiceStop : deps.texts().voice);
  }

  function bubble(map: Map<number, MessageView>, role: 'user' | 'assistant', turn: number, text: string) {
    const known = map.get(turn);
    if (known) return known.set(text);
    map.set(turn, deps.view().add(role, text, new Date()));
  }

  function stateText(state: string): string | null {
    const t = deps.texts();
    if (state === 'speaking') return t.voiceSpeaking;
    if (state === 'thinking') return t.voiceThinking;
    return t.voiceListening;
  }

  function onEvent(event: VoiceEvent) {
    const t = deps.texts();
    switch (event.type) {
      case 'live':
        return status(t.voiceListening);
      case 'state':
        return status(stateText(event.state));
      case 'heard':
        return event.text ? bubble(heard, 'user', event.turn, event.text) : undefined;
      case 'reply': {
        const text = [spoken.get(event.turn), event.text].filter(Boolean).join(' ');
        spoken.set(event.turn, text);
        return bubble(replies, 'assistant', event.turn, text);
      }
      case 'interrupted':
        // the visitor talked over the reply: the queued audio is already cut (voice-session.ts)
        interruptions += 1;
        return void deps.view().voiceStatus.setAttribute('data-interruptions', String(interruptions));
      case 'played':
        return void deps.view().voiceStatus.setAttribute('data-played-ms', String(Math.round(event.totalMs)));
      case 'error':
        return deps.view().say(event.code === 'VOICE_MICROPHONE' ? t.voiceNoMicrophone : t.voiceFailed, 'error');
      case 'ended':
        session = null;
        pressed(false);
        status(null);
        if (event.refused) deps.view().say(t.voiceFailed, 'error');
    }
  }

  async function start() {
    starting = true;
    pressed(true);
    status(deps.texts().voiceConnecting);
    deps.view().say(null);
    // Made inside the click (before any await), so the browser lets the reply play.
    const context = new AudioContext({ sampleRate: 16_000 });
    try {
      const voice = await loadChunk(deps.base);
      await context.resume();
      heard = new Map();
      replies = new Map();
      spoken = new Map();
      session = voice.startVoice({ base: deps.base, token: deps.token, context, onEvent });
    } catch {
      void context.close();
      onEvent({ type: 'ended', refused: true });
    } finally {
      starting = false;
    }
  }

  return {
    toggle(): void {
      if (session) return session.hangUp();
      if (!starting) void start();
    },
    stop(): void {
      session?.hangUp();
    },
  };
}
