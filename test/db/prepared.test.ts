import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { rowsOf } from '../../db/rows.ts';
import { tenants } from '../../db/schema/index.ts';
import { createTestDb, onPostgres } from '../helpers/db.ts';

/** fromPostgres prepares drizzle's queries (one round trip each instead of two); see db/client.ts. */
describe.runIf(onPostgres)('drizzle over postgres.js', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createTestDb();
  });
  afterAll(() => h.close());

  it('prepares parameterised queries on the connection, inside a transaction and a savepoint too', async () => {
    const statements = await h.db.transaction(async (tx) => {
      await tx.select().from(tenants).where(eq(tenants.externalKey, 'nobody'));
      await tx.transaction(async (sp) => {
        await sp.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, -1));
      });
      return rowsOf<{ statement: string }>(await tx.execute(sql`select statement from pg_prepared_statements`));
    });
    const texts = statements.map((s) => s.statement);
    expect(texts.some((t) => t.includes('"external_key" = $1'))).toBe(true);
    expect(texts.some((t) => t.includes('"id" = $1'))).toBe(true);
  });

  it('still answers multi-statement text without parameters (simple protocol)', async () => {
    await h.db.execute(sql.raw('select 1; select 2'));
  });
});
