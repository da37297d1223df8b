import { describe, expect, it } from 'vitest';
import { DEFAULT_MUST_TALK_REASONS } from '../../src/domain/talks.ts';
import { formatWhen } from '../../src/talks/format.ts';
import { canReadNotes, canSeeTalk, reminderDue, resolveReason, type Viewer } from '../../src/talks/rules.ts';

const at = (s: string) => new Date(`${s}+08:00`);

describe('reminderDue: one day and one hour before an agreed talk', () => {
  const talk = { scheduledAt: at('2026-12-10T15:00'), confirmedAt: at('2026-12-01T10:00') };
  it.each<[string, string | null]>([
    ['2026-12-09T14:59', null],
    ['2026-12-09T15:00', 'day'],
    ['2026-12-10T13:59', 'day'],
    ['2026-12-10T14:00', 'hour'],
    ['2026-12-10T14:59', 'hour'],
    ['2026-12-10T15:00', null],
    ['2026-12-10T16:00', null],
  ])('at %s → %s', (now, due) => {
    expect(reminderDue(talk, at(now))).toBe(due);
  });

  it('skips a reminder whose moment came before the time was agreed', () => {
    const late = { scheduledAt: at('2026-12-10T15:00'), confirmedAt: at('2026-12-10T09:00') };
    expect(reminderDue(late, at('2026-12-10T09:05'))).toBeNull();
    expect(reminderDue(late, at('2026-12-10T14:00'))).toBe('hour');
    const lastMinute = { scheduledAt: at('2026-12-10T15:00'), confirmedAt: at('2026-12-10T14:30') };
    expect(reminderDue(lastMinute, at('2026-12-10T14:35'))).toBeNull();
  });
});

describe('resolveReason', () => {
  it.each<[string | undefined, string | null, boolean]>([
    [undefined, null, false],
    ['岗位变动', '岗位变动', true],
    ['2', '受表彰或处分', true],
    ['9', '9', false],
    ['了解思想动态', '了解思想动态', false],
  ])('%s → %s (必谈 %s)', (input, reason, mustTalk) => {
    expect(resolveReason(input, DEFAULT_MUST_TALK_REASONS)).toEqual({ reason, mustTalk });
  });
});

describe('who may read the notes', () => {
  const t = { hostId: 1, guestId: 2, branchId: 10 };
  const v = (memberId: number | undefined, branchId: number | null, roles: Viewer['roles'] = [], isAdmin = false): Viewer =>
    ({ memberId, branchId, roles, isAdmin });
  it.each<[string, Viewer, boolean, boolean]>([
    ['host', v(1, 10), true, true],
    ['guest', v(2, 10), true, true],
    ['branch 书记', v(3, 10, ['书记']), true, true],
    ['副书记', v(4, 10, ['副书记']), false, false],
    ['组织委员', v(5, 10, ['组织委员']), false, false],
    ['书记 of another branch', v(6, 11, ['书记']), false, false],
    ['admin', v(undefined, null, [], true), false, true],
    ['admin who is the branch 书记', v(3, 10, ['书记'], true), true, true],
  ])('%s: notes %s, talk %s', (_n, viewer, notes, talk) => {
    expect(canReadNotes(t, viewer)).toBe(notes);
    expect(canSeeTalk(t, viewer)).toBe(talk);
  });
});

it('formatWhen shows the weekday, and the year only when it is not the current one', () => {
  expect(formatWhen(at('2026-12-09T15:00'), at('2026-12-02T10:00'), 'Asia/Shanghai')).toBe('12月9日（周三）15:00');
  expect(formatWhen(at('2027-01-04T09:05'), at('2026-12-02T10:00'), 'Asia/Shanghai')).toBe('2027年1月4日（周一）09:05');
});
