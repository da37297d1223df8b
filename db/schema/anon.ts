import { date, integer, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenants } from './core.ts';

/**
 * Opaque handles (匿名#7) for people who write anonymously. Nothing here names the person in the
 * clear: `lookup` is a keyed hash (to give a returning writer the same handle) and `sealed` is
 * their member id under AES-256-GCM with a key derived from the server key (src/anon/).
 */
export const anonHandles = pgTable('anon_handles', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  /** The number shown after 匿名#, unique in the tenant across purposes. */
  handle: integer('handle').notNull(),
  /** What the channel is for, e.g. `talk` (匿名谈心) or `appeal` (匿名诉求); handles never cross purposes. */
  purpose: text('purpose').notNull(),
  lookup: text('lookup').notNull(),
  sealed: text('sealed').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('anon_handles_number').on(t.tenantId, t.handle),
  uniqueIndex('anon_handles_lookup').on(t.tenantId, t.purpose, t.lookup),
]);

/** The last handle number given out per tenant. */
export const anonCounters = pgTable('anon_counters', {
  tenantId: integer('tenant_id').primaryKey().references(() => tenants.id),
  last: integer('last').notNull().default(0),
});

/** Anonymous messages sent per writer per local day, keyed by a keyed hash that changes every day. */
export const anonQuota = pgTable('anon_quota', {
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  bucket: text('bucket').notNull(),
  day: date('day').notNull(),
  used: integer('used').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.tenantId, t.bucket] })]);
