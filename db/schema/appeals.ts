import { sql } from 'drizzle-orm';
import {
  bigserial, boolean, date, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import { branches, members, tenants } from './core.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** A stretch of waiting for the submitter, ISO instants; `to` absent while still waiting. */
export interface StoredPause {
  from: string;
  to?: string;
}

/**
 * 职工诉求. An anonymous appeal has no submitter id: only the handle (匿名#7) of src/anon/, whose
 * sealed identity routes replies. The deadlines are stored as computed so the SLA job can select
 * what is overdue with an index instead of recomputing every open appeal.
 */
export const appeals = pgTable('appeals', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  branchId: integer('branch_id').notNull().references(() => branches.id),
  year: integer('year').notNull(),
  seq: integer('seq').notNull(),
  /** SQ-2026-0001 */
  number: text('number').notNull(),
  submitterId: integer('submitter_id').references(() => members.id),
  anonHandle: integer('anon_handle'),
  category: text('category').notNull(),
  /** normal | urgent */
  urgency: text('urgency').notNull().default('normal'),
  /** normal | complex, set on acceptance */
  complexity: text('complexity').notNull().default('normal'),
  content: text('content').notNull(),
  /** AppealState of src/domain/appeals.ts */
  state: text('state').notNull(),
  handlerId: integer('handler_id').references(() => members.id),
  submittedAt: at('submitted_at').notNull(),
  /** Start of the resolve clock: acceptance, or the reopening. */
  acceptedAt: at('accepted_at'),
  pauses: jsonb('pauses').$type<StoredPause[]>().notNull().default([]),
  acceptBy: at('accept_by').notNull(),
  resolveBy: at('resolve_by'),
  /** EscalationKeys already sent in this round. */
  escalations: text('escalations').array().notNull().default(sql`'{}'::text[]`),
  /** Bumped on every reopening: the resolve clock and its escalations start again. */
  round: integer('round').notNull().default(0),
  resolvedAt: at('resolved_at'),
  result: text('result'),
  resolvedOnTime: boolean('resolved_on_time'),
  rating: integer('rating'),
  ratingComment: text('rating_comment'),
  ratedAt: at('rated_at'),
  closedAt: at('closed_at'),
  /** The handler may keep an item off the weekly 公示 board. */
  publish: boolean('publish').notNull().default(true),
  publicSummary: text('public_summary'),
  version: integer('version').notNull().default(1),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  uniqueIndex('appeals_number').on(t.tenantId, t.year, t.seq),
  index('appeals_open').on(t.tenantId, t.state),
  index('appeals_branch_time').on(t.branchId, t.submittedAt),
  index('appeals_handler').on(t.handlerId),
  index('appeals_submitter').on(t.submitterId),
]);

/** 全流程留痕: every step of an appeal, shown as its timeline. */
export const appealEvents = pgTable('appeal_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  appealId: integer('appeal_id').notNull().references(() => appeals.id),
  at: at('at').notNull(),
  /** submit, accept, transfer, return, ask, info, resolve, rate, reopen, close, escalate, publish */
  action: text('action').notNull(),
  fromState: text('from_state'),
  toState: text('to_state'),
  /** Null for the system and for an anonymous submitter. */
  actorId: integer('actor_id').references(() => members.id),
  /** What the timeline shows: a name, 匿名#7, 提交人 or 系统. */
  actorLabel: text('actor_label').notNull(),
  note: text('note'),
}, (t) => [index('appeal_events_appeal').on(t.appealId, t.id)]);

/** The last tracking number given out per tenant and year; bumped inside the submitting transaction. */
export const appealCounters = pgTable('appeal_counters', {
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  year: integer('year').notNull(),
  last: integer('last').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.tenantId, t.year] })]);

/** An appeal typed without a category, waiting for the submitter to pick one on the card. */
export const appealDrafts = pgTable('appeal_drafts', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  branchId: integer('branch_id').notNull().references(() => branches.id),
  memberId: integer('member_id').references(() => members.id),
  anonHandle: integer('anon_handle'),
  urgency: text('urgency').notNull().default('normal'),
  content: text('content').notNull(),
  createdAt: at('created_at').notNull(),
}, (t) => [index('appeal_drafts_tenant').on(t.tenantId, t.createdAt)]);

/** Who handles a branch's appeals of a category (`*` for any): a person or a branch role. */
export const appealRoutes = pgTable('appeal_routes', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  branchId: integer('branch_id').notNull().references(() => branches.id),
  category: text('category').notNull(),
  handlerId: integer('handler_id').references(() => members.id),
  handlerRole: text('handler_role'),
  updatedAt: at('updated_at').notNull(),
}, (t) => [uniqueIndex('appeal_routes_key').on(t.tenantId, t.branchId, t.category)]);

/** Time limits for one category, over the tenant's appealDeadlines setting; null keeps the setting. */
export const appealCategoryLimits = pgTable('appeal_category_limits', {
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  category: text('category').notNull(),
  acceptWorkingDays: integer('accept_working_days'),
  urgentAcceptHours: integer('urgent_accept_hours'),
  resolveWorkingDays: integer('resolve_working_days'),
  complexResolveWorkingDays: integer('complex_resolve_working_days'),
}, (t) => [primaryKey({ columns: [t.tenantId, t.category] })]);

/**
 * A tenant's corrections to the working-day calendar (a year chinese-days does not carry yet, or a
 * local arrangement). Not appeal-specific: any working-day deadline of the tenant may read it.
 */
export const workdayOverrides = pgTable('workday_overrides', {
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  day: date('day').notNull(),
  /** work | off */
  kind: text('kind').notNull(),
  note: text('note'),
}, (t) => [primaryKey({ columns: [t.tenantId, t.day] })]);
