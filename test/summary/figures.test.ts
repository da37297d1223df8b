import { describe, expect, it } from 'vitest';
import { periodFromKey } from '../../src/domain/calendar.ts';
import { defaultCadences, requiredMeetings, type HeldMeeting } from '../../src/domain/meetings.ts';
import {
  SUMMARY_GRACE_MS, bar, closingSince, hasNews, isoWeekKey, meetingOutlook, mergeSince, monthCompliance, nextMoment, outlookSince,
  percent, rateLine, scheduledMoment, share, weekOf, weeklyDue, type WeekSignals,
} from '../../src/summary/figures.ts';

const SH = 'Asia/Shanghai';
const at = (s: string) => new Date(`${s}+08:00`);
const FRI_17 = { weekday: 5, time: '17:00' };

describe('ISO weeks in the org zone', () => {
  it.each([
    ['2026-01-01', '2026-W01'], // a Thursday: week 1 of its own year
    ['2027-01-01', '2026-W53'], // a Friday: the last week of 2026
    ['2024-12-30', '2025-W01'], // a Monday whose Thursday is in 2025
    ['2026-11-27', '2026-W48'],
    ['2026-11-29', '2026-W48'], // Sunday closes the week
    ['2026-11-30', '2026-W49'],
  ])('%s → %s', (date, key) => expect(isoWeekKey(date)).toBe(key));

  it('runs Monday 00:00 to the next Monday 00:00 local, not UTC', () => {
    // Sunday 23:30 in Shanghai is still Sunday 15:30 UTC; Monday 00:10 local is Sunday in UTC.
    expect(weekOf(at('2026-11-29T23:30:00'), SH)).toMatchObject({ key: '2026-W48', monday: '2026-11-23', start: at('2026-11-23T00:00:00') });
    const w = weekOf(at('2026-11-30T00:10:00'), SH);
    expect(w).toEqual({ key: '2026-W49', monday: '2026-11-30', start: at('2026-11-30T00:00:00'), end: at('2026-12-07T00:00:00') });
  });
});

describe('when the weekly summary is due', () => {
  it('is the configured weekday and time of the current week', () => {
    expect(scheduledMoment(at('2026-11-23T08:00:00'), SH, FRI_17)).toEqual(at('2026-11-27T17:00:00'));
    expect(scheduledMoment(at('2026-11-29T22:00:00'), SH, { weekday: 1, time: '09:30' })).toEqual(at('2026-11-23T09:30:00'));
    expect(nextMoment(at('2026-11-27T16:59:00'), SH, FRI_17)).toEqual(at('2026-11-27T17:00:00'));
    expect(nextMoment(at('2026-11-27T17:00:00'), SH, FRI_17)).toEqual(at('2026-12-04T17:00:00'));
  });

  it('from the moment, for the grace period, covering the seven days before the moment', () => {
    expect(weeklyDue(at('2026-11-27T16:45:00'), SH, FRI_17)).toBeNull();
    expect(weeklyDue(at('2026-11-27T17:00:00'), SH, FRI_17)).toEqual({
      weekKey: '2026-W48', moment: at('2026-11-27T17:00:00'), from: at('2026-11-20T17:00:00'), to: at('2026-11-27T17:00:00'),
    });
    const late = new Date(at('2026-11-27T17:00:00').getTime() + SUMMARY_GRACE_MS - 60_000);
    expect(weeklyDue(late, SH, FRI_17)?.to).toEqual(late);
    expect(weeklyDue(new Date(late.getTime() + 60_000), SH, FRI_17)).toBeNull();
    // A moment late on Sunday is not made good after midnight: Monday starts a new week.
    expect(weeklyDue(at('2026-11-30T01:00:00'), SH, { weekday: 7, time: '23:00' })).toBeNull();
    expect(weeklyDue(at('2026-11-29T23:15:00'), SH, { weekday: 7, time: '23:00' })?.weekKey).toBe('2026-W48');
  });
});

describe('rates and text bars', () => {
  it.each<[number, number, number | null, string, string]>([
    [5, 8, 0.625, '63%', '██████░░░░ 63%'],
    [3, 8, 0.375, '38%', '████░░░░░░ 38%'],
    [0, 4, 0, '0%', '░░░░░░░░░░ 0%'],
    [4, 4, 1, '100%', '██████████ 100%'],
    [1, 3, 1 / 3, '33%', '███░░░░░░░ 33%'],
    [0, 0, null, '—', '—'],
  ])('%i of %i', (part, whole, r, pct, line) => {
    expect(share(part, whole)).toBe(r);
    expect(percent(share(part, whole))).toBe(pct);
    expect(rateLine(share(part, whole))).toBe(line);
  });

  it('keeps a bar inside its width whatever the rate', () => {
    expect(bar(1.7)).toBe('██████████');
    expect(bar(-0.2, 5)).toBe('░░░░░');
    expect(bar(0.04)).toBe('░░░░░░░░░░');
    expect(bar(0.05)).toBe('█░░░░░░░░░');
  });
});

describe('meetings due next and recently missed', () => {
  const groups = [{ id: 1, name: '第一党小组' }];
  const required = requiredMeetings({ fullMemberCount: 7, partyGroups: groups });
  const held: HeldMeeting[] = [
    { kind: '支部委员会', heldAt: at('2026-10-10T09:00:00') },
    { kind: '主题党日', heldAt: at('2026-11-10T14:30:00') },
    { kind: '支部委员会', heldAt: at('2026-11-24T09:00:00') },
    { kind: '党课', heldAt: at('2026-11-25T15:00:00') },
  ];

  it('lists open periods by deadline and the previous month’s gaps', () => {
    const o = meetingOutlook(required, held, at('2026-11-27T17:00:00'), SH);
    expect(o.dueNext.map((d) => [d.kind, d.partyGroupName, d.lastDay, d.daysLeft])).toEqual([
      ['党小组会', '第一党小组', '2026-11-30', 3],
      ['支部党员大会', undefined, '2026-12-31', 34],
      ['组织生活会', undefined, '2026-12-31', 34],
      ['民主评议党员', undefined, '2026-12-31', 34],
    ]);
    expect(o.missed.map((d) => [d.kind, d.periodKey])).toEqual([['党小组会', '2026-10'], ['主题党日', '2026-10']]);
  });

  it('drops a gap after a month and a deadline more than three months away', () => {
    const o = meetingOutlook(required, held, at('2026-12-02T09:00:00'), SH);
    expect(o.missed.map((d) => d.periodKey)).toEqual(['2026-11']); // 党小组会 of November; October's is older than 31 days
    const early = meetingOutlook(required, [], at('2026-02-10T09:00:00'), SH);
    expect(early.dueNext.some((d) => d.kind === '组织生活会')).toBe(false);
    expect(early.dueNext.find((d) => d.kind === '支部党员大会')?.lastDay).toBe('2026-03-31');
  });

  it('reads held meetings of each kind only as far back as the outlook needs', () => {
    const nov = outlookSince(defaultCadences, at('2026-11-27T17:00:00'), SH);
    expect(nov).toEqual({
      支部党员大会: at('2026-10-01T00:00:00'), 支部委员会: at('2026-10-01T00:00:00'), 党小组会: at('2026-10-01T00:00:00'),
      党课: at('2026-10-01T00:00:00'), 主题党日: at('2026-10-01T00:00:00'),
      组织生活会: at('2026-01-01T00:00:00'), 民主评议党员: at('2026-01-01T00:00:00'),
    });
    expect(outlookSince({ ...defaultCadences, 党课: 'none' }, at('2026-11-27T17:00:00'), SH).党课).toBeUndefined();
    // In the first days of a month the month before still counts; in January, the year before.
    expect(outlookSince(defaultCadences, at('2026-12-20T12:00:00'), SH).主题党日).toEqual(at('2026-11-01T00:00:00'));
    expect(outlookSince(defaultCadences, at('2027-01-15T12:00:00'), SH).组织生活会).toEqual(at('2026-01-01T00:00:00'));
    expect(outlookSince(defaultCadences, at('2026-11-20T12:00:00'), SH).支部党员大会).toEqual(at('2026-10-01T00:00:00'));
    expect(mergeSince({ 党课: at('2026-10-01T00:00:00') }, { 党课: at('2026-07-01T00:00:00'), 主题党日: at('2026-11-01T00:00:00') }))
      .toEqual({ 党课: at('2026-07-01T00:00:00'), 主题党日: at('2026-11-01T00:00:00') });
  });
});

describe('monthly compliance', () => {
  const required = requiredMeetings({ fullMemberCount: 7, partyGroups: [] });
  const held: HeldMeeting[] = [
    { kind: '支部委员会', heldAt: at('2026-12-10T09:00:00') },
    { kind: '主题党日', heldAt: at('2026-12-31T23:59:00') },
    { kind: '支部党员大会', heldAt: at('2026-11-20T15:00:00') },
    { kind: '组织生活会', heldAt: at('2026-12-15T15:00:00') },
    { kind: '主题党日', heldAt: at('2027-01-01T00:00:00') }, // next month
  ];

  it('counts the periods that close with the month: monthly, plus quarterly and yearly ones at their end', () => {
    const dec = monthCompliance(required, held, periodFromKey('2026-12', SH)!, SH);
    expect(dec.due).toBe(6); // 支委会, 主题党日, 党员大会 and 党课 for Q4, 组织生活会, 民主评议党员
    expect(dec.held).toBe(4);
    expect(dec.missing.map((r) => r.kind)).toEqual(['党课', '民主评议党员']);
    const nov = monthCompliance(required, held, periodFromKey('2026-11', SH)!, SH);
    expect([nov.due, nov.held]).toEqual([2, 0]); // the 党员大会 in November counts for Q4, not for November
  });

  it('reads each kind back to the start of its period closing with the month, and skips the others', () => {
    const month = at('2026-11-01T00:00:00');
    expect(closingSince(defaultCadences, periodFromKey('2026-11', SH)!, SH)).toEqual({ 支部委员会: month, 党小组会: month, 主题党日: month });
    expect(closingSince(defaultCadences, periodFromKey('2026-09', SH)!, SH)).toMatchObject({
      支部党员大会: at('2026-07-01T00:00:00'), 党课: at('2026-07-01T00:00:00'), 主题党日: at('2026-09-01T00:00:00'),
    });
    expect(closingSince(defaultCadences, periodFromKey('2026-12', SH)!, SH).组织生活会).toEqual(at('2026-01-01T00:00:00'));
  });
});

describe('nothing to say', () => {
  const quiet: WeekSignals = {
    meetingsHeld: 0, meetingsPlanned: 0, talksHeld: 0, talksUpcoming: 0, dueNext: [{ daysLeft: 7 }, { daysLeft: 34 }],
    missed: 0, appealsOverdue: 0, developmentOverdue: 0,
  };

  it('is a week with nothing held, planned, close, missed or overdue', () => {
    expect(hasNews(quiet)).toBe(false);
  });

  it.each<[string, Partial<WeekSignals>]>([
    ['a meeting held', { meetingsHeld: 1 }],
    ['a meeting planned', { meetingsPlanned: 1 }],
    ['a talk held', { talksHeld: 1 }],
    ['a talk coming up', { talksUpcoming: 1 }],
    ['a deadline within a week', { dueNext: [{ daysLeft: 6 }] }],
    ['a meeting missed', { missed: 1 }],
    ['an appeal overdue', { appealsOverdue: 1 }],
    ['a development time limit passed', { developmentOverdue: 1 }],
  ])('has news with %s', (_what, change) => {
    expect(hasNews({ ...quiet, ...change })).toBe(true);
  });
});
