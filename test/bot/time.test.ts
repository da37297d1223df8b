import { describe, expect, it } from 'vitest';
import {
  addDays, daysInMonth, formatDate, formatDateTime, formatMonth, formatYmd, instantFromWallClock, isoWeekday,
  isValidYmd, parseYmd, todayIn, tzOffsetMinutes, wallClock, weekdayZh,
} from '../../src/bot/time.ts';

const SH = 'Asia/Shanghai';

describe('zone helpers', () => {
  it.each([
    ['Asia/Shanghai', '2026-12-02T02:00:00Z', 480],
    ['Asia/Kolkata', '2026-12-02T02:00:00Z', 330],
    ['UTC', '2026-12-02T02:00:00Z', 0],
    ['America/New_York', '2026-12-02T02:00:00Z', -300],
    ['America/New_York', '2026-07-01T12:00:00Z', -240],
  ])('offset of %s at %s is %i minutes', (tz, at, minutes) => {
    expect(tzOffsetMinutes(new Date(at), tz)).toBe(minutes);
  });

  it('reads the wall clock in the zone', () => {
    expect(wallClock(new Date('2026-12-31T16:30:05Z'), SH)).toEqual({ y: 2027, m: 1, d: 1, hh: 0, mi: 30, ss: 5, weekday: 5 });
    expect(todayIn(new Date('2026-12-31T15:59:59Z'), SH)).toEqual({ y: 2026, m: 12, d: 31 });
  });

  it.each([
    [SH, { y: 2026, m: 12, d: 5, hh: 15 }, '2026-12-05T07:00:00.000Z'],
    [SH, { y: 2027, m: 1, d: 1 }, '2026-12-31T16:00:00.000Z'],
    ['Asia/Kolkata', { y: 2026, m: 12, d: 2 }, '2026-12-01T18:30:00.000Z'],
    // Spring-forward gap: 02:30 does not exist, so it moves on by the gap.
    ['America/New_York', { y: 2026, m: 3, d: 8, hh: 2, mi: 30 }, '2026-03-08T07:30:00.000Z'],
    // Fall-back overlap: the earlier of the two 01:30s.
    ['America/New_York', { y: 2026, m: 11, d: 1, hh: 1, mi: 30 }, '2026-11-01T05:30:00.000Z'],
    ['Europe/Berlin', { y: 2026, m: 10, d: 25, hh: 2, mi: 30 }, '2026-10-25T00:30:00.000Z'],
  ])('instantFromWallClock in %s', (tz, parts, iso) => {
    expect(instantFromWallClock(parts, tz).toISOString()).toBe(iso);
  });

  it('formats in the zone', () => {
    const at = new Date('2026-12-04T16:00:00Z');
    expect(formatDate(at, SH)).toBe('2026-12-05');
    expect(formatDate(at, 'UTC')).toBe('2026-12-04');
    expect(formatDateTime(new Date('2026-12-05T07:00:00Z'), SH)).toBe('2026-12-05 15:00');
    expect(weekdayZh(new Date('2026-12-02T02:00:00Z'), SH)).toBe('周三');
    expect(weekdayZh(new Date('2026-12-06T17:00:00Z'), SH)).toBe('周一');
    expect(formatMonth({ y: 2026, m: 3 })).toBe('2026-03');
    expect(formatYmd({ y: 2026, m: 3, d: 7 })).toBe('2026-03-07');
  });

  it('does calendar arithmetic', () => {
    expect(isValidYmd({ y: 2026, m: 2, d: 29 })).toBe(false);
    expect(isValidYmd({ y: 2028, m: 2, d: 29 })).toBe(true);
    expect(isValidYmd({ y: 2026, m: 13, d: 1 })).toBe(false);
    expect(isValidYmd({ y: 2026, m: 4, d: 31 })).toBe(false);
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(addDays({ y: 2026, m: 12, d: 30 }, 3)).toEqual({ y: 2027, m: 1, d: 2 });
    expect(addDays({ y: 2026, m: 3, d: 1 }, -1)).toEqual({ y: 2026, m: 2, d: 28 });
    expect(isoWeekday({ y: 2026, m: 12, d: 6 })).toBe(7);
    expect(parseYmd('2026-12-05')).toEqual({ y: 2026, m: 12, d: 5 });
    expect(parseYmd('2026-02-30')).toBeNull();
    expect(parseYmd('2026-2-3')).toBeNull();
  });
});
