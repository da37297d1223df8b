/** The schedule table. Each job lives in its own file; append new jobs to `allJobs`. */
import { toUtcCron } from './cron-expr.ts';
import { inboxCleanup } from './inbox-cleanup.ts';
import type { Job } from './job.ts';

export const allJobs: Job[] = [
  inboxCleanup,
];

export function jobByName(name: string, jobs: readonly Job[] = allJobs): Job | undefined {
  return jobs.find((j) => j.name === name);
}

/** Workers: the jobs a Cron Trigger (written in UTC, as `toUtcCron` gives it) stands for. */
export function jobsForUtcCron(utcCron: string, tz: string, jobs: readonly Job[] = allJobs): Job[] {
  return jobs.filter((j) => toUtcCron(j.cron, tz) === utcCron.trim());
}
