import { createWidgetApi, WidgetApiError, type WidgetApi, type WidgetConfig } from './api.js';
import { TEXTS, type WidgetTexts } from './texts.js';
import { createView, type WidgetView } from './view.js';
import { createVoiceButton } from './voice-button.js';

/**
 * The website widget (`<script src="https://HOST/widget.js" data-token="wt-…" async>`, docs/widget.md): plain
 * DOM in an open shadow root on its own host element, talking to `/api/widget/*` of the server it came from.
 */
const VISITOR = /^v-[A-Za-z0-9_-]{22,64}$/;
const FOCUSABLE = 'button:not([hidden]),textarea,input,a[href]';

interface Options {
  base: string;
  token: string;
  lang: 'ru' | 'en' | null;
  position: 'right' | 'left' | null;
  color: string | null;
  /** `data-preview` (the admin page's live preview): the look from data-* attributes, no token, no API calls. */
  preview: { title: string | null; greeting: string | null } | null;
}

function randomVisitor(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `v-${btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')}`;
}

/** The visitor id kept in localStorage (a fresh one when missing, malformed, or storage is blocked). */
function visitorId(token: string): string {
  const key = `ai-secretary-visitor:${token.slice(0, 11)}`;
  try {
    const kept = localStorage.getItem(key);
    if (kept !== null && VISITOR.test(kept)) return kept;
    const fresh = randomVisitor();
    localStorage.setItem(key, fresh);
    return fresh;
  } catch {
    return randomVisitor();
  }
}

function readOptions(script: HTMLScriptElement | null): Options | null {
  const preview = script?.dataset.preview !== undefined;
  const token = script?.dataset.token ?? (preview ? 'preview' : undefined);
  if (!script || !token) return null;
  const lang = script.dataset.lang === 'ru' || script.dataset.lang === 'en' ? script.dataset.lang : null;
  const pos =
    script.dataset.position === 'left' || script.dataset.position === 'right' ? script.dataset.position : null;
  const color = /^#[0-9a-f]{6}$/i.test(script.dataset.color ?? '') ? script.dataset.color! : null;
  const base = new URL(script.src, location.href).origin;
  const look = preview ? { title: script.dataset.title ?? null, greeting: script.dataset.greeting ?? null } : null;
  return { base, token, lang, position: pos, color, preview: look };
}

/** The host element: fixed in a corner, reset inline so the page's own CSS cannot move or restyle it. */
function hostElement(position: 'right' | 'left'): HTMLElement {
  const host = document.createElement('div');
  host.setAttribute('data-ai-secretary-widget', '');
  host.style.cssText =
    `all:initial!important;position:fixed!important;bottom:20px!important;${position}:20px!important;` +
    'z-index:2147483000!important;display:block!important;';
  document.body.append(host);
  return host;
}

function trapFocus(view: WidgetView, event: KeyboardEvent, shadow: ShadowRoot) {
  const items = [...view.panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((e) => e.offsetParent !== null);
  if (items.length === 0) return;
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const active = shadow.activeElement;
  if (event.shiftKey && active === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}

function explain(t: WidgetTexts, error: unknown, config: WidgetConfig | null): string {
  if (!(error instanceof WidgetApiError)) return t.failed;
  if (error.code === 'WIDGET_RATE_LIMITED' || error.status === 429) return t.slowDown(error.retryAfterS ?? 60);
  if (error.code === 'WIDGET_MESSAGE_TOO_LONG') return t.tooLong(config?.maxMessageChars ?? 0);
  if (error.code === 'STREAM_CUT') return t.connectionLost;
  if (error.code === 'NETWORK' || error.status === 401 || error.status === 403) return t.unavailableHere;
  return t.failed;
}

function start(options: Options) {
  const host = hostElement(options.position ?? 'right');
  const shadow = host.attachShadow({ mode: 'open' });
  let t = TEXTS[options.lang ?? (document.documentElement.lang.startsWith('ru') ? 'ru' : 'en')];
  let view = createView(shadow, t, options.position ?? 'right');
  const api = createWidgetApi(options.base, options.token, visitorId(options.token));
  let config: WidgetConfig | null = null;
  let busy = false;
  let loaded: Promise<void> | null = null;
  const voice = createVoiceButton({ base: options.base, token: options.token, view: () => view, texts: () => t });

  function apply(c: WidgetConfig) {
    config = c;
    const lang = options.lang ?? c.language;
    if (TEXTS[lang] !== t) {
      t = TEXTS[lang];
      shadow.replaceChildren();
      view = createView(shadow, t, options.position ?? c.position);
      wire();
    }
    host.style.setProperty(options.position ?? c.position, '20px', 'important');
    view.root.style.setProperty('--accent', options.color ?? c.color ?? '#1d4ed8');
    view.title.textContent = c.title ?? (c.businessName || t.title);
  }

  async function load(): Promise<void> {
    if (options.preview) return void loadPreview(options.preview);
    try {
      apply(await api.config());
      view.add('assistant', config!.greeting ?? t.greeting, null);
      for (const item of await api.history()) view.add(item.role, item.text, item.at ? new Date(item.at) : null);
      view.voice.hidden = !config!.voice || !navigator.mediaDevices || typeof AudioContext === 'undefined';
      if (!config!.open) showForm(t.closed);
    } catch (error) {
      view.say(explain(t, error, config), 'error');
      view.input.disabled = true;
      view.send.disabled = true;
    }
  }

  function loadPreview(look: NonNullable<Options['preview']>) {
    const lang = options.lang ?? 'en';
    apply({
      ...look,
      color: null,
      position: 'right',
      language: lang,
      businessName: '',
      open: true,
      maxMessageChars: 2000,
      voice: false,
    });
    view.add('assistant', look.greeting ?? t.greeting, null);
  }

  function showForm(reason: string | null) {
    view.say(reason);
    view.offer.hidden = true;
    view.composer.hidden = true;
    view.form.element.hidden = false;
    view.form.name.focus();
  }

  function showChat() {
    view.form.element.hidden = true;
    view.composer.hidden = false;
    view.offer.hidden = false;
    view.say(null);
    view.input.focus();
  }

  function setOpen(open: boolean) {
    view.panel.hidden = !open;
    view.launcher.setAttribute('aria-expanded', String(open));
    view.launcher.setAttribute('aria-label', open ? t.close : t.open);
    if (!open) {
      voice.stop();
      return view.launcher.focus();
    }
    void (loaded ?? Promise.resolve()).then(() => (view.form.element.hidden ? view.input : view.form.name).focus());
  }

  async function send() {
    const text = view.input.value.trim();
    if (!text || busy || config === null) return;
    if ([...text].length > config.maxMessageChars) return view.say(t.tooLong(config.maxMessageChars), 'error');
    busy = true;
    view.say(null);
    view.input.value = '';
    view.add('user', text, new Date());
    view.typing.hidden = false;
    if (options.preview) view.add('assistant', '…', new Date());
    else await reply(text, api);
    view.typing.hidden = true;
    busy = false;
  }

  async function reply(text: string, client: WidgetApi) {
    let shown = '';
    let bubble: ReturnType<WidgetView['add']> | null = null;
    view.retry.hidden = true;
    try {
      await client.chat(text, (delta) => {
        shown += delta;
        view.typing.hidden = true;
        bubble ??= view.add('assistant', '', new Date());
        bubble.set(shown);
      });
    } catch (error) {
      if (error instanceof WidgetApiError && error.code === 'LLM_UNAVAILABLE') return showForm(t.llmDown);
      // NETWORK at load is most often a page off the allow-list (no CORS answer); here the chat had worked
      const cut = error instanceof WidgetApiError && (error.code === 'STREAM_CUT' || error.code === 'NETWORK');
      view.say(cut ? t.connectionLost : explain(t, error, config), 'error');
      if (cut) offerRetry(text, bubble);
    }
  }

  /** The cut reply is dropped (the server did not remember it either) and the same question can be asked again. */
  function offerRetry(text: string, partial: ReturnType<WidgetView['add']> | null) {
    view.retry.hidden = false;
    view.retry.onclick = () => {
      if (busy) return;
      partial?.remove();
      busy = true;
      view.say(null);
      view.typing.hidden = false;
      void reply(text, api).finally(() => {
        view.typing.hidden = true;
        busy = false;
        if (view.retry.hidden) view.input.focus();
      });
    };
    view.retry.focus();
  }

  async function submitForm() {
    const values = view.form.values();
    if (!values.name || values.contact.length < 3 || !values.text) return view.say(t.formIncomplete, 'error');
    try {
      await api.leaveMessage(values);
      view.form.reset();
      showChat();
      view.add('assistant', t.sent, new Date());
    } catch (error) {
      view.say(explain(t, error, config), 'error');
    }
  }

  function wire() {
    view.launcher.addEventListener('click', () => setOpen(view.panel.hidden));
    view.close.addEventListener('click', () => setOpen(false));
    view.voice.addEventListener('click', () => voice.toggle());
    view.offer.addEventListener('click', () => showForm(null));
    view.form.back.addEventListener('click', showChat);
    view.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') setOpen(false);
      if (event.key === 'Tab') trapFocus(view, event, shadow);
    });
    view.input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      void send();
    });
    view.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      void send();
    });
    view.form.element.addEventListener('submit', (event) => {
      event.preventDefault();
      void submitForm();
    });
  }

  wire();
  loaded = load();
}

const options = readOptions(document.currentScript as HTMLScriptElement | null);
if (options) {
  if (document.body) start(options);
  else document.addEventListener('DOMContentLoaded', () => start(options));
}
