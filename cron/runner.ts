/**
 * Runs jobs once per schedule slot, across any number of instances: the first to insert the
 * `job_runs` row for (job, slot) runs it, the others see the conflict and skip. node-cron on Node
 * and the Workers `scheduled` handler both come through `runJob`.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { jobRuns } from '../db/schema/index.ts';
import { secretsOf } from '../src/config.ts';
import { errorText } from '../src/log.ts';
import { safeError } from '../src/notify/alert.ts';
import { isTransientDbError } from '../db/errors.ts';
import { nextSlot, previousSlot } from './cron-expr.ts';
import { allJobs, jobByName } from './index.ts';
import type { Job, JobDeps } from './job.ts';

export interface JobRunResult {
  job: string;
  slot: Date;
  /** `skipped`: another run (another instance, an earlier start) already holds this slot. */
  status: 'ok' | 'error' | 'skipped';
  counts?: Record<string, number>;
  error?: string;
}

export interface RunOptions {
  /**
   * Run even though the slot has already run. The run is recorded under the exact instant `now`
   * instead of the slot, so it never collides with (or stands in for) a scheduled run.
   */
  force?: boolean;
  /** When the database goes away mid-run: how long to keep retrying (default 10 min) and how to wait. */
  retry?: { maxWaitMs?: number; sleep?: (ms: number) => Promise<void> };
}

/** Waits between retries of a job that lost the database; the last one repeats. */
const RETRY_WAITS_MS = [1_000, 5_000, 15_000, 30_000, 60_000];
export const JOB_RETRY_MAX_MS = 10 * 60_000;

/** Catch-up never reaches further back than this, whatever the job's period. */
export const MAX_CATCH_UP_MS = 7 * 86_400_000;

/** The slot `now` belongs to: the job's latest scheduled minute at or before `now`. */
export function slotOf(job: Job, now: Date, tz: string): Date {
  return previousSlot(job.cron, now, tz) ?? new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

/** A job name that is in no schedule table. */
export class UnknownJobError extends Error {
  override name = 'UnknownJobError';
}

/** `job` is a Job or the name of one in `cron/index.ts` (what a host that only knows names passes). */
export async function runJob(jobOrName: Job | string, now: Date, deps: JobDeps, opts: RunOptions = {}): Promise<JobRunResult> {
  const job = typeof jobOrName === 'string' ? jobByName(jobOrName) : jobOrName;
  if (!job) throw new UnknownJobError(`no job named "${String(jobOrName)}"; jobs: ${allJobs.map((j) => j.name).join(', ')}`);
  const slot = opts.force ? now : slotOf(job, now, deps.tz);
  const log = deps.log.child({ job: job.name, slot: slot.toISOString() });
  const [claimed] = await deps.db
    .insert(jobRuns)
    .values({ job: job.name, slot, outcome: 'running' })
    .onConflictDoNothing({ target: [jobRuns.job, jobRuns.slot] })
    .returning({ id: jobRuns.id });
  if (!claimed) {
    log.debug('slot already run elsewhere; skipping');
    return { job: job.name, slot, status: 'skipped' };
  }
  const mine = eq(jobRuns.id, claimed.id);
  const sleep = opts.retry?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxWait = opts.retry?.maxWaitMs ?? JOB_RETRY_MAX_MS;
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      const counts = await job.run(now, deps);
      await deps.db.update(jobRuns).set({ outcome: 'ok', counts, finishedAt: sql`now()` }).where(mine);
      log.info('job ran', { counts });
      return { job: job.name, slot, status: 'ok', counts };
    } catch (err) {
      // Jobs enqueue with dedupe keys, so running the rest of a half-done run again sends nothing twice.
      const wait = RETRY_WAITS_MS[Math.min(attempt, RETRY_WAITS_MS.length - 1)]!;
      if (isTransientDbError(err) && waited + wait <= maxWait) {
        log.warn('job lost the database; retrying', { attempt: attempt + 1, waitMs: wait, error: err });
        await sleep(wait);
        waited += wait;
        continue;
      }
      const error = safeError(errorText(err), secretsOf(deps.config));
      if (isTransientDbError(err)) {
        // Still unreachable: free the slot (if the database lets us) so a later catch-up runs it.
        await deps.db.delete(jobRuns).where(mine);
      } else {
        await deps.db.update(jobRuns).set({ outcome: 'error', error, finishedAt: sql`now()` }).where(mine);
      }
      log.error('job failed', { error: err });
      return { job: job.name, slot, status: 'error', error };
    }
  }
}

/**
 * On start: each job's latest slot at or before `now` that has no run yet (and is at most 7 days
 * old) runs once, with `now = slot`, so the job sees the time it should have run at. Older missed
 * slots are not replayed; jobs compute what is due, so the latest run covers them.
 */
export async function catchUp(jobs: readonly Job[], now: Date, deps: JobDeps): Promise<JobRunResult[]> {
  const results: JobRunResult[] = [];
  for (const job of jobs) {
    const slot = previousSlot(job.cron, now, deps.tz);
    if (!slot || now.getTime() - slot.getTime() > MAX_CATCH_UP_MS) continue;
    const [existing] = await deps.db.select({ id: jobRuns.id }).from(jobRuns)
      .where(and(eq(jobRuns.job, job.name), eq(jobRuns.slot, slot))).limit(1);
    if (existing) continue;
    deps.log.info('catching up a missed slot', { job: job.name, slot: slot.toISOString() });
    const r = await runJob(job, slot, deps);
    if (r.status !== 'skipped') results.push(r);
  }
  return results;
}

export interface JobStatus {
  name: string;
  description: string;
  cron: string;
  lastRun?: {
    slot: Date;
    outcome: string;
    counts: Record<string, number> | null;
    error: string | null;
    startedAt: Date;
    finishedAt: Date | null;
  };
  nextSlot?: Date;
}

/** Each job with its latest run and its next slot, for the admins' job list and `npm run job`. */
export async function jobStatus(db: Db, jobs: readonly Job[], now: Date, tz: string): Promise<JobStatus[]> {
  const last = await db
    .selectDistinctOn([jobRuns.job], {
      job: jobRuns.job, slot: jobRuns.slot, outcome: jobRuns.outcome, counts: jobRuns.counts,
      error: jobRuns.error, startedAt: jobRuns.startedAt, finishedAt: jobRuns.finishedAt,
    })
    .from(jobRuns)
    .orderBy(jobRuns.job, desc(jobRuns.startedAt), desc(jobRuns.id));
  const byJob = new Map(last.map((r) => [r.job, r]));
  return jobs.map((job) => {
    const r = byJob.get(job.name);
    return {
      name: job.name,
      description: job.description,
      cron: job.cron,
      lastRun: r && {
        slot: r.slot, outcome: r.outcome, counts: r.counts, error: r.error, startedAt: r.startedAt, finishedAt: r.finishedAt,
      },
      nextSlot: nextSlot(job.cron, now, tz),
    };
  });
}
