import { describe, expect, it } from 'vitest';
import { inQuietHours, releaseAt } from '../../src/core/notifications/quiet-hours.js';

const night = { start: '21:00', end: '09:00' };

describe('quiet hours', () => {
  it('a window may wrap midnight; its end is outside it; equal ends mean none', () => {
    expect(inQuietHours(22 * 60, night)).toBe(true);
    expect(inQuietHours(3 * 60, night)).toBe(true);
    expect(inQuietHours(9 * 60, night)).toBe(false);
    expect(inQuietHours(12 * 60, night)).toBe(false);
    expect(inQuietHours(13 * 60, { start: '12:00', end: '14:00' })).toBe(true);
    expect(inQuietHours(13 * 60, { start: '12:00', end: '12:00' })).toBe(false);
  });

  it('a delivery due in the quiet hours waits until they end, in the business time zone', () => {
    const at = Date.UTC(2026, 0, 10, 20, 30, 15); // 23:30:15 in Moscow (UTC+3)
    expect(new Date(releaseAt(at, night, 'Europe/Moscow')).toISOString()).toBe('2026-01-11T06:00:00.000Z');
    expect(releaseAt(at, night, 'UTC')).toBe(at); // 20:30 UTC: not quiet yet
    expect(releaseAt(at, null, 'Europe/Moscow')).toBe(at);
  });
});
