/**
 * Who may do what with a meeting, beyond the command declarations: committee members organise and
 * record any meeting of their branch, a 党小组长 only their own group's 党小组会; a record is
 * corrected by its recorder or the 书记.
 */
import { eq } from 'drizzle-orm';
import { members } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { PermissionError } from '../bot/errors.ts';
import { COMMITTEE_ROLES, type BranchRole } from '../bot/roles.ts';
import { MEETING_LABELS, type MeetingKind } from '../domain/meetings.ts';
import { assertInBranch } from '../org/members.ts';
import type { MeetingRow } from './store.ts';

/** The roles a meeting command is declared for; the checks below narrow them per meeting. */
export const ORGANISER_ROLES: readonly BranchRole[] = [...COMMITTEE_ROLES, '党小组长'];

const isCommittee = (ctx: CommandContext) => ctx.asker.member?.roles.some((r) => COMMITTEE_ROLES.includes(r)) ?? false;

async function leadsGroup(ctx: CommandContext, groupId: number | null): Promise<boolean> {
  const m = ctx.asker.member;
  if (!m || groupId === null || !m.roles.includes('党小组长')) return false;
  const [row] = await ctx.db.select({ groupId: members.partyGroupId }).from(members).where(eq(members.id, m.id));
  return row?.groupId === groupId;
}

/** May schedule, record or cancel a meeting of this kind in this branch (and group). */
export async function assertCanOrganise(ctx: CommandContext, branchId: number, kind: MeetingKind, groupId: number | null): Promise<void> {
  assertInBranch(ctx, branchId);
  if (ctx.asker.isAdmin || isCommittee(ctx)) return;
  if (kind === '党小组会' && (await leadsGroup(ctx, groupId))) return;
  throw new PermissionError(kind === '党小组会'
    ? '党小组长只能安排和登记本党小组的党小组会。'
    : `${MEETING_LABELS[kind]}由支部委员安排和登记；党小组长只能登记本党小组的党小组会。`);
}

/** May correct a held meeting's record: its recorder, or the branch 书记. */
export function assertCanCorrect(ctx: CommandContext, meeting: MeetingRow): void {
  assertInBranch(ctx, meeting.branchId);
  const m = ctx.asker.member;
  if (ctx.asker.isAdmin || m?.roles.includes('书记') || (m && m.id === meeting.recorderId)) return;
  throw new PermissionError('只有本次会议的记录人或支部书记可以更正会议记录。');
}

/** May read a record with absences and answers: the committee, its recorder, or the group's leader. */
export async function assertCanView(ctx: CommandContext, meeting: MeetingRow): Promise<void> {
  assertInBranch(ctx, meeting.branchId);
  if (ctx.asker.isAdmin || isCommittee(ctx) || ctx.asker.member?.id === meeting.recorderId) return;
  if (meeting.kind === '党小组会' && (await leadsGroup(ctx, meeting.partyGroupId))) return;
  throw new PermissionError('会议记录仅支部委员、记录人和本党小组组长可以查看。');
}
