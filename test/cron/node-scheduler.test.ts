import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDb } from '../helpers/db.ts';
import type { DbHandle } from '../../db/client.ts';
import { jobRuns } from '../../db/schema/index.ts';
import { loadConfig } from '../../src/config.ts';
import { memoryLogger } from '../../src/log.ts';
import { startScheduler } from '../../cron/node-scheduler.ts';
import type { Job } from '../../cron/job.ts';
import type { JobRunResult } from '../../cron/runner.ts';
import { at, TZ } from '../notify/fixtures.ts';

describe('node-cron scheduler', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createTestDb();
  });
  afterAll(() => h.close());

  it('fires a job at its slot in ORG_TIMEZONE through runJob, and two schedulers run the slot once', async () => {
    const seen: Date[] = [];
    const job: Job = {
      name: 'morning', cron: '0 9 * * TUE', description: '测试',
      async run(now) { seen.push(now); return { n: 1 }; },
    };
    const deps = { db: h.db, tz: TZ, log: memoryLogger(), config: loadConfig({}) };
    const results: JobRunResult[] = [];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      vi.setSystemTime(at('2026-12-01T08:59:58')); // a Tuesday
      const a = startScheduler([job], deps, { onRun: (r) => results.push(r) });
      const b = startScheduler([job], deps, { onRun: (r) => results.push(r) });
      await vi.advanceTimersByTimeAsync(3_000);
      vi.useRealTimers();
      await expect.poll(() => results.length, { timeout: 10_000 }).toBe(2);
      await Promise.all([a.stop(), b.stop()]);
    } finally {
      vi.useRealTimers();
    }
    expect(results.map((r) => r.status).sort()).toEqual(['ok', 'skipped']);
    expect(seen).toEqual([at('2026-12-01T09:00')]);
    const rows = await h.db.select().from(jobRuns);
    expect(rows).toEqual([expect.objectContaining({ job: 'morning', slot: at('2026-12-01T09:00'), outcome: 'ok' })]);
  });
});
