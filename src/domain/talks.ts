/** 谈心谈话: yearly coverage (支部工作条例 Art.19) and the 必谈 occasions (local practice). */
import { COMMITTEE_ROLES, PARTY_STATUSES, type BranchRole, type MemberStatus } from '../bot/roles.ts';
import { DEFAULT_TZ, isLocalDate, periodOf, zonedInstant } from './calendar.ts';

/**
 * No central "四必谈" list exists (domain.md §5); this is the core common to published local
 * lists, and each tenant may replace it in settings.
 */
export const DEFAULT_MUST_TALK_REASONS: readonly string[] = Object.freeze([
  '岗位变动',
  '受表彰或处分',
  '家庭困难或变故',
  '思想波动或矛盾',
]);

type Id = number | string;

export interface TalkMember {
  id: Id;
  status: MemberStatus;
  roles?: readonly BranchRole[];
}

export interface TalkRecord {
  /** Both people in the talk; an anonymous talk has no known participants and counts for nobody. */
  participants: readonly Id[];
  heldAt: Date;
}

export function isCommitteeMember(m: { roles?: readonly BranchRole[] }): boolean {
  return (m.roles ?? []).some((r) => COMMITTEE_ROLES.includes(r));
}

/**
 * Party members (预备 and 正式) with no talk in the local calendar year with a committee member
 * other than themselves. 支部条例 Art.19: 支委之间、支委和党员之间 每年一般不少于1次, so a
 * committee member is covered by a talk with another committee member.
 */
export function coverage<M extends TalkMember>(
  members: readonly M[],
  talksHeld: readonly TalkRecord[],
  year: number,
  tz: string = DEFAULT_TZ,
): M[] {
  const { start, end } = periodOf('year', zonedInstant(year, 1, 1, 0, 0, tz), tz);
  const committee = new Set(members.filter(isCommitteeMember).map((m) => String(m.id)));
  const covered = new Set<string>();
  for (const t of talksHeld) {
    if (t.heldAt < start || t.heldAt >= end) continue;
    const ids = [...new Set(t.participants.map(String))];
    for (const id of ids) {
      if (ids.some((other) => other !== id && committee.has(other))) covered.add(id);
    }
  }
  return members.filter((m) => PARTY_STATUSES.includes(m.status) && !covered.has(String(m.id)));
}

/** The first day of each month from October: time left in the year to close the gaps. */
export function coverageReminderDue(localDate: string): boolean {
  return isLocalDate(localDate) && localDate.endsWith('-01') && Number(localDate.slice(5, 7)) >= 10;
}
