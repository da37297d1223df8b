import { bigserial, customType, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { tenants } from './core.ts';

/** Raw bytes. postgres.js returns a Buffer, PGlite a Uint8Array: both come out as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/**
 * Files a reply carries (the .xlsx exports). Kept in the database, not on disk, because whichever
 * instance drains the outbox row must be able to upload it; pruned after a week.
 */
export const exportFiles = pgTable('export_files', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  fileName: text('file_name').notNull(),
  content: bytea('content').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('export_files_created').on(t.createdAt)]);
