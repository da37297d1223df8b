/**
 * 2. Burst: N distinct messages spread evenly over a few seconds, against a fake Feishu enforcing its
 * documented limits (5/s per receiver, 50/s and 1000/min per app). Every message must be acknowledged
 * within 3 s, processed, and answered exactly once; the replies must drain at no less than 95 % of the
 * rate those limits allow, without a 429.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { outbox } from '../db/schema/index.ts';
import { feishuUuid } from '../src/platforms/feishu/sender.ts';
import { startFakeFeishu, type FakeFeishu } from '../test/fakes/feishu-server.ts';
import { rowsOf } from '../db/rows.ts';
import { runLoad, SECRETS, startApp, type Bench } from './harness.ts';
import { waitQuiet } from './processes.ts';
import { quietWindow } from './ack.ts';
import { idealSpanMs, latency, type Latency } from './stats.ts';
import { messagePlan, type MessageSpec } from './traffic.ts';

export const FEISHU_LIMITS = { perReceiver: 5, perApp: 50, perAppMinute: 1000 };
export const ACK_LIMIT_MS = 3_000;

export interface BurstFigures {
  messages: number;
  overMs: number;
  ack: Latency;
  acked: number;
  lateAcks: number;
  notOk: number;
  processed: number;
  failed: number;
  /** Distinct messages answered on the fake, and replies beyond one per message. */
  answered: number;
  duplicates: number;
  misdirected: number;
  /** Send calls the fake refused (429 or other), and outbox rows that had to be retried. */
  refused: number;
  retriedRows: number;
  drainSpanMs: number;
  idealSpanMs: number;
  drainRate: number;
  limitRate: number;
  peakMiB: number;
  processMs: number;
}

const SEND_PATH = /^\/open-apis\/im\/v1\/messages(\/[^/]+\/reply)?(\?|$)/;

export async function burstBench(b: Bench): Promise<BurstFigures> {
  const s = b.settings;
  const plan = messagePlan(`burst${b.db.kind}`, s.burst, b.senders);
  await b.db.use((h) => h.db.execute(sql`truncate inbox, outbox restart identity`));

  const fake = await startFakeFeishu({ rateLimit: FEISHU_LIMITS });
  for (const m of plan) if (m.groupChat) fake.knowMessage(m.messageId, m.groupChat);
  const app = await startApp(b, `server-${b.db.kind}-2`, fake.baseUrl);
  let peakMiB = NaN;
  let processMs = NaN;
  try {
    await waitQuiet(app, 15_000, quietWindow(b));
    const t0 = performance.now();
    const load = await runLoad(b, {
      url: `${app.url}/feishu/events`, mode: 'rate', rate: (s.burst * 1000) / s.burstMs, warmupMs: 0, durationMs: s.burstMs, messages: plan,
    });
    // At least one and a half times the drain the limits allow: a larger burst on a quick run waits too.
    const drainMs = idealSpanMs(plan.length, [{ limit: FEISHU_LIMITS.perApp, windowMs: 1000 }, { limit: FEISHU_LIMITS.perAppMinute, windowMs: 60_000 }]);
    await waitForReplies(fake, plan.length, Math.max(s.quick ? 120_000 : 20 * 60_000, 1.5 * drainMs + 60_000));
    processMs = performance.now() - t0;
    peakMiB = app.peakMiB();
    await app.stop();
    return { ...(await check(b, plan, fake)), messages: plan.length, overMs: s.burstMs, ...ackFigures(load), peakMiB, processMs };
  } finally {
    await app.stop();
    await fake.close();
  }
}

function ackFigures(load: Awaited<ReturnType<typeof runLoad>>) {
  const ok = load.statuses['200'] ?? 0;
  return {
    ack: latency(load.latencies),
    acked: ok,
    lateAcks: load.latencies.filter((l) => l > ACK_LIMIT_MS).length,
    notOk: load.sent - ok,
  };
}

/** Until every message has its reply on the fake, or nothing new arrived for a minute. */
async function waitForReplies(fake: FakeFeishu, n: number, maxMs: number): Promise<void> {
  const t0 = performance.now();
  let last = -1;
  let lastChange = t0;
  for (;;) {
    const count = fake.sent().length;
    if (count >= n) return;
    const now = performance.now();
    if (count !== last) {
      last = count;
      lastChange = now;
    }
    if (now - lastChange > 60_000 || now - t0 > maxMs) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function check(b: Bench, plan: MessageSpec[], fake: FakeFeishu) {
  const byUuid = new Map(plan.map((m) => [feishuUuid(`reply:feishu:${SECRETS.tenantKey}:${m.messageId}`), m]));
  const seen = new Map<string, number>();
  let misdirected = 0;
  for (const sent of fake.sent()) {
    const m = sent.uuid ? byUuid.get(sent.uuid) : undefined;
    if (!m) continue;
    seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
    const right = m.groupChat ? sent.replyTo === m.messageId : sent.receiveId === m.openId;
    if (!right) misdirected++;
  }
  const calls = fake.calls.filter((c) => c.method === 'POST' && SEND_PATH.test(c.path)).length;
  const db = await b.db.use(async (h) => {
    const box = rowsOf<{ status: string; n: number }>(await h.db.execute(sql`select status, count(*)::int as n from inbox group by status`));
    const ids = plan.map((m) => `reply:feishu:${SECRETS.tenantKey}:${m.messageId}`);
    const [o] = rowsOf<{ first: string | null; last: string | null; retried: number; sent: number }>(await h.db.execute(sql`
      select min(sent_at)::text as first, max(sent_at)::text as last, count(*) filter (where attempts > 1)::int as retried,
        count(*) filter (where status = 'sent')::int as sent
      from ${outbox} where ${and(eq(outbox.kind, 'reply'), inArray(outbox.dedupeKey, ids))}`));
    return { box, o };
  });
  const n = plan.length;
  const drainSpanMs = db.o?.first && db.o.last ? Date.parse(db.o.last) - Date.parse(db.o.first) : NaN;
  const ideal = idealSpanMs(n, [{ limit: FEISHU_LIMITS.perApp, windowMs: 1000 }, { limit: FEISHU_LIMITS.perAppMinute, windowMs: 60_000 }]);
  const count = (status: string) => Number(db.box.find((r) => r.status === status)?.n ?? 0);
  return {
    processed: count('done') + count('failed'),
    failed: count('failed'),
    answered: seen.size,
    duplicates: [...seen.values()].reduce((a, c) => a + c - 1, 0),
    misdirected,
    refused: calls - fake.sent().length,
    retriedRows: Number(db.o?.retried ?? 0),
    drainSpanMs,
    idealSpanMs: ideal,
    drainRate: ((n - 1) * 1000) / drainSpanMs,
    limitRate: ((n - 1) * 1000) / ideal,
  };
}
