import { createHash } from 'node:crypto';
import type {
  FunnelCapture,
  FunnelCondition,
  FunnelDefinition,
  FunnelInput,
  FunnelOutButton,
  FunnelOutMessage,
  FunnelStep,
  FunnelText,
} from '@ai-secretary/protocol';
import { FUNNEL_TEXTS, type FunnelLanguage } from './texts.js';

/** Callback data of the funnel's buttons (Telegram allows 64 bytes; step ids are at most 32 characters). */
export const FUNNEL_RESUME = 'funnel:resume';
const GO = /^funnel:go:([a-z0-9_-]{1,32}):(\d{1,2})$/;
const MANAGER = /^funnel:manager:([a-z0-9_-]{1,32})$/;
/** The payments engineer's contract: `pay:<productId>` is theirs to handle. */
export const payData = (productId: string) => `pay:${productId}`;

/** Where a subscriber stands: the step waiting for them (null: none), their answers and segment. */
export interface FunnelState {
  step: string | null;
  answers: Record<string, string>;
  segment: string | null;
}

export type FunnelEvent =
  | { type: 'step.shown'; step: string; variant: string | null }
  | { type: 'step.answered'; step: string; variant: string | null; field: string | null; value: string | null }
  | { type: 'segment.assigned'; step: string; segment: string }
  | { type: 'offer.shown'; step: string; variant: string | null; productId: string | null }
  | { type: 'manager.requested'; step: string; variant: string | null; productId: string | null };

export interface FunnelOutcome {
  state: FunnelState;
  /** False: not the funnel's to answer (the bot answers it as a conversation turn). */
  handled: boolean;
  messages: FunnelOutMessage[];
  events: FunnelEvent[];
  /** The text belongs to the model, with this step's prompt. */
  llmPrompt: string | null;
  /** The subscriber pressed "talk to a manager" (a taken message to the owner). */
  manager: { step: string; productId: string | null } | null;
  /** A button marked as consent was pressed. */
  consent: boolean;
}

export interface FunnelContext {
  language: FunnelLanguage;
  /** Stable per user: A/B variants are picked by its hash. */
  userKey: string;
}

/** At most this many steps are passed in one go (validation refuses loops; this only bounds a bad stored one). */
const MAX_HOPS = 50;

const textIn = (text: FunnelText, language: FunnelLanguage) =>
  (language === 'ru' ? text.ru || text.en : text.en || text.ru).trim();

/** The variant a user sees of a step: the same one every time (hash of user and step). */
export function variantIndex(userKey: string, stepId: string, count: number): number {
  return createHash('sha256').update(`${userKey}\n${stepId}`).digest().readUInt32BE(0) % count;
}

function shownText(step: Exclude<FunnelStep, { type: 'branch' }>, ctx: FunnelContext) {
  const variants = step.variants ?? [];
  if (variants.length === 0) return { text: textIn(step.text, ctx.language), variant: null };
  const chosen = variants[variantIndex(ctx.userKey, step.id, variants.length)]!;
  return { text: textIn(chosen.text, ctx.language), variant: chosen.id };
}

const holds = (conditions: FunnelCondition[], state: FunnelState) =>
  conditions.every((c) => {
    const value = c.field === 'segment' ? state.segment : state.answers[c.field];
    return value !== undefined && value !== null && c.in.includes(value);
  });

/** The segment the answers give: the first rule that holds; `otherwise` once every field the rules name is answered. */
export function segmentOf(definition: FunnelDefinition, answers: Record<string, string>): string | null {
  const segments = definition.segments;
  if (!segments) return null;
  const state = { step: null, answers, segment: null };
  for (const rule of segments.rules) if (holds(rule.when, state)) return rule.segment;
  const named = segments.rules.flatMap((r) => r.when.map((c) => c.field));
  return segments.otherwise && named.every((f) => answers[f] !== undefined) ? segments.otherwise : null;
}

type Capture = { ok: true; value: string } | { ok: false };

/** Checks and normalizes a free-text answer. */
export function capture(kind: FunnelCapture, raw: string): Capture {
  const text = raw.trim();
  switch (kind) {
    case 'name':
      return text.length >= 1 && text.length <= 100 && /\p{L}/u.test(text) ? { ok: true, value: text } : { ok: false };
    case 'phone': {
      if (!/^\+?[0-9][0-9 ()-]{5,22}$/.test(text)) return { ok: false };
      const digits = text.replace(/\D/g, '');
      if (digits.length < 10 || digits.length > 15) return { ok: false };
      return { ok: true, value: text.startsWith('+') ? `+${digits}` : digits };
    }
    case 'email':
      return text.length <= 254 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(text)
        ? { ok: true, value: text.toLowerCase() }
        : { ok: false };
    case 'text':
      return text.length >= 1 ? { ok: true, value: text.slice(0, 4000) } : { ok: false };
  }
}

/** One walk from an input to where the subscriber waits next. */
class Walk {
  readonly messages: FunnelOutMessage[] = [];
  readonly events: FunnelEvent[] = [];
  manager: FunnelOutcome['manager'] = null;
  consent = false;
  private readonly byId: Map<string, FunnelStep>;

  constructor(
    private readonly definition: FunnelDefinition,
    readonly state: FunnelState,
    private readonly ctx: FunnelContext,
  ) {
    this.byId = new Map(definition.steps.map((s) => [s.id, s]));
  }

  step(id: string | null): FunnelStep | undefined {
    return id === null ? undefined : this.byId.get(id);
  }

  variantOf(step: FunnelStep): string | null {
    return step.type === 'branch' ? null : shownText(step, this.ctx).variant;
  }

  /** Shows steps from `id` until one waits for the user (or the funnel ends). */
  enter(id: string): void {
    let next: string | undefined = id;
    for (let hops = 0; next !== undefined && hops < MAX_HOPS; hops++) next = this.show(this.step(next));
    if (next !== undefined) this.state.step = null;
  }

  /** Shows one step; returns the one to pass on to, if it does not wait. */
  private show(step: FunnelStep | undefined): string | undefined {
    if (!step) {
      this.state.step = null;
      return undefined;
    }
    if (step.type === 'branch') return step.rules.find((r) => holds(r.when, this.state))?.next ?? step.otherwise;
    const { text, variant } = shownText(step, this.ctx);
    this.state.step = step.id;
    this.events.push({ type: 'step.shown', step: step.id, variant });
    const send = (buttons: FunnelOutButton[], body = text) => {
      if (body || buttons.length > 0) this.messages.push({ text: body || '…', buttons });
    };
    switch (step.type) {
      case 'message': {
        const label = (i: number) => textIn(step.buttons[i]!.label, this.ctx.language);
        send(step.buttons.map((_, i) => ({ label: label(i), data: `funnel:go:${step.id}:${i}` })));
        if (step.buttons.length > 0) return undefined;
        if (!step.next) this.state.step = null; // the end of the funnel
        return step.next;
      }
      case 'question':
        send([]);
        return undefined;
      case 'llm':
        send(step.next ? [{ label: textIn(step.next.label, this.ctx.language), data: `funnel:go:${step.id}:0` }] : []);
        return undefined;
      case 'offer':
        this.offer(step, text, variant);
        return undefined;
    }
  }

  private offer(step: Extract<FunnelStep, { type: 'offer' }>, text: string, variant: string | null): void {
    const texts = FUNNEL_TEXTS[this.ctx.language];
    const buttons: FunnelOutButton[] = [];
    if (step.productId)
      buttons.push({
        label: step.payLabel ? textIn(step.payLabel, this.ctx.language) : texts.pay,
        data: payData(step.productId),
      });
    const manager = step.managerLabel ? textIn(step.managerLabel, this.ctx.language) : texts.manager;
    buttons.push({ label: manager, data: `funnel:manager:${step.id}` });
    const body = step.price ? `${text}\n\n${texts.price(step.price)}` : text;
    this.messages.push({ text: body, buttons });
    this.events.push({ type: 'offer.shown', step: step.id, variant, productId: step.productId ?? null });
  }

  /** The subscriber answered the step they are on: stores it, re-segments, moves on. */
  answer(step: FunnelStep, field: string | null, value: string | null, next: string): void {
    if (field !== null && value !== null) this.state.answers[field] = value;
    const variant = this.variantOf(step);
    // A button's value is safe to keep in the event; free text (a name, a phone) stays in the progress row only.
    const kept = step.type === 'message' ? value : null;
    this.events.push({ type: 'step.answered', step: step.id, variant, field, value: kept });
    const segment = segmentOf(this.definition, this.state.answers);
    if (segment !== null && segment !== this.state.segment) {
      this.state.segment = segment;
      this.events.push({ type: 'segment.assigned', step: step.id, segment });
    }
    this.enter(next);
  }

  outcome(handled: boolean, llmPrompt: string | null = null): FunnelOutcome {
    const { messages, events, manager, consent, state } = this;
    return { state, handled, messages, events, llmPrompt, manager, consent };
  }
}

function press(walk: Walk, data: string, language: FunnelLanguage): FunnelOutcome {
  if (data === FUNNEL_RESUME) {
    const current = walk.state.step;
    if (current !== null) walk.enter(current);
    return walk.outcome(true);
  }
  const manager = MANAGER.exec(data);
  const current = walk.step(walk.state.step);
  if (manager && current?.type === 'offer' && current.id === manager[1]) {
    walk.manager = { step: current.id, productId: current.productId ?? null };
    walk.events.push({
      type: 'manager.requested',
      step: current.id,
      variant: walk.variantOf(current),
      productId: walk.manager.productId,
    });
    walk.messages.push({ text: FUNNEL_TEXTS[language].managerTaken, buttons: [] });
    return walk.outcome(true);
  }
  const go = GO.exec(data);
  if (!go || !current || current.id !== go[1]) return walk.outcome(true); // a button of a step already left
  const index = Number(go[2]);
  if (current.type === 'message' && current.buttons[index]) {
    const button = current.buttons[index];
    walk.consent = button.consent === true;
    walk.answer(current, current.field ?? null, button.value ?? null, button.next);
  } else if (current.type === 'llm' && current.next && index === 0) walk.answer(current, null, null, current.next.step);
  return walk.outcome(true);
}

function text(walk: Walk, raw: string, language: FunnelLanguage): FunnelOutcome {
  const current = walk.step(walk.state.step);
  if (current?.type === 'llm') return walk.outcome(false, current.prompt);
  if (current?.type !== 'question') return walk.outcome(false);
  const result = capture(current.capture, raw);
  if (!result.ok) {
    const invalid = current.invalid ? textIn(current.invalid, language) : '';
    walk.messages.push({ text: invalid || FUNNEL_TEXTS[language].invalid[current.capture], buttons: [] });
    return walk.outcome(true);
  }
  walk.answer(current, current.field, result.value, current.next);
  return walk.outcome(true);
}

/**
 * The funnel's answer to one input: pure (no clock, no store), so the bot, the admin preview and the tests walk
 * the same code. `start` begins at the start step with no answers; a press acts only on the step the subscriber
 * is on (an old message's buttons do nothing); free text answers a question, goes to the model on an LLM step,
 * and is not the funnel's anywhere else.
 */
export function runFunnel(
  definition: FunnelDefinition,
  state: FunnelState,
  input: FunnelInput,
  ctx: FunnelContext,
): FunnelOutcome {
  const fresh: FunnelState =
    input.kind === 'start' ? { step: null, answers: {}, segment: null } : structuredClone(state);
  const walk = new Walk(definition, fresh, ctx);
  switch (input.kind) {
    case 'start':
      walk.enter(definition.start);
      return walk.outcome(true);
    case 'press':
      return press(walk, input.data, ctx.language);
    case 'text':
      return text(walk, input.text, ctx.language);
  }
}
