import { describe, expect, it } from 'vitest';
import { createTask } from 'node-cron';
import { CronExprError, matches, nextSlot, parseCron, previousSlot, toUtcCron } from '../../cron/cron-expr.ts';
import { localParts } from '../../src/domain/calendar.ts';
import { jobsForUtcCron } from '../../cron/index.ts';
import type { Job } from '../../cron/job.ts';

const TZ = 'Asia/Shanghai';
const at = (local: string) => new Date(`${local}+08:00`);
const sorted = (s: ReadonlySet<number>) => [...s].sort((a, b) => a - b);

describe('cron expressions', () => {
  it('reads lists, ranges, steps and names', () => {
    expect(sorted(parseCron('*/15 * * * *').minute.values)).toEqual([0, 15, 30, 45]);
    expect(sorted(parseCron('5/20 8-18/4 * * *').minute.values)).toEqual([5, 25, 45]);
    expect(sorted(parseCron('0 8-18/4 * * *').hour.values)).toEqual([8, 12, 16]);
    expect(sorted(parseCron('0 9 1,15 JAN,mar-May *').month.values)).toEqual([1, 3, 4, 5]);
    expect(sorted(parseCron('0 9 * * MON-FRI').dow.values)).toEqual([1, 2, 3, 4, 5]);
    expect(sorted(parseCron('0 9 * * fri-mon').dow.values)).toEqual([0, 1, 5, 6]);
    expect(sorted(parseCron('0 9 * * Sunday,7').dow.values)).toEqual([0]);
    expect(sorted(parseCron('0 9 * * 0-7').dow.values)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sorted(parseCron('0 9 * NOV-FEB *').month.values)).toEqual([1, 2, 11, 12]);
  });

  it('rejects what it cannot read, with a clear message', () => {
    expect(() => parseCron('0 9 * *')).toThrow(/5 fields/);
    expect(() => parseCron('0 0 9 * * *')).toThrow(CronExprError);
    expect(() => parseCron('60 * * * *')).toThrow(/outside 0-59/);
    expect(() => parseCron('0 9 L * *')).toThrow(/not supported/);
    expect(() => parseCron('0 9 * * 5#2')).toThrow(/not supported/);
    expect(() => parseCron('0 9 * * FOO')).toThrow(/not a number or a name/);
    expect(() => parseCron('*/0 * * * *')).toThrow(/at least 1/);
  });

  it('matches local parts; weekday 7 (ISO Sunday) is cron 0', () => {
    expect(matches('0 17 * * FRI', { minute: 0, hour: 17, day: 4, month: 12, weekday: 5 })).toBe(true);
    expect(matches('0 17 * * FRI', { minute: 1, hour: 17, day: 4, month: 12, weekday: 5 })).toBe(false);
    expect(matches('0 9 * * SUN', { minute: 0, hour: 9, day: 6, month: 12, weekday: 7 })).toBe(true);
    // Both day fields restricted: both must match, as in node-cron.
    expect(matches('0 9 1 * MON', { minute: 0, hour: 9, day: 1, month: 12, weekday: 2 })).toBe(false);
  });

  it('agrees with node-cron on random instants', () => {
    const exprs = ['*/7 * * * *', '30 9 * * MON-FRI', '0 17 * * FRI', '0 9 1 * *', '15 8-18/2 * JAN,JUL *', '0 0 * * SAT-MON', '0 12 1-7 * MON'];
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const expr of exprs) {
      const task = createTask(expr, () => {}, { timezone: TZ });
      try {
        for (let i = 0; i < 1000; i++) {
          const d = new Date(Math.floor((Date.UTC(2026, 0, 1) + rand() * 2 * 365 * 86_400_000) / 60_000) * 60_000);
          expect(matches(expr, localParts(d, TZ)), `${expr} at ${d.toISOString()}`).toBe(task.match(d));
        }
        // Random instants rarely hit a slot; walk the slots themselves and the minutes around them.
        let t = at('2026-12-01T09:00');
        for (let i = 0; i < 20; i++) {
          const slot = nextSlot(expr, t, TZ)!;
          expect(task.match(slot), `${expr} slot ${slot.toISOString()}`).toBe(true);
          expect(task.match(new Date(slot.getTime() - 60_000))).toBe(matches(expr, localParts(new Date(slot.getTime() - 60_000), TZ)));
          expect(previousSlot(expr, slot, TZ)).toEqual(slot);
          t = slot;
        }
      } finally {
        task.destroy();
      }
    }
  });

  it('finds previous and next slots in the zone, across month and year ends', () => {
    const monthly = '0 9 1 * *';
    expect(nextSlot(monthly, at('2026-11-30T23:59'), TZ)).toEqual(at('2026-12-01T09:00'));
    expect(previousSlot(monthly, at('2026-12-01T09:00:30'), TZ)).toEqual(at('2026-12-01T09:00')); // its own minute counts
    expect(nextSlot(monthly, at('2026-12-01T09:00:30'), TZ)).toEqual(at('2027-01-01T09:00'));
    expect(previousSlot(monthly, at('2026-12-01T08:59'), TZ)).toEqual(at('2026-11-01T09:00'));
    expect(nextSlot('0 9 31 * *', at('2026-11-01T00:00'), TZ)).toEqual(at('2026-12-31T09:00'));
    expect(previousSlot('0 9 31 * *', at('2026-12-01T00:00'), TZ)).toEqual(at('2026-10-31T09:00'));
    expect(nextSlot('0 0 29 2 *', at('2026-03-01T00:00'), TZ)).toEqual(at('2028-02-29T00:00'));
    expect(nextSlot('0 0 30 2 *', at('2026-03-01T00:00'), TZ)).toBeUndefined();
    // 01:00 Shanghai on the 1st is still the previous month in UTC; the zone decides.
    expect(nextSlot('0 1 1 * *', new Date('2026-11-30T16:30:00Z'), TZ)).toEqual(new Date('2026-11-30T17:00:00Z'));
    expect(nextSlot('0 17 * * FRI', at('2026-12-04T17:00'), TZ)).toEqual(at('2026-12-11T17:00'));
    expect(previousSlot('*/15 * * * *', at('2026-12-31T23:59'), TZ)).toEqual(at('2026-12-31T23:45'));
    expect(nextSlot('*/15 * * * *', at('2026-12-31T23:59'), TZ)).toEqual(at('2027-01-01T00:00'));
  });

  it('handles a zone with daylight saving: a skipped local time does not exist', () => {
    // New York springs forward on 2026-03-08 at 02:00 → 03:00.
    const ny = 'America/New_York';
    expect(nextSlot('30 2 * * *', new Date('2026-03-08T05:00:00Z'), ny)).toEqual(new Date('2026-03-09T06:30:00Z'));
    expect(nextSlot('0 9 * * *', new Date('2026-03-08T05:00:00Z'), ny)).toEqual(new Date('2026-03-08T13:00:00Z'));
  });

  describe('toUtcCron', () => {
    it('shifts hours by the whole-hour offset and keeps weekday names', () => {
      expect(toUtcCron('0 17 * * FRI', TZ)).toBe('0 9 * * FRI');
      expect(toUtcCron('0 9 * * 1-5', TZ)).toBe('0 1 * * MON-FRI');
      expect(toUtcCron('30 3 * * *', TZ)).toBe('30 19 * * *');
      expect(toUtcCron('0 9 1 * *', TZ)).toBe('0 1 1 * *');
      expect(toUtcCron('*/5 * * * *', TZ)).toBe('*/5 * * * *');
      expect(toUtcCron('0 9 * * 1-5', 'UTC')).toBe('0 9 * * MON-FRI');
    });

    it('moves the weekday back when the local time is the previous day in UTC', () => {
      // 08:00 Shanghai is 00:00 UTC the same day; one minute earlier is the day before.
      expect(toUtcCron('0 8 * * MON', TZ)).toBe('0 0 * * MON');
      expect(toUtcCron('59 7 * * MON', TZ)).toBe('59 23 * * SUN');
      expect(toUtcCron('30 7 * * MON-FRI', TZ)).toBe('30 23 * * SUN-THU');
      expect(toUtcCron('0 1 * * SUN', TZ)).toBe('0 17 * * SAT');
      expect(toUtcCron('0 6 * * *', TZ)).toBe('0 22 * * *');
      expect(toUtcCron('0 6,7 * * SAT,SUN', TZ)).toBe('0 22,23 * * FRI-SAT');
    });

    it('refuses what has no single UTC equivalent', () => {
      expect(() => toUtcCron('0 7 1 * *', TZ)).toThrow(/day-of-month or month cannot be shifted/);
      expect(() => toUtcCron('0 7,9 * * *', TZ)).toThrow(/both sides of midnight/);
      expect(() => toUtcCron('0 * * * MON', TZ)).toThrow(/every hour on some days/);
      expect(() => toUtcCron('0 9 1 * MON', TZ)).toThrow(/both day of month and weekday/);
      expect(() => toUtcCron('0 9 * * *', 'America/New_York')).toThrow(/changes its UTC offset/);
      expect(() => toUtcCron('0 9 * * *', 'Asia/Kolkata')).toThrow(/whole number of hours/);
    });
  });

  it('maps a UTC Cron Trigger back to its jobs; a job with no UTC form matches none', () => {
    const job = (name: string, cron: string): Job => ({ name, cron, description: '测试', run: async () => ({}) });
    const jobs = [job('a', '0 17 * * FRI'), job('b', '0 7 1 * *'), job('c', '0 17 * * 5')];
    expect(jobsForUtcCron('0 9 * * FRI', TZ, jobs).map((j) => j.name)).toEqual(['a', 'c']);
    expect(jobsForUtcCron('0 23 * * *', TZ, jobs)).toEqual([]);
    expect(jobsForUtcCron('30 19 * * *', TZ).map((j) => j.name)).toContain('inbox-cleanup');
  });
});
