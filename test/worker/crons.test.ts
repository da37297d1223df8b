// wrangler.toml's Cron Triggers must be exactly what the job table needs, in UTC; `scheduled` maps each back.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allJobs, jobsForUtcCron } from '../../cron/index.ts';
import { cronsIn, timezoneOf, withCrons, WRANGLER_TOML } from '../../scripts/worker-crons.ts';
import { TICK_CRON, workerCrons } from '../../src/workers/crons.ts';

const toml = readFileSync(WRANGLER_TOML, 'utf8');
const tz = timezoneOf(toml);

describe('Workers cron triggers', () => {
  it('wrangler.toml lists the crons cron/index.ts needs (else run `npm run worker:crons`)', () => {
    expect(cronsIn(toml), 'wrangler.toml is out of date: run `npm run worker:crons`').toEqual(workerCrons(tz));
  });

  it('every job is reached by exactly one trigger, and every trigger runs a job or is the tick', () => {
    const crons = cronsIn(toml);
    const reached = crons.flatMap((c) => jobsForUtcCron(c, tz).map((j) => j.name));
    expect([...reached].sort()).toEqual(allJobs.map((j) => j.name).sort());
    for (const c of crons) if (c !== TICK_CRON) expect(jobsForUtcCron(c, tz).length).toBeGreaterThan(0);
    expect(crons).toContain(TICK_CRON);
  });

  it('converts Beijing time to UTC with weekday names (Cloudflare numbers Sunday 1)', () => {
    const job = (cron: string) => ({ name: cron, cron, description: '', run: async () => ({}) });
    expect(workerCrons('Asia/Shanghai', [job('0 17 * * FRI'), job('30 3 * * *'), job('0 9 1 * *'), job('30 7 * * MON-FRI')]))
      .toEqual(['0 1 1 * *', '0 9 * * FRI', '30 19 * * *', '30 23 * * SUN-THU', TICK_CRON]);
  });

  it('rewrites only the crons line', () => {
    const rewritten = withCrons(toml, ['0 1 * * *', TICK_CRON]);
    expect(cronsIn(rewritten)).toEqual(['0 1 * * *', TICK_CRON]);
    expect(rewritten.replace(/crons = \[[^\]]*\]/, '')).toBe(toml.replace(/crons = \[[^\]]*\]/, ''));
  });
});
