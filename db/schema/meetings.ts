import { boolean, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { branches, members, partyGroups, tenants } from './core.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * 三会一课 and other organisational life: a meeting announced ahead (`planned`), held and recorded
 * (`held`), or called off (`cancelled`). The record fields follow domain.md §1 (会议记录).
 */
export const meetings = pgTable('meetings', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  branchId: integer('branch_id').notNull().references(() => branches.id),
  /** Set for 党小组会: the group that met. */
  partyGroupId: integer('party_group_id').references(() => partyGroups.id),
  /** A MeetingKind from src/domain/meetings.ts. */
  kind: text('kind').notNull(),
  /** planned | held | cancelled */
  status: text('status').notNull(),
  /** When it starts (planned) or started (held). */
  heldAt: at('held_at').notNull(),
  place: text('place'),
  topic: text('topic'),
  /** 主持人 as written: may be someone from outside the branch (e.g. a 党委 member giving a 党课). */
  hostName: text('host_name'),
  recorderId: integer('recorder_id').references(() => members.id),
  decisions: text('decisions'),
  /** 支部党员大会 only: 正式党员 with a vote who should attend, and how many of them were present. */
  eligibleVoters: integer('eligible_voters'),
  presentVoters: integer('present_voters'),
  quorate: boolean('quorate'),
  voteItem: text('vote_item'),
  inFavour: integer('in_favour'),
  passed: boolean('passed'),
  cancelReason: text('cancel_reason'),
  createdBy: integer('created_by').references(() => members.id),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
  /** Bumped on every change; a concurrent correction compares it. */
  version: integer('version').notNull().default(1),
}, (t) => [
  index('meetings_branch_time').on(t.tenantId, t.branchId, t.heldAt),
  index('meetings_status_time').on(t.status, t.heldAt),
]);

/**
 * Who should attend a meeting. For a planned meeting these are the invitees (`present` null); once
 * it is recorded, who was present and who was absent with the reason.
 */
export const meetingAttendance = pgTable('meeting_attendance', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  meetingId: integer('meeting_id').notNull().references(() => meetings.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  /** Snapshot at the meeting: the quorum counts 正式党员 as they were then. */
  status: text('status').notNull(),
  present: boolean('present'),
  absenceReason: text('absence_reason'),
}, (t) => [uniqueIndex('meeting_attendance_member').on(t.meetingId, t.memberId)]);

/** An invitee's answer to a notice: 参加 or 请假. Not a check-in: nobody has to answer. */
export const meetingResponses = pgTable('meeting_responses', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  meetingId: integer('meeting_id').notNull().references(() => meetings.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  /** 参加 | 请假 */
  answer: text('answer').notNull(),
  reason: text('reason'),
  answeredAt: at('answered_at').notNull(),
}, (t) => [uniqueIndex('meeting_responses_member').on(t.meetingId, t.memberId)]);
