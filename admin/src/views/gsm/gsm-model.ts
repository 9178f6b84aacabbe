import type { GsmCallView, GsmSmsView } from '@ai-secretary/protocol';

/** A call the operator can still act on (hang up, send tones). */
export const isLive = (call: Pick<GsmCallView, 'status'>): boolean =>
  call.status === 'ringing' || call.status === 'dialing' || call.status === 'active';

export interface TurnMetrics {
  turn: number;
  values: Record<string, number>;
}

/** Splits `turn<N>.<name>` metrics into per-turn rows; the rest are whole-call metrics. */
export function groupMetrics(metrics: Record<string, number>): { call: Record<string, number>; turns: TurnMetrics[] } {
  const call: Record<string, number> = {};
  const turns = new Map<number, Record<string, number>>();
  for (const [key, value] of Object.entries(metrics)) {
    const match = /^turn(\d+)\.(.+)$/.exec(key);
    if (!match) {
      call[key] = value;
      continue;
    }
    const turn = Number(match[1]);
    turns.set(turn, { ...turns.get(turn), [match[2]!]: value });
  }
  const rows = [...turns.entries()].sort(([a], [b]) => a - b).map(([turn, values]) => ({ turn, values }));
  return { call, turns: rows };
}

/** Metric names across all turns, in first-seen order (the per-turn table's columns). */
export const metricColumns = (turns: TurnMetrics[]): string[] => [
  ...new Set(turns.flatMap((row) => Object.keys(row.values))),
];

export interface SmsThread {
  number: string;
  messages: GsmSmsView[];
  lastAt: string;
}

/** SMS grouped by the other party's number: threads newest first, messages oldest first. */
export function groupThreads(messages: readonly GsmSmsView[]): SmsThread[] {
  const byNumber = new Map<string, GsmSmsView[]>();
  for (const message of messages) byNumber.set(message.number, [...(byNumber.get(message.number) ?? []), message]);
  return [...byNumber.entries()]
    .map(([number, list]) => {
      const sorted = [...list].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return { number, messages: sorted, lastAt: sorted.at(-1)!.createdAt };
    })
    .sort((a, b) => b.lastAt.localeCompare(a.lastAt));
}
