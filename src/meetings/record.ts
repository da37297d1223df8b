/** Writing a held meeting's record: quorum and vote for a 党员大会, attendance, audit. */
import { and, eq } from 'drizzle-orm';
import { meetings } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import { countEligibleVoters, quorum, type MeetingKind } from '../domain/meetings.ts';
import type { AttendanceRow } from './attendees.ts';
import { writeAttendance, type MeetingRow } from './store.ts';

export interface RecordDraft {
  kind: MeetingKind;
  branchId: number;
  partyGroupId: number | null;
  heldAt: Date;
  place: string | null;
  topic: string | null;
  hostName: string | null;
  recorderId: number | null;
  decisions: string | null;
  voteItem: string | null;
  inFavour: number | null;
  attendance: AttendanceRow[];
}

type VoteFields = Pick<MeetingRow, 'eligibleVoters' | 'presentVoters' | 'quorate' | 'passed'>;

/**
 * 支部条例 Art.11: a 党员大会 needs more than half of the 正式党员 with a vote present; a vote passes
 * with more than half of those who should attend in favour. Other kinds carry no vote in the record.
 */
export function voteFields(d: Pick<RecordDraft, 'kind' | 'voteItem' | 'inFavour' | 'attendance'>): VoteFields {
  if (d.kind !== '支部党员大会') {
    if (d.voteItem !== null || d.inFavour !== null) throw new UserError('表决情况只在支部党员大会的记录中登记。');
    return { eligibleVoters: null, presentVoters: null, quorate: null, passed: null };
  }
  if (d.inFavour !== null && d.voteItem === null) throw new UserError('请同时写明表决事项，例如 表决:“接收张三为预备党员” 赞成:8。');
  if (d.voteItem !== null && d.inFavour === null) throw new UserError('请写明赞成票数，例如 赞成:8。');
  const eligibleVoters = countEligibleVoters(d.attendance);
  const presentVoters = countEligibleVoters(d.attendance.filter((a) => a.present));
  if (d.inFavour !== null && d.inFavour > eligibleVoters) {
    throw new UserError(`赞成票数 ${d.inFavour} 超过了应到会有表决权的正式党员人数 ${eligibleVoters}。`);
  }
  const q = quorum({ eligibleVoters, present: presentVoters, inFavour: d.inFavour ?? undefined });
  return { eligibleVoters, presentVoters, quorate: q.quorate, passed: q.passed ?? null };
}

const absentOf = (rows: readonly AttendanceRow[]) =>
  rows.filter((a) => !a.present).map((a) => ({ name: a.name, reason: a.absenceReason }));

/**
 * Inserts the record (`before` undefined) or turns a planned meeting / an earlier record into this
 * one, with an optimistic version check. Returns the stored row.
 */
export async function saveRecord(
  ctx: CommandContext, draft: RecordDraft, before?: { row: MeetingRow; attendance: readonly AttendanceRow[] },
): Promise<MeetingRow> {
  const { attendance, ...fields } = draft;
  const values = { ...fields, ...voteFields(draft), status: 'held', updatedAt: ctx.now };
  let row: MeetingRow | undefined;
  if (!before) {
    [row] = await ctx.db.insert(meetings).values({
      ...values, tenantId: ctx.tenant.id, createdBy: ctx.asker.member?.id ?? null, createdAt: ctx.now,
    }).returning();
  } else {
    [row] = await ctx.db.update(meetings).set({ ...values, version: before.row.version + 1 })
      .where(and(eq(meetings.id, before.row.id), eq(meetings.tenantId, ctx.tenant.id), eq(meetings.version, before.row.version)))
      .returning();
    if (!row) throw new UserError(`编号 ${before.row.id} 的会议刚被他人修改，请重新发送命令。`);
  }
  await writeAttendance(ctx.db, ctx.tenant.id, row!.id, attendance);
  const action = !before ? 'record' : before.row.status === 'planned' ? 'record-planned' : 'correct';
  await ctx.audit({
    action, entity: 'meeting', entityId: row!.id,
    before: before ? { ...before.row, absent: absentOf(before.attendance) } : undefined,
    after: { ...row, absent: absentOf(attendance) },
  });
  return row!;
}
