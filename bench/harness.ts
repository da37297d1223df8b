/**
 * What the sections share: the database under test, the real server (`src/node.ts`) and the baseline
 * as child processes, the Feishu secrets, and the load process.
 */
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { jobRuns } from '../db/schema/index.ts';
import type { BenchDb } from './databases.ts';
import { rowsOf } from '../db/rows.ts';
import { chatIdOf, openIdOf, tenantKey } from './generate.ts';
import type { LoadJob, LoadResult } from './load.ts';
import { startServer, type ServerProcess } from './processes.ts';
import type { FeishuSecrets } from './traffic.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET } from '../test/fakes/feishu-server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
export const TZ = 'Asia/Shanghai';

export interface Settings {
  quick: boolean;
  tenants: number;
  branches: number;
  members: number;
  groupsPerBranch: number;
  /** Closed-loop requests in flight for the throughput runs. */
  concurrency: number;
  warmupMs: number;
  ackMs: number;
  burst: number;
  burstMs: number;
  /** Distinct senders the load is spread over. */
  senders: number;
  /** Also measure the server bundled on plain node (what the tsx loader costs). */
  bundled: boolean;
}

export interface Bench {
  settings: Settings;
  db: BenchDb;
  logDir: string;
  secrets: FeishuSecrets;
  senders: { openId: string; chatId: string }[];
  /** Started servers, for the footprint table. */
  starts: { name: string; ms: number }[];
}

export const SECRETS: FeishuSecrets = {
  encryptKey: 'bench-encrypt-key-0123456789abcdef',
  verificationToken: 'bench-verification-token',
  tenantKey: tenantKey(1),
};

/** Members of the first tenant to send as, each with their branch's group chat. */
export async function loadSenders(db: BenchDb, n: number): Promise<{ openId: string; chatId: string }[]> {
  const rows = await db.use(async (h) => rowsOf<{ id: number; branch_id: number }>(await h.db.execute(sql`
    select m.id, m.branch_id from members m join tenants t on t.id = m.tenant_id
    where t.external_key = ${SECRETS.tenantKey} and m.active order by m.id limit ${n}`)));
  return rows.map((r) => ({ openId: openIdOf(Number(r.id)), chatId: chatIdOf(Number(r.branch_id)) }));
}

/**
 * Marks every job's latest slot as run, so the server's start-up catch-up does not sweep the synthetic
 * organisations in the middle of a measurement (the sweeps are measured on their own).
 */
export async function markJobsRun(db: BenchDb, jobs: readonly { name: string; cron: string }[], previousSlot: (cron: string, now: Date, tz: string) => Date | undefined): Promise<void> {
  const now = new Date(Date.now() + 5 * 60_000);
  const rows = jobs.flatMap((j) => {
    const slot = previousSlot(j.cron, now, TZ);
    return slot ? [{ job: j.name, slot, outcome: 'ok', finishedAt: new Date() }] : [];
  });
  if (rows.length) await db.use((h) => h.db.insert(jobRuns).values(rows).onConflictDoNothing());
}

/** The node flags of package.json's `start` script (`node <flags> scripts/start.mjs`). */
export function startScriptFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return start.split(/\s+/).filter((a) => a.startsWith('--'));
}

/** The real server as `npm start` runs it (scripts/start.mjs: bundled, plain node, its flags), or a given bundle. */
export async function startApp(b: Bench, name: string, feishuBaseUrl: string, bundle?: string): Promise<ServerProcess> {
  await b.db.release();
  const p = await startServer({
    name,
    // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there as it exits (none if it is killed).
    // BENCH_NODE_FLAGS: extra node flags for the server (e.g. heap sizes), to try a setting out.
    args: [
      ...startScriptFlags(),
      ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${name}.cpuprofile`] : []),
      bundle ?? join(root, 'scripts/start.mjs'),
    ],
    logPath: join(b.logDir, `${name}.log`),
    env: {
      ...b.db.env,
      LOG_LEVEL: 'info',
      ORG_TIMEZONE: TZ,
      FEISHU_APP_ID: FAKE_APP_ID,
      FEISHU_APP_SECRET: FAKE_APP_SECRET,
      FEISHU_VERIFICATION_TOKEN: SECRETS.verificationToken,
      FEISHU_ENCRYPT_KEY: SECRETS.encryptKey,
      FEISHU_BASE_URL: feishuBaseUrl,
    },
  });
  b.starts.push({ name, ms: p.startMs });
  return p;
}

export async function startBaseline(b: Bench, name: string): Promise<ServerProcess> {
  await b.db.release();
  const p = await startServer({ name, args: ['--import', 'tsx', join(root, 'bench/baseline-server.ts')], logPath: join(b.logDir, `${name}.log`), env: { ...b.db.env } });
  b.starts.push({ name, ms: p.startMs });
  return p;
}

let jobs = 0;

/** Runs one load job in its own process and returns what it measured. */
export function runLoad(b: Bench, job: Omit<LoadJob, 'secrets'>): Promise<LoadResult> {
  const path = join(b.logDir, `load-${++jobs}.json`);
  writeFileSync(path, JSON.stringify({ ...job, secrets: SECRETS }));
  return new Promise((resolve, reject) => {
    const child = fork(join(root, 'bench/load.ts'), [path], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    let result: LoadResult | undefined;
    child.on('message', (m) => {
      result = m as LoadResult;
    });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`load process exited with ${code} and no result`))));
  });
}
