/**
 * 1. Webhook ack: encrypted, signed message events at full load (closed loop) against the bare
 * baseline and against the real server, then the real server at half its full-load throughput
 * (open loop) for latency. Also yields the idle and loaded memory of the server.
 */
import { startFakeFeishu } from '../test/fakes/feishu-server.ts';
import { bundleServer } from './bundle.ts';
import { runLoad, startApp, startBaseline, type Bench } from './harness.ts';
import type { LoadResult } from './load.ts';
import { waitQuiet } from './processes.ts';
import { latency, type Latency } from './stats.ts';
import { messagePlan } from './traffic.ts';

export interface Throughput {
  rps: number;
  lat: Latency;
  statuses: Record<string, number>;
  errors: number;
  exhausted: boolean;
}

export interface AckFigures {
  concurrency: number;
  baseline: Throughput;
  app: Throughput;
  half: Throughput & { rate: number };
  idleMiB: number;
  /** Peak RSS of the server over the full-load and half-load runs. */
  loadedPeakMiB: number;
  /** The same server bundled and run on plain node (what tsx costs), at full load. */
  bundled?: { startMs: number; idleMiB: number; peakMiB: number; app: Throughput } | { skipped: string };
}

/** Quick runs settle on shorter windows: a tenth of a core over 300 ms is idle enough to go on. */
export const quietWindow = (b: Bench) => (b.settings.quick ? 300 : 1_000);

const throughput = (r: LoadResult): Throughput => ({
  rps: (r.measured * 1000) / r.measuredMs,
  lat: latency(r.latencies),
  statuses: r.statuses,
  errors: r.errors,
  exhausted: r.exhausted,
});

/** Enough distinct messages for a closed loop at up to `ceiling` requests per second. */
const poolSize = (b: Bench, ceiling: number) => Math.ceil(((b.settings.warmupMs + b.settings.ackMs) / 1000) * ceiling);

export async function ackBench(b: Bench): Promise<AckFigures> {
  const s = b.settings;
  const ceiling = s.quick ? 3_000 : 4_000;
  const closed = (url: string, tag: string) => runLoad(b, {
    url: `${url}/feishu/events`, mode: 'closed', concurrency: s.concurrency, warmupMs: s.warmupMs, durationMs: s.ackMs,
    messages: messagePlan(tag, poolSize(b, ceiling), b.senders),
  });

  const baseline = await startBaseline(b, `baseline-${b.db.kind}`);
  let base: LoadResult;
  try {
    base = await closed(baseline.url, `base${b.db.kind}`);
  } finally {
    await baseline.stop();
  }

  const fake = await startFakeFeishu({ rateLimit: { perReceiver: 5, perApp: 50, perAppMinute: 1000 } });
  const app = await startApp(b, `server-${b.db.kind}-1`, fake.baseUrl);
  try {
    await waitQuiet(app, 15_000, quietWindow(b));
    const idleMiB = app.rssMiB();
    const full = await closed(app.url, `full${b.db.kind}`);
    // Half load in a steady state: the backlog of the full-load run is worked off first.
    await waitQuiet(app, s.quick ? 5_000 : 180_000, quietWindow(b));
    const rate = Math.max(1, Math.round(throughput(full).rps / 2));
    const half = await runLoad(b, {
      url: `${app.url}/feishu/events`, mode: 'rate', rate, warmupMs: s.warmupMs, durationMs: s.ackMs,
      messages: messagePlan(`half${b.db.kind}`, Math.ceil(((s.warmupMs + s.ackMs) / 1000) * rate) + 1, b.senders),
    });
    const loadedPeakMiB = app.peakMiB();
    await app.stop();
    return {
      concurrency: s.concurrency, baseline: throughput(base), app: throughput(full), half: { ...throughput(half), rate }, idleMiB, loadedPeakMiB,
      ...(s.bundled ? { bundled: await bundledRun(b, fake.baseUrl, closed) } : {}),
    };
  } finally {
    await app.stop();
    await fake.close();
  }
}

async function bundledRun(b: Bench, fakeUrl: string, closed: (url: string, tag: string) => Promise<LoadResult>): Promise<AckFigures['bundled']> {
  const bundle = await bundleServer();
  if ('skipped' in bundle) return bundle;
  const app = await startApp(b, `bundled-${b.db.kind}`, fakeUrl, bundle.path);
  try {
    await waitQuiet(app, 15_000, quietWindow(b));
    const idleMiB = app.rssMiB();
    const full = await closed(app.url, `bundled${b.db.kind}`);
    return { startMs: app.startMs, idleMiB, peakMiB: app.peakMiB(), app: throughput(full) };
  } finally {
    await app.stop();
  }
}
