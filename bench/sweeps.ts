/**
 * 3. Sweeps: the scheduled jobs over the whole synthetic organisation, each looked up by name in
 * cron/index.ts (`jobByName`) and run through `runJob` at its first slot on a day chosen so that it
 * has work everywhere. A job that is not there yet is reported as such, not failed.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { Job } from '../cron/job.ts';
import { nextSlot } from '../cron/cron-expr.ts';
import { runJob } from '../cron/runner.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { zonedInstant } from '../src/domain/calendar.ts';
import { rowsOf } from '../db/rows.ts';
import { TZ, type Bench } from './harness.ts';

export interface SweepSpec {
  label: string;
  /** Names to look up in cron/index.ts, first found wins. */
  names: string[];
  /** Local time (y, m, d, h, min) from which the job's next slot is taken. */
  from: [number, number, number, number, number];
  targetMs: number;
}

export const SWEEPS: SweepSpec[] = [
  { label: 'dues reminders', names: ['dues-reminders'], from: [2026, 11, 5, 0, 0], targetMs: 10_000 },
  { label: 'meeting deadlines', names: ['meeting-deadlines'], from: [2026, 12, 25, 0, 0], targetMs: 2_000 },
  // Posted at each tenant's moment, by default Friday 17:00.
  { label: 'weekly summary', names: ['weekly-summary'], from: [2026, 11, 27, 16, 59], targetMs: 10_000 },
];

export interface SweepFigures {
  label: string;
  job?: string;
  status: 'ok' | 'error' | 'skipped' | 'not available yet';
  ms: number;
  targetMs: number;
  enqueued: number;
  counts?: Record<string, number>;
  error?: string;
}

type Lookup = (name: string) => Job | undefined;

/** `jobByName` from cron/index.ts, or why it cannot be had (a job file being written may not load yet). */
export async function jobLookup(): Promise<Lookup | string> {
  try {
    const mod = await import('../cron/index.ts');
    return (name) => mod.jobByName(name);
  } catch (e) {
    return `cron/index.ts does not load: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export async function sweepBench(b: Bench): Promise<SweepFigures[]> {
  const lookup = await jobLookup();
  const config = loadConfig({ ORG_TIMEZONE: TZ, LOG_LEVEL: 'warn' });
  const log = createLogger({ level: 'warn', sink: (line) => process.stderr.write(`${line}\n`) });
  const out: SweepFigures[] = [];
  for (const spec of SWEEPS) {
    const job = typeof lookup === 'string' ? undefined : spec.names.map(lookup).find(Boolean);
    if (!job) {
      out.push({ label: spec.label, status: 'not available yet', ms: NaN, targetMs: spec.targetMs, enqueued: 0, ...(typeof lookup === 'string' ? { error: lookup } : {}) });
      continue;
    }
    const now = nextSlot(job.cron, zonedInstant(...spec.from, TZ), TZ)!;
    out.push(await b.db.use(async (h) => {
      const before = await outboxCount(h.db);
      const t0 = performance.now();
      const r = await runJob(job, now, { db: h.db, tz: TZ, log, config }, { force: true });
      const ms = performance.now() - t0;
      return {
        label: spec.label, job: job.name, status: r.status, ms, targetMs: spec.targetMs,
        enqueued: (await outboxCount(h.db)) - before, ...(r.counts ? { counts: r.counts } : {}), ...(r.error ? { error: r.error } : {}),
      };
    }));
  }
  return out;
}

async function outboxCount(db: Db): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from outbox`));
  return Number(r?.n ?? 0);
}
