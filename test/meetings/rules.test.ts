import { describe, expect, it } from 'vitest';
import { noticeStage } from '../../cron/meeting-notices.ts';
import { UserError } from '../../src/bot/errors.ts';
import { compliance, type MeetingKind } from '../../src/domain/meetings.ts';
import type { PeriodKind } from '../../src/domain/calendar.ts';
import { buildAttendance, parseAbsentees, type AttendanceRow } from '../../src/meetings/attendees.ts';
import { periodLabel, shortPeriodLabel } from '../../src/meetings/format.ts';
import { ledgerLines } from '../../src/meetings/ledger.ts';
import { voteFields } from '../../src/meetings/record.ts';
import type { MemberRow } from '../../src/org/members.ts';
import { at } from './seed.ts';

const SH = 'Asia/Shanghai';

describe('cadence periods at month, quarter and year edges (Asia/Shanghai)', () => {
  it.each<[PeriodKind, string, string]>([
    ['month', '2026-11-30T23:30', '2026-11'],
    ['month', '2026-12-01T00:00', '2026-12'],
    ['quarter', '2026-03-31T23:30', '2026-Q1'],
    ['quarter', '2026-04-01T00:00', '2026-Q2'],
    ['quarter', '2026-09-30T23:59', '2026-Q3'],
    ['year', '2026-12-31T23:30', '2026'],
    ['year', '2027-01-01T00:00', '2027'],
  ])('a %s meeting at %s counts for %s only', (cadence, when, key) => {
    const entries = compliance([{ kind: '主题党日', cadence }], [{ kind: '主题党日', heldAt: at(when) }], at('2027-06-01T00:00'), SH,
      { from: at('2026-01-01T00:00') });
    expect(entries.filter((e) => e.status === 'held').map((e) => e.period.key)).toEqual([key]);
  });

  it('names periods in Chinese', () => {
    expect(['2026-11', '2026-Q4', '2026'].map(periodLabel)).toEqual(['2026年11月', '2026年第四季度', '2026年度']);
    expect(['2026-03', '2026-Q1', '2026'].map(shortPeriodLabel)).toEqual(['3月', '第一季度', '全年']);
  });

  it('summarises a requirement per line: held, missed, still open', () => {
    const entries = compliance([{ kind: '党课', cadence: 'quarter' }, { kind: '组织生活会', cadence: 'year' }],
      [{ kind: '党课', heldAt: at('2026-05-10T09:00') }], at('2026-12-02T10:00'), SH, { from: at('2026-01-01T00:00') });
    expect(ledgerLines(entries, SH).map((l) => `${l.label}：${l.value}`)).toEqual([
      '党课（每季度）：已开 1 期；未开：第一季度、第三季度；第四季度尚未召开',
      '组织生活会（每年）：尚未召开',
    ]);
  });
});

describe('absentees and attendance', () => {
  it.each<[string, { name: string; reason: string | null }[]]>([
    ['李四(出差)', [{ name: '李四', reason: '出差' }]],
    ['李四(出差),王五(病假)、赵六', [{ name: '李四', reason: '出差' }, { name: '王五', reason: '病假' }, { name: '赵六', reason: null }]],
    ['@李四 (因公外出)', [{ name: '李四', reason: '因公外出' }]],
    ['无', []],
  ])('reads %s', (text, expected) => {
    expect(parseAbsentees(text)).toEqual(expected);
  });

  it.each(['李四(出差', '李四,李四'])('refuses %s', (text) => {
    expect(() => parseAbsentees(text)).toThrow(UserError);
  });

  const member = (id: number, name: string, status = '正式党员') => ({ id, name, status, employeeNo: null }) as MemberRow;
  const branch = [member(1, '张三'), member(2, '李四'), member(3, '王五')];
  const invitees = [{ memberId: 1, name: '张三', status: '正式党员' }, { memberId: 3, name: '王五', status: '正式党员' }];

  it('marks everyone present but the absentees, adding a named member who was not on the list', () => {
    expect(buildAttendance(invitees, [{ name: '李四', reason: '出差' }], branch)).toEqual([
      { memberId: 1, name: '张三', status: '正式党员', present: true, absenceReason: null },
      { memberId: 3, name: '王五', status: '正式党员', present: true, absenceReason: null },
      { memberId: 2, name: '李四', status: '正式党员', present: false, absenceReason: '出差' },
    ]);
  });

  it('refuses someone outside the branch and a record where nobody came', () => {
    expect(() => buildAttendance(invitees, [{ name: '路人', reason: null }], branch)).toThrow('不是本支部成员');
    expect(() => buildAttendance(invitees, [{ name: '张三', reason: null }, { name: '王五', reason: null }], branch))
      .toThrow('包含了全部应到人员');
  });
});

describe('quorum and vote of a 党员大会', () => {
  // 9 正式党员 and 2 预备党员 should attend.
  const people: AttendanceRow[] = [
    ...Array.from({ length: 9 }, (_, i) => ({ memberId: i + 1, name: `正式${i + 1}`, status: '正式党员', present: true, absenceReason: null })),
    ...[10, 11].map((i) => ({ memberId: i, name: `预备${i}`, status: '预备党员', present: true, absenceReason: null })),
  ];
  const absent = (ids: number[]) => people.map((p) => ({ ...p, present: !ids.includes(p.memberId) }));
  const vote = (kind: MeetingKind, attendance: AttendanceRow[], inFavour: number | null, voteItem: string | null = inFavour === null ? null : '事项') =>
    voteFields({ kind, attendance, voteItem, inFavour });

  it.each<[string, number[], number | null, boolean, boolean | null]>([
    ['everyone', [], 9, true, true],
    ['four 正式 and both 预备 absent', [1, 2, 3, 4, 10, 11], 5, true, true],
    ['five 正式 absent, though both 预备 came', [1, 2, 3, 4, 5], 5, false, false],
    ['quorate but four in favour', [1, 2, 3, 4], 4, true, false],
    ['no vote taken', [1], null, true, null],
  ])('%s', (_label, ids, inFavour, quorate, passed) => {
    expect(vote('支部党员大会', absent(ids), inFavour)).toMatchObject({
      eligibleVoters: 9, presentVoters: 9 - ids.filter((i) => i <= 9).length, quorate, passed,
    });
  });

  it('refuses a vote on other meetings, half a vote, and more votes than voters', () => {
    expect(() => vote('支部委员会', people, 3)).toThrow('只在支部党员大会');
    expect(() => vote('支部党员大会', people, 3, null)).toThrow('请同时写明表决事项');
    expect(() => vote('支部党员大会', people, null, '事项')).toThrow('请写明赞成票数');
    expect(() => vote('支部党员大会', people, 10)).toThrow('超过了应到会有表决权的正式党员人数 9');
    expect(vote('支部委员会', people, null)).toEqual({ eligibleVoters: null, presentVoters: null, quorate: null, passed: null });
  });
});

describe('notice reminder stages', () => {
  const heldAt = at('2026-12-10T15:00');
  it.each<[string, string, '1h' | '1d' | undefined]>([
    ['2026-12-01T10:00', '2026-12-09T14:59', undefined],
    ['2026-12-01T10:00', '2026-12-09T15:00', '1d'],
    ['2026-12-01T10:00', '2026-12-10T13:59', '1d'],
    ['2026-12-01T10:00', '2026-12-10T14:00', '1h'],
    ['2026-12-01T10:00', '2026-12-10T14:59', '1h'],
    // Announced less than a day ahead: the notice stands in for the day-before reminder.
    ['2026-12-10T09:00', '2026-12-10T10:00', undefined],
    ['2026-12-10T09:00', '2026-12-10T14:00', '1h'],
    ['2026-12-10T14:30', '2026-12-10T14:40', undefined],
  ])('announced %s, at %s → %s', (created, now, stage) => {
    expect(noticeStage(heldAt, at(created), at(now))).toBe(stage);
  });
});
