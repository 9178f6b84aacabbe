import { localDayMinute } from '../settings/business-hours.js';
import type { QuietHours } from './types.js';

const minuteOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Whether a local minute of the day falls in `[start, end)`; a window may wrap midnight (21:00–09:00). */
export function inQuietHours(minute: number, quiet: QuietHours): boolean {
  const start = minuteOf(quiet.start);
  const end = minuteOf(quiet.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** When a delivery due at `atMs` may go: `atMs` itself, or the end of the quiet hours it falls in. */
export function releaseAt(atMs: number, quiet: QuietHours | null, timeZone: string): number {
  if (quiet === null) return atMs;
  const { minute } = localDayMinute(atMs, timeZone);
  if (!inQuietHours(minute, quiet)) return atMs;
  const waitMinutes = (minuteOf(quiet.end) - minute + 1440) % 1440;
  const startOfMinute = atMs - (atMs % 60_000);
  return startOfMinute + waitMinutes * 60_000;
}
