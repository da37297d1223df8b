import { describe, expect, it } from 'vitest';
import {
  addWorkingDays, addWorkingDaysToDate, addWorkingHours, coversYear, elapsedWithPauses, isWorkingDay, workingDeadline,
  type DayOverrides,
} from '../../src/domain/workdays.ts';

const at = (iso: string) => new Date(iso);
const H = 3_600_000;

describe('isWorkingDay (chinese-days + overrides)', () => {
  it.each<[string, boolean, string]>([
    ['2026-03-13', true, 'Friday'],
    ['2026-03-14', false, 'Saturday'],
    ['2026-03-15', false, 'Sunday'],
    ['2026-09-30', true, 'day before 十一'],
    ['2026-10-01', false, '国庆节'],
    ['2026-10-05', false, '国庆节 (Monday)'],
    ['2026-10-07', false, '国庆节, last day'],
    ['2026-10-08', true, 'back to work'],
    ['2026-09-20', true, '调休: make-up Sunday before 十一'],
    ['2026-10-10', true, '调休: make-up Saturday after 十一'],
    ['2026-10-11', false, 'ordinary Sunday after the make-up Saturday'],
    ['2026-02-14', true, '调休: make-up Saturday before 春节'],
    ['2026-02-16', false, '春节 (Monday)'],
    ['2026-02-23', false, '春节, last day (Monday)'],
    ['2026-02-28', true, '调休: make-up Saturday after 春节'],
  ])('%s is a working day: %s (%s)', (date, expected) => {
    expect(isWorkingDay(date)).toBe(expected);
  });

  it('rejects a malformed or impossible date', () => {
    expect(() => isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => isWorkingDay('2026/10/01')).toThrow(RangeError);
  });

  it('does not depend on the process time zone (chinese-days\' own functions shift a day west of UTC)', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = tz;
        expect([isWorkingDay('2026-01-05'), isWorkingDay('2026-10-10'), isWorkingDay('2026-10-01'), isWorkingDay('2026-10-11')])
          .toEqual([true, true, false, false]);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('an override wins over the package, in a covered year too', () => {
    expect(isWorkingDay('2026-10-10', { '2026-10-10': 'off' })).toBe(false);
    expect(isWorkingDay('2026-03-14', { '2026-03-14': 'work' })).toBe(true);
  });
});

describe('coversYear', () => {
  it('is true for the years chinese-days 1.5.7 carries', () => {
    expect(coversYear(2004)).toBe(true);
    expect(coversYear(2026)).toBe(true);
  });
  it('is false before and after (2027 is not published in the package)', () => {
    expect(coversYear(2003)).toBe(false);
    expect(coversYear(2027)).toBe(false);
    expect(coversYear(2026.5)).toBe(false);
  });
});

describe('a year the package does not cover (2027, Spring Festival from overrides)', () => {
  // Hypothetical arrangement typed in by an admin from the State Council notice.
  const o2027: DayOverrides = {
    '2027-02-05': 'off', '2027-02-08': 'off', '2027-02-09': 'off', '2027-02-10': 'off', '2027-02-11': 'off',
    '2027-02-20': 'work',
  };

  it('without overrides falls back to Monday–Friday', () => {
    expect(isWorkingDay('2027-02-08')).toBe(true);
    expect(isWorkingDay('2027-02-06')).toBe(false);
  });

  it('with overrides follows them', () => {
    expect(isWorkingDay('2027-02-08', o2027)).toBe(false);
    expect(isWorkingDay('2027-02-20', o2027)).toBe(true);
    expect(isWorkingDay('2027-02-12', o2027)).toBe(true);
  });

  it('addWorkingDays skips the overridden holiday', () => {
    // Thu 2027-02-04 10:00 + 1 → Fri 5th off, weekend, Mon–Thu off → Fri 12th 10:00
    expect(addWorkingDays(at('2027-02-04T10:00:00+08:00'), 1, 'Asia/Shanghai', o2027)).toEqual(at('2027-02-12T10:00:00+08:00'));
    // without the overrides it would be Friday the 5th
    expect(addWorkingDays(at('2027-02-04T10:00:00+08:00'), 1)).toEqual(at('2027-02-05T10:00:00+08:00'));
  });
});

describe('addWorkingDays: the n-th working day at the same wall-clock time', () => {
  it.each<[string, string, number, string]>([
    ['across a weekend', '2026-03-13T15:00:00+08:00', 1, '2026-03-16T15:00:00+08:00'],
    ['within the week', '2026-03-10T09:30:00+08:00', 2, '2026-03-12T09:30:00+08:00'],
    ['zero days', '2026-03-14T09:30:00+08:00', 0, '2026-03-14T09:30:00+08:00'],
    ['across 十一: 30 Sep + 1 → 8 Oct', '2026-09-30T15:00:00+08:00', 1, '2026-10-08T15:00:00+08:00'],
    ['onto the make-up Saturday 10 Oct', '2026-10-09T15:00:00+08:00', 1, '2026-10-10T15:00:00+08:00'],
    ['Sat 19 Sep + 1 is the make-up Sunday 20 Sep, ending at its close', '2026-09-19T10:00:00+08:00', 1, '2026-09-21T00:00:00+08:00'],
    ['7 working days from 28 Sep', '2026-09-28T10:00:00+08:00', 7, '2026-10-13T10:00:00+08:00'],
    ['15 working days across 春节 2026 and both make-up Saturdays', '2026-02-10T10:00:00+08:00', 15, '2026-03-09T10:00:00+08:00'],
    ['from a holiday: to the close of the first working day', '2026-10-03T15:00:00+08:00', 1, '2026-10-09T00:00:00+08:00'],
    ['from a Saturday: to the close of Monday', '2026-03-14T11:00:00+08:00', 1, '2026-03-17T00:00:00+08:00'],
    ['an instant given in UTC that is already 1 Oct local', '2026-09-30T16:30:00Z', 1, '2026-10-09T00:00:00+08:00'],
  ])('%s', (_name, from, n, expected) => {
    expect(addWorkingDays(at(from), n)).toEqual(at(expected));
  });

  it('uses the zone from Intl, not +8: New York across its DST change', () => {
    // Fri 6 Mar 2026 15:00 EST (UTC−5) + 1 → Mon 9 Mar 15:00 EDT (UTC−4)
    expect(addWorkingDays(at('2026-03-06T15:00:00-05:00'), 1, 'America/New_York')).toEqual(at('2026-03-09T15:00:00-04:00'));
  });

  it('refuses a fractional or negative count', () => {
    expect(() => addWorkingDays(at('2026-03-13T15:00:00+08:00'), 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays(at('2026-03-13T15:00:00+08:00'), -1)).toThrow(RangeError);
  });
});

describe('addWorkingDaysToDate (calendar dates, for 公示)', () => {
  it.each<[string, number, string]>([
    ['2026-03-13', 1, '2026-03-16'],
    ['2026-09-30', 1, '2026-10-08'],
    ['2026-09-30', 5, '2026-10-13'],
    ['2026-03-13', 0, '2026-03-13'],
  ])('%s + %i working days → %s', (date, n, expected) => {
    expect(addWorkingDaysToDate(date, n)).toBe(expected);
  });
});

describe('addWorkingHours: only 09:00–18:00 on working days counts', () => {
  it.each<[string, string, number, string]>([
    ['inside the day', '2026-03-10T10:15:00+08:00', 2, '2026-03-10T12:15:00+08:00'],
    ['ending exactly at dayEnd stays there', '2026-03-10T16:00:00+08:00', 2, '2026-03-10T18:00:00+08:00'],
    ['split over the night', '2026-03-10T17:00:00+08:00', 2, '2026-03-11T10:00:00+08:00'],
    ['evening start counts from next dayStart', '2026-03-10T20:00:00+08:00', 2, '2026-03-11T11:00:00+08:00'],
    ['early morning start counts from dayStart', '2026-03-10T06:00:00+08:00', 2, '2026-03-10T11:00:00+08:00'],
    ['Friday evening → Monday', '2026-03-13T17:30:00+08:00', 2, '2026-03-16T10:30:00+08:00'],
    ['eve of 十一 → 8 Oct', '2026-09-30T17:00:00+08:00', 2, '2026-10-08T10:00:00+08:00'],
    ['on a holiday → first working morning', '2026-10-02T10:00:00+08:00', 2, '2026-10-08T11:00:00+08:00'],
    ['make-up Saturday counts', '2026-10-09T17:00:00+08:00', 2, '2026-10-10T10:00:00+08:00'],
    ['half an hour', '2026-03-10T17:45:00+08:00', 0.5, '2026-03-11T09:15:00+08:00'],
  ])('%s', (_name, from, hours, expected) => {
    expect(addWorkingHours(at(from), hours)).toEqual(at(expected));
  });

  it('takes other working hours', () => {
    const h = { dayStart: '08:30', dayEnd: '17:30' };
    expect(addWorkingHours(at('2026-03-10T17:00:00+08:00'), 2, 'Asia/Shanghai', {}, h)).toEqual(at('2026-03-11T10:00:00+08:00'));
  });

  it('refuses bad working hours', () => {
    const h = { dayStart: '18:00', dayEnd: '09:00' };
    expect(() => addWorkingHours(at('2026-03-10T17:00:00+08:00'), 2, 'Asia/Shanghai', {}, h)).toThrow(RangeError);
    expect(() => addWorkingHours(at('2026-03-10T17:00:00+08:00'), 2, 'Asia/Shanghai', {}, { dayStart: '9', dayEnd: '18:00' }))
      .toThrow(RangeError);
  });
});

describe('workingDeadline with pauses', () => {
  const from = at('2026-03-09T10:00:00+08:00'); // Monday
  it('a closed pause pushes the deadline by the working time it covered', () => {
    const pauses = [{ from: at('2026-03-10T10:00:00+08:00'), to: at('2026-03-11T16:00:00+08:00') }]; // 30 h
    // 7 working days → Wed 18 Mar 10:00; +30 h of working-day time → Thu 19 Mar 16:00
    expect(workingDeadline(from, { workingDays: 7 }, { pauses })).toEqual(at('2026-03-19T16:00:00+08:00'));
  });

  it('paused time on a weekend costs nothing', () => {
    const pauses = [{ from: at('2026-03-14T10:00:00+08:00'), to: at('2026-03-15T20:00:00+08:00') }];
    expect(workingDeadline(from, { workingDays: 7 }, { pauses })).toEqual(at('2026-03-18T10:00:00+08:00'));
  });

  it('overlapping pauses count once', () => {
    const pauses = [
      { from: at('2026-03-10T10:00:00+08:00'), to: at('2026-03-10T20:00:00+08:00') },
      { from: at('2026-03-10T15:00:00+08:00'), to: at('2026-03-10T22:00:00+08:00') },
    ];
    expect(workingDeadline(from, { workingDays: 7 }, { pauses })).toEqual(at('2026-03-18T22:00:00+08:00'));
  });

  it('a pause that starts after the deadline changes nothing', () => {
    const pauses = [{ from: at('2026-03-20T10:00:00+08:00') }];
    expect(workingDeadline(from, { workingDays: 7 }, { pauses })).toEqual(at('2026-03-18T10:00:00+08:00'));
  });

  it('an open pause before the deadline stops the clock: no deadline yet', () => {
    const pauses = [{ from: at('2026-03-12T10:00:00+08:00') }];
    expect(workingDeadline(from, { workingDays: 7 }, { pauses })).toBeNull();
  });

  it('working-hours limits pause too', () => {
    const pauses = [{ from: at('2026-03-09T10:30:00+08:00'), to: at('2026-03-09T11:30:00+08:00') }];
    expect(workingDeadline(from, { workingHours: 2 }, { pauses })).toEqual(at('2026-03-09T13:00:00+08:00'));
  });

  it('gives up clearly when overrides leave no working day', () => {
    const off: Record<string, 'off'> = {};
    for (let d = new Date(Date.UTC(2026, 2, 9)); d < new Date(Date.UTC(2037, 0, 1)); d.setUTCDate(d.getUTCDate() + 1)) {
      off[d.toISOString().slice(0, 10)] = 'off';
    }
    expect(() => workingDeadline(from, { workingDays: 1 }, { overrides: off })).toThrow(/ten years/);
  });
});

describe('elapsedWithPauses', () => {
  const start = at('2026-03-09T10:00:00+08:00');
  const now = at('2026-03-09T20:00:00+08:00');
  it('plain elapsed without pauses', () => {
    expect(elapsedWithPauses(start, now, [])).toBe(10 * H);
  });
  it('subtracts closed pauses, overlaps once, and clips to [start, now]', () => {
    expect(elapsedWithPauses(start, now, [
      { from: at('2026-03-09T08:00:00+08:00'), to: at('2026-03-09T11:00:00+08:00') }, // 1 h inside
      { from: at('2026-03-09T12:00:00+08:00'), to: at('2026-03-09T14:00:00+08:00') },
      { from: at('2026-03-09T13:00:00+08:00'), to: at('2026-03-09T15:00:00+08:00') }, // 12–15 = 3 h
    ])).toBe(6 * H);
  });
  it('an open pause runs to now', () => {
    expect(elapsedWithPauses(start, now, [{ from: at('2026-03-09T18:00:00+08:00') }])).toBe(8 * H);
  });
  it('is zero when now is not after start', () => {
    expect(elapsedWithPauses(now, start, [])).toBe(0);
  });
});
