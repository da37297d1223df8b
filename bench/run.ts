// npm run bench            full sizes on Postgres (DATABASE_URL) and PGlite; writes bench/results.md
// npm run bench:quick      the same harness at small sizes on one database (under a minute); writes to the temp dir
// Options: --only postgres|pglite, --out <file>, --bundled (also time the server bundled on plain node), and sizes: --tenants --branches --members --burst
//          --burst-seconds --seconds (measured seconds of each webhook run) --concurrency --senders
// BENCH_CPU_PROF=<dir>: every server under test writes a V8 CPU profile there (logs are kept too).
// BENCH_NODE_FLAGS="<flags>": extra node flags for every server under test (to try heap settings).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ackBench } from './ack.ts';
import { burstBench } from './burst.ts';
import { createBenchDb, type DbKind } from './databases.ts';
import { generate } from './generate.ts';
import { loadSenders, markJobsRun, SECRETS, type Bench, type Settings } from './harness.ts';
import { findingsOf, loadNow, renderReport, renderTables, verdicts, type DbFigures, type RunInfo } from './report.ts';
import { sweepBench } from './sweeps.ts';

const FULL: Settings = {
  quick: false, tenants: 10, branches: 1000, members: 100_000, groupsPerBranch: 3,
  concurrency: 32, warmupMs: 2_000, ackMs: 10_000, burst: 10_000, burstMs: 10_000, senders: 2_000, bundled: false,
};
const QUICK: Settings = {
  quick: true, tenants: 2, branches: 20, members: 1_000, groupsPerBranch: 3,
  concurrency: 16, warmupMs: 300, ackMs: 1_500, burst: 200, burstMs: 2_000, senders: 200, bundled: false,
};

const FLAGS: Record<string, keyof Settings> = {
  '--tenants': 'tenants', '--branches': 'branches', '--members': 'members', '--burst': 'burst', '--concurrency': 'concurrency', '--senders': 'senders',
};

function parseArgs(argv: string[]) {
  const quick = argv.includes('--quick');
  const settings: Settings = { ...(quick ? QUICK : FULL) };
  let only: DbKind | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') continue;
    else if (a === '--bundled') settings.bundled = true;
    else if (a === '--only') {
      const v = value();
      if (v !== 'postgres' && v !== 'pglite') throw new Error('--only takes postgres or pglite');
      only = v;
    } else if (a === '--out') out = value();
    else if (a === '--seconds') settings.ackMs = Number(value()) * 1000;
    else if (a === '--burst-seconds') settings.burstMs = Number(value()) * 1000;
    else if (FLAGS[a]) (settings as unknown as Record<string, number>)[FLAGS[a]] = Number(value());
    else throw new Error(`unknown option ${a}`);
  }
  for (const [k, v] of Object.entries(settings)) if (typeof v === 'number' && !(v > 0)) throw new Error(`${k} must be positive`);
  return { settings, only, out };
}

async function benchOne(kind: DbKind, settings: Settings, logDir: string): Promise<DbFigures> {
  const db = await createBenchDb(kind, process.env.DATABASE_URL);
  const figures: DbFigures = { kind, label: db.label, starts: [], errors: [] };
  const b: Bench = { settings, db, logDir, secrets: SECRETS, senders: [], starts: figures.starts };
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    const t0 = performance.now();
    console.error(`[bench] ${kind}: ${name} …`);
    try {
      return await fn();
    } catch (e) {
      figures.errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      console.error(`[bench] ${kind}: ${name} failed`, e);
      return undefined;
    } finally {
      console.error(`[bench] ${kind}: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
  try {
    figures.generated = await step('generate', () => db.use((h) => generate(h.db, settings)));
    if (!figures.generated) return figures;
    b.senders = await loadSenders(db, settings.senders);
    const marked = await step('mark job slots', async () => {
      const [{ allJobs }, { previousSlot }] = await Promise.all([import('../cron/index.ts'), import('../cron/cron-expr.ts')]);
      await markJobsRun(db, allJobs, previousSlot);
      return true;
    });
    if (marked) {
      figures.ack = await step('webhook ack', () => ackBench(b));
      figures.burst = await step('burst', () => burstBench(b));
    }
    figures.sweeps = await step('sweeps', () => sweepBench(b));
  } finally {
    await db.drop();
  }
  return figures;
}

async function main(): Promise<number> {
  const { settings, only, out } = parseArgs(process.argv.slice(2));
  const logDir = mkdtempSync(join(tmpdir(), 'pba-bench-logs-'));
  const startedAt = new Date();
  const loadBefore = loadNow();
  const kinds: DbKind[] = [];
  const skipped: string[] = [];
  if (only !== 'pglite') {
    if (process.env.DATABASE_URL) kinds.push('postgres');
    else skipped.push('Postgres (DATABASE_URL is not set)');
  }
  // A quick run takes one database (Postgres when there is one) to stay under a minute; --only picks.
  if (only !== 'postgres' && !(settings.quick && !only && kinds.length)) kinds.push('pglite');
  else if (only !== 'postgres') skipped.push('PGlite (a quick run takes one database; `--only pglite` for PGlite)');
  const target = out ?? (settings.quick ? join(tmpdir(), 'pba-bench-quick.md') : fileURLToPath(new URL('./results.md', import.meta.url)));
  const findings = findingsOf(existsSync(target) ? readFileSync(target, 'utf8') : undefined);
  const command = `npm run ${settings.quick ? 'bench:quick' : 'bench'}${process.argv.slice(2).filter((a) => a !== '--quick').map((a) => ` ${a}`).join('')}`;
  const dbs: DbFigures[] = [];
  const report = (): RunInfo => ({ settings, command, startedAt, finishedAt: new Date(), loadBefore, loadAfter: loadNow(), dbs, skipped });
  for (const kind of kinds) {
    dbs.push(await benchOne(kind, settings, logDir));
    // Written after each database, so a long run cut short still leaves what it measured.
    writeFileSync(target, renderReport(report(), findings));
  }
  const run = report();
  console.log(renderTables(run));
  const { failures, misses } = verdicts(run);
  for (const m of misses) console.log(`missed: ${m}`);
  for (const f of failures) console.log(`FAILED: ${f}`);
  console.log(`\nreport: ${target}${failures.length ? `; server and load logs kept in ${logDir}` : ''}`);
  if (!failures.length && !process.env.BENCH_CPU_PROF) rmSync(logDir, { recursive: true, force: true });
  return failures.length ? 1 : 0;
}

process.exit(await main());
