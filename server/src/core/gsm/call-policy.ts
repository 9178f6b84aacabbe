/** Which incoming calls the secretary answers: block list, allow list, business hours. */
import { isOpenAt } from '../settings/business-hours.js';
import type { WeeklyHours } from '../settings/types.js';

export interface CallPolicyConfig {
  allowList: readonly string[];
  blockList: readonly string[];
  /** e.g. `mon-fri 09:00-18:00`; empty means always. */
  businessHours: string;
  timeZone: string;
}

export type CallDecision = 'answer' | 'reject' | 'ignore';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const normalize = (n: string) => n.replace(/[^0-9+]/g, '');

interface Hours {
  days: Set<number>;
  fromMin: number;
  toMin: number;
}

/** Parses `mon-fri 09:00-18:00` (days optional); throws RangeError on nonsense. */
export function parseBusinessHours(spec: string): Hours | null {
  const trimmed = spec.trim().toLowerCase();
  if (!trimmed) return null;
  const match = /^(?:([a-z]{3})(?:-([a-z]{3}))?\s+)?(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(trimmed);
  if (!match) throw new RangeError(`Bad business hours "${spec}" (expected e.g. "mon-fri 09:00-18:00")`);
  const from = DAYS.indexOf(match[1] ?? 'sun');
  const to = DAYS.indexOf(match[2] ?? match[1] ?? 'sat');
  if (from < 0 || to < 0) throw new RangeError(`Bad day in business hours "${spec}"`);
  const days = new Set<number>();
  for (let d = from; ; d = (d + 1) % 7) {
    days.add(d);
    if (d === to) break;
  }
  return { days, fromMin: Number(match[3]) * 60 + Number(match[4]), toMin: Number(match[5]) * 60 + Number(match[6]) };
}

function localDayMinute(atMs: number, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(new Date(atMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  return {
    day: DAYS.indexOf(get('weekday').toLowerCase().slice(0, 3)),
    minute: (Number(get('hour')) % 24) * 60 + Number(get('minute')),
  };
}

/** Business hours saved on the Settings page; null = use the environment's GSM_BUSINESS_HOURS. */
export type ScheduleSource = () => { hours: WeeklyHours | null; timeZone: string } | null;

export function createCallPolicy(config: CallPolicyConfig, schedule: ScheduleSource = () => null) {
  const hours = parseBusinessHours(config.businessHours);
  const allow = new Set(config.allowList.map(normalize));
  const block = new Set(config.blockList.map(normalize));
  return (number: string | null, atMs: number): CallDecision => {
    const n = number ? normalize(number) : '';
    if (n && block.has(n)) return 'reject';
    if (allow.size > 0 && !allow.has(n)) return 'ignore';
    const saved = schedule();
    if (saved) return openWeekly(saved.hours, saved.timeZone, atMs) ? 'answer' : 'ignore';
    if (!hours) return 'answer';
    const { day, minute } = localDayMinute(atMs, config.timeZone);
    return hours.days.has(day) && minute >= hours.fromMin && minute < hours.toMin ? 'answer' : 'ignore';
  };
}

function openWeekly(hours: WeeklyHours | null, timeZone: string, atMs: number): boolean {
  if (hours === null) return true;
  const { day, minute } = localDayMinute(atMs, timeZone);
  return isOpenAt(hours, day, minute);
}
