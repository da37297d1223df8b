/**
 * 1. Webhook ack: encrypted, signed message events at full load (closed loop) against the bare
 * baseline and against the real server, then the real server at half its full-load throughput
 * (open loop, with the full-load backlog pending) for latency. Also yields the idle and loaded memory of the server.
 */
import { startFakeFeishu } from '../test/fakes/feishu-server.ts';
import { bundleServer } from './bundle.ts';
import { runLoad, startApp, startBaseline, type Bench } from './harness.ts';
import type { LoadResult } from './load.ts';
import { waitQuiet, type ServerProcess } from './processes.ts';
import { latency, type Latency } from './stats.ts';
import { messagePlan } from './traffic.ts';

export interface Throughput {
  rps: number;
  lat: Latency;
  statuses: Record<string, number>;
  errors: number;
  exhausted: boolean;
  /** CPU time the server process spent per answered request (warm-up included): robust to a busy machine. */
  cpuUsPerRequest?: number;
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

const throughput = (r: LoadResult, cpuMs?: number): Throughput => ({
  rps: (r.measured * 1000) / r.measuredMs,
  lat: latency(r.latencies),
  statuses: r.statuses,
  errors: r.errors,
  exhausted: r.exhausted,
  ...(cpuMs === undefined ? {} : { cpuUsPerRequest: (cpuMs * 1000) / Math.max(1, Object.values(r.statuses).reduce((a, n) => a + n, 0)) }),
});

/** Enough distinct messages for a closed loop at up to `ceiling` requests per second. */
const poolSize = (b: Bench, ceiling: number) => Math.ceil(((b.settings.warmupMs + b.settings.ackMs) / 1000) * ceiling);

export async function ackBench(b: Bench): Promise<AckFigures> {
  const s = b.settings;
  const ceiling = s.quick ? 3_000 : 4_000;
  const closed = async (server: ServerProcess, tag: string) => {
    const cpuBefore = server.cpuMs();
    const result = await runLoad(b, {
      url: `${server.url}/feishu/events`, mode: 'closed', concurrency: s.concurrency, warmupMs: s.warmupMs, durationMs: s.ackMs,
      messages: messagePlan(tag, poolSize(b, ceiling), b.senders),
    });
    return { result, cpuMs: server.cpuMs() - cpuBefore };
  };

  const baseline = await startBaseline(b, `baseline-${b.db.kind}`);
  let base: Awaited<ReturnType<typeof closed>>;
  try {
    base = await closed(baseline, `base${b.db.kind}`);
  } finally {
    await baseline.stop();
  }

  const fake = await startFakeFeishu({ rateLimit: { perReceiver: 5, perApp: 50, perAppMinute: 1000 } });
  const app = await startApp(b, `server-${b.db.kind}-1`, fake.baseUrl);
  try {
    await waitQuiet(app, 15_000, quietWindow(b));
    const idleMiB = app.rssMiB();
    const full = await closed(app, `full${b.db.kind}`);
    // Half load right after, on the same (warm) server: the tens of thousands of messages the full-load
    // run accepted are still unprocessed, and processing waits for quiet moments (src/requests-first.ts),
    // so this is the acks' latency with a backlog pending, the worst case of a real day.
    const rate = Math.max(1, Math.round(throughput(full.result).rps / 2));
    const half = await runLoad(b, {
      url: `${app.url}/feishu/events`, mode: 'rate', rate, warmupMs: s.warmupMs, durationMs: s.ackMs,
      messages: messagePlan(`half${b.db.kind}`, Math.ceil(((s.warmupMs + s.ackMs) / 1000) * rate) + 1, b.senders),
    });
    const loadedPeakMiB = app.peakMiB();
    await app.stop();
    return {
      concurrency: s.concurrency, baseline: throughput(base.result, base.cpuMs), app: throughput(full.result, full.cpuMs), half: { ...throughput(half), rate }, idleMiB, loadedPeakMiB,
      ...(s.bundled ? { bundled: await bundledRun(b, fake.baseUrl, closed) } : {}),
    };
  } finally {
    await app.stop();
    await fake.close();
  }
}

async function bundledRun(b: Bench, fakeUrl: string, closed: (server: ServerProcess, tag: string) => Promise<{ result: LoadResult; cpuMs: number }>): Promise<AckFigures['bundled']> {
  const bundle = await bundleServer();
  if ('skipped' in bundle) return bundle;
  const app = await startApp(b, `bundled-${b.db.kind}`, fakeUrl, bundle.path);
  try {
    await waitQuiet(app, 15_000, quietWindow(b));
    const idleMiB = app.rssMiB();
    const full = await closed(app, `bundled${b.db.kind}`);
    return { startMs: app.startMs, idleMiB, peakMiB: app.peakMiB(), app: throughput(full.result, full.cpuMs) };
  } finally {
    await app.stop();
  }
}
