/**
 * Node host: node-cron fires each job at its slots in ORG_TIMEZONE and hands the slot to runJob,
 * whose job_runs guard makes a slot run once however many instances fire it. A process that is
 * down misses its ticks; `catchUp` (called by the host on start) covers those.
 */
import { schedule, type ScheduledTask } from 'node-cron';
import { runJob, type JobRunResult } from './runner.ts';
import type { Job, JobDeps } from './job.ts';

export interface Scheduler {
  /** Stops firing and waits for runs already started. */
  stop(): Promise<void>;
}

export function startScheduler(
  jobs: readonly Job[],
  deps: JobDeps,
  opts: { onRun?: (result: JobRunResult) => void } = {},
): Scheduler {
  const inFlight = new Set<Promise<void>>();
  const fire = (job: Job, slot: Date) => {
    const p = runJob(job, slot, deps)
      .then((r) => opts.onRun?.(r))
      .catch((err: unknown) => deps.log.error('job run could not be recorded', { job: job.name, error: err }))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };
  const tasks: ScheduledTask[] = jobs.map((job) => {
    const task = schedule(job.cron, (ctx) => fire(job, ctx.date), { timezone: deps.tz, name: job.name, noOverlap: true });
    // A tick node-cron skipped because the event loop was blocked is still this slot's run.
    task.on('execution:missed', (ctx) => void fire(job, ctx.date));
    return task;
  });
  deps.log.info('scheduler started', { jobs: jobs.map((j) => `${j.name} (${j.cron})`), tz: deps.tz });
  return {
    async stop() {
      for (const t of tasks) await t.destroy();
      await Promise.all([...inFlight]);
    },
  };
}
