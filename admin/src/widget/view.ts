import { STYLES } from './styles.js';
import { el, textNodes } from './text-dom.js';
import type { WidgetTexts } from './texts.js';

const CHAT_ICON =
  'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2zm3 6v2h2v-2H7zm4 0v2h2v-2h-2zm4 0v2h2v-2h-2z';

const MIC_ICON =
  'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z';

function icon(path: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('d', path);
  svg.append(p);
  return svg;
}

const clock = (at: Date) => at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** One message in the log; `set()` re-renders its text (streaming) as text nodes and safe links. */
export interface MessageView {
  set(text: string): void;
  remove(): void;
}

function field(label: string, input: HTMLInputElement | HTMLTextAreaElement): HTMLLabelElement {
  const wrap = el('label', '', {}, label);
  wrap.append(input);
  return wrap;
}

/** The widget's DOM in its shadow root: launcher, dialog panel, log, composer and the leave-a-message form. */
export function createView(shadow: ShadowRoot, t: WidgetTexts, position: 'right' | 'left') {
  const style = el('style', '', {}, STYLES);
  const root = el('div', `root ${position}`);
  const launcher = el('button', 'launcher', { type: 'button', 'aria-label': t.open, 'aria-expanded': 'false' });
  launcher.append(icon(CHAT_ICON));
  const panel = el('div', 'panel', {
    role: 'dialog',
    'aria-modal': 'true',
    'aria-labelledby': 'w-title',
    id: 'w-panel',
  });
  panel.hidden = true;
  launcher.setAttribute('aria-controls', 'w-panel');
  const title = el('h2', '', { id: 'w-title' }, t.title);
  const voice = el('button', 'icon', { type: 'button', 'aria-label': t.voice, 'aria-pressed': 'false', hidden: '' });
  voice.append(icon(MIC_ICON));
  const close = el('button', 'icon', { type: 'button', 'aria-label': t.close }, '×');
  const head = el('div', 'head');
  head.append(title, voice, close);
  const log = el('div', 'log', { role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions text' });
  const typing = el('div', 'typing', { role: 'status' });
  const dots = el('span', 'dots', { 'aria-hidden': 'true' });
  dots.append(el('span'), el('span'), el('span'));
  typing.append(dots, el('span', 'sr', {}, t.typing));
  typing.hidden = true;
  const notice = el('p', 'notice', { role: 'alert' });
  notice.hidden = true;
  const retry = el('button', 'link retry', { type: 'button' }, t.retry);
  retry.hidden = true;
  const voiceStatus = el('p', 'voice-status', { role: 'status', 'data-played-ms': '0' });
  voiceStatus.hidden = true;
  const input = el('textarea', '', { 'aria-label': t.placeholder, placeholder: t.placeholder, rows: '1' });
  const send = el('button', 'send', { type: 'submit' }, t.send);
  const composer = el('form', 'composer');
  composer.append(input, send);
  const form = messageForm(t);
  const offer = el('button', 'link', { type: 'button' }, t.leaveMessage);
  offer.hidden = true;
  panel.append(head, log, typing, voiceStatus, notice, retry, offer, composer, form.element);
  root.append(panel, launcher);
  shadow.append(style, root);

  function add(role: 'user' | 'assistant', text: string, at: Date | null): MessageView {
    const item = el('div', `msg ${role}`);
    const bubble = el('div', 'bubble');
    const who = el('span', 'sr', {}, `${role === 'user' ? t.you : t.assistant}: `);
    const body = el('span');
    bubble.append(who, body);
    item.append(bubble);
    if (at) item.append(el('time', '', { datetime: at.toISOString() }, clock(at)));
    log.append(item);
    const set = (value: string) => {
      body.replaceChildren(...textNodes(value));
      log.scrollTop = log.scrollHeight;
    };
    set(text);
    return { set, remove: () => item.remove() };
  }

  function say(text: string | null, kind: 'info' | 'error' = 'info') {
    notice.hidden = text === null;
    retry.hidden = true;
    notice.className = `notice${kind === 'error' ? ' error' : ''}`;
    notice.textContent = text ?? '';
  }

  return {
    ...{ root, launcher, panel, title, voice, voiceStatus, close, input, send, composer, typing, offer, retry, form },
    add,
    say,
  };
}

function messageForm(t: WidgetTexts) {
  const element = el('form', 'form', { 'aria-label': t.leaveMessage });
  element.hidden = true;
  const name = el('input', '', { name: 'name', autocomplete: 'name', maxlength: '100' });
  const contact = el('input', '', { name: 'contact', autocomplete: 'tel', maxlength: '200' });
  const text = el('textarea', '', { name: 'text', rows: '3', maxlength: '2000' });
  const submit = el('button', 'primary', { type: 'submit' }, t.submit);
  const back = el('button', 'link', { type: 'button' }, t.backToChat);
  element.append(
    el('strong', '', {}, t.leaveMessage),
    field(t.name, name),
    field(t.contact, contact),
    field(t.messageText, text),
    submit,
    back,
  );
  const values = () => ({ name: name.value.trim(), contact: contact.value.trim(), text: text.value.trim() });
  const reset = () => element.reset();
  return { element, name, submit, back, values, reset };
}

export type WidgetView = ReturnType<typeof createView>;
