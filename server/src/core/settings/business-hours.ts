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
