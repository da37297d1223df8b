// npm run job -- <name> [--now 2026-12-01T09:00+08:00] [--force]   run one job by hand
// npm run job -- --list                                            every job with its last and next run
//
// A run takes the job's slot for `now` (its latest scheduled minute at or before `now`), exactly like
// a scheduled run: if that slot already ran (here, on the service, or on another instance) nothing
// happens. `--force` runs anyway, recorded under the exact `now`; messages still dedupe by key.
// A `--now` in the future is always run like `--force`, so trying out next week's run does not
// take the real slot away from the scheduler.
import { gt, asc, max } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { openDb } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';
import { outbox } from '../db/schema/index.ts';
import { localDate, localParts, zonedInstant } from '../src/domain/calendar.ts';
import { allJobs, jobByName } from '../cron/index.ts';
import { jobStatus, runJob } from '../cron/runner.ts';

const USAGE = 'usage: npm run job -- <name> [--now 2026-12-01T09:00+08:00] [--force]\n       npm run job -- --list';

function parseArgs(argv: string[]) {
  const out: { name?: string; now?: string; force: boolean; list: boolean } = { force: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--now') out.now = argv[++i];
    else if (a.startsWith('--now=')) out.now = a.slice(6);
    else if (a === '--force') out.force = true;
    else if (a === '--list') out.list = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (!out.name) out.name = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  return out;
}

/** ISO with an offset, or a local `YYYY-MM-DD[THH:MM]` read in ORG_TIMEZONE. */
function parseNow(text: string, tz: string): Date {
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text);
  const d = local
    ? zonedInstant(Number(local[1]), Number(local[2]), Number(local[3]), Number(local[4] ?? 0), Number(local[5] ?? 0), tz)
    : new Date(text);
  if (Number.isNaN(d.getTime())) throw new Error(`--now: cannot read "${text}"; write e.g. 2026-12-01T09:00+08:00`);
  return d;
}

const fmt = (d: Date | undefined, tz: string) => {
  if (!d) return '—';
  const p = localParts(d, tz);
  return `${localDate(d, tz)} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
};

function preview(reply: typeof outbox.$inferSelect['reply']): string {
  const text = reply.kind === 'text' ? reply.text : reply.kind === 'file' ? `【文件】${reply.fileName}` : `【${reply.title}】${reply.text ?? ''}`;
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 60 ? flat.slice(0, 59) + '…' : flat;
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const tz = config.timezone;
  const now = args.now ? parseNow(args.now, tz) : new Date();
  const job = args.name ? jobByName(args.name) : undefined;
  if (!args.list && !job) {
    console.error(`${args.name ? `no job named "${args.name}"` : 'which job?'}; jobs: ${allJobs.map((j) => j.name).join(', ')}\n${USAGE}`);
    return 2;
  }
  const log = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, sink: (l) => process.stderr.write(l + '\n') });
  const handle = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, max: 2 });
  try {
    await runMigrations(handle);
    const db = handle.db;
    if (args.list || !job) {
      for (const s of await jobStatus(db, allJobs, now, tz)) {
        const last = s.lastRun ? `${fmt(s.lastRun.slot, tz)} ${s.lastRun.outcome} ${JSON.stringify(s.lastRun.counts ?? {})}` : 'never';
        console.log(`${s.name}  [${s.cron}]  ${s.description}\n  last: ${last}\n  next: ${fmt(s.nextSlot, tz)}`);
      }
      return 0;
    }
    const [before] = await db.select({ id: max(outbox.id) }).from(outbox);
    const future = now.getTime() > Date.now() + 60_000;
    if (future && !args.force) console.log('--now is in the future: running without taking the scheduled slot (as --force).');
    const result = await runJob(job, now, { db, tz, log, config }, { force: args.force || future });
    console.log(`job ${job.name}, slot ${fmt(result.slot, tz)} (${tz}): ${result.status}`);
    if (result.status === 'skipped') {
      console.log('this slot has already run; nothing done. Use --force to run it again (messages still dedupe by key).');
      return 0;
    }
    if (result.error) console.log(`error: ${result.error}`);
    if (result.counts) console.log(`counts: ${Object.entries(result.counts).map(([k, v]) => `${k}=${v}`).join(' ') || '(none)'}`);
    const rows = await db.select().from(outbox).where(gt(outbox.id, before?.id ?? 0)).orderBy(asc(outbox.id));
    console.log(`enqueued ${rows.length} message(s)${rows.length ? ':' : ''}`);
    for (const r of rows) {
      console.log(`  #${r.id} ${r.kind} → ${r.platform} ${r.recipient.kind} ${r.recipient.id}  at ${fmt(r.notBefore, tz)}  ${r.dedupeKey}\n      ${preview(r.reply)}`);
    }
    return result.status === 'error' ? 1 : 0;
  } finally {
    await handle.close();
  }
}

process.exitCode = await main();
