import { boolean, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { branches, members, tenants } from './core.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * 谈心谈话 between a host (who books and records it) and a guest. Life cycle:
 * draft (no time yet) → invited → (countered ⇄ invited) → accepted → held; or declined / cancelled.
 * `notes` and `followUps` are private: only the two people and the branch 书记 may read them.
 */
export const talks = pgTable('talks', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  /** The guest's branch: whose coverage the talk counts for and whose 书记 may read the notes. */
  branchId: integer('branch_id').notNull().references(() => branches.id),
  hostId: integer('host_id').notNull().references(() => members.id),
  guestId: integer('guest_id').notNull().references(() => members.id),
  /** draft | invited | countered | accepted | declined | held | cancelled */
  status: text('status').notNull(),
  scheduledAt: at('scheduled_at'),
  /** The guest's counter-proposal while `countered`. */
  proposedAt: at('proposed_at'),
  /** When the current time was last agreed; reminders due before it are not sent. */
  confirmedAt: at('confirmed_at'),
  place: text('place'),
  reason: text('reason'),
  /** The reason was one of the tenant's 必谈 occasions when booked. */
  mustTalk: boolean('must_talk').notNull().default(false),
  declineReason: text('decline_reason'),
  heldAt: at('held_at'),
  notes: text('notes'),
  followUps: text('follow_ups'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
  version: integer('version').notNull().default(1),
}, (t) => [
  index('talks_due').on(t.status, t.scheduledAt),
  index('talks_host').on(t.tenantId, t.hostId),
  index('talks_guest').on(t.tenantId, t.guestId),
  index('talks_branch_held').on(t.branchId, t.heldAt),
]);
