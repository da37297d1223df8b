import { describe, expect, it } from 'vitest';
import {
  addDays, addMonths, addMonthsToDate, daysUntil, isLocalDate, localDate, localParts, monthKeysBetween,
  nextPeriod, periodFromKey, periodOf, previousPeriod, zonedInstant, type PeriodKind,
} from '../../src/domain/calendar.ts';

const SH = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);

describe('periodOf in Asia/Shanghai', () => {
  it.each<[string, PeriodKind, string]>([
    ['2026-03-31T23:30:00+08:00', 'quarter', '2026-Q1'],
    ['2026-04-01T00:00:00+08:00', 'quarter', '2026-Q2'],
    ['2026-03-31T23:30:00+08:00', 'month', '2026-03'],
    ['2026-04-01T00:00:00+08:00', 'month', '2026-04'],
    ['2026-12-31T23:59:00+08:00', 'year', '2026'],
    ['2026-12-31T23:59:00+08:00', 'quarter', '2026-Q4'],
    ['2027-01-01T00:00:00+08:00', 'year', '2027'],
    ['2026-11-30T23:30:00+08:00', 'month', '2026-11'],
    // UTC is still the previous day, local is already the next month / quarter / year
    ['2026-06-30T16:30:00Z', 'quarter', '2026-Q3'],
    ['2026-12-31T16:00:00Z', 'year', '2027'],
    ['2026-12-31T15:59:59Z', 'year', '2026'],
    // leap day
    ['2028-02-29T23:30:00+08:00', 'month', '2028-02'],
    ['2028-02-29T23:30:00+08:00', 'quarter', '2028-Q1'],
    ['2028-03-01T00:00:00+08:00', 'month', '2028-03'],
  ])('%s is in %s %s', (iso, kind, key) => {
    expect(periodOf(kind, at(iso), SH).key).toBe(key);
  });

  it('gives exact local-midnight bounds, end exclusive', () => {
    const q = periodOf('quarter', at('2026-11-15T12:00:00+08:00'), SH);
    expect(q.start.toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(q.end.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    const feb = periodOf('month', at('2028-02-10T00:00:00+08:00'), SH);
    expect(feb.end.getTime() - feb.start.getTime()).toBe(29 * 86_400_000);
  });

  it('uses the zone given, not a fixed +8', () => {
    expect(periodOf('month', at('2026-03-31T23:30:00Z'), 'UTC').key).toBe('2026-03');
    expect(periodOf('month', at('2026-03-31T23:30:00Z'), SH).key).toBe('2026-04');
    // New York in summer time: local midnight is 04:00Z
    expect(periodOf('month', at('2026-07-15T00:00:00Z'), 'America/New_York').start.toISOString())
      .toBe('2026-07-01T04:00:00.000Z');
    expect(periodOf('month', at('2026-01-15T00:00:00Z'), 'America/New_York').start.toISOString())
      .toBe('2026-01-01T05:00:00.000Z');
  });
});

describe('next / previous period and keys', () => {
  it.each<[PeriodKind, string, string, string]>([
    ['month', '2026-12', '2027-01', '2026-11'],
    ['month', '2026-01', '2026-02', '2025-12'],
    ['quarter', '2026-Q4', '2027-Q1', '2026-Q3'],
    ['quarter', '2026-Q1', '2026-Q2', '2025-Q4'],
    ['year', '2026', '2027', '2025'],
  ])('%s %s → next %s, previous %s', (kind, key, next, prev) => {
    const p = periodFromKey(key, SH);
    expect(p?.kind).toBe(kind);
    expect(nextPeriod(p!, SH).key).toBe(next);
    expect(previousPeriod(p!, SH).key).toBe(prev);
    expect(nextPeriod(p!, SH).start).toEqual(p!.end);
  });

  it('rejects malformed keys', () => {
    for (const k of ['2026-13', '2026-Q5', '26', '2026-1']) expect(periodFromKey(k)).toBeUndefined();
  });
});

describe('local dates and instants', () => {
  it('localParts answers repeated instants from its cache without sharing the object', () => {
    const a = localParts(at('2026-11-06T09:00:00Z'), SH);
    a.hour = 3;
    expect(localParts(at('2026-11-06T09:00:00Z'), SH).hour).toBe(17);
    expect(localParts(at('2026-11-06T09:00:00Z'), 'UTC').hour).toBe(9);
  });

  it('localDate and localParts follow the zone', () => {
    expect(localDate(at('2026-03-31T16:00:00Z'), SH)).toBe('2026-04-01');
    expect(localDate(at('2026-03-31T15:59:59Z'), SH)).toBe('2026-03-31');
    expect(localParts(at('2026-11-06T09:00:00Z'), SH)).toMatchObject({ hour: 17, minute: 0, weekday: 5 });
    expect(localParts(at('2026-11-08T16:00:00Z'), SH)).toMatchObject({ day: 9, hour: 0, weekday: 1 });
  });

  it('zonedInstant is the inverse and rolls over fields', () => {
    expect(zonedInstant(2026, 3, 31, 23, 30, SH).toISOString()).toBe('2026-03-31T15:30:00.000Z');
    expect(zonedInstant(2028, 2, 29, 8, 0, SH).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(zonedInstant(2026, 12, 32, 8, 0, SH).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(zonedInstant(2026, 7, 1, 0, 0, 'America/New_York').toISOString()).toBe('2026-07-01T04:00:00.000Z');
  });

  it.each<[string, number, string]>([
    ['2026-11', 1, '2026-12'], ['2026-12', 1, '2027-01'], ['2026-01', -1, '2025-12'], ['2026-11', -6, '2026-05'],
    ['2026-11', 14, '2028-01'],
  ])('addMonths(%s, %i) = %s', (key, n, out) => {
    expect(addMonths(key, n)).toBe(out);
  });

  it('monthKeysBetween is inclusive and ordered', () => {
    expect(monthKeysBetween('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthKeysBetween('2026-11', '2026-11')).toEqual(['2026-11']);
    expect(monthKeysBetween('2026-11', '2026-10')).toEqual([]);
  });

  it.each<[string, string, number]>([
    ['2026-03-25', '2026-04-01', 7], ['2026-04-01', '2026-03-25', -7], ['2028-02-28', '2028-03-01', 2],
    ['2026-12-31', '2027-01-01', 1], ['2026-01-01', '2026-01-01', 0],
  ])('daysUntil(%s, %s) = %i', (a, b, n) => {
    expect(daysUntil(a, b)).toBe(n);
  });

  it('date arithmetic and validation', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addMonthsToDate('2026-08-31', -6)).toBe('2026-02-28');
    expect(addMonthsToDate('2028-08-31', -6)).toBe('2028-02-29');
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(() => daysUntil('2026-2-1', '2026-02-01')).toThrow(RangeError);
  });
});
