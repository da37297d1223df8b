/**
 * The sender against the fake Feishu with its sliding-window limits on, through the real Feishu sender:
 * a backlog of replies drains without a single 429 or retry. Both limits bind at once: ten recipients
 * in turn at 50/s are 5/s each. How close the drain comes to the limit is a speed figure, measured by
 * `npm run bench` (the burst's reply drain rate); here only a floor far below it guards against a
 * sender that paces far too slowly, so a loaded machine cannot fail the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb } from '../helpers/db.ts';
import type { DbHandle } from '../../db/client.ts';
import { outbox } from '../../db/schema/index.ts';
import { memoryLogger } from '../../src/log.ts';
import { enqueueMany } from '../../src/notify/outbox.ts';
import { createSender } from '../../src/notify/sender.ts';
import { createFeishuSender } from '../../src/platforms/feishu/sender.ts';
import type { PlatformSender } from '../../src/platforms/types.ts';
import { rowsOf } from '../../db/rows.ts';
import { idealSpanMs } from '../../bench/stats.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET, startFakeFeishu } from '../fakes/feishu-server.ts';
import { TZ, user } from './fixtures.ts';

const N = 300;
const RECIPIENTS = 10;
const PER_APP = 50;
const PER_RECEIVER = 5;
const SEND_PATH = /^\/open-apis\/im\/v1\/messages(\/[^/]+\/reply)?(\?|$)/;

describe('sender pacing against a rate-limited platform', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createTestDb();
  });
  afterAll(() => h.close());

  it(`drains ${N} replies to ${RECIPIENTS} people with no 429 and no retry`, async () => {
    await h.db.delete(outbox);
    const fake = await startFakeFeishu({ rateLimit: { perApp: PER_APP, perReceiver: PER_RECEIVER } });
    const log = memoryLogger();
    const feishu = createFeishuSender({
      config: { appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, verificationToken: 'vt', baseUrl: fake.baseUrl, mode: 'webhook' },
      log,
      serverKey: 'k',
    });
    // Warm the token and the connection so the clock measures sending only.
    await feishu.botOpenId();
    const now = new Date();
    await enqueueMany(
      h.db,
      [...Array(N).keys()].map((i) => ({
        recipient: user(`ou_${i % RECIPIENTS}`),
        reply: { kind: 'text' as const, text: `回复 ${i}` },
        dedupeKey: `pace:${i}`,
        kind: 'reply' as const,
      })),
      { now, tz: TZ },
    );
    // When each send completed (right after the fake counted it), in order.
    const done: number[] = [];
    const timed: PlatformSender = {
      platform: 'feishu',
      send: (items, pace = (_, request) => request()) => feishu.send(items, (carried, request) => pace(carried, async () => {
        const r = await request();
        done.push(performance.now());
        return r;
      })),
    };
    // Claims of 100 rows: each claim is a few queries in the sending loop's path, which on a busy
    // machine would measure the database rather than the pacing.
    const sender = createSender({
      db: h.db, senders: [timed], log, admins: [], pollMs: 20, batchSize: 100,
      limits: { feishu: { appPerSecond: PER_APP, recipientPerSecond: PER_RECEIVER } },
    });
    try {
      sender.start();
      const deadline = Date.now() + 14_000;
      for (;;) {
        const [c] = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from ${outbox} where status <> 'sent'`));
        if (c!.n === 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await sender.stop();
      feishu.close();
      await fake.close();
    }
    const calls = fake.calls.filter((c) => c.method === 'POST' && SEND_PATH.test(c.path)).length;
    const [o] = rowsOf<{ sent: number; retried: number }>(await h.db.execute(sql`
      select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where attempts > 1)::int as retried from ${outbox}`));
    expect(o!.sent).toBe(N);
    expect(fake.sent()).toHaveLength(N);
    expect(calls - N).toBe(0); // refused sends (429)
    expect(o!.retried).toBe(0);
    // The drain's rate is one window's worth of sends per window period: the time from each send to
    // the one a full window (PER_APP sends) later. A sender that lets its slots out late shows it in
    // every period; the median leaves out the odd period a busy machine stretches (start-up, GC).
    const times = done;
    expect(times).toHaveLength(N);
    const periods = times.slice(PER_APP).map((t, i) => t - times[i]!).sort((a, b) => a - b);
    const median = periods[Math.floor(periods.length / 2)]!;
    const ideal = idealSpanMs(N, [{ limit: PER_APP, windowMs: 1000 }]);
    const overall = ideal / (times[N - 1]! - times[0]!);
    expect(1000 / median, `window period ${median.toFixed(0)} ms (whole drain ${(overall * 100).toFixed(1)} % of the ideal ${ideal} ms)`)
      .toBeGreaterThanOrEqual(0.5);
  }, 20_000);
});
