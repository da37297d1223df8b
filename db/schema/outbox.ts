import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, serial } from 'drizzle-orm/pg-core';
import type { Recipient, Reply } from '../../src/bot/types.ts';
import { tenants } from './core.ts';

/** Every outbound message. The unique dedupe key makes enqueueing idempotent. */
export const outbox = pgTable('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: integer('tenant_id').references(() => tenants.id),
  platform: text('platform').notNull(),
  recipient: jsonb('recipient').$type<Recipient>().notNull(),
  reply: jsonb('reply').$type<Reply>().notNull(),
  inReplyTo: jsonb('in_reply_to').$type<{ messageId: string; chatKind: 'private' | 'group'; hint?: Record<string, unknown> }>(),
  dedupeKey: text('dedupe_key').notNull().unique(),
  /** reply | reminder | summary | alert — replies are never held for quiet hours. */
  kind: text('kind').notNull().default('reminder'),
  notBefore: timestamp('not_before', { withTimezone: true }).notNull().defaultNow(),
  attempts: integer('attempts').notNull().default(0),
  /** pending | sending | sent | failed */
  status: text('status').notNull().default('pending'),
  lastError: text('last_error'),
  /** A `sending` row whose claim has lapsed (crashed sender) goes back to pending. */
  claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
}, (t) => [index('outbox_due').on(t.status, t.notBefore)]);

/** One row per job and schedule slot; the unique key makes a slot run once across instances. */
export const jobRuns = pgTable('job_runs', {
  id: serial('id').primaryKey(),
  job: text('job').notNull(),
  slot: timestamp('slot', { withTimezone: true }).notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  /** running | ok | error */
  outcome: text('outcome').notNull().default('running'),
  counts: jsonb('counts').$type<Record<string, number>>(),
  error: text('error'),
}, (t) => [uniqueIndex('job_runs_slot').on(t.job, t.slot)]);
