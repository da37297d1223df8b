import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, onPostgres } from '../helpers/db.ts';
import type { DbHandle } from '../../db/client.ts';
import { inbox, jobRuns, outbox } from '../../db/schema/index.ts';
import { loadConfig } from '../../src/config.ts';
import { memoryLogger } from '../../src/log.ts';
import { catchUp, jobStatus, runJob, UnknownJobError } from '../../cron/runner.ts';
import type { Job, JobDeps } from '../../cron/job.ts';
import { allJobs, jobByName } from '../../cron/index.ts';
import { parseCron } from '../../cron/cron-expr.ts';
import { at, secondInstance, TZ } from '../notify/fixtures.ts';

const SECRET = 'feishu-app-secret-value';
const config = loadConfig({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: SECRET, FEISHU_VERIFICATION_TOKEN: 'vtoken-value' });

/** A job that counts its runs, remembers the `now` it was given, and takes a while. */
function countingJob(name: string, cron: string, delayMs = 0) {
  const seen: Date[] = [];
  const job: Job = {
    name, cron, description: '测试任务',
    async run(now) {
      seen.push(now);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return { runs: seen.length };
    },
  };
  return { job, seen };
}

describe(`job runner (${onPostgres ? 'Postgres, two pools' : 'PGlite'})`, () => {
  let h: DbHandle & { url?: string };
  let h2: DbHandle;
  let deps: JobDeps;
  let deps2: JobDeps;
  beforeAll(async () => {
    h = await createTestDb();
    h2 = await secondInstance(h);
    deps = { db: h.db, tz: TZ, log: memoryLogger(), config };
    deps2 = { db: h2.db, tz: TZ, log: memoryLogger(), config };
  });
  afterAll(async () => {
    await h2.close();
    await h.close();
  });
  beforeEach(async () => {
    await h.db.delete(jobRuns);
  });

  it('records a run: slot, start, end, outcome, counts', async () => {
    const { job } = countingJob('daily', '0 9 * * *');
    const r = await runJob(job, at('2026-12-01T09:00:02'), deps);
    expect(r).toEqual({ job: 'daily', slot: at('2026-12-01T09:00'), status: 'ok', counts: { runs: 1 } });
    const [row] = await h.db.select().from(jobRuns);
    expect(row).toMatchObject({ job: 'daily', slot: at('2026-12-01T09:00'), outcome: 'ok', counts: { runs: 1 }, error: null });
    expect(row!.finishedAt!.getTime()).toBeGreaterThanOrEqual(row!.startedAt.getTime());
  });

  it('runs a job of the schedule table by name, as a host that only knows names calls it', async () => {
    const r = await runJob('inbox-cleanup', at('2026-12-01T03:30:05'), deps);
    expect(r).toMatchObject({ job: 'inbox-cleanup', slot: at('2026-12-01T03:30'), status: 'ok' });
    expect(await h.db.select().from(jobRuns)).toMatchObject([{ job: 'inbox-cleanup', outcome: 'ok' }]);
    await expect(runJob('no-such-job', at('2026-12-01T03:30'), deps)).rejects.toBeInstanceOf(UnknownJobError);
  });

  it('two instances firing the same slot run it once', async () => {
    const { job, seen } = countingJob('weekly', '0 17 * * FRI', 100);
    const results = await Promise.all([
      runJob(job, at('2026-12-04T17:00'), deps),
      runJob(job, at('2026-12-04T17:00:01'), deps2),
      runJob(job, at('2026-12-04T17:00'), deps2),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['ok', 'skipped', 'skipped']);
    expect(seen).toHaveLength(1);
    expect(await h.db.select().from(jobRuns)).toHaveLength(1);
  });

  it('records a failure without leaking secrets, and the slot stays taken', async () => {
    const job: Job = {
      name: 'broken', cron: '0 9 * * *', description: '会失败',
      async run() { throw new Error(`token request failed with app_secret=${SECRET}`); },
    };
    const r = await runJob(job, at('2026-12-01T09:00'), deps);
    expect(r.status).toBe('error');
    const [row] = await h.db.select().from(jobRuns).where(eq(jobRuns.job, 'broken'));
    expect(row!.outcome).toBe('error');
    expect(row!.error).toContain('token request failed');
    expect(row!.error).not.toContain(SECRET);
    expect((await runJob(job, at('2026-12-01T09:00'), deps)).status).toBe('skipped');
  });

  it('--force runs an already-run slot again, recorded at the exact instant', async () => {
    const { job, seen } = countingJob('daily', '0 9 * * *');
    await runJob(job, at('2026-12-01T09:00'), deps);
    expect((await runJob(job, at('2026-12-01T10:30'), deps)).status).toBe('skipped');
    const forced = await runJob(job, at('2026-12-01T10:30'), deps, { force: true });
    expect(forced).toMatchObject({ status: 'ok', slot: at('2026-12-01T10:30') });
    expect(seen).toHaveLength(2);
  });

  it('catches up a slot missed while down, once, with now = the slot; a second start does nothing', async () => {
    const { job, seen } = countingJob('daily', '0 9 * * *');
    const { job: monthly, seen: monthlySeen } = countingJob('monthly', '0 9 1 * *');
    await runJob(job, at('2026-12-01T09:00'), deps);
    await runJob(monthly, at('2026-12-01T09:00'), deps);
    // Down from 2 Dec 08:00 to 4 Dec 12:00: slots on the 2nd, 3rd and 4th were missed.
    const first = await catchUp([job, monthly], at('2026-12-04T12:00'), deps);
    expect(first.map((r) => [r.job, r.slot])).toEqual([['daily', at('2026-12-04T09:00')]]);
    expect(seen).toEqual([at('2026-12-01T09:00'), at('2026-12-04T09:00')]);
    expect(await catchUp([job, monthly], at('2026-12-04T12:05'), deps)).toEqual([]);
    expect(seen).toHaveLength(2);
    expect(monthlySeen).toHaveLength(1);
  });

  it('catch-up looks back at most 7 days, and two instances starting together run it once', async () => {
    const { job: monthly, seen } = countingJob('monthly', '0 9 1 * *', 50);
    expect(await catchUp([monthly], at('2026-12-09T12:00'), deps)).toEqual([]);
    const both = await Promise.all([catchUp([monthly], at('2026-12-07T12:00'), deps), catchUp([monthly], at('2026-12-07T12:00'), deps2)]);
    expect(both.flat()).toHaveLength(1);
    expect(seen).toEqual([at('2026-12-01T09:00')]);
  });

  it('jobStatus gives each job its last run and next slot', async () => {
    const { job: a } = countingJob('a-job', '0 9 * * *');
    const { job: b } = countingJob('b-job', '0 17 * * FRI');
    await runJob(a, at('2026-11-30T09:00'), deps);
    await runJob(a, at('2026-12-01T09:00'), deps);
    const status = await jobStatus(h.db, [a, b], at('2026-12-01T12:00'), TZ);
    expect(status).toEqual([
      expect.objectContaining({
        name: 'a-job', description: '测试任务', cron: '0 9 * * *', nextSlot: at('2026-12-02T09:00'),
        lastRun: expect.objectContaining({ slot: at('2026-12-01T09:00'), outcome: 'ok', counts: { runs: 2 } }),
      }),
      expect.objectContaining({ name: 'b-job', lastRun: undefined, nextSlot: at('2026-12-04T17:00') }),
    ]);
  });

  it('every registered job has a unique name, a readable cron expression and a Chinese description', () => {
    const names = allJobs.map((j) => j.name);
    expect(new Set(names).size).toBe(names.length);
    for (const j of allJobs) {
      expect(() => parseCron(j.cron)).not.toThrow();
      expect(j.description).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(jobByName('inbox-cleanup')).toBeDefined();
    expect(jobByName('nope')).toBeUndefined();
  });

  it('inbox-cleanup deletes processed inbox rows older than 8 days and sent outbox rows older than 30', async () => {
    const now = at('2026-12-20T03:30');
    const day = 86_400_000;
    const ago = (d: number) => new Date(now.getTime() - d * day);
    await h.db.insert(inbox).values([
      { dedupeKey: 'in:old-done', platform: 'feishu', status: 'done', receivedAt: ago(9), processedAt: ago(9) },
      { dedupeKey: 'in:old-failed', platform: 'feishu', status: 'failed', receivedAt: ago(10), processedAt: ago(10) },
      { dedupeKey: 'in:recent-done', platform: 'feishu', status: 'done', receivedAt: ago(7), processedAt: ago(7) },
      { dedupeKey: 'in:old-unprocessed', platform: 'feishu', status: 'received', receivedAt: ago(20), message: { text: 'x' } },
    ]);
    const base = { platform: 'feishu', recipient: { platform: 'feishu' as const, kind: 'user' as const, id: 'u', tenantKey: 't' }, reply: { kind: 'text' as const, text: 'x' } };
    await h.db.insert(outbox).values([
      { ...base, dedupeKey: 'out:old-sent', status: 'sent', sentAt: ago(31) },
      { ...base, dedupeKey: 'out:recent-sent', status: 'sent', sentAt: ago(29) },
      { ...base, dedupeKey: 'out:old-failed', status: 'failed', notBefore: ago(60) },
    ]);
    const r = await runJob(jobByName('inbox-cleanup')!, now, deps);
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ status: 'ok', counts: { inboxDeleted: 2, outboxDeleted: 1 } });
    expect((await h.db.select({ k: inbox.dedupeKey }).from(inbox)).map((x) => x.k).sort()).toEqual(['in:old-unprocessed', 'in:recent-done']);
    expect((await h.db.select({ k: outbox.dedupeKey }).from(outbox)).map((x) => x.k).sort()).toEqual(['out:old-failed', 'out:recent-sent']);
  });
});
