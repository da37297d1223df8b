/**
 * The Cron Triggers the Worker needs. Cloudflare reads cron expressions in UTC and numbers weekdays
 * differently from node-cron, so each job's schedule (ORG_TIMEZONE, weekday names) is converted with
 * `toUtcCron`; `scheduled` maps a trigger back to its jobs with `jobsForUtcCron`.
 */
import { toUtcCron } from '../../cron/cron-expr.ts';
import { allJobs } from '../../cron/index.ts';
import type { Job } from '../../cron/job.ts';

/**
 * Every minute: the outbox has no poller on Workers, so retries, messages held for quiet hours and
 * inbox rows left by a cut-short request are picked up by this tick (and by every job's trigger).
 */
export const TICK_CRON = '* * * * *';

/**
 * The `[triggers] crons` list for wrangler.toml: each job's UTC schedule once, sorted (so reordering
 * `allJobs` changes nothing), then the tick.
 */
export function workerCrons(tz: string, jobs: readonly Job[] = allJobs): string[] {
  const crons = new Set(jobs.map((j) => toUtcCron(j.cron, tz)));
  crons.delete(TICK_CRON);
  return [...[...crons].sort(), TICK_CRON];
}
