import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb } from '../helpers/db.ts';
import { runMigrations } from '../../db/migrate.ts';
import { tenants } from '../../db/schema/index.ts';
import type { DbHandle } from '../../db/client.ts';

describe('migrations', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createTestDb();
  });
  afterAll(() => h.close());

  it('creates every table of the schema', async () => {
    await h.db.insert(tenants).values({ platform: 'console', externalKey: 'm', name: 'm' });
    const rows = await h.db.select().from(tenants);
    expect(rows).toHaveLength(1);
  });

  it('is idempotent: running again changes nothing', async () => {
    await runMigrations(h);
    const count = await h.db.select({ n: sql<number>`count(*)::int` }).from(tenants);
    expect(count[0]!.n).toBe(1);
  });
});
