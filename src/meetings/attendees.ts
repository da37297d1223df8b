/** Who should attend a meeting, and the attendance a record states (everyone present unless named absent). */
import { COMMITTEE_ROLES, PARTY_STATUSES, type BranchRole, type MemberStatus } from '../bot/roles.ts';
import { UserError } from '../bot/errors.ts';
import type { MeetingKind } from '../domain/meetings.ts';
import type { MemberRow } from '../org/members.ts';
import { branchMemberNamed } from './people.ts';

export interface AttendanceRow {
  memberId: number;
  name: string;
  /** The member's status at the meeting; the quorum counts 正式党员 as they were then. */
  status: string;
  present: boolean;
  absenceReason: string | null;
}

export interface Absentee {
  name: string;
  reason: string | null;
  /** Known already (a 请假 answer to the notice); otherwise the name is looked up in the branch. */
  memberId?: number;
}


/**
 * 支委会: the committee; 党小组会: the group's party members; everything else: every party member
 * of the branch (预备党员 attend a 党员大会 but have no vote).
 */
export function isExpected(kind: MeetingKind, m: Pick<MemberRow, 'status' | 'roles' | 'partyGroupId'>, groupId: number | null): boolean {
  if (kind === '支部委员会') return m.roles.some((r) => COMMITTEE_ROLES.includes(r as BranchRole));
  if (!PARTY_STATUSES.includes(m.status as MemberStatus)) return false;
  return kind !== '党小组会' || m.partyGroupId === groupId;
}

const NONE = new Set(['无', '没有', '全到', '全部到会']);

/** `李四(出差),王五(病假)、赵六` → names with reasons (normalize has made （） into ()). */
export function parseAbsentees(text: string): Absentee[] {
  const t = text.trim();
  if (NONE.has(t)) return [];
  const out: Absentee[] = [];
  for (const item of t.split(/[,，、;；]+/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^@?([^()]+?)\s*(?:\(([^()]*)\))?$/.exec(item);
    if (!m) throw new UserError(`看不懂缺席人员“${item}”。请写作“缺席:李四(出差),王五(病假)”，没有缺席写“缺席:无”。`);
    const name = m[1]!.trim();
    const reason = m[2]?.trim() || null;
    if (reason && [...reason].length > 50) throw new UserError(`${name}的缺席原因请控制在50字以内。`);
    if (out.some((a) => a.name === name)) throw new UserError(`缺席名单中“${name}”写了两次。`);
    out.push({ name, reason });
  }
  return out;
}

/**
 * The record's attendance: every invitee present except the absentees. Someone named absent who was
 * not on the default list (a plain member at a small branch's 支委会, say) is added as absent.
 */
export function buildAttendance(
  invitees: readonly Pick<AttendanceRow, 'memberId' | 'name' | 'status'>[],
  absentees: readonly Absentee[],
  branchMembers: readonly MemberRow[],
): AttendanceRow[] {
  const rows: AttendanceRow[] = invitees.map((p) => ({ ...p, present: true, absenceReason: null }));
  for (const a of absentees) {
    const matches = rows.filter((r) => (a.memberId === undefined ? r.name === a.name : r.memberId === a.memberId));
    let row = matches.length === 1 ? matches[0] : undefined;
    if (!row) {
      const m = a.memberId === undefined ? branchMemberNamed(branchMembers, a.name, '缺席人员')
        : branchMembers.find((x) => x.id === a.memberId);
      if (!m) continue;
      row = rows.find((r) => r.memberId === m.id);
      if (!row) {
        row = { memberId: m.id, name: m.name, status: m.status, present: true, absenceReason: null };
        rows.push(row);
      }
    }
    row.present = false;
    row.absenceReason = a.reason;
  }
  if (rows.length > 0 && rows.every((r) => !r.present)) {
    throw new UserError('缺席名单包含了全部应到人员，请核对。');
  }
  return rows;
}
