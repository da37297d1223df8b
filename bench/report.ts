/**
 * The report: one table per section with Postgres and PGlite side by side and the target, the machine
 * and the commands. `bench/results.md` keeps its hand-written `## Findings` section across runs.
 */
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { AckFigures } from './ack.ts';
import type { BurstFigures } from './burst.ts';
import type { Generated } from './generate.ts';
import { startScriptFlags, type Settings } from './harness.ts';
import type { SweepFigures } from './sweeps.ts';
import { mib, ms, num, pct, sec } from './stats.ts';

export interface DbFigures {
  kind: 'postgres' | 'pglite';
  label: string;
  generated?: Generated;
  ack?: AckFigures;
  burst?: BurstFigures;
  sweeps?: SweepFigures[];
  starts: { name: string; ms: number }[];
  /** A section that threw: its name and message. */
  errors: string[];
}

export interface RunInfo {
  settings: Settings;
  command: string;
  startedAt: Date;
  finishedAt: Date;
  loadBefore: number[];
  loadAfter: number[];
  dbs: DbFigures[];
  skipped: string[];
}

export const loadNow = () => loadavg().map((l) => Number(l.toFixed(2)));

const ok = (pass: boolean) => (pass ? '✓' : '✗');
type Row = [string, ...string[]];

/** Correctness violations (they fail the run) and missed performance targets (reported). */
export function verdicts(run: RunInfo): { failures: string[]; misses: string[] } {
  const failures: string[] = [];
  const misses: string[] = [];
  for (const d of run.dbs) {
    const at = (s: string) => `${d.kind}: ${s}`;
    failures.push(...d.errors.map(at));
    if (d.ack) {
      const bad = d.ack.app.errors + Object.entries(d.ack.app.statuses).filter(([k]) => k !== '200').reduce((a, [, v]) => a + v, 0);
      if (bad) failures.push(at(`${bad} webhook requests not answered 200 at full load`));
      if (d.ack.app.rps < 0.6 * d.ack.baseline.rps) misses.push(at('webhook throughput below 0.6 × baseline'));
      if (!(d.ack.half.lat.p99 < 50)) misses.push(at('p99 at half load not under 50 ms'));
      if (d.ack.loadedPeakMiB >= 200) misses.push(at('memory under load not under 200 MB'));
    }
    const b = d.burst;
    if (b) {
      if (b.notOk || b.acked !== b.messages) failures.push(at(`${b.notOk} burst messages not acknowledged 200`));
      if (b.processed !== b.messages || b.failed) failures.push(at(`burst: ${b.processed}/${b.messages} processed, ${b.failed} failed`));
      if (b.answered !== b.messages) failures.push(at(`burst: ${b.messages - b.answered} replies lost`));
      if (b.duplicates || b.misdirected) failures.push(at(`burst: ${b.duplicates} duplicated, ${b.misdirected} misdirected replies`));
      if (b.lateAcks) misses.push(at(`${b.lateAcks} burst messages acknowledged after 3 s`));
      if (b.refused || b.retriedRows) misses.push(at(`burst: ${b.refused} sends refused by the platform (429)`));
      if (!(b.drainRate >= 0.95 * b.limitRate)) misses.push(at('reply drain below 95 % of the enforced limit'));
    }
    for (const s of d.sweeps ?? []) {
      if (s.status === 'error') failures.push(at(`${s.label}: ${s.error}`));
      if (s.status === 'ok' && s.ms >= s.targetMs) misses.push(at(`${s.label} took ${sec(s.ms)} (target ${sec(s.targetMs)})`));
    }
  }
  return { failures, misses };
}

function table(head: Row, rows: Row[]): string {
  const line = (r: readonly string[]) => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One row per metric, a column per database, then the target. */
function section(dbs: DbFigures[], metrics: [string, (d: DbFigures) => string | undefined, string][]): string {
  return table(['', ...dbs.map((d) => d.kind === 'postgres' ? 'Postgres' : 'PGlite'), 'target'],
    metrics.map(([label, f, target]) => [label, ...dbs.map((d) => f(d) ?? '—'), target]));
}

const statusLine = (s: Record<string, number>, errors: number) =>
  [...Object.entries(s).map(([k, v]) => `${k}: ${num(v)}`), ...(errors ? [`errors: ${num(errors)}`] : [])].join(', ') || '—';

const cpu = (t: { cpuUsPerRequest?: number }) => (t.cpuUsPerRequest === undefined ? '—' : `${Math.round(t.cpuUsPerRequest)} µs`);

export function renderTables(run: RunInfo): string {
  const d = run.dbs;
  const a = (f: (x: AckFigures) => string) => (x: DbFigures) => (x.ack ? f(x.ack) : undefined);
  const b = (f: (x: BurstFigures) => string) => (x: DbFigures) => (x.burst ? f(x.burst) : undefined);
  const c = run.settings.concurrency;
  const out: string[] = [];
  out.push('### 1. Webhook ack (encrypted, signed `im.message.receive_v1`, one load process)', section(d, [
    [`baseline: bare Hono + one insert, ${c} in flight`, a((x) => `${num(x.baseline.rps)} req/s (p50 ${ms(x.baseline.lat.p50)}, p99 ${ms(x.baseline.lat.p99)})`), ''],
    [`server (src/node.ts), ${c} in flight`, a((x) => `${num(x.app.rps)} req/s (p50 ${ms(x.app.lat.p50)}, p99 ${ms(x.app.lat.p99)})`), ''],
    ['server CPU per request: baseline / server', a((x) => `${cpu(x.baseline)} / ${cpu(x.app)}`), 'diagnostic'],
    ['server ÷ baseline', a((x) => `${(x.app.rps / x.baseline.rps).toFixed(2)} ${ok(x.app.rps >= 0.6 * x.baseline.rps)}`), '≥ 0.60'],
    ['server at half that load (open loop)', a((x) => `${num(x.half.rate)} req/s: p50 ${ms(x.half.lat.p50)}, p99 ${ms(x.half.lat.p99)} ${ok(x.half.lat.p99 < 50)}`), 'p99 < 50 ms'],
    ['answers at full / half load', a((x) => `${statusLine(x.app.statuses, x.app.errors)} / ${statusLine(x.half.statuses, x.half.errors)}`), 'all 200'],
  ]));
  out.push('### 2. Burst', section(d, [
    ['messages', b((x) => `${num(x.messages)} in ${sec(x.overMs)}`), ''],
    ['acknowledged 200', b((x) => `${num(x.acked)} ${ok(x.acked === x.messages)}`), 'all'],
    ['ack latency p50 / p99 / max', b((x) => `${ms(x.ack.p50)} / ${ms(x.ack.p99)} / ${ms(x.ack.max)} ${ok(x.lateAcks === 0)}`), 'every one ≤ 3 s'],
    ['processed (failed)', b((x) => `${num(x.processed)} (${num(x.failed)}) ${ok(x.processed === x.messages && !x.failed)}`), 'all'],
    ['answered once / duplicated / misdirected', b((x) => `${num(x.answered)} / ${num(x.duplicates)} / ${num(x.misdirected)} ${ok(x.answered === x.messages && !x.duplicates && !x.misdirected)}`), 'all / 0 / 0'],
    ['sends refused (429) / rows retried', b((x) => `${num(x.refused)} / ${num(x.retriedRows)} ${ok(!x.refused && !x.retriedRows)}`), '0'],
    ['reply drain rate', b((x) => `${x.drainRate.toFixed(2)} msg/s of ${x.limitRate.toFixed(2)} allowed = ${pct(x.drainRate / x.limitRate)} ${ok(x.drainRate >= 0.95 * x.limitRate)}`), '≥ 95 %'],
    ['first message to last reply', b((x) => `${sec(x.processMs)} (ideal drain ${sec(x.idealSpanMs)})`), ''],
  ]));
  const labels = [...new Set(d.flatMap((x) => (x.sweeps ?? []).map((s) => s.label)))];
  out.push('### 3. Sweeps (decide and enqueue, `runJob`)', section(d, labels.map((label) => {
    const target = d.flatMap((x) => x.sweeps ?? []).find((s) => s.label === label)!.targetMs;
    return [label, (x: DbFigures) => {
      const s = x.sweeps?.find((y) => y.label === label);
      if (!s) return undefined;
      if (s.status !== 'ok') return `${s.status}${s.error && s.status === 'error' ? `: ${s.error}` : ''}`;
      return `${sec(s.ms)}, ${num(s.enqueued)} messages ${ok(s.ms < s.targetMs)} (${s.job}: ${Object.entries(s.counts ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')})`;
    }, `< ${sec(target)}${label === 'dues reminders' ? ' on Postgres' : ''}`] as [string, (x: DbFigures) => string | undefined, string];
  })));
  out.push('### 4. Footprint', section(d, [
    ['server RSS, idle after start', a((x) => `${mib(x.idleMiB)} ${ok(x.idleMiB < 200)}`), '< 200 MB'],
    ['server peak RSS, webhook load', a((x) => `${mib(x.loadedPeakMiB)} ${ok(x.loadedPeakMiB < 200)}`), '< 200 MB'],
    ['server peak RSS, burst', b((x) => `${mib(x.peakMiB)} ${ok(x.peakMiB < 200)}`), '< 200 MB'],
    ['start → /healthz 200', (x) => x.starts.filter((s) => s.name.startsWith('server')).map((s) => sec(s.ms)).join(', ') || undefined, ''],
    ['same server bundled, plain node: start / idle / peak RSS / full load', a((x) => {
      const u = x.bundled;
      if (!u) return '—';
      if ('skipped' in u) return `skipped: ${u.skipped}`;
      return `${sec(u.startMs)} / ${mib(u.idleMiB)} / ${mib(u.peakMiB)} / ${num(u.app.rps)} req/s (p99 ${ms(u.app.lat.p99)})`;
    }), 'diagnostic'],
    ['data set', (x) => x.generated ? `${Object.entries(x.generated.rows).map(([k, v]) => `${k} ${num(v)}`).join(', ')}; built in ${sec(x.generated.ms)}` : undefined, ''],
  ]));
  return out.join('\n\n');
}

export function renderReport(run: RunInfo, findings: string): string {
  const cpu = cpus();
  const { failures, misses } = verdicts(run);
  const s = run.settings;
  return [
    `# Benchmarks${s.quick ? ' (quick)' : ''}`,
    '',
    `Run ${run.startedAt.toISOString()} – ${run.finishedAt.toISOString()} with \`${run.command}\`.`,
    '',
    '## Machine',
    '',
    `- ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`,
    `- load average (1, 5, 15 min) before: ${run.loadBefore.join(', ')}; after: ${run.loadAfter.join(', ')}`,
    ...run.dbs.map((d) => `- ${d.label}`),
    ...run.skipped.map((x) => `- skipped: ${x}`),
    '',
    '## Set-up',
    '',
    `- data: ${num(s.tenants)} tenants, ${num(s.branches)} branches, ${num(s.members)} members (${s.groupsPerBranch} 党小组 a branch), 12 months of dues ledger and 三会一课 records (bench/generate.ts)`,
    `- the server runs as \`npm start\` runs it (\`node ${startScriptFlags().map((f) => `${f} `).join('')}scripts/start.mjs\`: bundled by esbuild, plain node) as a child process, Feishu in webhook mode with an Encrypt Key, its Open API a fake on loopback (test/fakes/feishu-server.ts) enforcing 5/s per receiver, 50/s and 1000/min per app`,
    `- load: a separate Node process (bench/load.ts, node:http keep-alive), every request a distinct \`${'我的信息'}\` message from a bound member (one in ten in a group, @-mentioning the bot); closed loop for throughput (${sec(s.warmupMs)} warm-up, ${sec(s.ackMs)} measured), open loop for latency (right after, with the full-load backlog pending), latency counted from each request's scheduled time`,
    `- burst: ${num(s.burst)} messages evenly over ${sec(s.burstMs)}; sweeps run in the harness process through \`runJob\` with the server stopped`,
    '',
    '## Results',
    '',
    renderTables(run),
    '',
    '## Verdict',
    '',
    ...(failures.length ? failures.map((f) => `- FAILED: ${f}`) : ['- correctness: every check passed']),
    ...(misses.length ? misses.map((m) => `- missed: ${m}`) : ['- every target met']),
    '',
    findings.trim() ? findings.trim() : '## Findings\n\n(none yet)',
    '',
  ].join('\n');
}

/** The `## Findings` section (to the end) of an earlier report, kept by the next run. */
export function findingsOf(previous: string | undefined): string {
  const at = previous?.indexOf('\n## Findings') ?? -1;
  return at >= 0 ? previous!.slice(at + 1) : '';
}
