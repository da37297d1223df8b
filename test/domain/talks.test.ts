import { describe, expect, it } from 'vitest';
import { DEFAULT_MUST_TALK_REASONS, coverage, coverageReminderDue, type TalkMember } from '../../src/domain/talks.ts';

const at = (iso: string) => new Date(iso);

describe('coverage (支部条例 Art.19)', () => {
  const members: TalkMember[] = [
    { id: 1, status: '正式党员', roles: ['书记'] },
    { id: 2, status: '正式党员', roles: ['组织委员'] },
    { id: 3, status: '正式党员' },
    { id: 4, status: '预备党员' },
    { id: 5, status: '正式党员', roles: ['党小组长'] }, // not a committee role
    { id: 6, status: '正式党员' },
    { id: 7, status: '入党积极分子' }, // not a party member: not counted
  ];

  it.each<[string, { participants: number[]; heldAt: Date }[], number[]]>([
    ['no talks', [], [1, 2, 3, 4, 5, 6]],
    ['书记 with a member covers the member; the 书记 needs a talk with another 支委',
      [{ participants: [1, 3], heldAt: at('2026-05-01T10:00:00+08:00') }], [1, 2, 4, 5, 6]],
    ['支委之间 covers both committee members',
      [{ participants: [1, 2], heldAt: at('2026-05-01T10:00:00+08:00') }], [3, 4, 5, 6]],
    ['党员之间 without a 支委 covers nobody',
      [{ participants: [3, 5], heldAt: at('2026-05-01T10:00:00+08:00') }], [1, 2, 3, 4, 5, 6]],
    ['预备党员 covered by a 支委 talk',
      [{ participants: [2, 4], heldAt: at('2026-12-31T23:30:00+08:00') }], [1, 2, 3, 5, 6]],
    ['a talk in the next local year does not count',
      [{ participants: [2, 4], heldAt: at('2027-01-01T00:00:00+08:00') }], [1, 2, 3, 4, 5, 6]],
    ['a talk on 1 Jan local (31 Dec UTC) counts for the new year only',
      [{ participants: [1, 6], heldAt: at('2025-12-31T16:30:00Z') }], [1, 2, 3, 4, 5]],
  ])('%s', (_name, talks, missing) => {
    expect(coverage(members, talks, 2026, 'Asia/Shanghai').map((m) => m.id)).toEqual(missing);
  });

  it('a talk at 00:30 local on 1 Jan does not count for the year before', () => {
    const talks = [{ participants: [1, 6], heldAt: at('2025-12-31T16:30:00Z') }];
    expect(coverage(members, talks, 2025, 'Asia/Shanghai').map((m) => m.id)).toContain(6);
  });

  it('anonymous talks (no participants) count for nobody', () => {
    expect(coverage(members, [{ participants: [], heldAt: at('2026-05-01T10:00:00+08:00') }], 2026).length).toBe(6);
  });
});

describe('coverageReminderDue', () => {
  it.each<[string, boolean]>([
    ['2026-10-01', true], ['2026-11-01', true], ['2026-12-01', true],
    ['2026-09-01', false], ['2026-10-02', false], ['2026-01-01', false], ['bad', false],
  ])('%s → %s', (date, due) => {
    expect(coverageReminderDue(date)).toBe(due);
  });
});

it('default 必谈 reasons', () => {
  expect(DEFAULT_MUST_TALK_REASONS).toEqual(['岗位变动', '受表彰或处分', '家庭困难或变故', '思想波动或矛盾']);
});
