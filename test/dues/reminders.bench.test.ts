/**
 * The collection-day job at scale: 100,000 members in 1,000 branches with 12 months of ledger must
 * be decided and enqueued in under 10 s on Postgres. Opt-in, as it takes a while to seed:
 *   DUES_BENCH=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx vitest run test/dues/reminders.bench.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.ts';
import { tenants } from '../../db/schema/index.ts';
import { duesReminders } from '../../cron/dues-reminders.ts';
import { runJob } from '../../cron/runner.ts';
import { loadConfig } from '../../src/config.ts';
import { memoryLogger } from '../../src/log.ts';
import { createTestDb, onPostgres } from '../helpers/db.ts';

const BRANCHES = 1_000;
const PER_BRANCH = 100;

describe.skipIf(!process.env.DUES_BENCH || !onPostgres)('dues-reminders at 100,000 members', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
    const db = handle.db;
    const [t] = await db.insert(tenants).values({ platform: 'console', externalKey: 'console', name: 'bench' }).returning();
    const tid = t!.id;
    await db.execute(sql`insert into branches (tenant_id, name) select ${tid}, '支部' || g from generate_series(1, ${BRANCHES}) g`);
    await db.execute(sql`insert into members (tenant_id, branch_id, name, status, probationary_since, roles)
      select ${tid}, b.id, '党员' || b.id || '-' || g, '正式党员', date '2010-01-01',
        case when g = 1 then array['书记'] else array[]::text[] end
      from branches b, generate_series(1, ${PER_BRANCH}) g`);
    await db.execute(sql`insert into identities (tenant_id, platform, user_id, member_id) select ${tid}, 'console', 'u' || id, id from members`);
    await db.execute(sql`insert into dues_profiles (tenant_id, member_id, category, base_fen, amount_fen, effective_month, set_by)
      select ${tid}, id, '在职', 650000, 9750, '2025-12', 'bench' from members`);
    await db.execute(sql`insert into dues_payments (tenant_id, branch_id, member_id, months, amount_fen, due_fen, status, recorded_by, recorded_at)
      select ${tid}, branch_id, id, array['bench'], 9750, 9750, 'confirmed', id, now() from members`);
    // Most members paid most months; about one in ten stopped paying at some point in the year.
    await db.execute(sql`insert into dues_paid_months (tenant_id, member_id, month, payment_id, due_fen, confirmed)
      select ${tid}, p.member_id, to_char(d, 'YYYY-MM'), p.id, 9750, true
      from dues_payments p, generate_series(date '2025-12-01', date '2026-10-01', interval '1 month') d
      where (p.member_id % 10 <> 0) or extract(month from d) between 3 and 5`);
    await db.execute(sql`analyze`);
  }, 300_000);
  afterAll(() => handle?.close());

  it('decides and enqueues in under 10 s', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const started = performance.now();
    const r = await runJob(duesReminders, new Date('2026-11-05T09:00:00+08:00'), { db: handle.db, tz: 'Asia/Shanghai', log: memoryLogger('error'), config });
    const ms = performance.now() - started;
    console.log(`dues-reminders: ${Math.round(ms)} ms`, r.counts);
    expect(r.status).toBe('ok');
    expect(r.counts).toMatchObject({ branches: BRANCHES, members: BRANCHES * PER_BRANCH, flags: BRANCHES * PER_BRANCH / 10 });
    expect(ms).toBeLessThan(10_000);
  }, 120_000);
});
