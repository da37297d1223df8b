import type { Db } from '../db/client.ts';
import type { Config } from '../src/config.ts';
import type { Logger } from '../src/log.ts';

export interface JobDeps {
  db: Db;
  /** ORG_TIMEZONE: the zone the job's cron expression and all its dates are read in. */
  tz: string;
  log: Logger;
  config: Config;
}

/**
 * A scheduled job. `run` decides what is due at `now` and enqueues messages with dedupe keys, so a
 * run repeated for the same slot (catch-up, `--force`) sends nothing twice.
 */
export interface Job {
  /** Stable, kebab-case; the key of `job_runs` and of `npm run job -- <name>`. */
  name: string;
  /**
   * node-cron syntax without seconds, interpreted in ORG_TIMEZONE. Write weekdays by NAME ('FRI',
   * 'MON-FRI'): Cloudflare numbers them differently (1 = Sunday).
   */
  cron: string;
  /** Chinese, shown to admins in the job list. */
  description: string;
  /** Returns counts worth recording, e.g. `{ reminders: 3 }`. */
  run(now: Date, deps: JobDeps): Promise<Record<string, number>>;
}
