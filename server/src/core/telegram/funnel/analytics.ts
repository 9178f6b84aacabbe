import type { FunnelAnalytics } from '@ai-secretary/protocol';
import { toIso } from '../../clock.js';
import type { TelegramEventRecord } from '../types.js';

/** What one subscriber reached in the window. */
interface ChatPath {
  segment: string | null;
  source: string | null;
  day: string | null;
  started: boolean;
  segmented: boolean;
  offered: boolean;
  managers: boolean;
  paid: boolean;
}

type Row = FunnelAnalytics['totals'];

const NONE = '(none)';
/** Events of payments that count as a sale (recorded by the payments module). */
const PAID = new Set(['paid', 'payment.succeeded']);

const share = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000);

function pathsOf(events: TelegramEventRecord[]): Map<number, ChatPath> {
  const paths = new Map<number, ChatPath>();
  for (const event of events) {
    let path = paths.get(event.chatId);
    if (!path) {
      path = {
        segment: null,
        source: null,
        day: null,
        started: false,
        segmented: false,
        offered: false,
        managers: false,
        paid: false,
      };
      paths.set(event.chatId, path);
    }
    if (event.segment) path.segment = event.segment;
    if (event.source && !path.source) path.source = event.source;
    if (event.type === 'step.shown' && !path.started) {
      path.started = true;
      path.day = new Date(event.at).toISOString().slice(0, 10);
    }
    if (event.type === 'segment.assigned') path.segmented = true;
    if (event.type === 'offer.shown') path.offered = true;
    if (event.type === 'manager.requested') path.managers = true;
    if (PAID.has(event.type)) path.paid = true;
  }
  return paths;
}

/** Subscribers at each stage; `conversion`: the share of those who started who paid or asked for a manager. */
function rowOf(paths: ChatPath[]): Row {
  const count = (key: keyof ChatPath) => paths.filter((p) => p[key] === true).length;
  const started = count('started');
  const converted = paths.filter((p) => p.started && (p.paid || p.managers)).length;
  return {
    started,
    segmented: count('segmented'),
    offered: count('offered'),
    managers: count('managers'),
    paid: count('paid'),
    conversion: share(converted, started),
  };
}

function groupBy<K extends string>(paths: ChatPath[], key: (p: ChatPath) => string, name: K) {
  const groups = new Map<string, ChatPath[]>();
  for (const path of paths) groups.set(key(path), [...(groups.get(key(path)) ?? []), path]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([value, group]) => ({ [name]: value, ...rowOf(group) }) as { [P in K]: string } & Row);
}

/** Unique subscribers shown and answering each step, in the order steps were first shown. */
function stepsOf(events: TelegramEventRecord[]): FunnelAnalytics['steps'] {
  const shown = new Map<string, Set<number>>();
  const answered = new Map<string, Set<number>>();
  const add = (map: Map<string, Set<number>>, step: string, chatId: number) =>
    map.set(step, (map.get(step) ?? new Set()).add(chatId));
  for (const e of events) {
    if (!e.step) continue;
    if (e.type === 'step.shown') add(shown, e.step, e.chatId);
    if (e.type === 'step.answered' || e.type === 'manager.requested') add(answered, e.step, e.chatId);
  }
  return [...shown.entries()].map(([step, chats]) => {
    const done = answered.get(step)?.size ?? 0;
    return { step, shown: chats.size, answered: done, conversion: share(done, chats.size) };
  });
}

/** Per A/B variant: shown, answered (on an offer: paid or asked for a manager), conversion. */
function variantsOf(events: TelegramEventRecord[]): FunnelAnalytics['variants'] {
  const paidChats = new Set(events.filter((e) => PAID.has(e.type)).map((e) => e.chatId));
  const offers = new Set(events.filter((e) => e.type === 'offer.shown' && e.step).map((e) => e.step!));
  const groups = new Map<string, { step: string; variant: string; shown: Set<number>; answered: Set<number> }>();
  const group = (step: string, variant: string) => {
    const key = `${step}\n${variant}`;
    const found = groups.get(key) ?? { step, variant, shown: new Set<number>(), answered: new Set<number>() };
    groups.set(key, found);
    return found;
  };
  for (const e of events) {
    if (!e.step || !e.variant) continue;
    if (e.type === 'step.shown') {
      group(e.step, e.variant).shown.add(e.chatId);
      if (offers.has(e.step) && paidChats.has(e.chatId)) group(e.step, e.variant).answered.add(e.chatId);
    }
    if (e.type === 'step.answered' || e.type === 'manager.requested') group(e.step, e.variant).answered.add(e.chatId);
  }
  return [...groups.values()]
    .sort((a, b) => a.step.localeCompare(b.step) || a.variant.localeCompare(b.variant))
    .map((g) => ({
      step: g.step,
      variant: g.variant,
      shown: g.shown.size,
      answered: g.answered.size,
      conversion: share(g.answered.size, g.shown.size),
    }));
}

/**
 * The funnel's numbers from its events in a window: unique subscribers per stage in total, per segment, per
 * source (deep link), per day they started (UTC), per step and per A/B variant.
 */
export function funnelAnalytics(
  botId: string,
  events: TelegramEventRecord[],
  window: { sinceMs: number; untilMs: number },
): FunnelAnalytics {
  const paths = [...pathsOf(events).values()];
  return {
    botId,
    since: toIso(window.sinceMs),
    until: toIso(window.untilMs),
    totals: rowOf(paths),
    steps: stepsOf(events),
    segments: groupBy(paths, (p) => p.segment ?? NONE, 'segment'),
    sources: groupBy(paths, (p) => p.source ?? NONE, 'source'),
    days: groupBy(
      paths.filter((p) => p.day),
      (p) => p.day!,
      'day',
    ),
    variants: variantsOf(events),
  };
}
