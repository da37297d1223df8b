import { sql } from 'drizzle-orm';
import {
  boolean, check, index, integer, pgTable, serial, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import { branches, members, tenants } from './core.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/**
 * A member's dues standard from `effectiveMonth` ('YYYY-MM') on. `amountFen` is derived with
 * src/domain/dues.ts when the row is written, so set-based queries need not repeat the brackets.
 * Months before a member's first profile have no amount: the ledger is not yet opened for them.
 */
export const duesProfiles = pgTable('dues_profiles', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  /** 在职 | 离退休 | 学生 | 下岗失业 | 农民 | 低保/抚恤 | 核定 */
  category: text('category').notNull(),
  baseFen: integer('base_fen'),
  fixedFen: integer('fixed_fen'),
  amountFen: integer('amount_fen').notNull(),
  effectiveMonth: text('effective_month').notNull(),
  /** E.g. the approval behind a 核定 amount, or `年初核定`. */
  note: text('note'),
  setBy: text('set_by').notNull(),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('dues_profiles_member_month').on(t.memberId, t.effectiveMonth),
  check('dues_profiles_amount_nonneg', sql`${t.amountFen} >= 0`),
]);

/**
 * A payment: the 会计 records it, a different person (the 出纳) confirms receipt. The check
 * constraint makes 会计出纳分设 hold even if a command forgot it.
 */
export const duesPayments = pgTable('dues_payments', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  branchId: integer('branch_id').notNull().references(() => branches.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  months: text('months').array().notNull(),
  amountFen: integer('amount_fen').notNull(),
  /** What the ledger said was due for these months when recorded. */
  dueFen: integer('due_fen').notNull(),
  note: text('note'),
  /** recorded | confirmed | cancelled */
  status: text('status').notNull().default('recorded'),
  recordedBy: integer('recorded_by').notNull().references(() => members.id),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  confirmedBy: integer('confirmed_by').references(() => members.id),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  cancelledBy: integer('cancelled_by').references(() => members.id),
  cancelReason: text('cancel_reason'),
  reportId: integer('report_id'),
}, (t) => [
  index('dues_payments_member').on(t.memberId),
  index('dues_payments_branch').on(t.branchId, t.status),
  check('dues_payments_separated', sql`${t.confirmedBy} is null or ${t.confirmedBy} <> ${t.recordedBy}`),
  check('dues_payments_amount_pos', sql`${t.amountFen} > 0`),
]);

/** One row per month a live (recorded or confirmed) payment covers; a month can be paid once. */
export const duesPaidMonths = pgTable('dues_paid_months', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  month: text('month').notNull(),
  paymentId: integer('payment_id').notNull().references(() => duesPayments.id),
  dueFen: integer('due_fen').notNull(),
  confirmed: boolean('confirmed').notNull().default(false),
}, (t) => [
  uniqueIndex('dues_paid_months_member_month').on(t.memberId, t.month),
  index('dues_paid_months_payment').on(t.paymentId),
  // Jobs read one window of months for every member; without this they would read all history.
  index('dues_paid_months_month').on(t.month, t.memberId),
]);

/** A member's own word that they paid; it goes to the 会计, who records the payment. */
export const duesReports = pgTable('dues_reports', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  branchId: integer('branch_id').notNull().references(() => branches.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  note: text('note').notNull(),
  months: text('months').array(),
  amountFen: integer('amount_fen'),
  /** open | recorded */
  status: text('status').notNull().default('open'),
  paymentId: integer('payment_id'),
  createdAt: createdAt(),
}, (t) => [index('dues_reports_branch').on(t.branchId, t.status)]);
