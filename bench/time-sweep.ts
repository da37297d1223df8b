/**
 * Times one scheduled job alone over the full-size synthetic organisation (bench/generate.ts: 10
 * tenants, 1,000 branches, 100,000 members) on Postgres. The database `pba_sweep_timing` is generated
 * once and kept, so repeated runs measure the job only; the outbox is emptied before each run.
 *
 *   DATABASE_URL=postgres://… node --import tsx bench/time-sweep.ts [job] [runs]   (default meeting-deadlines 3)
 *   … --drop   removes the database
 */
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDb } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';
import { jobByName } from '../cron/index.ts';
import { nextSlot } from '../cron/cron-expr.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { zonedInstant } from '../src/domain/calendar.ts';
import { rowsOf } from '../db/rows.ts';
import { databaseUrlFor } from '../test/helpers/pg-names.ts';
import { generate } from './generate.ts';
import { TZ } from './harness.ts';
import { SWEEPS } from './sweeps.ts';

const NAME = 'pba_sweep_timing';
const base = process.env.DATABASE_URL;
if (!base) throw new Error('DATABASE_URL (Postgres) is required');
const args = process.argv.slice(2);
const admin = postgres(base, { max: 1, onnotice: () => {} });
if (args.includes('--drop')) {
  await admin.unsafe(`drop database if exists "${NAME}" with (force)`);
  await admin.end();
  process.exit(0);
}
const exists = (await admin.unsafe(`select 1 from pg_database where datname = '${NAME}'`)).length > 0;
if (!exists) await admin.unsafe(`create database "${NAME}"`);
await admin.end();

const [jobName = 'meeting-deadlines', runs = '3'] = args;
const job = jobByName(jobName);
const spec = SWEEPS.find((s) => s.names.includes(jobName));
if (!job || !spec) throw new Error(`no sweep named ${jobName}`);
const h = await openDb({ databaseUrl: databaseUrlFor(base, NAME), max: 10 });
try {
  if (!exists) {
    await runMigrations(h);
    const g = await generate(h.db, { tenants: 10, branches: 1000, members: 100_000, groupsPerBranch: 3 });
    console.log(`generated in ${(g.ms / 1000).toFixed(1)} s`, g.rows);
  }
  const now = nextSlot(job.cron, zonedInstant(...spec.from, TZ), TZ)!;
  const deps = { db: h.db, tz: TZ, log: createLogger({ level: 'warn' }), config: loadConfig({ ORG_TIMEZONE: TZ, LOG_LEVEL: 'warn' }) };
  for (let i = 0; i < Number(runs); i++) {
    await h.db.execute(sql`truncate outbox restart identity`);
    const t0 = performance.now();
    const counts = await job.run(now, deps);
    const ms = performance.now() - t0;
    const [o] = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from outbox`));
    console.log(`${jobName}: ${ms.toFixed(0)} ms (target ${spec.targetMs} ms), outbox ${o!.n}`, counts);
  }
} finally {
  await h.close();
}
