/** Reads and writes of meetings, their attendance and notice answers; every query is scoped to a tenant. */
import { and, asc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { meetingAttendance, meetingResponses, meetings, members, partyGroups } from '../../db/schema/index.ts';
import { UserError } from '../bot/errors.ts';
import type { MeetingKind } from '../domain/meetings.ts';
import type { AttendanceRow } from './attendees.ts';

export type MeetingRow = typeof meetings.$inferSelect;
export type MeetingStatus = 'planned' | 'held' | 'cancelled';

export interface MeetingRecord extends MeetingRow {
  kind: MeetingKind;
  groupName: string | null;
  recorderName: string | null;
  attendance: AttendanceRow[];
}

export interface RecordFilter {
  branchId?: number;
  ids?: number[];
  status?: MeetingStatus;
  /** heldAt in [from, to) */
  from?: Date;
  to?: Date;
}

/** Meetings with their group, recorder and attendance, in time order: two queries whatever the count. */
export async function loadRecords(db: Db, tenantId: number, f: RecordFilter): Promise<MeetingRecord[]> {
  const conds: SQL[] = [eq(meetings.tenantId, tenantId)];
  if (f.branchId !== undefined) conds.push(eq(meetings.branchId, f.branchId));
  if (f.ids) conds.push(inArray(meetings.id, f.ids));
  if (f.status) conds.push(eq(meetings.status, f.status));
  if (f.from) conds.push(gte(meetings.heldAt, f.from));
  if (f.to) conds.push(lt(meetings.heldAt, f.to));
  const rows = await db.select({ m: meetings, groupName: partyGroups.name, recorderName: members.name })
    .from(meetings)
    .leftJoin(partyGroups, eq(partyGroups.id, meetings.partyGroupId))
    .leftJoin(members, eq(members.id, meetings.recorderId))
    .where(and(...conds))
    .orderBy(asc(meetings.heldAt), asc(meetings.id));
  if (!rows.length) return [];
  const att = await db.select({
    meetingId: meetingAttendance.meetingId, memberId: meetingAttendance.memberId, name: members.name,
    status: meetingAttendance.status, present: meetingAttendance.present, absenceReason: meetingAttendance.absenceReason,
  })
    .from(meetingAttendance)
    .innerJoin(members, eq(members.id, meetingAttendance.memberId))
    .where(and(eq(meetingAttendance.tenantId, tenantId), inArray(meetingAttendance.meetingId, rows.map((r) => r.m.id))))
    .orderBy(asc(meetingAttendance.id));
  const byMeeting = new Map<number, AttendanceRow[]>();
  for (const { meetingId, present, ...a } of att) {
    const list = byMeeting.get(meetingId) ?? [];
    list.push({ ...a, present: present ?? false });
    byMeeting.set(meetingId, list);
  }
  return rows.map((r) => ({
    ...r.m, kind: r.m.kind as MeetingKind, groupName: r.groupName, recorderName: r.recorderName,
    attendance: byMeeting.get(r.m.id) ?? [],
  }));
}

export async function loadRecord(db: Db, tenantId: number, id: number): Promise<MeetingRecord> {
  const [r] = await loadRecords(db, tenantId, { ids: [id] });
  if (!r) throw new UserError(`没有编号为 ${id} 的会议。`);
  return r;
}

/** Replaces a meeting's attendance rows (invitees of a notice, or who was present at the meeting). */
export async function writeAttendance(
  db: Db, tenantId: number, meetingId: number, rows: readonly (Omit<AttendanceRow, 'present'> & { present: boolean | null })[],
): Promise<void> {
  await db.delete(meetingAttendance).where(and(eq(meetingAttendance.tenantId, tenantId), eq(meetingAttendance.meetingId, meetingId)));
  if (!rows.length) return;
  await db.insert(meetingAttendance).values(rows.map((r) => ({
    tenantId, meetingId, memberId: r.memberId, status: r.status, present: r.present, absenceReason: r.absenceReason,
  })));
}

export interface ResponseRow {
  memberId: number;
  name: string;
  answer: string;
  reason: string | null;
}

export async function responsesOf(db: Db, tenantId: number, meetingId: number): Promise<ResponseRow[]> {
  return db.select({
    memberId: meetingResponses.memberId, name: members.name, answer: meetingResponses.answer, reason: meetingResponses.reason,
  })
    .from(meetingResponses)
    .innerJoin(members, eq(members.id, meetingResponses.memberId))
    .where(and(eq(meetingResponses.tenantId, tenantId), eq(meetingResponses.meetingId, meetingId)))
    .orderBy(asc(meetingResponses.id));
}
