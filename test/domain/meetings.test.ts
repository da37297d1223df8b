import { describe, expect, it } from 'vitest';
import {
  compliance, countEligibleVoters, deadlineReminders, defaultCadences, meetingKindOf, quorum, requiredMeetings,
  termReminders, type HeldMeeting, type MeetingKind,
} from '../../src/domain/meetings.ts';

const SH = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);
const groups = [{ id: 7, name: '第一党小组' }, { id: 8, name: '第二党小组' }];

describe('meetingKindOf', () => {
  it.each<[string, MeetingKind | undefined]>([
    ['党员大会', '支部党员大会'], ['支部大会', '支部党员大会'], ['支部党员大会', '支部党员大会'],
    ['支委会', '支部委员会'], ['支部委员会', '支部委员会'], ['小组会', '党小组会'], ['党小组会', '党小组会'],
    ['党课', '党课'], [' 主题党日 ', '主题党日'], ['组织生活会', '组织生活会'], ['民主评议', '民主评议党员'],
    ['民主生活会', undefined], ['', undefined],
  ])('%s → %s', (text, kind) => {
    expect(meetingKindOf(text)).toBe(kind);
  });
});

describe('requiredMeetings', () => {
  it.each<[number, boolean]>([[6, false], [7, true], [3, false], [50, true]])(
    '%i 正式党员 → owes 支委会: %s', (n, owes) => {
      const kinds = requiredMeetings({ fullMemberCount: n, partyGroups: [] }).map((r) => r.kind);
      expect(kinds.includes('支部委员会')).toBe(owes);
    },
  );

  it('each 党小组 owes its own 党小组会; cadences can be overridden or switched off', () => {
    const req = requiredMeetings({ fullMemberCount: 9, partyGroups: groups }, { ...defaultCadences, 党课: 'none', 主题党日: 'quarter' });
    expect(req.filter((r) => r.kind === '党小组会')).toEqual([
      { kind: '党小组会', cadence: 'month', partyGroupId: 7, partyGroupName: '第一党小组' },
      { kind: '党小组会', cadence: 'month', partyGroupId: 8, partyGroupName: '第二党小组' },
    ]);
    expect(req.some((r) => r.kind === '党课')).toBe(false);
    expect(req.find((r) => r.kind === '主题党日')?.cadence).toBe('quarter');
    expect(req.find((r) => r.kind === '组织生活会')?.cadence).toBe('year');
    expect(req.find((r) => r.kind === '支部党员大会')?.cadence).toBe('quarter');
  });
});

describe('compliance', () => {
  const required = requiredMeetings({ fullMemberCount: 9, partyGroups: groups });
  const held: HeldMeeting[] = [
    { kind: '支部党员大会', heldAt: at('2026-09-30T23:30:00+08:00') }, // last evening of Q3
    { kind: '党小组会', partyGroupId: 7, heldAt: at('2026-10-20T19:00:00+08:00') },
    { kind: '党小组会', partyGroupId: 8, heldAt: at('2026-11-01T00:00:00+08:00') }, // first minute of Nov
    { kind: '支部委员会', heldAt: at('2026-11-20T10:00:00+08:00') }, // still in the future
  ];
  const now = at('2026-11-15T12:00:00+08:00');
  const status = (kind: MeetingKind, period: string, group?: number) => compliance(required, held, now, SH)
    .find((e) => e.kind === kind && e.period.key === period && e.partyGroupId === group)?.status;

  it.each<[MeetingKind, string, number | undefined, string | undefined]>([
    ['支部党员大会', '2026-Q3', undefined, 'held'],
    ['支部党员大会', '2026-Q4', undefined, 'open'],
    ['支部委员会', '2026-10', undefined, 'missing'],
    ['支部委员会', '2026-11', undefined, 'open'], // a planned meeting is not a held one
    ['党小组会', '2026-10', 7, 'held'],
    ['党小组会', '2026-10', 8, 'missing'],
    ['党小组会', '2026-11', 8, 'held'],
    ['组织生活会', '2025', undefined, 'missing'],
    ['组织生活会', '2026', undefined, 'open'],
    ['主题党日', '2026-09', undefined, undefined], // only the previous and current period by default
  ])('%s %s group %s → %s', (kind, period, group, expected) => {
    expect(status(kind, period, group)).toBe(expected);
  });

  it('reports from a given instant when asked (year to date)', () => {
    const keys = compliance(required, held, now, SH, { from: at('2026-01-01T00:00:00+08:00') })
      .filter((e) => e.kind === '主题党日').map((e) => e.period.key);
    expect(keys).toEqual(monthKeys2026To11());
  });
});

function monthKeys2026To11(): string[] {
  return Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
}

describe('deadlineReminders', () => {
  const required = requiredMeetings({ fullMemberCount: 9, partyGroups: [{ id: 7, name: '第一党小组' }] });
  const due = (date: string, held: HeldMeeting[] = []) => {
    const now = at(`${date}T09:00:00+08:00`);
    return deadlineReminders({ branchId: 42, compliance: compliance(required, held, now, SH), date, tz: SH }).map((r) => r.key);
  };

  it.each<[string, string]>([
    ['2026-11-24', 'meeting-due:42:支部委员会::2026-11:7d'],
    ['2026-11-29', 'meeting-due:42:支部委员会::2026-11:2d'],
    ['2026-12-01', 'meeting-due:42:支部委员会::2026-11:missed'],
    ['2026-11-24', 'meeting-due:42:党小组会:7:2026-11:7d'],
    ['2026-12-01', 'meeting-due:42:党小组会:7:2026-11:missed'],
    ['2026-12-25', 'meeting-due:42:支部党员大会::2026-Q4:7d'],
    ['2026-12-30', 'meeting-due:42:支部党员大会::2026-Q4:2d'],
    ['2027-01-01', 'meeting-due:42:支部党员大会::2026-Q4:missed'],
    ['2026-12-25', 'meeting-due:42:组织生活会::2026:7d'],
    ['2027-01-01', 'meeting-due:42:民主评议党员::2026:missed'],
    ['2028-02-23', 'meeting-due:42:主题党日::2028-02:7d'], // leap February: 29 days
  ])('on %s: %s', (date, key) => {
    expect(due(date)).toContain(key);
  });

  it.each(['2026-11-23', '2026-11-25', '2026-11-28', '2026-11-30', '2026-12-02'])(
    'nothing for 2026-11 on %s', (date) => {
      expect(due(date).filter((k) => k.includes(':2026-11:'))).toEqual([]);
    },
  );

  it('no reminder once the meeting is held', () => {
    expect(due('2026-11-24', [{ kind: '支部委员会', heldAt: at('2026-11-03T10:00:00+08:00') }]))
      .not.toContain('meeting-due:42:支部委员会::2026-11:7d');
    expect(due('2026-12-01', [{ kind: '支部委员会', heldAt: at('2026-11-30T23:30:00+08:00') }]))
      .not.toContain('meeting-due:42:支部委员会::2026-11:missed');
  });

  it('uses the offsets given and reports days left', () => {
    const now = at('2026-11-27T09:00:00+08:00');
    const r = deadlineReminders({ branchId: 1, compliance: compliance(required, [], now, SH), date: '2026-11-27', offsets: [4] });
    expect(r.find((x) => x.kind === '主题党日')).toMatchObject({ stage: '4d', daysLeft: 4, periodKey: '2026-11' });
  });
});

describe('quorum (支部条例 Art.11)', () => {
  it.each<[number, number, number | undefined, boolean, boolean | undefined, number]>([
    [9, 5, undefined, true, undefined, 5],
    [9, 4, undefined, false, undefined, 5],
    [10, 5, undefined, false, undefined, 6],
    [10, 6, undefined, true, undefined, 6],
    [9, 9, 5, true, true, 5],
    [9, 9, 4, true, false, 5],
    [10, 6, 5, true, false, 6], // 5 of 6 present is a majority of those present, not of the 10 eligible
    [10, 6, 6, true, true, 6],
    [9, 5, 6, true, true, 5], // written opinions of absent members count in favour
    [9, 4, 5, false, false, 5], // not quorate: no valid vote
    [1, 1, 1, true, true, 1],
    [0, 0, 0, false, false, 1],
  ])('%i eligible, %i present, %s for', (eligibleVoters, present, inFavour, quorate, passed, needed) => {
    const r = quorum({ eligibleVoters, present, ...(inFavour === undefined ? {} : { inFavour }) });
    expect(r).toEqual({ quorate, needed, ...(passed === undefined ? {} : { passed }) });
  });

  it('rejects impossible counts', () => {
    expect(() => quorum({ eligibleVoters: 5, present: 6 })).toThrow(RangeError);
    expect(() => quorum({ eligibleVoters: 5, present: 2.5 })).toThrow(RangeError);
    expect(() => quorum({ eligibleVoters: 5, present: 3, inFavour: 6 })).toThrow(RangeError);
  });

  it('预备党员 and members under 留党察看 do not count as eligible voters', () => {
    const members = [
      ...Array.from({ length: 9 }, () => ({ status: '正式党员' })),
      { status: '预备党员' }, { status: '预备党员' }, { status: '正式党员', votingSuspended: true }, { status: '发展对象' },
    ];
    const eligible = countEligibleVoters(members);
    expect(eligible).toBe(9);
    expect(quorum({ eligibleVoters: eligible, present: 5 }).quorate).toBe(true);
    expect(quorum({ eligibleVoters: eligible, present: 4 }).quorate).toBe(false);
  });
});

describe('termReminders (换届)', () => {
  it.each<[string, string, string[]]>([
    ['2026-12-15', '2026-06-15', ['term-due:3:2026-12-15:6m']],
    ['2026-12-15', '2026-11-15', ['term-due:3:2026-12-15:1m']],
    ['2026-12-15', '2026-06-14', []],
    ['2026-12-15', '2026-11-16', []],
    ['2027-03-31', '2026-09-30', ['term-due:3:2027-03-31:6m']],
    ['2027-03-31', '2027-02-28', ['term-due:3:2027-03-31:1m']],
    ['2026-12-15', 'bad', []],
  ])('term ends %s, on %s', (termEnd, date, keys) => {
    expect(termReminders(termEnd, date, 3).map((r) => r.key)).toEqual(keys);
  });
});
