import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members, tenants } from './core.ts';

/** What a step recorded besides its date: the facts its rule was checked against. */
export interface StepDetails {
  introducers?: { id: number; name: string }[];
  trainingDays?: number;
  trainingHours?: number;
  vote?: { eligible: number; present: number; inFavour: number };
  /** On ㉓: the 支部大会 extended the 预备期 by this many months instead of deciding 转正. */
  extensionMonths?: number;
}

/**
 * One step of 发展党员 (细则 2014, 25 steps) taken by one person, as the 组织委员 or 书记 recorded it.
 * The person's status lives on `members`; this is the ledger it is derived from.
 */
export const developmentSteps = pgTable('development_steps', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  /** 1–25, numbered as in src/domain/development.ts STEPS. */
  step: integer('step').notNull(),
  date: date('date').notNull(),
  /** Who did it (谈话人, 培养联系人, the 党委 …), free text as recorded. */
  doneBy: text('done_by'),
  /** Papers noted for the step (入党申请书, 思想汇报, 政审结论 …). */
  documents: text('documents').array().notNull().default(sql`'{}'::text[]`),
  details: jsonb('details').$type<StepDetails>().notNull().default({}),
  note: text('note'),
  recordedBy: integer('recorded_by').references(() => members.id),
  recordedByName: text('recorded_by_name').notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
}, (t) => [
  index('development_steps_member').on(t.tenantId, t.memberId, t.step),
  uniqueIndex('development_steps_once_a_day').on(t.memberId, t.step, t.date),
]);
