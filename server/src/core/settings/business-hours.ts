import type { OpenRange, Weekday, WeeklyHours } from './types.js';
import { WEEKDAYS } from './types.js';

/** Minutes since midnight of `HH:MM`. */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** What is wrong with one day's ranges (reversed, empty or overlapping), or null. */
export function rangesProblem(ranges: readonly OpenRange[]): string | null {
  const sorted = [...ranges].sort((a, b) => minutesOf(a.open) - minutesOf(b.open));
  for (const [index, range] of sorted.entries()) {
    if (minutesOf(range.open) >= minutesOf(range.close)) return `${range.open}-${range.close} closes before it opens`;
    const previous = sorted[index - 1];
    if (previous && minutesOf(previous.close) > minutesOf(range.open)) {
      return `${previous.open}-${previous.close} overlaps ${range.open}-${range.close}`;
    }
  }
  return null;
}

/** Whether the week's hours include this local weekday (0 = Sunday, as Date#getDay) and minute. */
export function isOpenAt(hours: WeeklyHours, day: number, minute: number): boolean {
  const weekday: Weekday = WEEKDAYS[(day + 6) % 7]!;
  return hours[weekday].some((r) => minute >= minutesOf(r.open) && minute < minutesOf(r.close));
}

const pad = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The week described by the `GSM_BUSINESS_HOURS` form (days 0 = Sunday). */
export function weekFromDays(days: ReadonlySet<number>, fromMin: number, toMin: number): WeeklyHours {
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, [] as OpenRange[]])) as unknown as WeeklyHours;
  for (const day of days) week[WEEKDAYS[(day + 6) % 7]!].push({ open: pad(fromMin), close: pad(toMin) });
  return week;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * The environment's short form, `mon-fri 09:00-18:00` (days optional, `09:00-18:00` = every day), as the one
 * weekly model; null for an empty spec (always open). Throws RangeError on nonsense.
 */
export function parseBusinessHours(spec: string): WeeklyHours | null {
  const trimmed = spec.trim().toLowerCase();
  if (!trimmed) return null;
  const match = /^(?:([a-z]{3})(?:-([a-z]{3}))?\s+)?(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(trimmed);
  if (!match) throw new RangeError(`Bad business hours "${spec}" (expected e.g. "mon-fri 09:00-18:00")`);
  const from = DAY_NAMES.indexOf(match[1] ?? 'sun');
  const to = DAY_NAMES.indexOf(match[2] ?? match[1] ?? 'sat');
  if (from < 0 || to < 0) throw new RangeError(`Bad day in business hours "${spec}"`);
  const days = new Set<number>();
  for (let d = from; ; d = (d + 1) % 7) {
    days.add(d);
    if (d === to) break;
  }
  const fromMin = Number(match[3]) * 60 + Number(match[4]);
  return weekFromDays(days, fromMin, Number(match[5]) * 60 + Number(match[6]));
}

/** The local weekday (0 = Sunday) and minute of the day of an instant in a time zone. */
export function localDayMinute(atMs: number, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(new Date(atMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  return {
    day: DAY_NAMES.indexOf(get('weekday').toLowerCase().slice(0, 3)),
    minute: (Number(get('hour')) % 24) * 60 + Number(get('minute')),
  };
}

/** The business's opening hours in its zone: the Settings page's once saved, the environment's until then. */
export interface BusinessSchedule {
  hours: WeeklyHours | null;
  timeZone: string;
}

/** Whether the business is open at an instant (null hours: always open). Every channel asks this. */
export function isOpenAtInstant(schedule: BusinessSchedule, atMs: number): boolean {
  if (schedule.hours === null) return true;
  const { day, minute } = localDayMinute(atMs, schedule.timeZone);
  return isOpenAt(schedule.hours, day, minute);
}

/** The schedule the environment describes (`GSM_BUSINESS_HOURS` in `GSM_TIMEZONE`). */
export function scheduleFromSpec(spec: string, timeZone: string): BusinessSchedule {
  return { hours: parseBusinessHours(spec), timeZone };
}
